"""The hostile suite's site: the example plan served with two department users (each a department of
the plan), the bureau's admin and a leader, as in tests/web/test_roles.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.ledger.cli import load_plan
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Assignment, Department, Task
from taizhang.web.app import create_app
from taizhang.web.auth import add_user, new_api_token

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"
PASSWORD = "correct-horse-1"
ECO, WATER = "县生态环境局", "县水利局"


def _only_of(s, dept: Department) -> Task:  # type: ignore[no-untyped-def]
    """A task assigned to `dept` and to neither of the two test departments' other."""
    other = ECO if dept.name == WATER else WATER
    for t in s.scalars(select(Task).join(Assignment).where(Assignment.department_id == dept.id).order_by(Task.id)):
        names = {a.department.name for a in t.assignments}
        if other not in names:
            return t
    raise AssertionError(f"no task of {dept.name} only")


@pytest.fixture
def site(ledger):  # type: ignore[no-untyped-def]
    """(app, ids): ids of the two departments, a task of each alone, and their users' API tokens."""
    doc, cites = load_plan(EXAMPLE)
    with ledger.session("test") as s:
        import_plan(s, doc, source="plan.txt", cites=cites)
        eco = s.scalar(select(Department).where(Department.name == ECO))
        water = s.scalar(select(Department).where(Department.name == WATER))
        add_user(s, "admin", PASSWORD, "admin")
        add_user(s, "leader", PASSWORD, "leader")
        add_user(s, "eco", PASSWORD, "department", ECO)
        add_user(s, "water", PASSWORD, "department", WATER)
        ids = {"eco": eco.id, "water": water.id, "eco_task": _only_of(s, eco).id,
               "water_task": _only_of(s, water).id}
    with ledger.session("test") as s:
        ids["eco_token"] = new_api_token(s, "eco", "script")
        ids["water_token"] = new_api_token(s, "water", "script")
        ids["admin_token"] = new_api_token(s, "admin", "script")
    return create_app(ledger), ids


@pytest.fixture
def browser(site):  # type: ignore[no-untyped-def]
    """browser(username) → a TestClient signed in as `username` (None: anonymous), with its CSRF token as
    `.csrf`. Server errors come back as 500 answers, not as exceptions."""
    app, _ = site

    def make(username: str | None) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        if username is not None:
            r = c.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
            assert r.status_code == 303, r.text
        m = re.search(r'name="csrf" value="([^"]+)"', c.get("/public").text)
        c.csrf = m.group(1) if m else ""  # type: ignore[attr-defined]
        return c

    return make


@pytest.fixture
def api(site):  # type: ignore[no-untyped-def]
    """api(token) → a TestClient calling /api/v1 with that bearer token."""
    app, _ = site

    def make(token: str) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        c.headers["Authorization"] = f"Bearer {token}"
        return c

    return make
