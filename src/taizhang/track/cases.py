"""Warnings as records, and supervision cases (督办) with their closed loop.

`record` saves an evaluation's colours as Warning rows (first seen / last seen / resolved) and opens a
Case for every red one that has no open case yet. A case moves

    交办 assigned → 整改中 rectifying → 待验收 pending_acceptance → 销号 closed
                                            ↘ 退回 returned → 整改中 rectifying

and every move is a CaseEvent with who, when and why. A case is on schedule when it was closed by its
due date, or is still open and its due date has not passed; the share of cases on schedule is the
整改时序进度达标率 (rectification time-schedule attainment rate) that plans set targets for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import Case, CaseEvent, Warning
from taizhang.track import inputs
from taizhang.track.model import Evaluation

STATE_LABELS = {
    "assigned": "交办",
    "rectifying": "整改中",
    "pending_acceptance": "待验收",
    "closed": "销号",
    "returned": "退回",
}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "assigned": ("rectifying",),
    "rectifying": ("pending_acceptance",),
    "pending_acceptance": ("closed", "returned"),
    "returned": ("rectifying",),
    "closed": (),
}
# Moves that only the coordinating bureau may make (acceptance): the web app checks roles with this.
BUREAU_ONLY = {("pending_acceptance", "closed"), ("pending_acceptance", "returned")}
OPEN_STATES = ("assigned", "rectifying", "pending_acceptance", "returned")
DEFAULT_RECTIFY_DAYS = 30


def state_of(word: str) -> str:
    """A state from its name or its Chinese label (销号 → closed)."""
    if word in STATE_LABELS:
        return word
    for k, v in STATE_LABELS.items():
        if v == word:
            return k
    raise InputError("case", f"unknown case state {word!r}; one of " + ", ".join(
        f"{k} ({v})" for k, v in STATE_LABELS.items()))


@dataclass
class RecordResult:
    warnings_new: int = 0
    warnings_resolved: int = 0
    cases_opened: int = 0


def record(
    session: Session,
    evaluations: Iterable[Evaluation],
    as_of: dt.date,
    *,
    actor: str = "system",
    rectify_days: int = DEFAULT_RECTIFY_DAYS,
) -> RecordResult:
    """Save the colours of an evaluation as of `as_of`, and open a case for each new red one."""
    result = RecordResult()
    open_warnings = {
        (w.subject_type, w.subject_id): w
        for w in session.scalars(select(Warning).where(Warning.resolved_on.is_(None))).all()
    }
    open_cases = {
        (c.subject_type, c.subject_id)
        for c in session.scalars(select(Case).where(Case.state.in_(OPEN_STATES))).all()
    }
    seen: set[tuple[str, int]] = set()
    for ev in evaluations:
        key = (ev.subject_type, ev.subject_id)
        if ev.colour is None:
            continue
        seen.add(key)
        w = open_warnings.get(key)
        reason = "；".join(ev.reasons) or ev.status
        if w is not None and w.colour != ev.colour:
            w.resolved_on = as_of  # a change of colour closes the old warning and starts a new one
            w = None
        if w is None:
            w = Warning(subject_type=ev.subject_type, subject_id=ev.subject_id, colour=ev.colour,
                        reason=reason, first_seen=as_of, last_seen=as_of)
            session.add(w)
            open_warnings[key] = w
            result.warnings_new += 1
        else:
            w.last_seen = max(w.last_seen, as_of)
            w.reason = reason
        if ev.colour == "red" and key not in open_cases:
            session.flush()
            open_case(session, ev, as_of, actor=actor, warning_id=w.id, rectify_days=rectify_days)
            open_cases.add(key)
            result.cases_opened += 1
    for key, w in open_warnings.items():
        if key not in seen and w.resolved_on is None:
            w.resolved_on = as_of
            result.warnings_resolved += 1
    session.flush()
    return result


def open_case(
    session: Session, ev: Evaluation, on: dt.date, *, actor: str, warning_id: int | None = None,
    rectify_days: int = DEFAULT_RECTIFY_DAYS,
) -> Case:
    case = Case(
        warning_id=warning_id, subject_type=ev.subject_type, subject_id=ev.subject_id,
        department_id=ev.lead[0] if ev.lead else None, title=ev.label, state="assigned",
        opened_on=on, due=on + dt.timedelta(days=rectify_days),
    )
    case.events.append(CaseEvent(from_state=None, to_state="assigned", actor=actor, on=on,
                                 reason="；".join(ev.reasons) or "红色预警"))
    session.add(case)
    session.flush()
    return case


def advance(session: Session, case_id: int, to_state: str, *, actor: str, reason: str = "",
            on: dt.date | None = None) -> Case:
    """Move a case one step; a return (退回) needs a reason."""
    case = session.get(Case, case_id)
    if case is None:
        raise InputError("case", f"no case with id {case_id}")
    to_state = state_of(to_state)
    allowed = TRANSITIONS[case.state]
    if to_state not in allowed:
        nexts = "、".join(f"{STATE_LABELS[s]}({s})" for s in allowed) or "none (closed)"
        raise InputError(f"case {case_id}", f"cannot go from {STATE_LABELS[case.state]}({case.state}) to "
                         f"{STATE_LABELS[to_state]}({to_state}); next: {nexts}")
    if to_state == "returned" and not reason.strip():
        raise InputError(f"case {case_id}", "a return (退回) needs a reason")
    on = inputs.day(on or dt.date.today(), "on", "办理日期")
    inputs.text(reason, "reason", "理由", inputs.REASON_MAX)
    last = case.events[-1].on if case.events else case.opened_on
    if on < last:
        raise InputError(f"case {case_id}", f"date {on} is before the case's last step ({last})")
    case.events.append(CaseEvent(from_state=case.state, to_state=to_state, actor=actor, on=on, reason=reason))
    case.state = to_state
    case.closed_on = on if to_state == "closed" else None
    session.flush()
    return case


def on_schedule(case: Case, as_of: dt.date) -> bool:
    if case.closed_on is not None and case.closed_on <= as_of:
        return case.closed_on <= case.due
    return as_of <= case.due


def overdue(case: Case, as_of: dt.date) -> bool:
    return not on_schedule(case, as_of)


def schedule_rate(session: Session, as_of: dt.date, *, department_id: int | None = None) -> tuple[int, int, float | None]:
    """整改时序进度达标率: (on schedule, all cases opened by as_of, percent), None when there are no cases."""
    q = select(Case).where(Case.opened_on <= as_of)
    if department_id is not None:
        q = q.where(Case.department_id == department_id)
    cases = session.scalars(q).all()
    good = sum(1 for c in cases if on_schedule(c, as_of))
    return good, len(cases), (round(100 * good / len(cases), 1) if cases else None)
