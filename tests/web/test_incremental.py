"""After each write the web app judges again only the subjects it touched and updates the dashboard's
aggregates from the old and new evaluations: the result must be what a full evaluation from scratch
gives, write after write (SQLite, and PostgreSQL when TAIZHANG_DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from taizhang.ledger.db import Ledger
from taizhang.ledger.generate import DEFAULT_AS_OF, generate
from taizhang.ledger.models import Assignment, Case, Department, IndicatorValue, Target, Task
from taizhang.track.cases import advance, open_case
from taizhang.track.evaluate import evaluate
from taizhang.track.indicators import bind
from taizhang.track.reports import add_report
from taizhang.web import queries
from taizhang.web.summary import Summary

AS_OF = DEFAULT_AS_OF
SERIES = "air:city:PM2.5:annual_mean"


def _fresh(ledger: Ledger, as_of: dt.date):  # type: ignore[no-untyped-def]
    """The whole evaluation and the dashboard's aggregates computed from scratch (no cache)."""
    with ledger.session(write=False) as s:
        evs = evaluate(s, as_of)
        return evs, Summary.of(evs, as_of).overview(dict(s.execute(select(Department.id, Department.name)).all()))


def _served(ledger: Ledger, as_of: dt.date):  # type: ignore[no-untyped-def]
    """What the web app shows: the cached evaluation and aggregates of this ledger state."""
    with ledger.session(write=False) as s:
        evs = queries.evaluations(s, as_of)
        return list(evs), queries.overview(s, evs, as_of)


class Writer:
    """Random writes of the kinds a ledger sees, through a ledger of its own (as another process)."""

    def __init__(self, ledger: Ledger, rng: random.Random) -> None:
        self.ledger, self.rng, self.n = ledger, rng, 0
        with ledger.session(write=False) as s:
            self.tasks = list(s.scalars(select(Task.id).order_by(Task.id)))
            self.targets = list(s.scalars(select(Target.id).order_by(Target.id)))
            self.depts = list(s.scalars(select(Department.id).order_by(Department.id)))

    def _day(self) -> dt.date:
        return AS_OF - dt.timedelta(days=self.rng.randrange(0, 200))

    def task_report(self, s) -> str:  # type: ignore[no-untyped-def]
        self.n += 1
        tid = self.rng.choice(self.tasks)
        add_report(s, task_id=tid, as_of=self._day(), percent=self.rng.choice([0, 35.5, 60, 100]),
                   reporter="test", uid=f"inc-{self.n}")
        return f"report on task {tid}"

    def target_report(self, s) -> str:  # type: ignore[no-untyped-def]
        self.n += 1
        t = s.get(Target, self.rng.choice(self.targets))
        value = float(t.value) * self.rng.choice([0.2, 0.7, 1.0, 1.3])
        add_report(s, target_id=t.id, as_of=self._day(), value=round(value, 3), reporter="test", uid=f"inc-{self.n}")
        return f"report on target {t.id}"

    def case_step(self, s) -> str:  # type: ignore[no-untyped-def]
        case = s.scalar(select(Case).where(Case.state.in_(("assigned", "rectifying"))).order_by(func.random()))
        if case is None or self.rng.random() < 0.4:
            ev = self.rng.choice([e for e in evaluate(s, AS_OF) if e.colour])
            open_case(s, ev, AS_OF, actor="test")
            return f"case opened on {ev.subject_type} {ev.subject_id}"
        advance(s, case.id, "rectifying" if case.state == "assigned" else "pending_acceptance", actor="test", on=AS_OF)
        return f"case {case.id} advanced"

    def binding(self, s) -> str:  # type: ignore[no-untyped-def]
        t = s.get(Target, self.rng.choice(self.targets))
        bind(s, t.id, None if t.series else SERIES)
        return f"target {t.id} bound to {t.series}"

    def lead_moved(self, s) -> str:  # type: ignore[no-untyped-def]
        a = s.scalar(select(Assignment).where(Assignment.role == "lead").order_by(func.random()))
        taken = set(s.scalars(select(Assignment.department_id).where(Assignment.task_id == a.task_id)))
        a.department_id = self.rng.choice([d for d in self.depts if d not in taken])
        return f"lead of task {a.task_id} moved"

    def lead_added(self, s) -> str:  # type: ignore[no-untyped-def]
        tid = self.rng.choice(self.tasks)
        taken = set(s.scalars(select(Assignment.department_id).where(Assignment.task_id == tid)))
        dept = self.rng.choice([d for d in self.depts if d not in taken])
        s.add(Assignment(task_id=tid, department_id=dept, role="lead", written_as="测试"))
        return f"lead added to task {tid}"

    def deadline(self, s) -> str:  # type: ignore[no-untyped-def]
        t = s.get(Task, self.rng.choice(self.tasks))
        t.deadline = AS_OF + dt.timedelta(days=self.rng.randrange(-60, 60))
        return f"deadline of task {t.id}"

    def removed(self, s) -> str:  # type: ignore[no-untyped-def]
        t = s.get(Target, self.rng.choice(self.targets))
        t.removed = not t.removed
        return f"target {t.id} removed={t.removed}"

    def renamed(self, s) -> str:  # type: ignore[no-untyped-def]
        d = s.get(Department, self.rng.choice(self.depts))
        d.name += "（更名）"
        return f"department {d.id} renamed"

    def value_loaded(self, s) -> str:  # type: ignore[no-untyped-def]
        self.n += 1
        s.add(IndicatorValue(series=SERIES, as_of=AS_OF - dt.timedelta(days=self.n), value=Decimal("31.5")))
        return "indicator value loaded"

    def write(self) -> str:
        kinds = [self.task_report] * 4 + [self.target_report] * 4 + [
            self.case_step, self.binding, self.lead_moved, self.lead_added, self.deadline, self.removed,
            self.renamed, self.value_loaded]
        with self.ledger.session("test") as s:
            return self.rng.choice(kinds)(s)


@pytest.mark.parametrize("seed", [3, 11])
def test_incremental_evaluation_equals_a_full_one_after_each_write(ledger, seed: int) -> None:  # type: ignore[no-untyped-def]
    generate(ledger, plans=3, tasks=60, reports=240, seed=seed)
    writer = Writer(Ledger(ledger.url, upgrade=False), random.Random(seed))
    queries.CACHE.clear()
    queries.STATS.clear()
    as_of = AS_OF
    assert _served(ledger, as_of) == _fresh(ledger, as_of)
    for step in range(60):
        if step % 20 == 19:  # a new day: its evaluation is computed whole
            as_of += dt.timedelta(days=1)
        what = writer.write()
        served, fresh = _served(ledger, as_of), _fresh(ledger, as_of)
        assert served[0] == fresh[0], f"step {step}: evaluations differ after {what}"
        assert served[1] == fresh[1], f"step {step}: dashboard aggregates differ after {what}"
    writer.ledger.close()
    # most writes were followed incrementally (a plan-wide change or a new day is judged whole)
    assert queries.STATS["incremental"] > 40, queries.STATS


def test_a_report_rejudges_only_its_subjects(ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A report on a target judges again that target's task with its targets, nothing else."""
    generate(ledger, plans=2, tasks=30, reports=100, seed=5)
    queries.CACHE.clear()
    before = _served(ledger, AS_OF)
    with ledger.session(write=False) as s:
        target = s.scalar(select(Target).where(Target.task_id.is_not(None)).order_by(Target.id))
    judged = []

    def spy(session, as_of, **kw):  # type: ignore[no-untyped-def]
        judged.append(kw.get("subject"))
        return real(session, as_of, **kw)

    real = evaluate
    monkeypatch.setattr("taizhang.track.evaluate.evaluate", spy)
    with ledger.session("test") as s:
        add_report(s, target_id=target.id, as_of=AS_OF, value=float(target.value), reporter="test", uid="only-1")
    after = _served(ledger, AS_OF)
    assert sorted(judged) == [("task", target.task_id)]  # its targets come with it
    assert after != before
    monkeypatch.undo()
    assert after == _fresh(ledger, AS_OF)


def test_a_plan_wide_change_is_judged_whole(ledger) -> None:  # type: ignore[no-untyped-def]
    generate(ledger, plans=2, tasks=30, reports=100, seed=5)
    queries.CACHE.clear()
    queries.STATS.clear()
    _served(ledger, AS_OF)
    with ledger.session("test") as s:
        task = s.scalar(select(Task).order_by(Task.id.desc()))
        task.position = -1  # its place in the ledger's order changed
    assert _served(ledger, AS_OF) == _fresh(ledger, AS_OF)
    assert queries.STATS == {"full": 2}


def test_a_long_change_set_is_judged_whole(ledger) -> None:  # type: ignore[no-untyped-def]
    from taizhang.web.changes import LIMIT

    generate(ledger, plans=2, tasks=30, reports=100, seed=5)
    queries.CACHE.clear()
    queries.STATS.clear()
    _served(ledger, AS_OF)
    with ledger.session(write=False) as s:
        tasks = list(s.scalars(select(Task.id)))
    with ledger.session("test") as s:
        for i in range(LIMIT + 1):
            add_report(s, task_id=tasks[i % len(tasks)], as_of=AS_OF, percent=i % 101, reporter="t", uid=f"long-{i}")
    assert _served(ledger, AS_OF) == _fresh(ledger, AS_OF)
    assert queries.STATS == {"full": 2}


def test_writes_commit_in_the_order_of_their_audit_entries(ledger) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL numbers audit entries when they are written, not when they commit: a write that began
    first but commits last would be below the newest entry a reader saw in between, and the change set
    "entries after N" would miss it. Writers take a lock for their whole transaction, so the second
    waits for the first; what the reader is shown always equals a full evaluation."""
    if not ledger.url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE)")
    import threading

    generate(ledger, plans=2, tasks=30, reports=100, seed=5)
    other = Ledger(ledger.url, upgrade=False)
    with ledger.session(write=False) as s:
        first, second = s.scalars(select(Task.id).order_by(Task.id).limit(2)).all()
    queries.CACHE.clear()
    _served(ledger, AS_OF)

    def later() -> None:
        with other.session("second") as s:
            add_report(s, task_id=second, as_of=AS_OF, percent=100, reporter="b", uid="order-2")

    with ledger.session("first") as s:
        add_report(s, task_id=first, as_of=AS_OF, percent=100, reporter="a", uid="order-1")
        s.flush()  # its audit entries are numbered, not committed
        t = threading.Thread(target=later)
        t.start()
        t.join(timeout=3)  # without the lock the second write commits meanwhile
        _served(ledger, AS_OF)  # a reader caches what it sees now
    t.join()
    other.close()
    assert _served(ledger, AS_OF) == _fresh(ledger, AS_OF)
