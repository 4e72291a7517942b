"""`taizhang report template` and `taizhang report import`: progress by Excel workbook."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, actor, open_db, parse_date
from taizhang.track.cli import report_app


def _fail(e: InputError) -> typer.Exit:
    print(f"taizhang: {e.line()}", file=sys.stderr)
    return typer.Exit(2)


def _default_name(dept: str, as_of: dt.date) -> Path:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", dept)
    return Path(f"进度填报_{safe}_{as_of.isoformat()}.xlsx")


@report_app.command("template")
def template(
    dept: Annotated[str, typer.Option("--dept", help="The department (its name or any alias).")],
    out: Annotated[Path | None, typer.Option("--out", help="The workbook to write "
                                             "(default: 进度填报_<department>_<date>.xlsx here).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The reporting date prefilled in 截至日期 "
                                              "(YYYY-MM-DD; default today).")] = None,
    db: DbOption = None,
) -> None:
    """Write a department's progress workbook: a row per task and target, only the report columns editable."""
    from taizhang.ledger.departments import find
    from taizhang.track.workbook import write_template

    try:
        day = parse_date(as_of)
        lg = open_db(db)
        with lg.session(write=False) as s:
            found = find(s, dept)
            path = out or _default_name(found.name if found else dept, day)
            n = write_template(s, dept, path, as_of=day)
    except InputError as e:
        raise _fail(e) from None
    print(f"{path}: {n} rows for {found.name if found else dept}")


@report_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A filled workbook made by `taizhang report template`.")],
    dept: Annotated[str | None, typer.Option("--dept", help="The department the reports are filed for (its "
                                             "name or any alias): required, and the workbook must be "
                                             "made for it.")] = None,
    partial: Annotated[bool, typer.Option("--partial", help="Store the good rows even if other rows "
                                          "have errors.")] = False,
    reporter: Annotated[str | None, typer.Option("--reporter", help="Who reports (default: $TAIZHANG_USER "
                                                 "or the login name); the 填报人 column is not used.")] = None,
    db: DbOption = None,
) -> None:
    """Read a filled workbook back for a department: one report per filled row, idempotent; any bad row
    stores nothing (unless --partial), and every error is listed with its row number."""
    from taizhang.track.workbook import import_workbook, need_department

    try:
        if not dept:
            raise InputError("--dept", "请用 --dept 指明为哪个部门导入（工作簿中记载的部门不作为依据）")
        lg = open_db(db)
        with lg.session(actor()) as s:
            summary = import_workbook(s, file, department=need_department(s, dept), reporter=reporter or actor(),
                                      partial=partial)
    except InputError as e:
        raise _fail(e) from None
    for line in summary.error_lines():
        print(f"taizhang: {line}", file=sys.stderr)
    if summary.errors and not partial:
        print(f"taizhang: {file}: {summary.line()}", file=sys.stderr)
        raise typer.Exit(2)
    print(f"{file}: {summary.department}: {summary.line()}")
