"""Warnings recorded, cases opened from red ones, the closed loop, and the on-schedule rate."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from taizhang.errors import InputError
from taizhang.ledger.models import Case, CaseEvent, Department, Warning
from taizhang.track.cases import advance, record, schedule_rate
from taizhang.track.model import Evaluation

D = dt.date


def _ev(sid: int, colour: str | None, dept: int, *, kind: str = "task", status: str = "lagging") -> Evaluation:
    return Evaluation(
        subject_type=kind, subject_id=sid, plan_id=1, label=f"任务{sid}", lead=[dept], deadline=D(2025, 12, 31),
        expected=50.0, actual=10.0, gap=40.0, status=status, colour=colour, reasons=[f"落后{sid}"],
    )


@pytest.fixture
def dept(ledger) -> int:
    with ledger.session() as s:
        d = Department(name="市生态环境局")
        s.add(d)
        s.flush()
        return d.id


def test_red_opens_one_case_and_warnings_follow_colours(ledger, dept: int) -> None:
    with ledger.session("system") as s:
        r = record(s, [_ev(1, "red", dept), _ev(2, "yellow", dept), _ev(3, None, dept)], D(2024, 3, 1))
    assert (r.warnings_new, r.cases_opened) == (2, 1)
    with ledger.session("system") as s:  # the same red again: no second case
        r = record(s, [_ev(1, "red", dept), _ev(2, "red", dept)], D(2024, 3, 15))
    assert (r.warnings_new, r.cases_opened, r.warnings_resolved) == (1, 1, 0)
    with ledger.session("system") as s:  # subject 2 clears: its warning is resolved
        r = record(s, [_ev(1, "red", dept)], D(2024, 4, 1))
    assert r.warnings_resolved == 1
    with ledger.session(write=False) as s:
        ws = s.scalars(select(Warning).order_by(Warning.id)).all()
        assert [(w.subject_id, w.colour, w.first_seen, w.resolved_on) for w in ws] == [
            (1, "red", D(2024, 3, 1), None),
            (2, "yellow", D(2024, 3, 1), D(2024, 3, 15)),
            (2, "red", D(2024, 3, 15), D(2024, 4, 1)),
        ]
        assert ws[0].last_seen == D(2024, 4, 1)
        cases = s.scalars(select(Case).order_by(Case.id)).all()
        assert [(c.subject_id, c.state, c.due) for c in cases] == [
            (1, "assigned", D(2024, 3, 31)), (2, "assigned", D(2024, 4, 14))]


def test_closed_loop_records_who_when_why(ledger, dept: int) -> None:
    with ledger.session("system") as s:
        record(s, [_ev(1, "red", dept)], D(2024, 3, 1))
        cid = s.scalar(select(Case.id))
    with ledger.session("dept-user") as s:
        advance(s, cid, "整改中", actor="dept-user", reason="已制定整改方案", on=D(2024, 3, 5))
        advance(s, cid, "pending_acceptance", actor="dept-user", reason="整改完成", on=D(2024, 3, 20))
    with pytest.raises(InputError, match="needs a reason"), ledger.session("bureau") as s:
        advance(s, cid, "退回", actor="bureau", on=D(2024, 3, 22))
    with ledger.session("bureau") as s:
        advance(s, cid, "退回", actor="bureau", reason="佐证材料不全", on=D(2024, 3, 22))
        advance(s, cid, "rectifying", actor="dept-user", on=D(2024, 3, 23))
        advance(s, cid, "pending_acceptance", actor="dept-user", on=D(2024, 3, 28))
        advance(s, cid, "销号", actor="bureau", reason="验收通过", on=D(2024, 3, 30))
    with pytest.raises(InputError, match="cannot go from 销号"), ledger.session("x") as s:
        advance(s, cid, "rectifying", actor="x", on=D(2024, 4, 2))
    with ledger.session(write=False) as s:
        events = s.scalars(select(CaseEvent).order_by(CaseEvent.id)).all()
        assert [(e.from_state, e.to_state, e.actor) for e in events] == [
            (None, "assigned", "system"),
            ("assigned", "rectifying", "dept-user"),
            ("rectifying", "pending_acceptance", "dept-user"),
            ("pending_acceptance", "returned", "bureau"),
            ("returned", "rectifying", "dept-user"),
            ("rectifying", "pending_acceptance", "dept-user"),
            ("pending_acceptance", "closed", "bureau"),
        ]
        assert events[3].reason == "佐证材料不全"
        case = s.get(Case, cid)
        assert case.closed_on == D(2024, 3, 30)


def test_schedule_rate(ledger, dept: int) -> None:
    # four cases opened 2024-01-01, due 2024-01-31: one closed on time, one closed late,
    # one still open past due, one opened later and still within its window
    with ledger.session("system") as s:
        record(s, [_ev(i, "red", dept) for i in (1, 2, 3)], D(2024, 1, 1))
        record(s, [_ev(i, "red", dept) for i in (1, 2, 3, 4)], D(2024, 2, 20))
        ids = [c.id for c in s.scalars(select(Case).order_by(Case.id))]
    with ledger.session("u") as s:
        for cid, closed in ((ids[0], D(2024, 1, 25)), (ids[1], D(2024, 2, 10))):
            advance(s, cid, "rectifying", actor="u", on=D(2024, 1, 5))
            advance(s, cid, "pending_acceptance", actor="u", on=closed)
            advance(s, cid, "closed", actor="bureau", on=closed)
    with ledger.session(write=False) as s:
        assert schedule_rate(s, D(2024, 3, 1)) == (2, 4, 50.0)  # ids[0] on time, ids[3] within window
        assert schedule_rate(s, D(2024, 1, 20)) == (3, 3, 100.0)  # case 4 not opened yet
        assert schedule_rate(s, D(2023, 12, 1)) == (0, 0, None)
