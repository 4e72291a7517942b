"""100 concurrent report writers lose nothing: every accepted report is stored exactly once.

Each writer submits several reports through `Ledger.session` + `add_report` (the path of the web form,
the API and the CLI), one transaction each. Some submissions are retries: the same uid again from the
same writer, or from another writer (a retry that reached another worker). Afterwards every uid is
stored once, exactly one submission of each uid created it, none is lost, and the audit trail has
one insert per stored report. Writers run as threads in one process and as forked processes (each
with its own engine, as app workers are). SQLite and PostgreSQL (TAIZHANG_DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import threading
import traceback
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taizhang.ledger.db import Ledger
from taizhang.ledger.generate import generate
from taizhang.ledger.models import AuditEntry, ProgressReport, Task
from taizhang.track.reports import add_report

WRITERS = 100
PER_WRITER = 4  # distinct reports per writer


def _own(writer: int, tasks: list[int]) -> list[dict[str, object]]:
    return [
        {"uid": f"w{writer}-r{k}", "task_id": tasks[(writer + k) % len(tasks)], "as_of": f"2024-0{1 + k}-28",
         "percent": (writer * 7 + k) % 100, "narrative": f"写入者{writer}第{k}次填报", "reporter": f"w{writer}"}
        for k in range(PER_WRITER)
    ]


def _plan(writer: int, tasks: list[int]) -> list[dict[str, object]]:
    """What one writer submits: its own reports, a retry of its first, and a retry of its neighbour's first."""
    own = _own(writer, tasks)
    return [*own, dict(own[0]), _own((writer + 1) % WRITERS, tasks)[0]]


def _submit(lg: Ledger, writer: int, item: dict[str, object]) -> dict[str, object]:
    """One submission in its own transaction; the result as the client would see it."""
    try:
        with lg.session(f"writer-{writer}") as s:
            report, created = add_report(
                s, task_id=item["task_id"], as_of=dt.date.fromisoformat(str(item["as_of"])),  # type: ignore[arg-type]
                percent=item["percent"], narrative=str(item["narrative"]), reporter=str(item["reporter"]),
                uid=str(item["uid"]),
            )
            return {"uid": item["uid"], "accepted": True, "created": created, "id": report.id}
    except Exception as e:  # a writer that was refused: recorded, and the test fails on it
        return {"uid": item["uid"], "accepted": False, "error": f"{type(e).__name__}: {e}",
                "trace": traceback.format_exc(limit=3)}


def _setup(lg: Ledger) -> list[int]:
    generate(lg, plans=1, tasks=12, reports=0, seed=3)
    with lg.session(write=False) as s:
        return list(s.scalars(select(Task.id).order_by(Task.id)))


def _check(lg: Ledger, results: list[dict[str, object]]) -> None:
    refused = [r for r in results if not r["accepted"]]
    assert not refused, f"{len(refused)} submissions refused, e.g. {refused[0]['error']}\n{refused[0]['trace']}"
    assert len(results) == WRITERS * (PER_WRITER + 2)
    accepted = {str(r["uid"]) for r in results}
    assert len(accepted) == WRITERS * PER_WRITER
    creators = Counter(str(r["uid"]) for r in results if r["created"])
    assert set(creators) == accepted and set(creators.values()) == {1}, "each uid created by exactly one call"
    ids_by_uid: dict[str, set[int]] = {}
    for r in results:
        ids_by_uid.setdefault(str(r["uid"]), set()).add(int(r["id"]))  # type: ignore[call-overload]
    assert all(len(ids) == 1 for ids in ids_by_uid.values()), "every retry saw the one stored report"
    with lg.session(write=False) as s:
        stored = Counter(s.scalars(select(ProgressReport.uid)))
        assert set(stored) == accepted, "none lost, none extra"
        assert set(stored.values()) == {1}, "none stored twice"
        by_id = dict(s.execute(select(ProgressReport.id, ProgressReport.uid)).all())
        assert {ids.pop() for ids in ids_by_uid.values()} == set(by_id)
        # the audit snapshot of each insert (its "after") names the stored row: one insert per report
        inserts = s.execute(select(AuditEntry.after, AuditEntry.actor).where(
            AuditEntry.entity == "progress_report", AuditEntry.action == "insert")).all()
        audited = Counter((after["id"], after["uid"]) for after, _ in inserts)
        assert set(audited.values()) == {1} and set(audited) == set(by_id.items())
        assert len({actor for _, actor in inserts}) > WRITERS // 2, "the reports were written by many writers"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "progress_report", AuditEntry.action != "insert")) == 0


def test_100_threads(ledger: Ledger) -> None:
    tasks = _setup(ledger)
    results: list[dict[str, object]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def writer(i: int) -> None:
        barrier.wait()
        for item in _plan(i, tasks):
            r = _submit(ledger, i, item)
            with lock:
                results.append(r)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    _check(ledger, results)


def _process_writer(url: str, i: int, tasks: list[int], go, out: str) -> None:  # type: ignore[no-untyped-def]
    lg = Ledger(url, upgrade=False)  # its own engine and connections, as an app worker has
    go.wait(60)
    results = [_submit(lg, i, item) for item in _plan(i, tasks)]
    lg.close()
    Path(out).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_100_processes(ledger: Ledger, tmp_path: Path) -> None:
    tasks = _setup(ledger)
    ledger.engine.dispose()  # no pooled connection is shared with the children
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    procs = []
    for i in range(WRITERS):
        p = ctx.Process(target=_process_writer, args=(ledger.url, i, tasks, go, str(tmp_path / f"w{i}.json")))
        p.start()
        procs.append(p)
    go.set()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    results = [r for i in range(WRITERS) for r in json.loads((tmp_path / f"w{i}.json").read_text("utf-8"))]
    _check(ledger, results)
