"""The audit trail: every insert, update and delete of a ledger row becomes an AuditEntry.

A session listener writes the entries in the same transaction as the change (so a rolled-back change
leaves no entry, and a committed one always has its entry). The actor is `session.info["actor"]`.
The audit table itself is append-only: the listener refuses to flush an update or delete of an
AuditEntry, and the migration installs database triggers that refuse both for any other client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from taizhang.ledger.models import AuditEntry, Base, utcnow

# Users, their sign-ins and tokens: audited, but no judgement or cached read model depends on them.
AUTH_TABLES = ("app_user", "user_session", "api_token", "login_attempt")


class AuditTamper(Exception):
    """An attempt to change or remove an audit entry."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes sha256:{hashlib.sha256(value).hexdigest()[:16]}>"
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Base) -> list[str]:
    return [c.key for c in inspect(obj).mapper.column_attrs]


def _snapshot(obj: Base) -> dict[str, Any]:
    return {k: _plain(getattr(obj, k)) for k in _columns(obj)}


def _changes(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.has_changes():
            before[key] = _plain(hist.deleted[0]) if hist.deleted else None
            after[key] = _plain(hist.added[0]) if hist.added else None
    return before, after


def _identity(obj: Base) -> str:
    state = inspect(obj)
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(i) for i in ident) if ident and None not in ident else "?"


# On PostgreSQL, transactions that change ledger rows (all but AUTH_TABLES) take this advisory lock
# before their first change and hold it to their end, so they commit in the order their audit entries
# were numbered: a reader that has seen audit entry N has seen every change numbered below N, which
# the cached read models rely on (web/queries.py, web/changes.py). SQLite writers are serialised anyway.
WRITE_ORDER_LOCK = 0x74617A68616E67  # "tazhang"


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    for obj in changed:
        if isinstance(obj, AuditEntry) and obj not in session.new:
            raise AuditTamper("audit entries are append-only: an update or delete was attempted")
    if session.info.get("write_order") is not session.get_transaction() and any(
            isinstance(obj, Base) and type(obj).__tablename__ not in AUTH_TABLES for obj in changed):
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_ORDER_LOCK})")
        session.info["write_order"] = session.get_transaction()


def _after_flush(session: Session, _ctx: Any) -> None:
    actor = str(session.info.get("actor") or "system")
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, AuditEntry) or not isinstance(obj, Base):
            continue
        rows.append(dict(at=now, actor=actor, action="insert", entity=type(obj).__tablename__,
                         entity_id=_identity(obj), before=None, after=_snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) or not isinstance(obj, Base) or not session.is_modified(obj):
            continue
        before, after = _changes(obj)
        if not after and not before:
            continue
        rows.append(dict(at=now, actor=actor, action="update", entity=type(obj).__tablename__,
                         entity_id=_identity(obj), before=before, after=after))
    for obj in session.deleted:
        if isinstance(obj, AuditEntry) or not isinstance(obj, Base):
            continue
        rows.append(dict(at=now, actor=actor, action="delete", entity=type(obj).__tablename__,
                         entity_id=_identity(obj), before=_snapshot(obj), after=None))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


_installed = False


def install() -> None:
    """Attach the listeners to every Session (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    _installed = True
