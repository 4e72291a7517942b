"""The in-process cache of whole-ledger evaluations: reused while the ledger is unchanged, never stale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.ledger.cli import load_plan
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Task
from taizhang.web import queries
from taizhang.web.app import create_app
from taizhang.web.auth import add_user, new_api_token

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"
AS_OF = "2026-06-30"


def _example_ledger(ledger, *, token: bool = True, dated: bool = True):  # type: ignore[no-untyped-def]
    """The example plan imported, an admin (with an API token) and the first task (with a deadline)."""
    doc, cites = load_plan(EXAMPLE)
    with ledger.session("test") as s:
        import_plan(s, doc, source="plan.txt", cites=cites)
        add_user(s, "admin", "correct-horse-1", "admin")
        key = new_api_token(s, "admin") if token else None
        query = select(Task).where(Task.deadline.is_not(None)) if dated else select(Task)
        task = s.scalar(query.order_by(Task.id))
    return key, task


def test_warnings_reuse_the_evaluation_until_a_report_changes_the_ledger(ledger) -> None:  # type: ignore[no-untyped-def]
    token, task = _example_ledger(ledger)
    c = TestClient(create_app(ledger), headers={"Authorization": f"Bearer {token}"})
    queries.CACHE.clear()

    def warning() -> dict | None:  # type: ignore[type-arg]
        r = c.get("/api/v1/warnings", params={"as_of": AS_OF})
        assert r.status_code == 200
        return next((w for w in r.json() if w["subject_type"] == "task" and w["subject_id"] == task.id), None)

    before = warning()
    misses = queries.CACHE.misses
    assert warning() == before and queries.CACHE.misses == misses  # unchanged ledger: served from the cache
    r = c.post("/api/v1/reports", json={"task_id": task.id, "as_of": AS_OF, "percent": 100, "uid": "cache-1"})
    assert r.status_code == 201
    assert warning() is None  # done: no longer a warning (the cache did not serve the old evaluation)
    assert before is not None and before["actual"] in (None, 0)
    assert queries.CACHE.misses > misses
    with ledger.session(write=False) as s:  # the same evaluation as computing afresh
        from taizhang.track.evaluate import evaluate

        fresh = {(e.subject_type, e.subject_id): e for e in evaluate(s, dt.date.fromisoformat(AS_OF))}
        cached = queries.evaluation(s, "task", task.id, dt.date.fromisoformat(AS_OF))
        assert cached == fresh[("task", task.id)] and cached.status == "done"


def test_task_page_on_a_new_ledger_state_judges_only_its_task(ledger) -> None:  # type: ignore[no-untyped-def]
    """After a write, a task page judges its task alone (the same as the whole ledger's evaluation
    does), leaving the whole-ledger evaluation to the pages that need it."""
    token, task = _example_ledger(ledger)
    c = TestClient(create_app(ledger), headers={"Authorization": f"Bearer {token}"})
    r = c.post("/api/v1/reports", json={"task_id": task.id, "as_of": AS_OF, "percent": 100, "uid": "plan-1"})
    assert r.status_code == 201
    queries.CACHE.clear()
    day = dt.date.fromisoformat(AS_OF)

    page = c.get(f"/tasks/{task.id}", params={"as_of": AS_OF})
    assert page.status_code == 200 and "状态：<b>已完成</b>" in page.text
    with ledger.session(write=False) as s:
        assert queries.CACHE.find(s, ("whole", day)) is None  # the whole ledger was not evaluated
        alone = queries.evaluation(s, "task", task.id, day, plan_id=task.plan_id)
        whole = queries.evaluation(s, "task", task.id, day)  # computes and caches the whole ledger's
        assert queries.CACHE.find(s, ("whole", day)) is not None
        assert alone == whole and whole is not None and whole.status == "done"
    assert c.get(f"/tasks/{task.id}", params={"as_of": AS_OF}).text == page.text


def test_signing_in_keeps_the_cached_evaluation(ledger) -> None:  # type: ignore[no-untyped-def]
    """Sign-ins and failed sign-ins are audited but change nothing a cached read model shows."""
    _example_ledger(ledger, token=False)
    c = TestClient(create_app(ledger))

    def state():  # type: ignore[no-untyped-def]
        with ledger.session(write=False) as s:
            return queries.CACHE.state(s)

    before = state()
    assert c.post("/login", data={"username": "admin", "password": "wrong-password"}).status_code == 401
    assert c.post("/login", data={"username": "admin", "password": "correct-horse-1"},
                  follow_redirects=False).status_code == 303
    assert state() == before
    with ledger.session("test") as s:
        task = s.scalar(select(Task).order_by(Task.id))
        task.text += "（修订）"
    assert state() != before


def test_worker_processes_share_the_dashboard_body(ledger, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One worker renders the dashboard body of a ledger state; another reads it instead of evaluating
    the ledger; after a write each state gets its own body."""
    from taizhang.web.shared import SharedPages

    token, task = _example_ledger(ledger, dated=False)
    shared = SharedPages(tmp_path)
    headers = {"Authorization": f"Bearer {token}"}
    queries.CACHE.clear()
    first = TestClient(create_app(ledger, shared), headers=headers).get("/", params={"as_of": AS_OF})
    assert first.status_code == 200 and len(list(tmp_path.glob("*.html"))) == 1

    def no_evaluation(*a, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("the other worker evaluated the ledger")

    queries.CACHE.clear()  # the other worker's process has nothing cached
    monkeypatch.setattr("taizhang.track.evaluate.evaluate", no_evaluation)
    other = TestClient(create_app(ledger, shared), headers=headers)
    assert other.get("/", params={"as_of": AS_OF}).text == first.text
    monkeypatch.undo()

    r = other.post("/api/v1/reports", json={"task_id": task.id, "as_of": AS_OF, "percent": 40, "uid": "shared-1"})
    assert r.status_code == 201
    after = other.get("/", params={"as_of": AS_OF})
    assert after.status_code == 200 and after.text != first.text
    assert len(list(tmp_path.glob("*.html"))) == 2
