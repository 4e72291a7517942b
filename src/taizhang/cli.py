"""The `taizhang` command: one Typer app; each area adds its own sub-commands."""

from __future__ import annotations

import sys

import typer

from taizhang.errors import InputError

app = typer.Typer(
    name="taizhang",
    help="台账: read campaign plans, measure environmental indicators, keep the ledger.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from taizhang.ledger.cli import dept_app, ledger_app
    from taizhang.monitor.cli import monitor_app, standards_app
    from taizhang.plan.cli import extract
    from taizhang.report.cli import export_app, notify_app
    from taizhang.track import workbook_cli  # noqa: F401  (adds `report template/import`)
    from taizhang.track.cli import report_app, status
    from taizhang.track.oversight_cli import assess, case_app
    from taizhang.web.cli import serve, user_app

    app.command("extract")(extract)
    app.add_typer(standards_app, name="standards")
    app.add_typer(monitor_app, name="monitor")
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(dept_app, name="dept")
    app.command("status")(status)
    app.add_typer(report_app, name="report")
    app.add_typer(case_app, name="case")
    app.command("assess")(assess)
    app.add_typer(export_app, name="export")
    app.add_typer(notify_app, name="notify")
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")


_register()


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        app()
    except InputError as e:
        print(f"taizhang: {e.line()}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
