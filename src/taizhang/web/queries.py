"""Read models shared by the pages and the API: evaluations with names, plan trees, timelines."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.ledger.models import Department, IndicatorValue, Plan, ProgressReport, Target, Task
from taizhang.track.model import Evaluation

STATUS_LABELS = {"done": "已完成", "on_track": "正常推进", "lagging": "进度滞后", "overdue": "逾期未完成",
                 "no_data": "未报送"}
COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "white": "白色", None: "无"}


def evaluations(session: Session, as_of: dt.date, **kw: Any) -> list[Evaluation]:
    from taizhang.track.evaluate import evaluate

    return evaluate(session, as_of, **kw)


def dept_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Department.id, Department.name)).all())


def plan_names(session: Session) -> dict[int, str]:
    return {p.id: (p.title or p.key) for p in session.scalars(select(Plan))}


def overview(session: Session, evs: list[Evaluation], as_of: dt.date) -> dict[str, Any]:
    names = dept_names(session)
    by_status = Counter(e.status for e in evs)
    by_colour = Counter(e.colour for e in evs)
    per_dept: dict[int, Counter[str]] = defaultdict(Counter)
    progress: dict[int, list[float]] = defaultdict(list)
    for e in evs:
        for d in e.lead:
            per_dept[d][e.colour or "none"] += 1
            if e.actual is not None:
                progress[d].append(max(0.0, min(100.0, e.actual)))
    dept_rows = sorted(
        ({"id": d, "name": names.get(d, str(d)), **c, "total": sum(c.values()),
          "progress": round(sum(progress[d]) / len(progress[d]), 1) if progress[d] else None}
         for d, c in per_dept.items()),
        key=lambda r: (-r.get("red", 0), -r.get("yellow", 0), r["name"]),
    )
    soon = as_of + dt.timedelta(days=30)
    due_soon = sorted((e for e in evs if e.deadline and as_of <= e.deadline <= soon and e.status != "done"),
                      key=lambda e: e.deadline or as_of)
    reds = sorted((e for e in evs if e.colour == "red"), key=lambda e: -(e.gap or 0))
    return {"by_status": dict(by_status), "by_colour": {str(k): v for k, v in by_colour.items()},
            "departments": dept_rows, "due_soon": due_soon, "reds": reds, "total": len(evs)}


def indicator_trends(session: Session, limit: int = 6) -> list[dict[str, Any]]:
    """Bound targets with their series values and the target line, for the dashboard charts."""
    out = []
    for t in session.scalars(select(Target).where(Target.series.is_not(None), ~Target.removed).limit(limit)):
        vals = session.execute(select(IndicatorValue.as_of, IndicatorValue.value)
                               .where(IndicatorValue.series == t.series).order_by(IndicatorValue.as_of)).all()
        out.append({"id": t.id, "indicator": t.indicator, "unit": t.unit or "", "goal": float(t.value),
                    "op": t.op, "series": t.series,
                    "points": [[d.isoformat(), float(v)] for d, v in vals]})
    return out


def latest_reports(session: Session, limit: int = 20) -> list[ProgressReport]:
    return list(session.scalars(select(ProgressReport).order_by(ProgressReport.id.desc()).limit(limit)))


def subject_reports(session: Session, kind: str, sid: int) -> list[ProgressReport]:
    col = ProgressReport.task_id if kind == "task" else ProgressReport.target_id
    return list(session.scalars(select(ProgressReport).where(col == sid).order_by(ProgressReport.as_of)))


def dept_subjects(session: Session, dept_id: int) -> tuple[list[Task], list[Target]]:
    """Tasks the department is assigned to (any role) and the targets of those tasks."""
    from taizhang.ledger.models import Assignment

    task_ids = select(Assignment.task_id).where(Assignment.department_id == dept_id)
    tasks = list(session.scalars(select(Task).where(Task.id.in_(task_ids), ~Task.removed)
                                 .order_by(Task.plan_id, Task.position)))
    targets = list(session.scalars(select(Target).where(Target.task_id.in_(task_ids), ~Target.removed)
                                   .order_by(Target.plan_id, Target.position)))
    return tasks, targets


def counts(session: Session) -> dict[str, int]:
    return {
        "plans": session.scalar(select(func.count()).select_from(Plan)) or 0,
        "tasks": session.scalar(select(func.count()).select_from(Task).where(~Task.removed)) or 0,
        "targets": session.scalar(select(func.count()).select_from(Target).where(~Target.removed)) or 0,
        "reports": session.scalar(select(func.count()).select_from(ProgressReport)) or 0,
    }
