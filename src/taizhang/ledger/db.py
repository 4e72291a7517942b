"""Opening the ledger: which database, its engine, migrations, and sessions that audit every change.

Which database: `--db PATH` (a SQLite file) wins, then `TAIZHANG_DATABASE_URL` (any SQLAlchemy URL,
e.g. postgresql+psycopg://user@host/db), then the default SQLite file
`~/.local/share/taizhang/ledger.db`. Opening runs the Alembic migrations up to head, so a new file or
an empty PostgreSQL database is ready at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from taizhang.ledger import audit

DEFAULT_DB = Path.home() / ".local" / "share" / "taizhang" / "ledger.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(db: str | Path | None = None) -> str:
    """The URL for `--db PATH`, else TAIZHANG_DATABASE_URL, else the default SQLite file."""
    if db is not None:
        s = str(db)
        if "://" in s:
            return s
        return f"sqlite:///{Path(s).expanduser().resolve()}"
    env = os.environ.get("TAIZHANG_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{DEFAULT_DB}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see make_engine)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        pool = {"pool_size": 20, "max_overflow": 40} if u.database and u.database != ":memory:" else {}
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)

        # A writing session takes the write lock when it begins (BEGIN IMMEDIATE), so concurrent writers
        # queue on busy_timeout instead of failing with "database is locked" when a read turns into a
        # write; reading sessions begin deferred and never block anyone (WAL).
        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            immediate = conn.get_execution_options().get("sqlite_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest migration (a no-op when it is already there)."""
    with engine.connect() as conn:
        if _at_head(conn):
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # a migration may rebuild a table others refer to: SQLite checks the keys afterwards
            conn.rollback()
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            command.upgrade(cfg, "head")
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("the migration left rows whose foreign keys point nowhere")
            conn.commit()
        finally:
            if sqlite:
                conn.rollback()
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


_REV = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.M)


def head_revisions() -> set[str]:
    """The newest migrations, read from the version files' `revision` / `down_revision` lines
    (cheaper than importing Alembic on every command)."""
    revs: set[str] = set()
    downs: set[str] = set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        for kind, rev in _REV.findall(f.read_text(encoding="utf-8")):
            (revs if kind == "revision" else downs).add(rev)
    return revs - downs


def _at_head(conn) -> bool:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect as sa_inspect

    if not sa_inspect(conn).has_table("alembic_version"):
        return False
    current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    conn.rollback()
    return current == head_revisions()


class Ledger:
    """An open ledger: the engine, migrated, and a factory of audited sessions."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if upgrade:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self, actor: str = "system", *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back (nothing written) on any error.

        `write=False` is for pages and reports that only read (on SQLite they then take no write lock).
        """
        s = self._sessions()
        s.info["actor"] = actor
        if write:
            s.connection(execution_options={"sqlite_write": True})
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def close(self) -> None:
        self.engine.dispose()


def open_ledger(db: str | Path | None = None, *, upgrade: bool = True) -> Ledger:
    return Ledger(database_url(db), upgrade=upgrade)


audit.install()
