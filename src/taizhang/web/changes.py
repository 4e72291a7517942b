"""What changed in the ledger between two of its states: the tasks and targets to judge again.

Read from the database, so it holds whichever process wrote: the audit entries after the earlier
state's newest one (every ORM insert, update and delete of a ledger row writes one, in the same
transaction) and the progress reports after its newest report (bulk loads write reports without an
audit entry). Each entry names the subjects whose judgement may depend on the row it changed:

- a progress report, an assignment, a milestone: its task or target;
- a task or a target changed in place (a deadline, a binding, a baseline, removed): itself;
- a warning, a case, a case step: the case's subject;
- evidence, scores, departments and their aliases: none (names are read afresh for each state).

Anything else (a plan imported or revised, a task or target added or moved, indicator values loaded,
a row this module does not know) is `None`: the caller judges the whole ledger again. So is a change
set longer than LIMIT entries, where judging everything costs about as much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.ledger.audit import AUTH_TABLES
from taizhang.ledger.models import AuditEntry, Base, Case, ProgressReport, Target

LIMIT = 400  # audit entries or reports; beyond, the whole ledger is judged again


class Marks(NamedTuple):
    """A ledger state's change counters: the ids of the newest audit entry (leaving out AUTH_TABLES'),
    progress report and indicator value (None while the table is empty)."""

    audit: int | None
    report: int | None
    value: int | None


@dataclass
class Touched:
    """The subjects to judge again: task ids and target ids."""

    tasks: set[int] = field(default_factory=set)
    targets: set[int] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.tasks) + len(self.targets)


# Rows whose change re-judges the subjects their columns name: column → subject type.
_NAMES_SUBJECT = {
    "progress_report": {"task_id": "task", "target_id": "target"},
    "assignment": {"task_id": "task"},
    "milestone": {"task_id": "task"},
}
_CASE_LIKE = ("warning", "supervision_case")  # subject_type + subject_id columns
_NO_JUDGEMENT = frozenset({"evidence", "score", "department", "department_alias"})
# A task's or a target's columns that give its place in the ledger's order: changed, the whole is redone.
_ORDER_COLUMNS = frozenset({"plan_id", "position"})


class _Unknown(Exception):
    """The change set cannot be told from the entries: judge the whole ledger again."""


def _n(x: int | None) -> int:
    return 0 if x is None else x


def touched(session: Session, since: Marks, until: Marks) -> Touched | None:
    """The subjects whose judgement may differ between the states `since` and `until` (None: unknown)."""
    if until.value != since.value:
        return None  # indicator values loaded (bulk, unaudited): every bound target may change
    if _n(until.audit) < _n(since.audit) or _n(until.report) < _n(since.report):
        return None  # another database, or rows gone: nothing to go by
    out = Touched()
    try:
        if _n(until.audit) > _n(since.audit):
            entries = session.execute(
                select(AuditEntry.id, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
                       AuditEntry.before, AuditEntry.after)
                .where(AuditEntry.id > _n(since.audit), AuditEntry.id <= _n(until.audit),
                       AuditEntry.entity.not_in(AUTH_TABLES))
                .order_by(AuditEntry.id).limit(LIMIT + 1)).all()
            if len(entries) > LIMIT:
                return None
            for _id, action, entity, entity_id, before, after in entries:
                _entry(session, out, action, entity, entity_id, before or {}, after or {})
        if _n(until.report) > _n(since.report):
            rows = session.execute(
                select(ProgressReport.task_id, ProgressReport.target_id)
                .where(ProgressReport.id > _n(since.report), ProgressReport.id <= _n(until.report))
                .limit(LIMIT + 1)).all()
            if len(rows) > LIMIT:
                return None
            for task_id, target_id in rows:
                _add(out, "task", task_id)
                _add(out, "target", target_id)
    except _Unknown:
        return None
    if out.targets:  # a target's reports count as its task's, and its task's departments lead it
        for task_id in session.scalars(select(Target.task_id).where(Target.id.in_(out.targets))):
            _add(out, "task", task_id)
    return out


def entities(session: Session, since: Marks, until: Marks) -> set[str] | None:
    """The tables whose rows the writes between the two states changed (None: unknown)."""
    if _n(until.audit) < _n(since.audit) or _n(until.report) < _n(since.report) or _n(until.value) < _n(since.value):
        return None
    found = set(session.execute(
        select(AuditEntry.entity).where(AuditEntry.id > _n(since.audit), AuditEntry.id <= _n(until.audit),
                                        AuditEntry.entity.not_in(AUTH_TABLES)).distinct().limit(LIMIT + 1)).scalars())
    if until.report != since.report:  # also bulk loads, written without an audit entry
        found.add(ProgressReport.__tablename__)
    if until.value != since.value:
        found.add("indicator_value")
    return None if len(found) > LIMIT else found


def _add(out: Touched, kind: str | None, sid: Any) -> None:
    if sid is None or kind is None:
        return
    try:
        n = int(sid)
    except (TypeError, ValueError):
        raise _Unknown from None
    if kind == "task":
        out.tasks.add(n)
    elif kind == "target":
        out.targets.add(n)
    else:
        raise _Unknown


def _values(session: Session, entity: str, entity_id: str, action: str, before: dict[str, Any],
            after: dict[str, Any], column: str) -> list[Any]:
    """The column's values before and after the change (an update's unchanged column: as stored now)."""
    found = [snap[column] for snap in (before, after) if column in snap]
    if not found and action == "update":
        mapper = next((m for m in Base.registry.mappers if m.local_table.name == entity), None)
        if mapper is None:
            raise _Unknown
        cls = mapper.class_
        try:
            found = [session.scalar(select(getattr(cls, column)).where(cls.id == int(entity_id)))]
        except ValueError:
            raise _Unknown from None
    return found


def _entry(session: Session, out: Touched, action: str, entity: str, entity_id: str,
           before: dict[str, Any], after: dict[str, Any]) -> None:
    if entity in _NO_JUDGEMENT:
        return
    if entity in _NAMES_SUBJECT:
        for column, kind in _NAMES_SUBJECT[entity].items():
            for sid in _values(session, entity, entity_id, action, before, after, column):
                _add(out, kind, sid)
        return
    if entity in _CASE_LIKE:
        kinds = _values(session, entity, entity_id, action, before, after, "subject_type")
        sids = _values(session, entity, entity_id, action, before, after, "subject_id")
        for kind in kinds:
            for sid in sids:
                _add(out, kind, sid)
        return
    if entity == "case_event":
        for case_id in _values(session, entity, entity_id, action, before, after, "case_id"):
            case = session.get(Case, int(case_id)) if case_id is not None else None
            if case is not None:
                _add(out, case.subject_type, case.subject_id)
        return
    if entity in ("task", "target") and action == "update" and not (_ORDER_COLUMNS & (before.keys() | after.keys())):
        _add(out, entity, entity_id)
        if entity == "target":  # moved from one task to another: both
            for task_id in _values(session, entity, entity_id, action, before, after, "task_id"):
                _add(out, "task", task_id)
        return
    raise _Unknown
