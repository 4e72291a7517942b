"""Progress by Excel: the department workbook, filled as a user would, read back into reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from taizhang.errors import InputError
from taizhang.ledger.models import Assignment, Department, Evidence, ProgressReport, Target, Task
from taizhang.track.reports import verify_evidence
from taizhang.track.workbook import COL, META_SHEET, SHEET, import_workbook, write_template

AS_OF = dt.date(2024, 6, 30)
REPORTER = "默认填报人"


@pytest.fixture(scope="module")
def seed_plan(shared: Path):  # type: ignore[no-untyped-def]
    """The 004 seed plan, parsed once for the module."""
    from taizhang.ledger.cli import load_plan

    path = sorted((shared / "seeds").glob("004_*.txt"))[0]
    doc, cites = load_plan(path)
    return path.name, doc, cites


@pytest.fixture
def loaded(ledger, seed_plan):  # type: ignore[no-untyped-def]
    """The ledger with the seed imported, and the department with the most tasks that also has targets."""
    from taizhang.ledger.importer import import_plan

    name, doc, cites = seed_plan
    with ledger.session() as s:
        import_plan(s, doc, source=name, cites=cites)
    with ledger.session(write=False) as s:
        with_targets = select(Target.task_id).where(Target.task_id.is_not(None))
        q = (select(Department.name, func.count(func.distinct(Assignment.task_id)))
             .join(Assignment, Assignment.department_id == Department.id)
             .where(Assignment.task_id.in_(with_targets))
             .group_by(Department.name).order_by(func.count(func.distinct(Assignment.task_id)).desc(),
                                                 Department.name))
        dept, n = s.execute(q).first()
    assert n >= 3
    return ledger, dept


def _rows(path: Path) -> dict[str, int]:
    """Key column → Excel row number."""
    ws = load_workbook(path)[SHEET]
    return {ws.cell(row=r, column=COL["键"]).value: r for r in range(2, ws.max_row + 1)}


def _fill(path: Path, cells: dict[tuple[int, str], object], *, formats: dict[tuple[int, str], str] | None = None):
    """Type into the workbook as a user would (openpyxl keeps the protection and validation)."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    for (r, col), v in cells.items():
        ws.cell(row=r, column=COL[col], value=v)
    for (r, col), fmt in (formats or {}).items():
        ws.cell(row=r, column=COL[col]).number_format = fmt
    wb.save(path)


def _template(ledger, dept: str, path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        n = write_template(s, dept, path, as_of=AS_OF)
    rows = _rows(path)
    assert n == len(rows)
    return rows


def _import(ledger, path: Path, dept: str | None = None, **kw):  # type: ignore[no-untyped-def]
    """Import for the workbook's own department (or `dept`), filed by REPORTER unless told otherwise."""
    with ledger.session("tester") as s:
        if dept is None:
            try:
                meta = dict(load_workbook(path)[META_SHEET].iter_rows(values_only=True))
            except Exception:  # not our workbook: the import itself says why
                meta = {}
            d = s.get(Department, meta.get("department_id") or 0) or s.scalar(select(Department).limit(1))
        else:
            d = s.scalar(select(Department).where(Department.name == dept))
        kw.setdefault("reporter", REPORTER)
        return import_workbook(s, path, department=d, **kw)


def _count(ledger) -> int:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(ProgressReport))


def _keys(rows: dict[str, int], kind: str) -> list[str]:
    return [k for k in rows if k.startswith(kind + ":")]


def test_template_rows_are_the_departments_tasks_and_their_targets(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    rows = _template(ledger, dept, tmp_path / "t.xlsx")
    with ledger.session(write=False) as s:
        d = s.scalar(select(Department).where(Department.name == dept))
        tasks = set(s.scalars(select(Assignment.task_id).where(Assignment.department_id == d.id)))
        live = {t for t in tasks if not s.get(Task, t).removed}
        targets = set(s.scalars(select(Target.id).where(Target.task_id.in_(live), ~Target.removed)))
    assert {int(k[5:]) for k in _keys(rows, "task")} == live
    assert {int(k[7:]) for k in _keys(rows, "target")} == targets
    ws = load_workbook(tmp_path / "t.xlsx")[SHEET]
    for key, r in rows.items():
        kind, ident = key.split(":")
        assert ws.cell(row=r, column=COL["类型"]).value == {"task": "任务", "target": "指标"}[kind]
        assert ws.cell(row=r, column=COL["编号"]).value == int(ident)
        assert ws.cell(row=r, column=COL["职责"]).value.strip("牵头配合落实、") == ""
        assert ws.cell(row=r, column=COL["截至日期"]).value.date() == AS_OF
        if kind == "target":
            assert ws.cell(row=r, column=COL["目标值"]).value[0] in "≥≤=<>"
    first_target = _keys(rows, "target")[0]
    assert rows[first_target] > min(rows.values())  # a target follows its task


def test_round_trip_is_idempotent(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    path = tmp_path / "t.xlsx"
    rows = _template(ledger, dept, path)
    t1, t2 = _keys(rows, "task")[:2]
    g1, g2 = _keys(rows, "target")[:2]
    _fill(path, {
        (rows[t1], "完成百分比(%)"): 50, (rows[t1], "进展情况"): "已完成方案编制", (rows[t1], "填报人"): "张三",
        (rows[t2], "完成百分比(%)"): 0.85, (rows[t2], "填报人"): "李四", (rows[t2], "截至日期"): "2024/5/31",
        (rows[g1], "数值"): "1,234.5", (rows[g1], "填报人"): "王五",
        (rows[g2], "进展情况"): "监测中", (rows[g2], "截至日期"): "2024年3月1日",
    }, formats={(rows[t2], "完成百分比(%)"): "0%"})
    summary = _import(ledger, path)
    assert summary.errors == []
    assert (summary.stored, summary.already) == (4, 0)
    assert summary.skipped == len(rows) - 4
    assert summary.line() == "4 reports stored, 0 already stored, 0 errors"
    with ledger.session(write=False) as s:
        d = s.scalar(select(Department).where(Department.name == dept))
        got = {(f"task:{r.task_id}" if r.task_id else f"target:{r.target_id}"): r
               for r in s.scalars(select(ProgressReport))}
    assert set(got) == {t1, t2, g1, g2}
    assert all(r.department_id == d.id for r in got.values())
    assert (got[t1].percent, got[t1].narrative, got[t1].reporter, got[t1].as_of) == (
        Decimal(50), "已完成方案编制", REPORTER, AS_OF)  # the importer, not the 填报人 column
    assert (got[t2].percent, got[t2].as_of) == (Decimal(85), dt.date(2024, 5, 31))
    assert got[g1].value == Decimal("1234.5") and got[g1].percent is None
    assert (got[g2].reporter, got[g2].as_of, got[g2].value) == ("默认填报人", dt.date(2024, 3, 1), None)

    again = _import(ledger, path)
    assert (again.stored, again.already, again.errors) == (0, 4, [])
    assert _count(ledger) == 4

    # The next template shows the latest report of each row.
    rows2 = _template(ledger, dept, tmp_path / "next.xlsx")
    ws = load_workbook(tmp_path / "next.xlsx")[SHEET]
    assert ws.cell(row=rows2[t1], column=COL["上次填报"]).value == "50%（2024-06-30）"
    assert ws.cell(row=rows2[g1], column=COL["上次填报"]).value == "1234.5（2024-06-30）"


def test_row_errors_store_nothing_and_partial_stores_the_good_rows(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    path = tmp_path / "t.xlsx"
    rows = _template(ledger, dept, path)
    tasks, targets = _keys(rows, "task"), _keys(rows, "target")
    with ledger.session() as s:
        d = s.scalar(select(Department).where(Department.name == dept))
        mine = {a.task_id for a in s.scalars(select(Assignment).where(Assignment.department_id == d.id))}
        foreign = s.scalar(select(Task.id).where(Task.id.not_in(mine)).order_by(Task.id))
        s.get(Task, int(tasks[6][5:])).removed = True  # removed from the plan after the template was made
    good_task, good_target = tasks[0], targets[0]
    cells: dict[tuple[int, str], object] = {
        (rows[good_task], "完成百分比(%)"): 30, (rows[good_target], "数值"): 7,
        (rows[tasks[1]], "完成百分比(%)"): 150,                                       # out of range
        (rows[tasks[2]], "完成百分比(%)"): 10, (rows[tasks[2]], "截至日期"): "上个月",  # bad date
        (rows[targets[1]], "数值"): "约十个",                                          # not a number
        (rows[tasks[3]], "数值"): 3,                                                  # value on a task
        (rows[tasks[4]], "进展情况"): "推进中", (rows[tasks[4]], "键"): f"task:{foreign}",
        (rows[tasks[5]], "进展情况"): "推进中", (rows[tasks[5]], "键"): "task:999999",
        (rows[tasks[6]], "进展情况"): "推进中",                                        # removed task
        (rows[tasks[7]], "进展情况"): "推进中", (rows[tasks[7]], "键"): "任务12",       # tampered key
    }
    _fill(path, cells)
    wb = load_workbook(path)  # the reporter column is empty on every row: give it on one line only
    for r in (rows[good_task], rows[good_target]):
        wb[SHEET].cell(row=r, column=COL["填报人"], value="赵六")
    wb[SHEET].cell(row=rows[tasks[4]], column=COL["编号"], value=foreign)
    wb[SHEET].cell(row=rows[tasks[5]], column=COL["编号"], value=999999)
    wb[SHEET].cell(row=rows[tasks[8]], column=COL["完成百分比(%)"], value=5)  # no 填报人: the importer's
    wb.save(path)

    summary = _import(ledger, path)
    bad = {rows[k]: k for k in tasks[1:8] + targets[1:2]}
    assert [e.row for e in summary.errors] == sorted(bad)
    reasons = {e.row: e.reason for e in summary.errors}
    assert "0 到 100 之间" in reasons[rows[tasks[1]]]
    assert "not a date" in reasons[rows[tasks[2]]]
    assert "not a number" in reasons[rows[targets[1]]]
    assert "任务按完成百分比填报" in reasons[rows[tasks[3]]]
    assert f"不由「{dept}」承担" in reasons[rows[tasks[4]]]
    assert "no task with id 999999" in reasons[rows[tasks[5]]]
    assert "removed" in reasons[rows[tasks[6]]]
    assert "key" in reasons[rows[tasks[7]]]
    assert (summary.stored, summary.line()) == (0, "nothing stored: 8 errors")
    assert summary.error_lines()[0] == f"{path}: row {min(bad)}: {reasons[min(bad)]}"
    assert _count(ledger) == 0

    partial = _import(ledger, path, partial=True)
    assert (partial.stored, len(partial.errors)) == (3, 8)
    assert partial.line() == "3 reports stored, 0 already stored, 8 errors"
    assert _count(ledger) == 3
    assert _import(ledger, path, partial=True).stored == 0


def test_evidence_files_beside_the_workbook(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    path = tmp_path / "t.xlsx"
    rows = _template(ledger, dept, path)
    t1, t2, t3 = _keys(rows, "task")[:3]
    (tmp_path / "现场照片.jpg").write_bytes(b"\xff\xd8photo")
    (tmp_path / "验收报告.pdf").write_bytes(b"%PDF-1.4 report")
    (tmp_path.parent / "outside.txt").write_text("secret")
    _fill(path, {
        (rows[t1], "完成百分比(%)"): 60, (rows[t1], "佐证材料"): "现场照片.jpg；验收报告.pdf",
        (rows[t2], "完成百分比(%)"): 10, (rows[t2], "佐证材料"): "没有这个文件.doc",
        (rows[t3], "完成百分比(%)"): 10, (rows[t3], "佐证材料"): "../outside.txt",
    })
    summary = _import(ledger, path, reporter="孙八")
    assert [e.row for e in summary.errors] == [rows[t2], rows[t3]]
    assert "no file" in summary.errors[0].reason and "folder" in summary.errors[1].reason
    assert _import(ledger, path, reporter="孙八", partial=True).stored == 1
    with ledger.session(write=False) as s:
        ev = sorted(s.scalars(select(Evidence)).all(), key=lambda e: e.filename.encode())
        assert [(e.filename, e.size) for e in ev] == [("现场照片.jpg", 7), ("验收报告.pdf", 15)]
        assert all(verify_evidence(e) for e in ev) and ev[1].media_type == "application/pdf"
    (tmp_path / "验收报告.pdf").write_bytes(b"%PDF-1.4 revised report")  # new evidence: a new report
    assert _import(ledger, path, reporter="孙八", partial=True).stored == 1
    assert _import(ledger, path, reporter="孙八", partial=True).stored == 0


def test_locked_columns_validation_and_metadata(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    path = tmp_path / "t.xlsx"
    rows = _template(ledger, dept, path)
    wb = load_workbook(path)
    ws = wb[SHEET]
    assert ws.protection.sheet is True
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions[get_column_letter(COL["键"])].hidden
    assert not ws.column_dimensions[get_column_letter(COL["填报人"])].hidden
    editable = {"截至日期", "完成百分比(%)", "进展情况", "填报人", "佐证材料"}
    for key, r in rows.items():
        for name, c in COL.items():
            locked = ws.cell(row=r, column=c).protection.locked
            unlocked = name in editable or (name == "数值" and key.startswith("target:"))
            assert locked is not unlocked, (key, name)
    ranges = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    pct = next(dv for ref, dv in ranges.items() if ref.startswith("K2:"))
    assert (pct.type, pct.formula1, pct.formula2) == ("decimal", "0", "100")
    assert any(dv.type == "date" and ref.startswith("I2:") for ref, dv in ranges.items())
    assert wb[META_SHEET].sheet_state == "veryHidden"
    meta = {k: v for k, v in wb[META_SHEET].iter_rows(values_only=True)}
    with ledger.session(write=False) as s:
        assert meta["department_id"] == s.scalar(select(Department.id).where(Department.name == dept))
    assert meta["format"] == "taizhang-progress-workbook" and meta["as_of"] == AS_OF.isoformat()
    assert "说明" in wb.sheetnames
    assert not list(tmp_path.glob(".*tmp"))  # the temporary file was renamed into place


def test_files_that_are_not_our_workbook(loaded, tmp_path: Path) -> None:
    ledger, dept = loaded
    text = tmp_path / "notes.xlsx"
    text.write_text("这不是表格", encoding="utf-8")
    with pytest.raises(InputError) as e:
        _import(ledger, text)
    assert e.value.path == str(text) and "not an Excel" in e.value.problem
    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(InputError, match="not a taizhang progress workbook"):
        _import(ledger, other)
    path = tmp_path / "t.xlsx"
    _template(ledger, dept, path)
    wb = load_workbook(path)
    del wb[SHEET]
    wb.save(path)
    with pytest.raises(InputError, match=f"no sheet named {SHEET}"):
        _import(ledger, path)
    with pytest.raises(InputError, match="no such file"):
        _import(ledger, tmp_path / "missing.xlsx")
    with ledger.session(write=False) as s, pytest.raises(InputError, match="no such department"):
        write_template(s, "不存在的局", tmp_path / "x.xlsx")


def test_cli_template_and_import(loaded, ledger_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from taizhang.cli import app

    ledger, dept = loaded
    runner = CliRunner()
    out = tmp_path / "填报.xlsx"
    r = runner.invoke(app, ["report", "template", "--dept", dept, "--out", str(out), "--as-of", "2024-06-30",
                            "--db", ledger_url])
    assert r.exit_code == 0, r.output
    rows = _rows(out)
    assert f"{len(rows)} rows" in r.stdout
    t1, t2 = _keys(rows, "task")[:2]
    _fill(out, {(rows[t1], "完成百分比(%)"): 40, (rows[t2], "完成百分比(%)"): 101})
    r = runner.invoke(app, ["report", "import", str(out), "--dept", dept, "--reporter", "钱七", "--db", ledger_url])
    assert r.exit_code == 2
    assert f"taizhang: {out}: row {rows[t2]}: " in r.stderr
    assert _count(ledger) == 0
    _fill(out, {(rows[t2], "完成百分比(%)"): 100})
    r = runner.invoke(app, ["report", "import", str(out), "--dept", dept, "--reporter", "钱七", "--db", ledger_url])
    assert r.exit_code == 0, r.output
    assert "2 reports stored, 0 already stored, 0 errors" in r.stdout
    r = runner.invoke(app, ["report", "import", str(out), "--dept", dept, "--reporter", "钱七", "--db", ledger_url])
    assert "0 reports stored, 2 already stored, 0 errors" in r.stdout
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n")
    r = runner.invoke(app, ["report", "import", str(bad), "--dept", dept, "--db", ledger_url])
    assert r.exit_code == 2 and r.stderr.strip() == f"taizhang: {bad}: not an Excel .xlsx workbook"


def test_an_as_of_date_after_today_is_refused_even_when_the_template_was_made_ahead(loaded, tmp_path: Path) -> None:
    """One date rule for every entry path (track/inputs.toml): a template made ahead for the month's end
    prefills that date, and rows keeping it are refused until the day has come."""
    ledger, dept = loaded
    path = tmp_path / "t.xlsx"
    month_end = dt.date.today() + dt.timedelta(days=20)
    with ledger.session(write=False) as s:
        write_template(s, dept, path, as_of=month_end)
    rows = _rows(path)
    t1, t2 = _keys(rows, "task")[:2]
    _fill(path, {(rows[t1], "完成百分比(%)"): 20, (rows[t1], "截至日期"): dt.date.today(),
                 (rows[t2], "完成百分比(%)"): 20})
    summary = _import(ledger, path)
    assert [(e.row, "将来" in e.reason) for e in summary.errors] == [(rows[t2], True)]
    assert _import(ledger, path, partial=True).stored == 1
    with ledger.session(write=False) as s:
        assert s.scalar(select(ProgressReport.as_of)) == dt.date.today()
