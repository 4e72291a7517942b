"""Progress by Excel: a department's fill-in workbook, and reading it back into progress reports.

`write_template` writes one sheet 进度填报 with a row per live task the department is assigned to (牵头,
配合 or 落实) and a row per live target of those tasks. The descriptive columns and a hidden key column
("task:12" / "target:34") are locked by sheet protection; only the reporting columns (截至日期, 数值,
完成百分比, 进展情况, 填报人) are editable, with data validation. A very hidden sheet carries the metadata
(format, template version, department id, generation date); a 说明 sheet tells the user how to fill it.

`import_workbook` reads a filled workbook back for the department and the reporter its caller names —
the signed-in user's department and name, or the department the bureau says it imports for; never the
department in the workbook's metadata nor the 填报人 column. A workbook made for another department is
refused on every filled row, as is a row on a task the department is not assigned. Every row is checked
first, with the one report rule of `track/inputs.py`; each filled row becomes one report through
`add_report` with a uid derived from its content, so importing the same file twice stores nothing new.
If any row is wrong nothing is stored (unless `partial`), and every error is listed with its Excel row
number. Rows with no value, percent or narrative are skipped. Evidence files named in the 佐证材料
column are read from the workbook's own folder and stored with their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.files import write_atomic
from taizhang.ledger import departments
from taizhang.ledger.models import Assignment, Department, Plan, ProgressReport, Target, Task
from taizhang.track.inputs import check_report
from taizhang.track.reports import MAX_EVIDENCE_BYTES, EvidenceFile, add_report, content_uid

FORMAT = "taizhang-progress-workbook"
VERSION = "1"
SHEET = "进度填报"
HELP_SHEET = "说明"
META_SHEET = "_taizhang"
ROLE_ZH = {"lead": "牵头", "support": "配合", "implementer": "落实"}
KIND_ZH = {"task": "任务", "target": "指标"}
OP_ZH = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}

# (header, width, editable): the order of the columns in the sheet. The key column is hidden.
COLUMNS: list[tuple[str, int, bool]] = [
    ("类型", 6, False),
    ("编号", 8, False),
    ("规划", 24, False),
    ("职责", 8, False),
    ("任务/指标", 60, False),
    ("目标值", 14, False),
    ("截止日期", 12, False),
    ("上次填报", 24, False),
    ("截至日期", 12, True),
    ("数值", 12, True),
    ("完成百分比(%)", 14, True),
    ("进展情况", 50, True),
    ("填报人", 10, True),
    ("佐证材料", 24, True),
    ("键", 14, False),
]
COL = {name: i + 1 for i, (name, _w, _e) in enumerate(COLUMNS)}

HELP_TEXT = [
    "进度填报表填写说明",
    "",
    "1. 本表由 taizhang 为一个责任单位生成：每行是本单位牵头、配合或落实的一项任务，或该任务下的一项指标。",
    "2. 只填写白色单元格：截至日期、数值、完成百分比(%)、进展情况、填报人。灰色列（类型、编号、任务、目标值等）已锁定，请勿修改。",
    "3. 截至日期：进展所对应的日期（如 2024-06-30），已预填为生成表格时的填报日期，可修改。",
    "4. 数值：指标的当前实际值（单位同目标值），只在“指标”行填写；“任务”行填写完成百分比。",
    "5. 完成百分比(%)：0 到 100 之间的数字，例如 85 表示完成 85%。",
    "6. 进展情况：简要说明工作进展、存在问题和下一步措施。",
    "7. 填报人：仅供本单位内部记录；导入时以导入人的账号（命令行为 --reporter，默认为登录名）作为填报人。",
    "8. 佐证材料（可选）：与本表放在同一文件夹中的文件名，多个文件用分号（；）分隔，如 现场照片.jpg；验收报告.pdf。"
    "导入时文件连同校验值（SHA-256）一并保存。",
    "9. 数值、完成百分比和进展情况都为空的行视为本期未填报，导入时跳过。",
    "10. 导入：在部门工作台上传，或 taizhang report import 文件.xlsx --dept 单位。本表只能由本单位导入；"
    "截至日期不能晚于导入当天。有任一行出错时不保存任何内容，并逐行列出错误（行号即 Excel 行号）；"
    "加 --partial 则保存正确的行、列出错误的行。重复导入同一文件不会重复保存。",
    "11. 请勿增删列、改动工作表名称或隐藏的“键”列；需要新模板时重新运行 taizhang report template --dept 单位。",
]


# ---- writing the template ---------------------------------------------------------------------------

@dataclass
class _Row:
    kind: str  # task | target
    id: int
    plan: str
    roles: str
    text: str
    goal: str
    deadline: dt.date | None
    last: str


def _num(d: Decimal | None) -> str:
    if d is None:
        return ""
    return f"{d.normalize():f}"


def _goal(t: Target) -> str:
    return f"{OP_ZH.get(t.op, t.op)} {_num(t.value)}{(' ' + t.unit) if t.unit else ''}".strip()


def _last_reports(session: Session, dept_id: int) -> dict[str, ProgressReport]:
    latest: dict[str, ProgressReport] = {}
    q = select(ProgressReport).where(ProgressReport.department_id == dept_id).order_by(
        ProgressReport.as_of, ProgressReport.id)
    for r in session.scalars(q):
        latest[f"task:{r.task_id}" if r.task_id else f"target:{r.target_id}"] = r
    return latest


def _last_text(r: ProgressReport | None) -> str:
    if r is None:
        return ""
    parts = []
    if r.value is not None:
        parts.append(_num(r.value))
    if r.percent is not None:
        parts.append(f"{_num(r.percent)}%")
    return f"{' / '.join(parts) or '文字进展'}（{r.as_of.isoformat()}）"


def department_rows(session: Session, dept: Department) -> list[_Row]:
    """The department's live tasks (by plan and position), each followed by its live targets."""
    q = (select(Task, Assignment.role, Plan.title, Plan.key)
         .join(Assignment, Assignment.task_id == Task.id)
         .join(Plan, Plan.id == Task.plan_id)
         .where(Assignment.department_id == dept.id, ~Task.removed)
         .order_by(Task.plan_id, Task.position, Task.id))
    tasks: dict[int, tuple[Task, list[str], str]] = {}
    for task, role, title, key in session.execute(q):
        entry = tasks.setdefault(task.id, (task, [], title or key))
        if ROLE_ZH[role] not in entry[1]:
            entry[1].append(ROLE_ZH[role])
    targets: dict[int, list[Target]] = {}
    if tasks:
        tq = select(Target).where(Target.task_id.in_(list(tasks)), ~Target.removed).order_by(
            Target.position, Target.id)
        for t in session.scalars(tq):
            targets.setdefault(t.task_id or 0, []).append(t)
    last = _last_reports(session, dept.id)
    rows = []
    for task, roles, plan in tasks.values():
        role_text = "、".join(sorted(roles, key=list(ROLE_ZH.values()).index))
        rows.append(_Row("task", task.id, plan, role_text, task.text, "", task.deadline,
                         _last_text(last.get(f"task:{task.id}"))))
        for t in targets.get(task.id, []):
            text = t.text if not t.scope or t.scope in t.text else f"{t.text}（{t.scope}）"
            rows.append(_Row("target", t.id, plan, role_text, text, _goal(t), t.deadline,
                             _last_text(last.get(f"target:{t.id}"))))
    return rows


def need_department(session: Session, dept: str) -> Department:
    found = departments.find(session, dept)
    if found is None:
        raise InputError(dept, "no such department in the registry (see `taizhang dept list`)")
    return found


def write_template(session: Session, dept: str, path: str | Path, *, as_of: dt.date | None = None) -> int:
    """Write the department's fill-in workbook to `path` (atomically). Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    department = need_department(session, dept)
    rows = department_rows(session, department)
    if not rows:
        raise InputError(dept, f"department {department.name!r} is assigned no live task: nothing to fill in")
    as_of = as_of or dt.date.today()

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    grey = PatternFill("solid", fgColor="EDEDED")
    head = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    for name, width, _e in COLUMNS:
        c = ws.cell(row=1, column=COL[name], value=name)
        c.font = Font(bold=True)
        c.fill = head
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(COL[name])].width = width
    ws.column_dimensions[get_column_letter(COL["键"])].hidden = True

    for r, row in enumerate(rows, start=2):
        values: dict[str, Any] = {
            "类型": KIND_ZH[row.kind], "编号": row.id, "规划": row.plan, "职责": row.roles, "任务/指标": row.text,
            "目标值": row.goal, "截止日期": row.deadline, "上次填报": row.last, "截至日期": as_of,
            "键": f"{row.kind}:{row.id}",
        }
        for name, _w, editable in COLUMNS:
            c = ws.cell(row=r, column=COL[name], value=values.get(name))
            c.alignment = wrap
            if name in ("截止日期", "截至日期"):
                c.number_format = "yyyy-mm-dd"
            # A task is measured by its percent done, not by a value: its 数值 cell stays locked.
            if editable and not (name == "数值" and row.kind == "task"):
                c.protection = unlocked
            else:
                c.fill = grey
    last_row = len(rows) + 1

    def _range(name: str) -> str:
        letter = get_column_letter(COL[name])
        return f"{letter}2:{letter}{last_row}"

    pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                         showErrorMessage=True, errorTitle="完成百分比", error="请填写 0 到 100 之间的数字")
    val = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                         allow_blank=True, showErrorMessage=True, errorTitle="数值", error="请填写数字")
    day = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                         allow_blank=True, showErrorMessage=True, errorTitle="截至日期",
                         error="请填写日期，如 2024-06-30")
    for dv, name in ((pct, "完成百分比(%)"), (val, "数值"), (day, "截至日期")):
        ws.add_data_validation(dv)
        dv.add(_range(name))

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS) - 1)}{last_row}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed, and the list filtered
    ws.protection.formatRows = False
    ws.protection.autoFilter = False

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 110
    for i, line in enumerate(HELP_TEXT, start=1):
        c = help_ws.cell(row=i, column=1, value=line)
        c.alignment = Alignment(wrap_text=True)
        if i == 1:
            c.font = Font(bold=True, size=14)
    help_ws.cell(row=len(HELP_TEXT) + 2, column=1, value=f"责任单位：{department.name}    填报日期：{as_of.isoformat()}")
    help_ws.protection.sheet = True

    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate((
        ("format", FORMAT), ("version", VERSION), ("department_id", department.id),
        ("department", department.name), ("generated", dt.date.today().isoformat()), ("as_of", as_of.isoformat()),
        ("rows", len(rows)),
    ), start=1):
        meta.cell(row=i, column=1, value=k)
        meta.cell(row=i, column=2, value=v)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 0

    write_atomic(path, wb.save)
    return len(rows)


# ---- reading it back --------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int
    reason: str


@dataclass
class ImportSummary:
    path: str
    department: str
    stored: int = 0
    already: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    partial: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def line(self) -> str:
        if self.errors and not self.partial:
            return f"nothing stored: {len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        return f"{self.stored} reports stored, {self.already} already stored, {len(self.errors)} errors"

    def error_lines(self) -> list[str]:
        return [f"{self.path}: row {e.row}: {e.reason}" for e in self.errors]


@dataclass
class _Parsed:
    row: int
    key: str
    kind: str
    id: int
    as_of: dt.date
    value: Decimal | None
    percent: Decimal | None
    narrative: str
    reporter: str
    evidence: list[Path]


class _RowProblem(Exception):
    pass


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFKC", str(v)).strip()


def _blank(v: object) -> bool:
    return _text(v) == ""


def _parse_number(v: object, what: str, *, percent_format: bool = False) -> Decimal | None:
    if _blank(v):
        return None
    if isinstance(v, bool):
        raise _RowProblem(f"{what}: not a number: {v!r}")
    if isinstance(v, int | float | Decimal):
        d = Decimal(str(v))
        if percent_format:  # the user typed 85% in Excel: the cell holds 0.85
            d *= 100
    else:
        s = _text(v).replace(",", "").replace(" ", "")
        if what == "完成百分比(%)":
            s = s.rstrip("%")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise _RowProblem(f"{what}: not a number: {_text(v)!r}") from None
    if not d.is_finite():
        raise _RowProblem(f"{what}: not a finite number: {_text(v)!r}")
    return d


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _parse_date(v: object) -> dt.date:
    from openpyxl.utils.datetime import from_excel

    if _blank(v):
        raise _RowProblem("截至日期 (as-of date) is empty")
    if isinstance(v, dt.datetime):
        d = v.date()
    elif isinstance(v, dt.date):
        d = v
    elif isinstance(v, int | float) and not isinstance(v, bool):
        if not 36526 <= v <= 73415:  # 2000-01-01 … 2100-12-31 as Excel serial numbers
            raise _RowProblem(f"截至日期: not a date: {v!r}")
        d = from_excel(v).date()
    else:
        s = _text(v)
        m = _DATE_RE.match(s) or re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
        if not m:
            raise _RowProblem(f"截至日期: not a date: {s!r} (write it as 2024-06-30)")
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _RowProblem(f"截至日期: no such date: {s!r}") from None
    return d  # its range is the report rule's (track/inputs.py)


def _canon(d: Decimal | None) -> str:
    return "" if d is None else _num(d)


def _open(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.exists():
        raise InputError(path, "no such file")
    if path.suffix.lower() == ".xls":
        raise InputError(path, "an old .xls workbook: open it in Excel or WPS and save it as .xlsx")
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, InvalidFileException):
        raise InputError(path, "not an Excel .xlsx workbook") from None


def _metadata(path: Path, wb: Any) -> dict[str, str]:
    if META_SHEET not in wb.sheetnames:
        raise InputError(path, "not a taizhang progress workbook (no template metadata): "
                               "make one with `taizhang report template --dept …`")
    meta = {_text(k): _text(v) for k, v, *_ in wb[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)}
    if meta.get("format") != FORMAT:
        raise InputError(path, "not a taizhang progress workbook (unknown format in its metadata)")
    if meta.get("version") != VERSION:
        raise InputError(path, f"template version {meta.get('version')!r} is not supported (expected {VERSION}): "
                               "make a new one with `taizhang report template`")
    if SHEET not in wb.sheetnames:
        raise InputError(path, f"no sheet named {SHEET}")
    return meta


def _columns(path: Path, ws: Any) -> dict[str, int]:
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    where = {_text(h): i for i, h in enumerate(header) if not _blank(h)}
    missing = [name for name, _w, _e in COLUMNS if name not in where]
    if missing:
        raise InputError(path, f"sheet {SHEET} has no column {'、'.join(missing)} (header row changed?)")
    return where


def _check_subject(session: Session, kind: str, ident: int, dept: Department) -> None:
    if kind == "task":
        task = session.get(Task, ident)
        if task is None:
            raise _RowProblem(f"no task with id {ident}")
    else:
        target = session.get(Target, ident)
        if target is None:
            raise _RowProblem(f"no target with id {ident}")
        if target.removed:
            raise _RowProblem(f"target {ident} was removed from its plan")
        task = session.get(Task, target.task_id) if target.task_id else None
        if task is None:
            raise _RowProblem(f"target {ident} belongs to no task, so to no department")
    if task.removed:
        raise _RowProblem(f"task {task.id} was removed from its plan")
    if not any(a.department_id == dept.id for a in task.assignments):
        raise _RowProblem(f"任务 {task.id} 不由「{dept.name}」承担，不能以该部门的名义填报")


def _parse_row(session: Session, r: int, cells: tuple[Any, ...], where: dict[str, int], dept: Department,
               reporter: str, folder: Path, made_for: str | None) -> _Parsed | None:
    from openpyxl.cell.read_only import EMPTY_CELL

    def cell(name: str) -> Any:
        i = where[name]
        return cells[i] if i < len(cells) else EMPTY_CELL

    value_cell, pct_cell = cell("数值"), cell("完成百分比(%)")
    narrative = _text(cell("进展情况").value)
    raw = cell("佐证材料").value
    files = "" if raw is None else str(raw).strip()  # file names as typed (no width normalisation)
    if _blank(value_cell.value) and _blank(pct_cell.value) and not narrative:
        if files:
            raise _RowProblem("佐证材料 given without a 数值, 完成百分比(%) or 进展情况")
        return None  # nothing reported on this row this time
    if made_for is not None:
        raise _RowProblem(f"本表是为「{made_for}」生成的填报表，不能以「{dept.name}」的名义导入（请下载本部门的填报表）")
    key = _text(cell("键").value)
    m = re.fullmatch(r"(task|target):(\d+)", key)
    if not m:
        raise _RowProblem(f"the hidden key column reads {key!r}, not task:N or target:N (the row was altered)")
    kind, ident = m[1], int(m[2])
    if _text(cell("类型").value) != KIND_ZH[kind] or _text(cell("编号").value) != str(ident):
        raise _RowProblem(f"类型/编号 ({_text(cell('类型').value)} {_text(cell('编号').value)}) do not match "
                          f"the key {key} (the locked columns were altered)")
    _check_subject(session, kind, ident, dept)
    as_of = _parse_date(cell("截至日期").value)
    value = _parse_number(value_cell.value, "数值")
    percent = _parse_number(pct_cell.value, "完成百分比(%)", percent_format="%" in (pct_cell.number_format or ""))
    # The reporter is the importer, not the 填报人 column (anyone can type a name there).
    try:
        checked = check_report(kind=kind, as_of=as_of, value=value, percent=percent, narrative=narrative,
                               reporter=reporter)
    except InputError as e:
        raise _RowProblem(e.problem) from None
    return _Parsed(r, key, kind, ident, checked.as_of, checked.value, checked.percent, checked.narrative,
                   checked.reporter, _evidence_paths(files, folder))


def _evidence_paths(files: str, folder: Path) -> list[Path]:
    paths = []
    for name in (n.strip() for n in re.split(r"[;；\n]", files)):
        if not name:
            continue
        p = (folder / name).resolve()
        if not p.is_relative_to(folder.resolve()):  # a workbook may only bring files from its own folder
            raise _RowProblem(f"佐证材料: {name!r} is not in the workbook's folder")
        if not p.is_file():
            raise _RowProblem(f"佐证材料: no file {name!r} beside the workbook")
        if p.stat().st_size > MAX_EVIDENCE_BYTES:
            raise _RowProblem(f"佐证材料: {name!r} is larger than {MAX_EVIDENCE_BYTES // 2**20} MB")
        paths.append(p)
    return paths


def _evidence(p: _Parsed) -> tuple[list[EvidenceFile], str]:
    """The row's evidence files, and their checksums for the uid (empty without evidence)."""
    files = [EvidenceFile(f.name, f.read_bytes()) for f in p.evidence]
    return files, ",".join(hashlib.sha256(f.content).hexdigest() for f in files)


def _current(session: Session, dept: Department | None) -> Department | None:
    """The department as it is now (a merged department's successor)."""
    while dept is not None and dept.merged_into_id is not None:
        dept = session.get(Department, dept.merged_into_id)
    return dept


def _made_for(session: Session, meta: dict[str, str], dept: Department) -> str | None:
    """The department the workbook was made for when it is not `dept` (its name as written), else None."""
    try:
        ident = int(meta.get("department_id", ""))
    except ValueError:
        ident = 0
    made = _current(session, session.get(Department, ident)) if 0 < ident < 2**31 else None
    if made is not None and made.id == dept.id:
        return None
    return meta.get("department") or (made.name if made else "另一部门")


def import_workbook(session: Session, path: str | Path, *, department: Department, reporter: str,
                    partial: bool = False) -> ImportSummary:
    """Store the reports of a filled workbook as `department`'s, filed by `reporter` (see the module
    doc). With errors and not `partial`, nothing is stored and the summary lists every error."""
    path = Path(path)
    wb = _open(path)
    meta = _metadata(path, wb)
    dept = _current(session, department) or department
    made_for = _made_for(session, meta, dept)
    ws = wb[SHEET]
    where = _columns(path, ws)
    summary = ImportSummary(str(path), dept.name, partial=partial)
    good: list[_Parsed] = []
    for r, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        try:
            parsed = _parse_row(session, r, cells, where, dept, reporter, path.parent, made_for)
        except _RowProblem as e:
            summary.errors.append(RowError(r, str(e)))
            continue
        if parsed is None:
            summary.skipped += 1
        else:
            good.append(parsed)
    if summary.errors and not partial:
        return summary
    # One savepoint for the whole file: a failure while storing leaves nothing behind (unless partial).
    sp = session.begin_nested()
    try:
        for p in good:
            evidence, sums = _evidence(p)
            key = f"{p.key}|{sums}" if sums else p.key  # the same row with other evidence is another report
            uid = content_uid(key, p.as_of, _canon(p.value), _canon(p.percent), p.narrative, p.reporter)
            try:
                _, created = add_report(
                    session, task_id=p.id if p.kind == "task" else None,
                    target_id=p.id if p.kind == "target" else None, as_of=p.as_of, value=p.value,
                    percent=p.percent, narrative=p.narrative, reporter=p.reporter, department_id=dept.id, uid=uid,
                    evidence=evidence)
            except InputError as e:
                summary.errors.append(RowError(p.row, e.problem))
                continue
            if created:
                summary.stored += 1
            else:
                summary.already += 1
    except BaseException:
        sp.rollback()
        raise
    if summary.errors and not partial:
        sp.rollback()
        summary.stored = summary.already = 0
    else:
        sp.commit()
    summary.errors.sort(key=lambda e: e.row)
    return summary
