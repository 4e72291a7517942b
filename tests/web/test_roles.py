"""The web app's roles: the whole role × route matrix, CSRF, rate limiting, API tokens."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from taizhang.ledger.cli import load_plan
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Assignment, Case, Department, ProgressReport, Task
from taizhang.track.cases import record
from taizhang.track.evaluate import evaluate
from taizhang.web.app import create_app
from taizhang.web.auth import add_user, new_api_token

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"
PASSWORD = "correct-horse-1"
ROLES = ("anonymous", "public", "leader", "department", "admin")


@pytest.fixture
def site(ledger):  # type: ignore[no-untyped-def]
    doc, cites = load_plan(EXAMPLE)
    with ledger.session("test") as s:
        import_plan(s, doc, source="plan.txt", cites=cites)
        eco = s.scalar(select(Department).where(Department.name == "县生态环境局"))
        own = s.scalar(select(Task).join(Assignment).where(Assignment.department_id == eco.id,
                                                           Assignment.role == "lead"))
        other = s.scalar(select(Task).where(~Task.assignments.any(Assignment.department_id == eco.id)))
        record(s, evaluate(s, dt.date(2026, 6, 30)), dt.date(2026, 6, 30))
        own_case = s.scalar(select(Case).where(Case.department_id == eco.id))
        other_case = s.scalar(select(Case).where(Case.department_id != eco.id))
        add_user(s, "admin", PASSWORD, "admin")
        add_user(s, "leader", PASSWORD, "leader")
        add_user(s, "dept", PASSWORD, "department", "县生态环境局")
        add_user(s, "public", PASSWORD, "public")
        ids = {"own": own.id, "other": other.id, "own_case": own_case.id, "other_case": other_case.id}
    return create_app(ledger), ids


def client(app, role: str) -> TestClient:  # type: ignore[no-untyped-def]
    c = TestClient(app, raise_server_exceptions=True)
    if role != "anonymous":
        r = c.post("/login", data={"username": {"department": "dept"}.get(role, role), "password": PASSWORD},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient) -> str:
    page = c.get("/public").text
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    return m.group(1) if m else ""


READ_PAGES = ["/", "/plans", "/plans/1", "/tasks/{own}", "/dept", "/cases", "/assess", "/monitor",
              "/api/v1/plans", "/api/v1/tasks", "/api/v1/targets", "/api/v1/reports", "/api/v1/warnings",
              "/api/v1/cases", "/api/v1/scores"]


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(site, role: str) -> None:
    app, ids = site
    c = client(app, role)
    for raw in READ_PAGES:
        path = raw.format(**ids)
        r = c.get(path, follow_redirects=False)
        api = path.startswith("/api/")
        if role == "anonymous":
            assert r.status_code == (401 if api else 303), (role, path, r.status_code)
        elif role == "public":
            assert r.status_code == 403, (role, path, r.status_code)
        else:
            assert r.status_code == 200, (role, path, r.status_code)
    assert c.get("/public").status_code == 200  # everyone, no login needed
    assert c.get("/openapi.json").status_code == 200

    token = csrf_of(c)
    # a progress report on the department's own task and on another department's task
    expected_own = {"anonymous": 303, "public": 403, "leader": 403, "department": 303, "admin": 303}[role]
    expected_other = {"anonymous": 303, "public": 403, "leader": 403, "department": 403, "admin": 303}[role]
    for key, expected in (("own", expected_own), ("other", expected_other)):
        r = c.post("/reports", data={"csrf": token, "subject": f"task:{ids[key]}", "as_of": "2026-05-31",
                                     "percent": "40", "narrative": f"{role} {key}"}, follow_redirects=False)
        assert r.status_code == expected, (role, key, r.status_code, r.text[:200])
    # a case step: the department may take its own case into rectification, not another's
    for key, expected in (("own_case", expected_own), ("other_case", expected_other)):
        r = c.post(f"/cases/{ids[key]}/advance", data={"csrf": token, "to": "rectifying", "reason": "x"},
                   follow_redirects=False)
        assert r.status_code == expected, (role, key, r.status_code)
    # uploading a plan is the bureau's
    r = c.post("/plans/upload", data={"csrf": token}, files={"file": ("p.txt", EXAMPLE.read_bytes())},
               follow_redirects=False)
    assert r.status_code == {"anonymous": 303, "public": 403, "leader": 403, "department": 403,
                             "admin": 200}[role], (role, r.status_code)


def test_csrf_is_required(site) -> None:
    app, ids = site
    c = client(app, "admin")
    r = c.post("/reports", data={"subject": f"task:{ids['own']}", "as_of": "2026-05-31", "percent": "10"},
               follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/reports", data={"csrf": "forged", "subject": f"task:{ids['own']}", "as_of": "2026-05-31",
                                 "percent": "10"}, follow_redirects=False)
    assert r.status_code == 403


def test_login_is_rate_limited(site) -> None:
    app, _ = site
    c = TestClient(app)
    codes = [c.post("/login", data={"username": "admin", "password": "wrong-password"}).status_code
             for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # even the right password is refused while the limit holds
    assert c.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 429


def test_report_with_evidence_and_api_token(site, ledger) -> None:
    app, ids = site
    c = client(app, "department")
    token = csrf_of(c)
    r = c.post("/reports", data={"csrf": token, "subject": f"task:{ids['own']}", "as_of": "2026-05-31",
                                 "percent": "55", "narrative": "完成锅炉改造8台"},
               files={"files": ("验收单.pdf", b"%PDF-1.4 evidence", "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get(f"/tasks/{ids['own']}").text
    assert "完成锅炉改造8台" in page and "验收单.pdf" in page
    link = re.search(r'href="(/evidence/\d+)"', page).group(1)
    assert c.get(link).content == b"%PDF-1.4 evidence"
    with ledger.session() as s:
        api_token = new_api_token(s, "dept", "script")
    api = TestClient(app)
    h = {"Authorization": f"Bearer {api_token}"}
    body = {"task_id": ids["own"], "as_of": "2026-06-30", "percent": 60, "uid": "script-1"}
    r1 = api.post("/api/v1/reports", json=body, headers=h)
    r2 = api.post("/api/v1/reports", json=body, headers=h)  # a retry: stored once
    assert r1.status_code == 201 and r1.json()["created"] and not r2.json()["created"]
    assert api.post("/api/v1/reports", json={**body, "task_id": ids["other"], "uid": "x"},
                    headers=h).status_code == 403
    assert api.get("/api/v1/plans", headers={"Authorization": "Bearer nope"}).status_code == 401
    with ledger.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 2
