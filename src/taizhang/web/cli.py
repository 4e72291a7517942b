"""`taizhang serve` and `taizhang user …`: run the web app; manage its users and API tokens."""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, JsonOption, actor, open_db

user_app = typer.Typer(help="Web users (admin, department, leader, public) and API tokens.", no_args_is_help=True)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes (PostgreSQL for more than 1).")] = 1,
) -> None:
    """Serve the web app (Chinese pages, the /api/v1 JSON API, /public) on the ledger."""
    import uvicorn

    from taizhang.web.app import create_app

    lg = open_db(db)
    print(f"taizhang: serving {lg.url.split('@')[-1]} at http://{host}:{port}/  (public page: /public)", flush=True)
    uvicorn.run(create_app(lg), host=host, port=port, workers=1 if workers < 2 else workers,
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
