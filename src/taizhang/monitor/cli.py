"""`taizhang standards …` and `taizhang monitor …` sub-commands."""

from __future__ import annotations

import typer

from taizhang.monitor.standards.verify import verify

standards_app = typer.Typer(help="国家标准: run test vectors against the standards implementation.", no_args_is_help=True)
standards_app.command("verify")(verify)
monitor_app = typer.Typer(help="监测数据: load monitoring data and compute indicators.", no_args_is_help=True)

from taizhang.monitor.engine.cli import register as _register_engine  # noqa: E402

_register_engine(monitor_app)
