"""`taizhang export …`: the Excel ledger and the monthly bulletin (Word or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, JsonOption, open_db

export_app = typer.Typer(help="Exports: the Excel ledger and the monthly 调度通报 (Word or PDF).",
                         no_args_is_help=True)

OutOption = Annotated[Path, typer.Option("--out", "-o", help="The file to write.")]
FORMATS = ("docx", "pdf")


@export_app.command("ledger")
def export_ledger(
    out: OutOption,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Status as of (YYYY-MM-DD); default today.")] = None,
    db: DbOption = None,
) -> None:
    """The ledger as an Excel workbook: sheets 任务, 指标, 责任单位, 进度."""
    from taizhang.ledger.cli import parse_date
    from taizhang.report.ledger_xlsx import write_ledger

    if out.suffix.lower() != ".xlsx":
        raise InputError(out, "the ledger is written as .xlsx")
    day = parse_date(as_of)
    lg = open_db(db)
    with lg.session(write=False) as s:
        write_ledger(s, out, day)
    print(f"{out}: ledger as of {day}")


@export_app.command("bulletin")
def export_bulletin(
    out: OutOption,
    month: Annotated[str, typer.Option("--month", help="The month (YYYY-MM), or a date (YYYY-MM-DD) for the "
                                                     "month up to that day.")],
    fmt: Annotated[str | None, typer.Option("--format", help="docx or pdf (default: from --out).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The bulletin's title.")] = None,
    issue: Annotated[str | None, typer.Option("--issue", help="Issue number (文号), e.g. 2024年第5期.")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="The issuing body (default: the campaign office "
                                               "of the plans' region).")] = None,
    db: DbOption = None,
) -> None:
    """The monthly 调度通报: summary, red and yellow lists, departments, charts."""
    from taizhang.report.bulletin import DEFAULT_TITLE, build_bulletin

    kind = (fmt or out.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise InputError(out, f"unknown bulletin format {kind!r}; give --format docx or pdf")
    lg = open_db(db)
    with lg.session(write=False) as s:
        b = build_bulletin(s, month, title=title or DEFAULT_TITLE, issue=issue, issuer=issuer)
    if kind == "docx":
        from taizhang.report.bulletin_docx import write_docx

        write_docx(b, out)
    else:
        from taizhang.report.bulletin_pdf import write_pdf

        write_pdf(b, out)
    print(f"{out}: {b.title} {b.issue} — {len(b.red)} red, {len(b.yellow)} yellow, "
          f"{len(b.departments)} departments")


# ---------------------------------------------------------------------------------------- notify
notify_app = typer.Typer(help="Reminders: red items and what falls due soon, to each lead department "
                              "(DingTalk / WeCom robots, e-mail).", invoke_without_command=True)


@notify_app.callback()
def notify_send(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")] = None,
    days: Annotated[int, typer.Option("--days", help="Due within this many working days.")] = 3,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the messages, send nothing.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send the reminders (with no sub-command); `notify set` and `notify show` configure the channels."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from taizhang.ledger.cli import parse_date
    from taizhang.track.notify import notify

    if days < 0:
        raise InputError("--days", "must be 0 or more")
    day = parse_date(as_of)
    lg = open_db(db)
    with lg.session(write=False) as s:
        results = notify(s, day, days=days, dry_run=dry_run)
    if as_json:
        print(json.dumps([{"department": r.department, "channel": r.channel, "items": r.items, "status": r.status,
                           "reason": r.reason, "title": r.message.title if r.message else None,
                           "text": r.message.plain if r.message and dry_run else None} for r in results],
                         ensure_ascii=False, indent=1))
    else:
        for r in results:
            print(f"{r.status:8} {r.department} [{r.channel or '—'}] {r.items} items"
                  + (f": {r.reason}" if r.reason else ""))
            if dry_run and r.message and r.status == "dry-run":
                print("    " + r.message.plain.rstrip().replace("\n", "\n    "))
        counts = {k: sum(1 for r in results if r.status == k) for k in ("sent", "failed", "skipped", "dry-run")}
        print(f"{day}: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v) if results else
              f"{day}: nothing to send")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


@notify_app.command("set")
def notify_set(
    department: Annotated[str, typer.Argument(help="The department (name or alias).")],
    kind: Annotated[str | None, typer.Option("--kind", help="dingtalk, wecom or email.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The robot's webhook URL.")] = None,
    secret: Annotated[str | None, typer.Option("--secret", help="DingTalk 加签 secret (SEC…).")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="E-mail address (repeatable).")] = None,
    config: Annotated[str | None, typer.Option("--json", help="The whole config as JSON (object or list).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the department's channels.")] = False,
    db: DbOption = None,
) -> None:
    """Configure where a department's reminders go."""
    import json

    from taizhang.ledger.cli import actor
    from taizhang.track.notify import masked, set_channels

    if clear:
        value = None
    elif config is not None:
        try:
            value = json.loads(config)
        except ValueError as e:
            raise InputError("--json", f"not JSON: {e}") from None
    elif kind is not None:
        value = {"kind": kind, **({"url": url} if url else {}), **({"secret": secret} if secret else {}),
                 **({"to": to} if to else {})}
    else:
        raise InputError(department, "give --kind (with --url/--secret or --to), --json or --clear")
    lg = open_db(db)
    with lg.session(actor()) as s:
        dept = set_channels(s, department, value)
        print(f"{dept.name}: {json.dumps(masked(dept.webhook), ensure_ascii=False)}")


@notify_app.command("show")
def notify_show(db: DbOption = None) -> None:
    """Departments with channels configured (secrets masked)."""
    import json

    from sqlalchemy import select

    from taizhang.ledger.models import Department
    from taizhang.track.notify import masked

    lg = open_db(db)
    with lg.session(write=False) as s:
        for d in s.scalars(select(Department).order_by(Department.name)):
            if d.webhook is None:  # SQL NULL or JSON null
                continue
            print(f"{d.name}: {json.dumps(masked(d.webhook), ensure_ascii=False)}")
