"""Read models of the task page: a task, its plan, departments, milestones, targets and reports as plain
rows, read with a few prebuilt SQL statements instead of ORM objects and their loaders.

The task page is the most requested page after the dashboard, and unlike the dashboard it differs for
every task, so it cannot be cached: its cost per request is what these queries save (building ORM
objects, identity map, relationship loaders and statement construction took most of it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from taizhang.ledger.models import (
    Assignment,
    Department,
    Evidence,
    Milestone,
    Plan,
    ProgressReport,
    Target,
    Task,
)


@dataclass(frozen=True)
class PlanRef:
    id: int
    key: str
    title: str | None


@dataclass(frozen=True)
class AssignmentRow:
    department_id: int
    role: str
    department: str  # the department's name


@dataclass(frozen=True)
class TargetRow:
    id: int
    indicator: str
    op: str
    value: Decimal
    unit: str | None


@dataclass(frozen=True)
class EvidenceRef:
    id: int
    filename: str


@dataclass(frozen=True)
class ReportRow:
    id: int
    as_of: dt.date
    value: Decimal | None
    percent: Decimal | None
    narrative: str
    reporter: str
    evidence: list[EvidenceRef] = field(default_factory=list)


@dataclass(frozen=True)
class TaskView:
    id: int
    key: str
    text: str
    deadline: dt.date | None
    deadline_defaulted: bool
    plan: PlanRef
    assignments: list[AssignmentRow]
    milestones: list[dt.date]
    targets: list[TargetRow]

    def departments(self, role: str) -> list[str]:
        return [a.department for a in self.assignments if a.role == role]


_ID = bindparam("id")
_TASK = (select(Task.id, Task.key, Task.text, Task.deadline, Task.deadline_defaulted, Plan.id, Plan.key, Plan.title)
         .join(Plan, Plan.id == Task.plan_id).where(Task.id == _ID))
_ASSIGNMENTS = (select(Assignment.department_id, Assignment.role, Department.name)
                .join(Department, Department.id == Assignment.department_id)
                .where(Assignment.task_id == _ID).order_by(Assignment.id))
_MILESTONES = select(Milestone.due).where(Milestone.task_id == _ID).order_by(Milestone.due)
_TARGETS = (select(Target.id, Target.indicator, Target.op, Target.value, Target.unit)
            .where(Target.task_id == _ID, ~Target.removed).order_by(Target.id))


def _reports(column):  # type: ignore[no-untyped-def]
    return (select(ProgressReport.id, ProgressReport.as_of, ProgressReport.value, ProgressReport.percent,
                   ProgressReport.narrative, ProgressReport.reporter, Evidence.id, Evidence.filename)
            .outerjoin(Evidence, Evidence.report_id == ProgressReport.id)
            .where(column == _ID).order_by(ProgressReport.as_of, ProgressReport.id, Evidence.id))


_REPORTS = {"task": _reports(ProgressReport.task_id), "target": _reports(ProgressReport.target_id)}


def task_view(session: Session, task_id: int) -> TaskView | None:
    """The task with what its page shows (None if there is no such task)."""
    conn = session.connection()  # Core statements: no ORM entities to build
    p = {"id": task_id}
    row = conn.execute(_TASK, p).first()
    if row is None:
        return None
    tid, key, text, deadline, defaulted, plan_id, plan_key, plan_title = row
    return TaskView(
        id=tid, key=key, text=text, deadline=deadline, deadline_defaulted=bool(defaulted),
        plan=PlanRef(plan_id, plan_key, plan_title),
        assignments=[AssignmentRow(*r) for r in conn.execute(_ASSIGNMENTS, p)],
        milestones=list(conn.execute(_MILESTONES, p).scalars()),
        targets=[TargetRow(*r) for r in conn.execute(_TARGETS, p)])


def reports(session: Session, kind: str, sid: int) -> list[ReportRow]:
    """A task's or a target's progress reports, oldest first, each with its evidence files' names."""
    out: list[ReportRow] = []
    rows = session.connection().execute(_REPORTS[kind], {"id": sid})
    for rid, as_of, value, percent, narrative, reporter, eid, filename in rows:
        if not out or out[-1].id != rid:
            out.append(ReportRow(rid, as_of, value, percent, narrative, reporter))
        if eid is not None:
            out[-1].evidence.append(EvidenceRef(eid, filename))
    return out
