"""`taizhang ledger …` and `taizhang dept …`: import plans, versions and diffs, links, departments.

Every command takes `--db PATH` (a SQLite file); without it TAIZHANG_DATABASE_URL, then the default
file ~/.local/share/taizhang/ledger.db. A command writes in one transaction: on any error nothing is
stored.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from taizhang.errors import InputError

ledger_app = typer.Typer(help="The ledger: import plans, versions and their diff, cross-level checks.",
                         no_args_is_help=True)
dept_app = typer.Typer(help="The department registry: list, rename, merge.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Ledger SQLite file (default: $TAIZHANG_DATABASE_URL, else "
                 "~/.local/share/taizhang/ledger.db)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def open_db(db: str | None):  # type: ignore[no-untyped-def]
    from taizhang.ledger.db import open_ledger

    try:
        return open_ledger(db)
    except InputError:
        raise
    except Exception as e:  # a path that is not a database, an unreachable server …
        raise InputError(db or os.environ.get("TAIZHANG_DATABASE_URL") or "ledger",
                         f"cannot open the ledger ({type(e).__name__}: {str(e).splitlines()[0]})") from None


def ledger_name(url: str) -> str:
    """The ledger as a person names it: a SQLite file's path, else the URL without its password."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database:
        return u.database
    return u.render_as_string(hide_password=True)


def note_ledger(db: str | None, url: str, session) -> None:  # type: ignore[no-untyped-def]
    """On stderr: which ledger is read when --db was not given, and that it is empty when it holds no plan
    (the default ledger is not the demo's, which lives where the demo was built)."""
    from sqlalchemy import func, select

    from taizhang.ledger.models import Plan

    where = ledger_name(url)
    source = "TAIZHANG_DATABASE_URL" if os.environ.get("TAIZHANG_DATABASE_URL") else "默认台账"
    if db is None:
        print(f"读取台账：{where}（未指定 --db，使用{source}）", file=sys.stderr)
    if not session.scalar(select(func.count()).select_from(Plan)):
        print(f"台账为空：{where} 尚未导入任何方案；读取其他台账请用 --db，例如 --db demo-ledger.db",
              file=sys.stderr)


def parse_date(s: str | None, what: str = "--as-of") -> dt.date:
    """A date option (YYYY-MM-DD); None means today."""
    if s is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(s.strip())
    except ValueError:
        raise InputError(what, f"not a date (YYYY-MM-DD): {s!r}") from None


def actor() -> str:
    return os.environ.get("TAIZHANG_USER") or os.environ.get("USER") or "cli"


def load_plan(path: Path) -> tuple[Any, list[str]]:
    """A plan document or a plan.json → (Plan, cited parent titles)."""
    from taizhang.ledger.links import cited_plans
    from taizhang.plan.model import Plan as PlanDoc

    if not path.exists():
        raise InputError(path, "no such file")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            doc = PlanDoc.from_dict(data)
        except (ValueError, TypeError, KeyError) as e:
            raise InputError(path, f"not a valid plan.json ({type(e).__name__}: {e})") from None
        return doc, list(data.get("cites") or [])
    from taizhang.plan.parse import parse_plan
    from taizhang.text.read import read_document

    text = read_document(path)
    doc = parse_plan(text)
    if not doc.tasks and not doc.targets:
        raise InputError(path, "no tasks or targets found: is this a plan document?")
    return doc, cited_plans(text, doc.title)


@ledger_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Plan documents (txt/docx/pdf/html) or plan.json files.")],
    db: DbOption = None,
) -> None:
    """Import plans: re-importing the same text changes nothing; a revised text becomes a new version."""
    from taizhang.ledger.importer import import_plan

    docs = []
    errors = []
    for path in files:
        try:
            docs.append((path, *load_plan(path)))
        except InputError as e:
            errors.append(e)
    for e in errors:
        print(f"taizhang: {e.line()}", file=sys.stderr)
    if errors:
        print(f"taizhang: nothing imported ({len(errors)} of {len(files)} files failed)", file=sys.stderr)
        raise typer.Exit(2)
    lg = open_db(db)
    with lg.session(actor()) as s:
        results = [import_plan(s, doc, source=path.name, cites=cites) for path, doc, cites in docs]
    for r in results:
        print(r.line())


@ledger_app.command("list")
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The plans in the ledger with their versions and counts."""
    from sqlalchemy import func, select

    from taizhang.ledger.models import Plan, PlanLink, Target, Task

    lg = open_db(db)
    rows = []
    with lg.session(write=False) as s:
        tasks = dict(s.execute(select(Task.plan_id, func.count()).where(~Task.removed).group_by(Task.plan_id)).all())
        targets = dict(
            s.execute(select(Target.plan_id, func.count()).where(~Target.removed).group_by(Target.plan_id)).all()
        )
        for p in s.scalars(select(Plan).order_by(Plan.id)).all():
            parents = s.scalars(select(PlanLink).where(PlanLink.child_id == p.id)).all()
            rows.append({
                "id": p.id, "key": p.key, "region": p.region,
                "versions": [f"{v.number}:{v.status}" for v in p.versions],
                "tasks": tasks.get(p.id, 0), "targets": targets.get(p.id, 0),
                "implements": [lk.cited_title + ("" if lk.parent_id else " (not imported)") for lk in parents],
            })
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("id", "plan", "versions", "tasks", "targets", "implements")
    for r in rows:
        t.add_row(str(r["id"]), r["key"], " ".join(r["versions"]), str(r["tasks"]), str(r["targets"]),
                  "\n".join(r["implements"]))
    Console().print(t)


@ledger_app.command("diff")
def diff_cmd(
    plan: Annotated[str, typer.Argument(help="Plan id, key or a unique part of its title.")],
    v1: Annotated[int | None, typer.Argument(help="Older version number (default: the second newest).")] = None,
    v2: Annotated[int | None, typer.Argument(help="Newer version number (default: the newest).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tasks and targets added, removed and changed between two versions of a plan."""
    from taizhang.ledger.versions import diff, find_plan

    if (v1 is None) != (v2 is None):
        raise InputError(plan, "give both version numbers or neither")
    lg = open_db(db)
    with lg.session(write=False) as s:
        p = find_plan(s, plan)
        a, b, changes = diff(s, p, v1, v2)
        key = p.key
    if as_json:
        print(json.dumps({"plan": key, "from": a, "to": b, "changes": [c.to_dict() for c in changes]},
                         ensure_ascii=False, indent=2))
        return
    print(f"{key}: version {a} → {b}, {len(changes)} changes")
    mark = {"added": "+", "removed": "-", "changed": "~"}
    for c in changes:
        print(f"{mark[c.change]} {c.what} {c.key}  {c.label}")
        for f, (old, new) in c.fields.items():
            print(f"    {f}: {old!r} → {new!r}")


@ledger_app.command("link")
def link_cmd(
    child: Annotated[str, typer.Argument(help="The implementing plan (id, key or title part).")],
    parent: Annotated[str, typer.Argument(help="The plan it implements.")],
    db: DbOption = None,
) -> None:
    """Record by hand that CHILD implements PARENT (citations in preambles are linked on import)."""
    from taizhang.ledger.links import link
    from taizhang.ledger.versions import find_plan

    lg = open_db(db)
    with lg.session(actor()) as s:
        c, p = find_plan(s, child), find_plan(s, parent)
        link(s, c, p)
        print(f"{c.key} implements {p.key}")


@dept_app.command("list")
def dept_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Registry entries with their aliases and number of assignments."""
    from taizhang.ledger.departments import listing

    lg = open_db(db)
    with lg.session(write=False) as s:
        rows = [{"id": d.id, "name": d.name, "aliases": al, "assignments": n} for d, al, n in listing(s)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("id", "department", "aliases", "assignments")
    for r in rows:
        t.add_row(str(r["id"]), r["name"], "、".join(r["aliases"]), str(r["assignments"]))
    Console().print(t)


@dept_app.command("rename")
def dept_rename(
    old: Annotated[str, typer.Argument(help="Current name or any alias.")],
    new: Annotated[str, typer.Argument(help="The new name (the old one stays as an alias).")],
    db: DbOption = None,
) -> None:
    """Rename a department (e.g. after an institutional reform)."""
    from taizhang.ledger.departments import rename

    lg = open_db(db)
    with lg.session(actor()) as s:
        d = rename(s, old, new)
        print(f"renamed: {old} → {d.name}")


@dept_app.command("merge")
def dept_merge(
    source: Annotated[str, typer.Argument(help="The entry to fold away.")],
    into: Annotated[str, typer.Argument(help="The entry that remains.")],
    db: DbOption = None,
) -> None:
    """Merge two registry entries that are one body; assignments, reports and cases move."""
    from taizhang.ledger.departments import merge

    lg = open_db(db)
    with lg.session(actor()) as s:
        d = merge(s, source, into)
        print(f"merged: {source} → {d.name}")


@ledger_app.command("check")
def check_cmd(
    child: Annotated[str, typer.Argument(help="The implementing plan (id, key or title part).")],
    against: Annotated[str | None, typer.Option(
        "--against", help="The plan it implements (default: its one linked parent).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Targets of CHILD looser than its parent's, and parent targets it never takes up (a report: exit 0)."""
    from taizhang.ledger.check import compare, linked_parent
    from taizhang.ledger.versions import find_plan

    lg = open_db(db)
    with lg.session(write=False) as s:
        c = find_plan(s, child)
        p = find_plan(s, against) if against is not None else linked_parent(s, c)
        if p.id == c.id:
            raise InputError(child, "a plan cannot be checked against itself")
        result = compare(s, c, p)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print("\n".join(result.lines()))
