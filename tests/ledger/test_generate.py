"""The generated ledger: exact sizes, realistic content, aliases resolved, reproducible, still writable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from taizhang.ledger.departments import find
from taizhang.ledger.generate import DEFAULT_AS_OF, generate
from taizhang.ledger.models import (
    Assignment,
    Department,
    Plan,
    PlanVersion,
    ProgressReport,
    Section,
    Target,
    Task,
)
from taizhang.plan.model import Plan as PlanDoc
from taizhang.track.reports import add_report

SIZE = {"plans": 6, "tasks": 600, "reports": 3000}


def _count(s, model) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count()).select_from(model))


def test_sizes_are_exact_and_content_is_shaped_like_a_plan(ledger) -> None:  # type: ignore[no-untyped-def]
    g = generate(ledger, **SIZE)
    assert g.counts["plans"] == 6 and g.counts["tasks"] == 600 and g.counts["reports"] == 3000
    with ledger.session(write=False) as s:
        assert _count(s, Plan) == 6 and _count(s, Task) == 600 and _count(s, ProgressReport) == 3000
        assert _count(s, Section) == g.counts["sections"] > 6 * 6
        n_targets = _count(s, Target)
        assert 600 * 0.25 < n_targets < 600 * 0.42  # about a third of the tasks
        # every plan has a current final version whose plan.json reads back with all its tasks
        for p in s.scalars(select(Plan)):
            v = s.get(PlanVersion, p.current_version_id)
            assert v is not None and v.status == "final"
            doc = PlanDoc.from_dict(v.content)
            n_tasks = s.scalar(select(func.count()).select_from(Task).where(Task.plan_id == p.id))
            assert len(doc.tasks) == n_tasks and doc.title == p.title and p.region and p.title.startswith(p.region)
        # 1 lead and 0–3 support departments per task
        roles = Counter(s.execute(select(Assignment.task_id, Assignment.role)).all())
        per_task: dict[int, Counter[str]] = {}
        for (task_id, role), n in roles.items():
            per_task.setdefault(task_id, Counter())[role] += n
        assert len(per_task) == 600
        assert all(c["lead"] == 1 and c["support"] <= 3 for c in per_task.values())
        assert {c["support"] for c in per_task.values()} == {0, 1, 2, 3}
        # Chinese task texts, target texts that state the goal, deadlines within 2021–2025
        texts = s.scalars(select(Task.text)).all()
        assert all("年" in t and t.endswith("。") for t in texts)
        assert len(set(texts)) > 500
        for t in s.scalars(select(Target)):
            assert dt.date(2021, 1, 1) <= t.deadline <= dt.date(2025, 12, 31)
            assert t.baseline_value is not None and t.start is not None
            assert format(t.value.normalize(), "f") in t.text
        units = set(s.scalars(select(Target.unit)))
        assert {"μg/m³", "%", "吨"} <= units
        # reports: dated within the plans' windows, about tasks (percent) or targets (value)
        lo, hi = s.execute(select(func.min(ProgressReport.as_of), func.max(ProgressReport.as_of))).one()
        assert dt.date(2021, 1, 1) <= lo and hi <= DEFAULT_AS_OF
        bad = s.scalar(select(func.count()).select_from(ProgressReport).where(
            (ProgressReport.task_id.is_(None)) == (ProgressReport.target_id.is_(None))))
        assert bad == 0


def test_names_as_written_resolve_to_registry_entries(ledger) -> None:  # type: ignore[no-untyped-def]
    generate(ledger, **SIZE)
    with ledger.session(write=False) as s:
        rows = s.execute(select(Assignment.written_as, Department.name).join(Department)).all()
        older = [(w, n) for w, n in rows if w != n]
        assert older, "some plans write a department in an older or longer form"
        for written, name in older:
            dept = find(s, written)
            assert dept is not None and dept.name == name
        assert any(w.endswith("环保局") and n.endswith("生态环境局") for w, n in older) or any(
            w.endswith("发改委") for w, _ in older)
        # a department of one city is not the same entry as the same body of another
        names = set(s.scalars(select(Department.name)))
        assert {"安康市生态环境局", "杭州市生态环境局"} <= names


def test_progress_is_a_realistic_mix(ledger) -> None:  # type: ignore[no-untyped-def]
    """Latest reported progress against time-proportional progress: ahead, on track, behind, no reports."""
    generate(ledger, **SIZE)
    as_of = DEFAULT_AS_OF
    with ledger.session(write=False) as s:
        latest: dict[int, tuple[dt.date, float]] = {}
        for task_id, day, pct in s.execute(select(ProgressReport.task_id, ProgressReport.as_of, ProgressReport.percent)
                                           .where(ProgressReport.task_id.is_not(None))):
            if task_id not in latest or day > latest[task_id][0]:
                latest[task_id] = (day, float(pct))
        gaps = Counter()
        for t in s.scalars(select(Task)):
            plan = s.get(Plan, t.plan_id)
            start = s.get(PlanVersion, plan.current_version_id).issued
            if t.id not in latest:
                gaps["no reports"] += 1
                continue
            day, pct = latest[t.id]
            f = min(max((as_of - start).days / max((t.deadline - start).days, 1), 0), 1)
            gap = 100 * f - pct
            gaps["late"] += (as_of - day).days > 62
            gaps["ahead or on track"] += gap <= 10
            gaps["behind 10–20"] += 10 < gap <= 20
            gaps["behind > 20"] += gap > 20
            gaps["overdue"] += t.deadline < as_of and pct < 100
    for kind in ("no reports", "late", "ahead or on track", "behind 10–20", "behind > 20", "overdue"):
        assert gaps[kind] >= 600 * 0.01, (kind, gaps)
    assert gaps["ahead or on track"] > gaps["behind > 20"]


def _content(lg):  # type: ignore[no-untyped-def]
    with lg.session(write=False) as s:
        tasks = s.execute(select(Task.key, Task.text, Task.deadline).order_by(Task.id)).all()
        reports = s.execute(select(ProgressReport.uid, ProgressReport.as_of, ProgressReport.value,
                                   ProgressReport.percent).order_by(ProgressReport.uid)).all()
        checksums = s.scalars(select(PlanVersion.checksum).order_by(PlanVersion.id)).all()
    return tasks, reports, checksums


def test_same_seed_same_ledger_and_writable_afterwards(ledger, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from taizhang.ledger.db import open_ledger

    generate(ledger, plans=2, tasks=100, reports=500, seed=7)
    first = _content(ledger)
    again = open_ledger(tmp_path / "again.db")
    other = open_ledger(tmp_path / "other.db")
    try:
        generate(again, plans=2, tasks=100, reports=500, seed=7)
        generate(other, plans=2, tasks=100, reports=500, seed=8)
        assert _content(again) == first
        assert _content(other)[0] != first[0]
    finally:
        again.close()
        other.close()
    # the ORM keeps working on top of the bulk inserts (on PostgreSQL: the id sequences have advanced)
    with ledger.session(write=False) as s:
        task_id = s.scalar(select(Task.id).order_by(Task.id))
    with ledger.session("tester") as s:
        r, created = add_report(s, task_id=task_id, as_of=dt.date(2024, 10, 31), percent=50, reporter="tester")
        assert created and r.id > 500
    with ledger.session(write=False) as s:
        assert _count(s, ProgressReport) == 501


def test_generating_into_an_open_session_is_one_transaction(ledger) -> None:  # type: ignore[no-untyped-def]
    import pytest

    with pytest.raises(RuntimeError), ledger.session("tester") as s:
        generate(s, plans=1, tasks=20, reports=50)
        assert _count(s, Task) == 20
        raise RuntimeError("abandon")
    with ledger.session(write=False) as s:
        assert _count(s, Task) == 0 and _count(s, ProgressReport) == 0 and _count(s, Department) == 0
