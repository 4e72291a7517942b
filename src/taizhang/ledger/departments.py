"""The department registry: one entry per body, reached by any of its aliases.

`resolve` turns a name as written in a plan (市发改委, 区环保局) into its registry entry, creating the
entry (named by `aliases.canonical_name`, with the built-in aliases attached) the first time a body is
seen. `merge` folds one entry into another (its aliases and assignments move); `rename` changes an
entry's name and keeps the old one as an alias.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.aliases import canonical_name, short_names
from taizhang.ledger.models import Assignment, Case, Department, DepartmentAlias, ProgressReport, Score, User


def _clean(name: str) -> str:
    return " ".join(name.split())


def find(session: Session, name: str) -> Department | None:
    """The entry a name (as written, canonical or alias) points at, following merges."""
    name = _clean(name)
    dept = session.scalar(select(Department).where(Department.name == name))
    if dept is None:
        alias = session.scalar(select(DepartmentAlias).where(DepartmentAlias.alias == name))
        dept = alias.department if alias else None
    if dept is None:
        canon = canonical_name(name)
        if canon != name:
            return find(session, canon)
    while dept is not None and dept.merged_into_id is not None:
        dept = session.get(Department, dept.merged_into_id)
    return dept


class Registry:
    """Resolves names within one session, with a cache (an import resolves thousands of names)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, Department] = {}

    def resolve(self, written: str) -> Department:
        written = _clean(written)
        hit = self._cache.get(written)
        if hit is not None:
            return hit
        dept = find(self.session, written)
        if dept is None:
            canon = canonical_name(written)
            dept = Department(name=canon)
            self.session.add(dept)
            self.session.flush()
            for alias in {written, *short_names(canon)} - {canon}:
                self._add_alias(dept, alias)
        elif written != dept.name:
            self._add_alias(dept, written)
        self._cache[written] = dept
        return dept

    def _add_alias(self, dept: Department, alias: str) -> None:
        taken = self.session.scalar(select(DepartmentAlias).where(DepartmentAlias.alias == alias))
        clash = self.session.scalar(select(Department).where(Department.name == alias))
        if taken is None and clash is None:
            self.session.add(DepartmentAlias(department_id=dept.id, alias=alias))
            self.session.flush()


def resolve(session: Session, written: str) -> Department:
    return Registry(session).resolve(written)


def _need(session: Session, name: str) -> Department:
    dept = find(session, name)
    if dept is None:
        raise InputError("department", f"no department named {name!r} in the registry")
    return dept


def rename(session: Session, old: str, new: str) -> Department:
    """Give an entry a new name; the old name stays as an alias."""
    dept = _need(session, old)
    new = _clean(new)
    other = find(session, new)
    if other is not None and other.id != dept.id:
        raise InputError("department", f"{new!r} is already the registry entry {other.name!r}: merge instead")
    if new == dept.name:
        return dept
    previous = dept.name
    existing = session.scalar(select(DepartmentAlias).where(DepartmentAlias.alias == new))
    if existing is not None:
        session.delete(existing)
        session.flush()
    dept.name = new
    session.flush()
    session.add(DepartmentAlias(department_id=dept.id, alias=previous))
    session.flush()
    return dept


def merge(session: Session, source: str, into: str) -> Department:
    """Fold `source` into `into`: aliases, assignments, reports, cases and users move; its name becomes an alias."""
    src = _need(session, source)
    dst = _need(session, into)
    if src.id == dst.id:
        raise InputError("department", f"{source!r} and {into!r} are already the same entry {dst.name!r}")
    for alias in list(src.aliases):
        alias.department_id = dst.id
    session.flush()
    # An assignment that would duplicate one the target already has is dropped, not moved.
    for a in session.scalars(select(Assignment).where(Assignment.department_id == src.id)).all():
        dup = session.scalar(
            select(Assignment).where(
                Assignment.task_id == a.task_id, Assignment.department_id == dst.id, Assignment.role == a.role
            )
        )
        if dup is None:
            a.department_id = dst.id
        else:
            session.delete(a)
    # Row by row through the ORM (not a bulk UPDATE), so that every move is in the audit trail.
    for model in (ProgressReport, Case, User):
        for row in session.scalars(select(model).where(model.department_id == src.id)).all():
            row.department_id = dst.id
    for score in session.scalars(select(Score).where(Score.department_id == src.id)).all():
        session.delete(score)  # scores are recomputed by `assess`; the merged entry's are stale
    src.merged_into_id = dst.id
    old_name = src.name
    src.name = f"{old_name}#merged-{src.id}"
    session.flush()
    session.add(DepartmentAlias(department_id=dst.id, alias=old_name))
    session.flush()
    return dst


def listing(session: Session) -> list[tuple[Department, list[str], int]]:
    """Every live entry with its aliases and its number of assignments, by name."""
    from sqlalchemy import func

    counts = dict(
        session.execute(select(Assignment.department_id, func.count()).group_by(Assignment.department_id)).all()
    )
    depts = session.scalars(
        select(Department).where(Department.merged_into_id.is_(None)).order_by(Department.name)
    ).all()
    return [(d, sorted(a.alias for a in d.aliases), counts.get(d.id, 0)) for d in depts]
