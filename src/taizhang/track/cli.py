"""`taizhang status` and `taizhang report …`: the supervision list and progress reports."""

from __future__ import annotations

import typer

report_app = typer.Typer(help="Progress reports: add, bind targets to indicator data, Excel templates.",
                         no_args_is_help=True)
