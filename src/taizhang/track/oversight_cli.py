"""`taizhang case …` and `taizhang assess`: supervision cases and the yearly assessment."""

from __future__ import annotations

import typer

case_app = typer.Typer(help="Supervision cases (督办): 交办 → 整改中 → 待验收 → 销号.", no_args_is_help=True)
