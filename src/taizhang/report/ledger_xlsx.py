"""The Excel ledger (台账): sheets 任务, 指标, 责任单位 and 进度, with status and colour as of a date.

Each sheet is read with a few set-based queries; removed tasks and targets are left out, departments
merged into another are shown as the entry they were merged into (its aliases carry their names).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from taizhang.files import write_bytes
from taizhang.ledger.models import (
    Assignment,
    Department,
    DepartmentAlias,
    Evidence,
    Plan,
    ProgressReport,
    Section,
    Target,
    Task,
)
from taizhang.report.bulletin import COLOUR_LABELS, STATUS_LABELS
from taizhang.track.model import Evaluation

ROLE_LABELS = {"lead": "牵头", "support": "配合", "implementer": "实施"}
FILLS = {"red": PatternFill("solid", fgColor="F8D0D0"), "yellow": PatternFill("solid", fgColor="FFF1C2"),
         "white": PatternFill("solid", fgColor="F2F2F2")}
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")

TASK_HEADER = ["方案", "章节", "任务编号", "任务内容", "牵头单位", "配合单位", "实施单位", "完成时限", "时限推定",
               "状态", "预警", "序时进度(%)", "实际进度(%)", "预警原因"]
TARGET_HEADER = ["方案", "所属任务", "指标", "范围", "关系", "目标值", "单位", "类型", "基准年", "基准值", "完成时限",
                 "最新值", "进度(%)", "序时进度(%)", "状态", "预警", "预警原因"]
DEPT_HEADER = ["责任单位", "别名", "牵头任务", "配合任务", "实施任务", "进度报送"]
REPORT_HEADER = ["报送日期", "方案", "类别", "事项", "报送单位", "数值", "完成百分比(%)", "进展说明", "填报人", "附件数",
                 "编号"]


def _num(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]], widths: list[int],
           colour_col: int | None = None, colours: list[str | None] | None = None) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(rows):
        ws.append(row)
        if colour_col is not None and colours and colours[i] in FILLS:
            ws.cell(row=i + 2, column=colour_col + 1).fill = FILLS[colours[i]]  # type: ignore[index]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"


def _plans(session: Session) -> dict[int, str]:
    return {pid: t or r or k for pid, t, r, k in session.execute(select(Plan.id, Plan.title, Plan.region, Plan.key))}


def _task_rows(session: Session, plans: dict[int, str], evs: dict[tuple[str, int], Evaluation]
               ) -> tuple[list[list[object]], list[str | None]]:
    names = dict(session.execute(select(Department.id, Department.name)).all())
    roles: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for task_id, dept_id, role in session.execute(
            select(Assignment.task_id, Assignment.department_id, Assignment.role).order_by(Assignment.id)):
        roles[task_id][role].append(names.get(dept_id, f"#{dept_id}"))
    sections = {(pid, key): f"{num}{title}" for pid, key, num, title in session.execute(
        select(Section.plan_id, Section.key, Section.number, Section.title))}
    rows, colours = [], []
    for t in session.scalars(select(Task).where(Task.removed.is_(False)).order_by(Task.plan_id, Task.position)):
        ev = evs.get(("task", t.id))
        r = roles.get(t.id, {})
        rows.append([
            plans.get(t.plan_id, ""), sections.get((t.plan_id, t.section_key or ""), ""), t.key, t.text,
            "、".join(r.get("lead", [])), "、".join(r.get("support", [])), "、".join(r.get("implementer", [])),
            t.deadline, "是" if t.deadline_defaulted else "",
            STATUS_LABELS.get(ev.status, ev.status) if ev else "", COLOUR_LABELS.get(ev.colour, "") if ev else "",
            ev.expected if ev else None, ev.actual if ev else None, "；".join(ev.reasons) if ev else "",
        ])
        colours.append(ev.colour if ev else None)
    return rows, colours


def _target_rows(session: Session, plans: dict[int, str], evs: dict[tuple[str, int], Evaluation]
                 ) -> tuple[list[list[object]], list[str | None]]:
    task_keys = dict(session.execute(select(Task.id, Task.key)).all())
    rows, colours = [], []
    for g in session.scalars(select(Target).where(Target.removed.is_(False)).order_by(Target.plan_id,
                                                                                        Target.position)):
        ev = evs.get(("target", g.id))
        rows.append([
            plans.get(g.plan_id, ""), task_keys.get(g.task_id, "") if g.task_id else "", g.indicator, g.scope or "",
            g.op, _num(g.value), g.unit or "", g.kind, g.baseline_year, _num(g.baseline_value), g.deadline,
            ev.current if ev else None, ev.actual if ev else None, ev.expected if ev else None,
            STATUS_LABELS.get(ev.status, ev.status) if ev else "", COLOUR_LABELS.get(ev.colour, "") if ev else "",
            "；".join(ev.reasons) if ev else "",
        ])
        colours.append(ev.colour if ev else None)
    return rows, colours


def _department_rows(session: Session) -> list[list[object]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dept_id, role, n in session.execute(
            select(Assignment.department_id, Assignment.role, func.count()).group_by(Assignment.department_id,
                                                                                     Assignment.role)):
        counts[dept_id][role] = n
    reports = dict(session.execute(select(ProgressReport.department_id, func.count()).group_by(
        ProgressReport.department_id)).all())
    aliases: dict[int, list[str]] = defaultdict(list)
    for dept_id, alias in session.execute(select(DepartmentAlias.department_id, DepartmentAlias.alias)):
        aliases[dept_id].append(alias)
    rows = []
    for d in session.scalars(select(Department).where(Department.merged_into_id.is_(None)).order_by(
            Department.name)):
        c = counts.get(d.id, {})
        rows.append([d.name, "、".join(sorted(a for a in aliases.get(d.id, []) if a != d.name)),
                     c.get("lead", 0), c.get("support", 0), c.get("implementer", 0), reports.get(d.id, 0)])
    return rows


def _report_rows(session: Session, plans: dict[int, str]) -> list[list[object]]:
    names = dict(session.execute(select(Department.id, Department.name)).all())
    tasks = {tid: (pid, text) for tid, pid, text in session.execute(select(Task.id, Task.plan_id, Task.text))}
    targets = {gid: (pid, f"{ind} {op} {float(v):g}{unit or ''}") for gid, pid, ind, op, v, unit in session.execute(
        select(Target.id, Target.plan_id, Target.indicator, Target.op, Target.value, Target.unit))}
    evidence = dict(session.execute(select(Evidence.report_id, func.count()).group_by(Evidence.report_id)).all())
    q = select(ProgressReport.id, ProgressReport.as_of, ProgressReport.task_id, ProgressReport.target_id,
               ProgressReport.department_id, cast(ProgressReport.value, Float), cast(ProgressReport.percent, Float),
               ProgressReport.narrative, ProgressReport.reporter, ProgressReport.uid).order_by(
        ProgressReport.as_of, ProgressReport.id)
    rows = []
    for rid, as_of, task_id, target_id, dept_id, value, percent, narrative, reporter, uid in session.execute(q):
        kind, (pid, label) = ("任务", tasks.get(task_id, (None, ""))) if task_id else (
            "指标", targets.get(target_id, (None, "")))
        rows.append([as_of, plans.get(pid, "") if pid else "", kind, label, names.get(dept_id, "") if dept_id else "",
                     value, percent, narrative, reporter, evidence.get(rid, 0), uid])
    return rows


def render_ledger(session: Session, as_of: dt.date, evaluations: list[Evaluation] | None = None) -> bytes:
    """The ledger workbook as bytes; status and colour are the evaluation as of `as_of`."""
    if evaluations is None:
        from taizhang.track.evaluate import evaluate

        evaluations = evaluate(session, as_of)
    evs = {(e.subject_type, e.subject_id): e for e in evaluations}
    plans = _plans(session)
    wb = Workbook()
    wb.remove(wb.active)
    rows, colours = _task_rows(session, plans, evs)
    _sheet(wb, "任务", TASK_HEADER, rows, [24, 20, 10, 60, 24, 24, 20, 12, 8, 10, 8, 10, 10, 30], 10, colours)
    rows, colours = _target_rows(session, plans, evs)
    _sheet(wb, "指标", TARGET_HEADER, rows, [24, 10, 30, 14, 6, 10, 10, 10, 8, 10, 12, 10, 10, 10, 10, 8, 30],
           15, colours)
    _sheet(wb, "责任单位", DEPT_HEADER, _department_rows(session), [28, 50, 10, 10, 10, 10])
    _sheet(wb, "进度", REPORT_HEADER, _report_rows(session, plans), [12, 24, 6, 50, 24, 10, 12, 40, 12, 8, 42])
    for ws in wb.worksheets:
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    wb.properties.title = f"台账（截至{as_of.isoformat()}）"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_ledger(session: Session, out: Path, as_of: dt.date | None = None,
                 evaluations: list[Evaluation] | None = None) -> Path:
    """Write the ledger workbook to `out` (atomically)."""
    write_bytes(out, render_ledger(session, as_of or dt.date.today(), evaluations))
    return out
