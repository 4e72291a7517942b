"""The audit trail: every change recorded with who and before → after; the table refuses edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from taizhang.ledger.audit import AuditTamper
from taizhang.ledger.models import AuditEntry, Department


def test_changes_are_recorded_with_actor_and_values(ledger) -> None:
    with ledger.session("alice") as s:
        s.add(Department(name="市生态环境局"))
    with ledger.session("bob") as s:
        d = s.scalar(select(Department))
        d.name = "市生态环境局（新）"
    with ledger.session(write=False) as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action, e.entity) for e in entries] == [
        ("alice", "insert", "department"),
        ("bob", "update", "department"),
    ]
    assert entries[1].before == {"name": "市生态环境局"}
    assert entries[1].after == {"name": "市生态环境局（新）"}


def test_rolled_back_change_leaves_no_entry(ledger) -> None:
    with pytest.raises(RuntimeError), ledger.session("alice") as s:
        s.add(Department(name="市水务局"))
        s.flush()
        raise RuntimeError("boom")
    with ledger.session(write=False) as s:
        assert s.scalars(select(AuditEntry)).all() == []
        assert s.scalars(select(Department)).all() == []


def test_orm_refuses_to_edit_or_delete_an_entry(ledger) -> None:
    with ledger.session("alice") as s:
        s.add(Department(name="市公安局"))
    with pytest.raises(AuditTamper), ledger.session("eve") as s:
        s.scalar(select(AuditEntry)).actor = "nobody"
    with pytest.raises(AuditTamper), ledger.session("eve") as s:
        s.delete(s.scalar(select(AuditEntry)))


@pytest.mark.parametrize("sql", ["UPDATE audit_entry SET actor = 'eve'", "DELETE FROM audit_entry"])
def test_database_refuses_raw_update_and_delete(ledger, sql: str) -> None:
    with ledger.session("alice") as s:
        s.add(Department(name="市财政局"))
    with pytest.raises(DBAPIError, match="append-only"), ledger.session("eve") as s:
        s.execute(text(sql))
    with ledger.session(write=False) as s:
        assert s.scalar(select(AuditEntry.actor)) == "alice"


def test_insert_entries_name_the_new_row(ledger) -> None:
    with ledger.session("alice") as s:
        d = Department(name="市商务局")
        s.add(d)
        s.flush()
        new_id = d.id
    with ledger.session(write=False) as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.action == "insert"))
        assert e.entity_id == str(new_id) and e.after["id"] == new_id
