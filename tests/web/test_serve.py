"""`taizhang serve` as users run it: several worker processes on one ledger (SQLite or PostgreSQL).

Each process keeps its own cache of the ledger's evaluation and dashboard; a write through any process
must show in every other, and parallel writes through several processes must all be stored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from taizhang.ledger.cli import load_plan
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import ProgressReport, Task
from taizhang.web.auth import add_user, new_api_token

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"
AS_OF = "2026-06-30"
PROC = Path("/proc")

pytestmark = pytest.mark.skipif(not (PROC / "self" / "status").exists(), reason="reads processes from /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(url: str, log: Path, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`taizhang serve --workers N` on the ledger at `url`; yields its base URL and process."""
    port = _free_port()
    cmd = [sys.executable, "-m", "taizhang.cli", "serve", "--db", url, "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute, without asserting on time
            if proc.poll() is not None:
                raise AssertionError(f"taizhang serve exited: {log.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(base + "/login", timeout=5).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("taizhang serve did not answer")
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]


def _workers(pid: int) -> list[int]:
    """uvicorn's worker processes under `pid` (spawned by multiprocessing)."""
    kids = (PROC / str(pid) / "task" / str(pid) / "children").read_text().split()
    return [int(k) for k in kids if b"spawn_main" in (PROC / k / "cmdline").read_bytes()]


def _environ(pid: int) -> dict[str, str]:
    pairs = (PROC / str(pid) / "environ").read_bytes().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)


def _alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in (PROC / str(pid) / "status").read_text()
    except OSError:
        return False


@pytest.fixture
def example(ledger):  # type: ignore[no-untyped-def]
    """The example plan in the ledger, an admin API token and a task with a deadline."""
    doc, cites = load_plan(EXAMPLE)
    with ledger.session("test") as s:
        import_plan(s, doc, source="plan.txt", cites=cites)
        add_user(s, "admin", "correct-horse-1", "admin")
        token = new_api_token(s, "admin")
        task_id = s.scalar(select(Task.id).where(Task.deadline.is_not(None)).order_by(Task.id))
    return token, task_id


def _post_reports(bases: list[str], token: str, task_id: int, n: int) -> dict[int, int]:
    """n reports POSTed at once, each on its own connection, spread over the servers; answers counted."""
    async def run() -> dict[int, int]:
        headers = {"Authorization": f"Bearer {token}"}
        clients = [httpx.AsyncClient(base_url=b, headers=headers, timeout=120,
                                     limits=httpx.Limits(max_keepalive_connections=0)) for b in bases]
        try:
            answers = await asyncio.gather(*(
                clients[i % len(clients)].post("/api/v1/reports", json={
                    "task_id": task_id, "as_of": AS_OF, "percent": 50, "uid": f"serve-{i}"})
                for i in range(n)))
        finally:
            for c in clients:
                await c.aclose()
        codes: dict[int, int] = {}
        for r in answers:
            codes[r.status_code] = codes.get(r.status_code, 0) + 1
        return codes

    # A thread of its own: in the whole suite another test's event loop (Playwright's) may be running here.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _stored(ledger) -> int:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(ProgressReport).where(ProgressReport.uid.like("serve-%")))


def test_serve_runs_the_worker_processes_asked_for(ledger, example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    token, task_id = example
    with serve(ledger.url, tmp_path / "serve.log", workers=2) as (base, proc):
        workers = _workers(proc.pid)
        assert len(workers) == 2
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(6):  # new connections, served by either worker
            r = httpx.get(f"{base}/tasks/{task_id}", params={"as_of": AS_OF}, headers=headers)
            assert r.status_code == 200 and "进度报告" in r.text
            assert httpx.get(f"{base}/", params={"as_of": AS_OF}, headers=headers).status_code == 200
        shared = Path(_environ(workers[0])["TAIZHANG_SHARED_PAGES"])
        assert len(list(shared.glob("*.html"))) == 1  # the dashboard body, rendered once for both workers
        assert _post_reports([base], token, task_id, 40) == {201: 40}
        assert _stored(ledger) == 40
    assert not any(_alive(w) for w in workers)  # stopping serve stops its workers
    assert not shared.exists()  # and removes the shared directory


def test_a_write_through_one_process_shows_in_another(ledger, example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two server processes on one ledger: each has its own cache, neither serves a stale page."""
    token, task_id = example
    headers = {"Authorization": f"Bearer {token}"}
    params = {"as_of": AS_OF}
    with serve(ledger.url, tmp_path / "a.log", workers=1) as (a, _), \
            serve(ledger.url, tmp_path / "b.log", workers=1) as (b, _):
        with httpx.Client(base_url=b, headers=headers, params=params) as cb:
            dash_before = cb.get("/").text  # B's caches are warm for this state
            page_before = cb.get(f"/tasks/{task_id}").text
            assert "状态：<b>已完成</b>" not in page_before
            r = httpx.post(a + "/api/v1/reports", headers=headers,
                           json={"task_id": task_id, "as_of": AS_OF, "percent": 100, "uid": "serve-done"})
            assert r.status_code == 201
            assert "状态：<b>已完成</b>" in cb.get(f"/tasks/{task_id}").text
            assert cb.get("/").text != dash_before
        assert _post_reports([a, b], token, task_id, 40) == {201: 40}  # writers in two processes
    assert _stored(ledger) == 41
