"""Shared fixtures: the `../shared` folder beside the repo (seeds, gold, spec, data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The `../shared` folder; skipped with a reason when absent, a failure when CI is set."""
    if not SHARED.is_dir():
        msg = f"{SHARED} is absent: the seeds, gold answers, spec and monitoring data live there"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return SHARED


# ---- the ledger database: SQLite by default, PostgreSQL when TAIZHANG_DATABASE_URL is set ----------

_counter = 0


@pytest.fixture(scope="session")
def _ledger_template(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A migrated empty database, made once per run; each test gets a fresh copy of it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from taizhang.ledger.db import make_engine, migrate

    url = os.environ.get("TAIZHANG_DATABASE_URL")
    if not url:
        path = tmp_path_factory.mktemp("ledger") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
        engine.dispose()
        yield ("sqlite", str(path))
        return
    base = make_url(url)
    name = f"taizhang_tpl_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    engine.dispose()
    yield ("postgresql", (base, name, admin))
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def ledger_url(_ledger_template, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The URL of a fresh, migrated, empty ledger database for this test."""
    import shutil

    from sqlalchemy import text

    global _counter
    kind, info = _ledger_template
    if kind == "sqlite":
        path = tmp_path / "ledger.db"
        shutil.copyfile(info, path)
        yield f"sqlite:///{path}"
        return
    base, template, admin = info
    _counter += 1
    name = f"taizhang_t{os.getpid()}_{_counter}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def ledger(ledger_url: str):  # type: ignore[no-untyped-def]
    """An open Ledger on a fresh database."""
    from taizhang.ledger.db import Ledger

    lg = Ledger(ledger_url)
    yield lg
    lg.close()
