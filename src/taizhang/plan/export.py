"""A plan as a bureau keeps its 台账: an Excel workbook with sheets 任务, 指标 and 责任单位.

Header rows are bold, shaded and frozen, columns have fixed widths, long text wraps, and each sheet
has an auto-filter, so the workbook can be printed or handed on as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from taizhang.files import write_atomic
from taizhang.plan.model import Plan, Section

OPS = {"<=": "≤", ">=": "≥", "=": "=", "<": "<", ">": ">"}
KINDS = {"level": "达到水平", "reduction": "削减/下降", "increase": "新增/建设"}

TASK_COLUMNS: list[tuple[str, float]] = [
    ("序号", 6),
    ("章节", 24),
    ("任务内容", 70),
    ("牵头单位", 22),
    ("配合单位", 26),
    ("落实单位", 22),
    ("完成时限", 13),
    ("编号", 8),
]
TARGET_COLUMNS: list[tuple[str, float]] = [
    ("序号", 6),
    ("指标", 30),
    ("范围", 16),
    ("比较", 6),
    ("目标值", 10),
    ("单位", 9),
    ("类型", 10),
    ("基准年", 8),
    ("完成时限", 12),
    ("原文", 50),
    ("所属任务", 10),
]
DEPT_COLUMNS: list[tuple[str, float]] = [
    ("序号", 6),
    ("责任单位", 28),
    ("牵头任务数", 11),
    ("配合任务数", 11),
    ("落实任务数", 11),
    ("牵头任务", 40),
    ("配合任务", 40),
    ("落实任务", 30),
]


def section_label(section: Section | None) -> str:
    return f"{section.number}{section.title}" if section else ""


def department_rows(plan: Plan) -> list[dict[str, Any]]:
    """Each department named in a task, with the tasks (by 序号) it leads, supports, implements."""
    depts: dict[str, dict[str, list[int]]] = {}
    for n, task in enumerate(plan.tasks, 1):
        for role, names in (
            ("lead", task.lead),
            ("support", task.support),
            ("implementers", task.implementers),
        ):
            for name in names:
                entry = depts.setdefault(name, {"lead": [], "support": [], "implementers": []})
                if n not in entry[role]:
                    entry[role].append(n)
    rows = [{"name": name, **roles} for name, roles in depts.items()]
    rows.sort(key=lambda r: (-len(r["lead"]), -len(r["support"]), -len(r["implementers"]), r["name"]))
    return rows


def _deadline_cell(value: str | None) -> Any:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _number_list(nums: Sequence[int]) -> str:
    return "、".join(str(n) for n in nums)


def _task_rows(plan: Plan) -> list[list[Any]]:
    sections = {s.id: s for s in plan.sections}
    rows = []
    for n, t in enumerate(plan.tasks, 1):
        rows.append(
            [
                n,
                section_label(sections.get(t.section or "")),
                t.text,
                "、".join(t.lead),
                "、".join(t.support),
                "、".join(t.implementers),
                "、".join(t.deadlines),
                t.id,
            ]
        )
    return rows


def _target_rows(plan: Plan) -> list[list[Any]]:
    numbers = {t.id: n for n, t in enumerate(plan.tasks, 1)}
    rows = []
    for n, g in enumerate(plan.targets, 1):
        task_ref = str(numbers[g.task]) if g.task in numbers else (g.task or "")
        rows.append(
            [
                n,
                g.indicator,
                g.scope or "",
                OPS.get(g.op, g.op),
                g.value,
                g.unit or "",
                KINDS.get(g.kind, g.kind),
                g.baseline_year,
                _deadline_cell(g.deadline),
                g.text,
                task_ref,
            ]
        )
    return rows


def _dept_rows(plan: Plan) -> list[list[Any]]:
    return [
        [
            n,
            r["name"],
            len(r["lead"]),
            len(r["support"]),
            len(r["implementers"]),
            _number_list(r["lead"]),
            _number_list(r["support"]),
            _number_list(r["implementers"]),
        ]
        for n, r in enumerate(department_rows(plan), 1)
    ]


def build_workbook(plan: Plan, source: str | None = None) -> Any:
    """An openpyxl Workbook with the three ledger sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_align = Alignment(vertical="top", wrap_text=True)
    center_align = Alignment(horizontal="center", vertical="top", wrap_text=True)

    sheets: list[tuple[str, list[tuple[str, float]], list[list[Any]]]] = [
        ("任务", TASK_COLUMNS, _task_rows(plan)),
        ("指标", TARGET_COLUMNS, _target_rows(plan)),
        ("责任单位", DEPT_COLUMNS, _dept_rows(plan)),
    ]
    for i, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append([name for name, _ in columns])
        for row in rows:
            ws.append(row)
        for c, (name, width) in enumerate(columns, 1):
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = width
            narrow = width <= 13 and name not in ("单位",)
            for cell in ws[letter]:
                cell.border = border
                if cell.row == 1:
                    cell.font = head_font
                    cell.fill = head_fill
                    cell.alignment = head_align
                else:
                    cell.alignment = center_align if narrow else body_align
                    if isinstance(cell.value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        ws.row_dimensions[1].height = 22
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = plan.title or source or "台账"
    wb.properties.creator = "taizhang"
    return wb


def write_xlsx(plan: Plan, path: Path, source: str | None = None) -> None:
    """Write the workbook to `path` atomically (a temporary file beside it, then os.replace)."""
    wb = build_workbook(plan, source)
    write_atomic(path, wb.save)


__all__ = ["build_workbook", "department_rows", "write_xlsx"]
