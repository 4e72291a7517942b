"""`taizhang serve` and `taizhang user …`: run the web app; manage its users and API tokens."""

from __future__ import annotations

import getpass
import json
import os
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, JsonOption, actor, open_db

user_app = typer.Typer(help="Web users (admin, department, leader, public) and API tokens.", no_args_is_help=True)


def default_workers() -> int:
    """Worker processes when --workers is not given: one per CPU core, at most 4 (each process keeps its
    own cache of the ledger's evaluation, some 150 MB on a 20,000-task ledger)."""
    return max(1, min(4, os.cpu_count() or 1))


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Worker processes (default: one per CPU core, at most 4).")] = None,
) -> None:
    """Serve the web app (Chinese pages, the /api/v1 JSON API, /public) on the ledger.

    Each worker process opens the ledger itself (SQLite file or PostgreSQL): `serve` migrates the
    database first, then hands its URL to the workers in TAIZHANG_DATABASE_URL, and a private directory
    for the page parts they share (web/shared.py) in TAIZHANG_SHARED_PAGES."""
    import contextlib
    import tempfile

    import uvicorn
    from sqlalchemy.engine import make_url

    from taizhang.web.shared import ENV as SHARED_ENV

    lg = open_db(db)  # migrated here, once, before any worker starts
    url = lg.url
    lg.close()
    n = workers or default_workers()
    u = make_url(url)
    if n > 1 and u.get_backend_name() == "sqlite" and u.database in (None, "", ":memory:"):
        raise InputError("--workers", "an in-memory SQLite database cannot be shared by several processes")
    os.environ["TAIZHANG_DATABASE_URL"] = url
    print(f"taizhang: serving {url.split('@')[-1]} at http://{host}:{port}/ with {n} worker "
          f"process{'es' if n > 1 else ''}  (public page: /public)", flush=True)
    # Several workers share rendered page parts in a private (0700) directory, removed when they stop.
    with tempfile.TemporaryDirectory(prefix="taizhang-serve-") if n > 1 else contextlib.nullcontext() as shared:
        if shared is not None:
            os.environ[SHARED_ENV] = shared
        else:
            os.environ.pop(SHARED_ENV, None)
        uvicorn.run("taizhang.web.app:app_from_env", factory=True, host=host, port=port, workers=n,
                    log_level="warning")


def _password(given: str | None) -> str:
    if given:
        return given
    p1 = getpass.getpass("password: ")
    if p1 != getpass.getpass("again: "):
        raise InputError("password", "the two passwords differ")
    return p1


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="admin | department | leader | public")],
    dept: Annotated[str | None, typer.Option("--dept", help="The department of a department user.")] = None,
    password: Annotated[str | None, typer.Option("--password", help="(else asked for)")] = None,
    db: DbOption = None,
) -> None:
    """Add a user."""
    from taizhang.web.auth import add_user

    lg = open_db(db)
    with lg.session(actor()) as s:
        u = add_user(s, username, _password(password), role, dept)
        print(f"added {u.username} ({u.role})")


@user_app.command("list")
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List users with their role and department."""
    from sqlalchemy import select

    from taizhang.ledger.models import Department, User

    lg = open_db(db)
    with lg.session(write=False) as s:
        names = dict(s.execute(select(Department.id, Department.name)).all())
        rows = [{"username": u.username, "role": u.role, "department": names.get(u.department_id)}
                for u in s.scalars(select(User).order_by(User.username))]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        print(f"{r['username']}\t{r['role']}\t{r['department'] or ''}")


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument()],
    password: Annotated[str | None, typer.Option("--password", help="(else asked for)")] = None,
    db: DbOption = None,
) -> None:
    """Set a user's password (signs the user out everywhere)."""
    from taizhang.web.auth import set_password

    lg = open_db(db)
    with lg.session(actor()) as s:
        set_password(s, username, _password(password))
        print(f"password of {username} changed")


@user_app.command("token")
def user_token(
    username: Annotated[str, typer.Argument()],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
    db: DbOption = None,
) -> None:
    """Create an API token for scripts (printed once; only its hash is stored)."""
    from taizhang.web.auth import new_api_token

    lg = open_db(db)
    with lg.session(actor()) as s:
        print(new_api_token(s, username, name))
