"""An import is all or nothing: a process killed mid-import, or one bad file among good ones, stores nothing.

The killed import runs in a child process that opens the ledger, imports several plans in one session
(a revised version of the plan already stored, which updates its rows, and two new plans), flushes,
signals the test and waits inside the open transaction; the test checks that the transaction really
is open (it holds the write lock / is idle in transaction), kills the child with SIGKILL and compares
every table and the whole audit trail with the state before. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from taizhang.ledger.db import Ledger
from taizhang.ledger.models import AuditEntry, Base

REPO = Path(__file__).resolve().parents[2]

# The child: import a revision of the first plan and two new plans in one transaction, flush,
# tell the test (signal file), then wait inside the transaction until it is killed.
CHILD = """
import sys, time
from pathlib import Path
from taizhang.ledger.cli import load_plan
from taizhang.ledger.db import Ledger
from taizhang.ledger.importer import import_plan

url, signal_file, first, *others = sys.argv[1:]
docs = [load_plan(Path(p)) for p in (first, *others)]
docs[0][0].tasks[0].text += "（修订）"  # a revised version of the plan already stored: its rows change
lg = Ledger(url)
with lg.session("import-to-be-killed") as s:
    for path, (doc, cites) in zip((first, *others), docs):
        import_plan(s, doc, source=Path(path).name, cites=cites)
    s.flush()
    Path(signal_file).write_text("flushed")
    time.sleep(600)
"""


def _seeds(shared: Path) -> list[Path]:
    seeds = sorted((shared / "seeds").glob("*.txt"))
    if len(seeds) < 3:
        pytest.skip("needs three seed plans")
    return seeds


def _import(url: str, paths: list[Path]) -> None:
    from taizhang.ledger.cli import load_plan
    from taizhang.ledger.importer import import_plan

    lg = Ledger(url)
    try:
        with lg.session("tester") as s:
            for p in paths:
                doc, cites = load_plan(p)
                import_plan(s, doc, source=p.name, cites=cites)
    finally:
        lg.close()


def _state(url: str) -> dict[str, Any]:
    """Row counts of every table and the whole audit trail."""
    lg = Ledger(url, upgrade=False)
    try:
        with lg.session(write=False) as s:
            counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
            audit = [tuple(r) for r in s.execute(select(
                AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
                AuditEntry.entity_id, AuditEntry.before, AuditEntry.after).order_by(AuditEntry.id))]
        return {"counts": counts, "audit": audit}
    finally:
        lg.close()


def _transaction_is_open(url: str) -> bool:
    """From outside: does someone hold an open write transaction on the ledger?"""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        con = sqlite3.connect(u.database, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as e:
            return "locked" in str(e)
        finally:
            con.close()
    lg = Ledger(url, upgrade=False)
    try:
        with lg.engine.connect() as c:
            n = c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND state = 'idle in transaction' AND pid <> pg_backend_pid()")).scalar()
        return bool(n)
    finally:
        lg.close()


def _integrity(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        con = sqlite3.connect(u.database)
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            con.close()


def test_killed_import_leaves_the_database_as_it_was(ledger_url: str, shared: Path, tmp_path: Path) -> None:
    seeds = _seeds(shared)
    _import(ledger_url, seeds[:1])
    before = _state(ledger_url)
    assert before["counts"]["plan"] == 1 and before["audit"]

    flag = tmp_path / "flushed"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, ledger_url, str(flag), *map(str, seeds[:3])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            if child.poll() is not None:
                pytest.fail(f"the importing child ended early ({child.returncode}): {child.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("the importing child never reached its flush")
            time.sleep(0.05)
        assert _transaction_is_open(ledger_url), "the kill must hit an open write transaction"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    assert child.returncode == -signal.SIGKILL

    _integrity(ledger_url)
    after = _state(ledger_url)
    assert after["counts"] == before["counts"]
    assert after["audit"] == before["audit"]
    # and the ledger works as before: the same import now goes through
    _import(ledger_url, seeds[:3])
    assert _state(ledger_url)["counts"]["plan"] == 3


def test_a_bad_file_among_good_ones_stores_nothing(ledger_url: str, shared: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    shutil.copyfile(_seeds(shared)[1], good)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(range(256)) * 20)
    before = _state(ledger_url)
    env = {**os.environ, "TAIZHANG_DATABASE_URL": ledger_url}
    p = subprocess.run([sys.executable, "-m", "taizhang.cli", "ledger", "import", str(good), str(bad)],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert p.returncode == 2
    naming = [ln for ln in p.stderr.splitlines() if "bad.bin" in ln]
    assert len(naming) == 1 and naming[0].startswith("taizhang: ") and "good.txt" not in p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    assert _state(ledger_url) == before
    assert before["counts"]["plan"] == 0
