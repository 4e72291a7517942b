"""`taizhang export …`: the Excel ledger and the monthly bulletin (Word or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, open_db

export_app = typer.Typer(help="Exports: the Excel ledger and the monthly 调度通报 (Word or PDF).",
                         no_args_is_help=True)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
FORMATS = ("docx", "pdf")


@export_app.command("ledger")
def export_ledger(
    out: OutOption,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Status as of (YYYY-MM-DD); default today.")] = None,
    db: DbOption = None,
) -> None:
    """The ledger as an Excel workbook: sheets 任务, 指标, 责任单位, 进度."""
    from taizhang.report.ledger_xlsx import write_ledger
    from taizhang.track.oversight_cli import parse_date

    if out.suffix.lower() != ".xlsx":
        raise InputError(out, "the ledger is written as .xlsx")
    day = parse_date(as_of)
    lg = open_db(db)
    with lg.session(write=False) as s:
        write_ledger(s, out, day)
    print(f"{out}: ledger as of {day}")


@export_app.command("bulletin")
def export_bulletin(
    out: OutOption,
    month: Annotated[str, typer.Option("--month", help="The month (YYYY-MM), or a date (YYYY-MM-DD) for the "
                                                     "month up to that day.")],
    fmt: Annotated[str | None, typer.Option("--format", help="docx or pdf (default: from --out).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The bulletin's title.")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Issue line, e.g. 2024年第5期.")] = None,
    db: DbOption = None,
) -> None:
    """The monthly 调度通报: summary, red and yellow lists, departments, charts."""
    from taizhang.report.bulletin import DEFAULT_TITLE, build_bulletin

    kind = (fmt or out.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise InputError(out, f"unknown bulletin format {kind!r}; give --format docx or pdf")
    lg = open_db(db)
    with lg.session(write=False) as s:
        b = build_bulletin(s, month, title=title or DEFAULT_TITLE, issue=issue)
    if kind == "docx":
        from taizhang.report.bulletin_docx import write_docx

        write_docx(b, out)
    else:
        from taizhang.report.bulletin_pdf import write_pdf

        write_pdf(b, out)
    print(f"{out}: {b.title} {b.issue} — {len(b.red)} red, {len(b.yellow)} yellow, "
          f"{len(b.departments)} departments")
