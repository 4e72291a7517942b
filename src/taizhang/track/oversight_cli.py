"""`taizhang case …` and `taizhang assess`: supervision cases and the yearly assessment."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, JsonOption, actor, note_ledger, open_db, parse_date

case_app = typer.Typer(help="Supervision cases (督办): 交办 → 整改中 → 待验收 → 销号.", no_args_is_help=True)

AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")]


@case_app.command("sync")
def case_sync(as_of: AsOfOption = None, db: DbOption = None) -> None:
    """Evaluate as of a date, record the warnings, and open a case for every new red warning."""
    from taizhang.track.cases import record
    from taizhang.track.evaluate import evaluate

    day = parse_date(as_of)
    lg = open_db(db)
    with lg.session(actor()) as s:
        r = record(s, evaluate(s, day), day, actor=actor())
    print(f"{day}: {r.warnings_new} new warnings, {r.warnings_resolved} resolved, {r.cases_opened} cases opened")


@case_app.command("list")
def case_list(
    dept: Annotated[str | None, typer.Option("--dept", help="Only this department's cases.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only cases in this state (e.g. 整改中).")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cases with their state, due date and whether they are on schedule; then the on-schedule rate."""
    from sqlalchemy import select

    from taizhang.ledger.departments import find
    from taizhang.ledger.models import Case, Department
    from taizhang.track.cases import STATE_LABELS, on_schedule, schedule_rate, state_of

    day = parse_date(as_of)
    lg = open_db(db)
    with lg.session(write=False) as s:
        q = select(Case).order_by(Case.due, Case.id)
        dept_id = None
        if dept:
            d = find(s, dept)
            if d is None:
                raise InputError(dept, "no such department in the registry")
            dept_id = d.id
            q = q.where(Case.department_id == d.id)
        if state:
            q = q.where(Case.state == state_of(state))
        names = dict(s.execute(select(Department.id, Department.name)).all())
        rows = [{
            "id": c.id, "state": c.state, "state_label": STATE_LABELS[c.state], "title": c.title,
            "department": names.get(c.department_id), "opened_on": c.opened_on.isoformat(),
            "due": c.due.isoformat(), "closed_on": c.closed_on.isoformat() if c.closed_on else None,
            "on_schedule": on_schedule(c, day),
            "events": [{"from": e.from_state, "to": e.to_state, "actor": e.actor, "on": e.on.isoformat(),
                        "reason": e.reason} for e in c.events],
        } for c in s.scalars(q).all()]
        good, total, rate = schedule_rate(s, day, department_id=dept_id)
    if as_json:
        print(json.dumps({"as_of": day.isoformat(), "cases": rows,
                          "schedule_rate": {"on_schedule": good, "cases": total, "percent": rate}},
                         ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("id", "状态", "督办事项", "责任单位", "交办", "期限", "按期")
    for r in rows:
        t.add_row(str(r["id"]), r["state_label"], r["title"][:40], r["department"] or "", r["opened_on"],
                  r["due"], "是" if r["on_schedule"] else "[red]否[/red]")
    con = Console()
    con.print(t)
    rate_s = f"{rate}%" if rate is not None else "—"
    con.print(f"整改时序进度达标率 (as of {day}): {good}/{total} = {rate_s}", markup=False)


@case_app.command("advance")
def case_advance(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    to: Annotated[str, typer.Argument(help="Next state: rectifying/整改中, pending_acceptance/待验收, "
                                      "closed/销号, returned/退回.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required for 退回).")] = "",
    on: Annotated[str | None, typer.Option("--on", help="Date of the step (default today).")] = None,
    db: DbOption = None,
) -> None:
    """Move a case one step, recording who, when and why."""
    from taizhang.track.cases import STATE_LABELS, advance

    day = parse_date(on, "--on")
    lg = open_db(db)
    with lg.session(actor()) as s:
        c = advance(s, case_id, to, actor=actor(), reason=reason, on=day)
        print(f"case {c.id}: {STATE_LABELS[c.events[-2].to_state]} → {STATE_LABELS[c.state]} ({day})")


def assess(
    year: Annotated[int | None, typer.Option("--year", help="Assessment year (default: this year).")] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", help="Rubric TOML (default: built-in).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate as of (default: 31 Dec of the year, "
                                               "today for this year).")] = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the scores in the ledger.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score each department on the rubric (百分制), with the breakdown per item."""
    from taizhang.track.assess import load_rubric, save_scores, score_year
    from taizhang.track.evaluate import evaluate

    rub = load_rubric(rubric)
    today = dt.date.today()
    year = year or today.year  # as the web page
    day = parse_date(as_of) if as_of else min(dt.date(year, 12, 31), today)
    lg = open_db(db)
    with lg.session(actor(), write=save) as s:
        note_ledger(db, lg.url, s)
        scores = score_year(s, evaluate(s, day), year, as_of=day, rubric=rub)
        if save:
            save_scores(s, year, scores)
    if as_json:
        print(json.dumps({"year": year, "as_of": day.isoformat(), "scores": [x.to_dict() for x in scores]},
                         ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("责任单位", "得分", "等次", "扣分/加分明细")
    for sc in scores:
        detail = "；".join(f"{i.label}{'' if i.kind == 'veto' else f' {i.count}项 {i.points:+g}'}" for i in sc.items)
        t.add_row(sc.department, f"{sc.total:g}", sc.grade + (" (否决)" if sc.vetoed else ""), detail or "—")
    Console().print(t)
