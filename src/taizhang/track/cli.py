"""`taizhang status` and `taizhang report …`: the supervision list and progress reports.

`status` is a plain function registered as a top-level command by `taizhang.cli`; the `report`
commands live on `report_app` (the Excel template/import commands are added by workbook_cli).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from taizhang.errors import InputError
from taizhang.ledger.cli import DbOption, JsonOption, actor, note_ledger, open_db, parse_date

report_app = typer.Typer(help="Progress reports: add, bind targets to indicator data, Excel templates.",
                         no_args_is_help=True)

AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")]
NO_LEAD = "（未明确牵头部门）"
COLOUR_ORDER = {"red": 0, "yellow": 1, "white": 2, None: 3}
SUBJECT_WIDTH = 44
T = TypeVar("T")


# ---------------------------------------------------------------------------------------- status
#: East Asian wide and fullwidth characters (two terminal columns each).
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _width(s: str) -> int:
    return len(s) if s.isascii() else len(s) + len(_WIDE.findall(s))


def _fit(s: str, w: int) -> str:
    """`s` cut (with …) or padded to exactly display width `w`."""
    width = _width(s)
    if width > w:
        wide = [m.start() for m in _WIDE.finditer(s, 0, w)]
        lo, hi = 0, min(len(s), w - 1)  # the longest prefix of width ≤ w − 1 (room for the …)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if mid + bisect_left(wide, mid) <= w - 1:
                lo = mid
            else:
                hi = mid - 1
        k = lo
        s = s[:k] + "…"
        width = k + bisect_left(wide, k) + 1
    return s + " " * (w - width)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def supervision_list(
    evals: list[Any], dept_names: dict[int, str], plan_names: dict[int, str], only: int | None = None
) -> str:
    """The 督办清单 as text: per lead department (reddest first), rows reddest first, then by gap.

    A subject with several lead departments is listed under each (under `only` alone, when given)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for e in evals:
        for d in e.lead or [None]:
            if only is None or d == only:
                groups[dept_names.get(d, f"#{d}") if d is not None else NO_LEAD].append(e)

    def weight(name: str) -> tuple:
        rows = groups[name]
        counts = [sum(1 for e in rows if e.colour == c) for c in ("red", "yellow", "white")]
        return (name == NO_LEAD, *(-n for n in counts), name)

    def row_key(e: Any) -> tuple:
        return (COLOUR_ORDER[e.colour], -(e.gap if e.gap is not None else -1e9), e.deadline or dt.date.max,
                e.plan_id, e.subject_type, e.subject_id)

    head = "  ".join(("colour", "status  ", "plan ", _fit("subject", SUBJECT_WIDTH), "deadline  ", "  exp%",
                      "  act%", "   gap", "last report", "reasons"))
    out: list[str] = []
    for name in sorted(groups, key=weight):
        rows = sorted(groups[name], key=row_key)
        tally = " · ".join(f"{c} {n}" for c in ("red", "yellow", "white")
                           if (n := sum(1 for e in rows if e.colour == c)))
        out.append(f"{name}  ({len(rows)}{'; ' + tally if tally else ''})")
        out.append("  " + head)
        for e in rows:
            kind = "目标" if e.subject_type == "target" else "任务"
            deadline = e.deadline.isoformat() if e.deadline else "-"
            last = e.last_report.isoformat() if e.last_report else "-"
            out.append(
                f"  {e.colour or '-':<6}  {e.status:<8}  {'P' + str(e.plan_id):<5}  "
                f"{_fit(f'{kind}{e.subject_id} {e.label}', SUBJECT_WIDTH)}  {deadline:<10}  {_num(e.expected):>6}  "
                f"{_num(e.actual):>6}  {_num(e.gap):>6}  {last:<11}  {'；'.join(e.reasons)}"
            )
        out.append("")
    if plan_names:
        out.append("plans: " + "; ".join(f"P{pid} {plan_names[pid]}" for pid in sorted(plan_names)))
    return "\n".join(out)


def status(
    as_of: AsOfOption = None,
    dept: Annotated[str | None, typer.Option("--dept", help="Only this lead department (name or alias).")] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan (id, key or title).")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Warning rules file (TOML); default "
                                               "$TAIZHANG_RULES, else the built-in defaults.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    show_all: Annotated[bool, typer.Option("--all", help="List every task and target, not only "
                                           "those with a warning.")] = False,
) -> None:
    """The supervision list (督办清单) as of a date: per lead department, reddest first."""
    from sqlalchemy import select

    from taizhang.ledger.models import Department, Plan
    from taizhang.ledger.versions import find_plan
    from taizhang.track.evaluate import evaluate
    from taizhang.track.rules import load_rules

    day = parse_date(as_of)
    rule_set = load_rules(rules)

    lg = open_db(db)
    with lg.session(write=False) as s:
        note_ledger(db, lg.url, s)
        plan_id = find_plan(s, plan).id if plan else None
        evals = evaluate(s, day, rules=rule_set, dept=dept, plan_id=plan_id, with_forecast=as_json)
        if not show_all:
            evals = [e for e in evals if e.colour]
        if not as_json:
            dept_names = dict(s.execute(select(Department.id, Department.name)).all())
            plan_ids = {e.plan_id for e in evals}
            plan_names = {pid: (title or key) for pid, title, key
                          in s.execute(select(Plan.id, Plan.title, Plan.key)) if pid in plan_ids}
            only = _dept_id(s, dept)
    if as_json:
        sys.stdout.write(json.dumps([e.to_dict() for e in evals], ensure_ascii=False, default=str) + "\n")
        return
    if not evals:
        print(f"{day}: no warnings" if not show_all else f"{day}: nothing to evaluate")
        return
    n = {c: sum(1 for e in evals if e.colour == c) for c in ("red", "yellow", "white")}
    sys.stdout.write(f"督办清单 as of {day}: red {n['red']}, yellow {n['yellow']}, white {n['white']}"
                     f" (rules: {rule_set.source})\n\n")
    sys.stdout.write(supervision_list(evals, dept_names, plan_names, only) + "\n")


# ---------------------------------------------------------------------------------------- reports
def _dept_id(session: Any, name: str | None) -> int | None:
    if name is None:
        return None
    from taizhang.ledger.departments import find

    found = find(session, name)
    if found is None:
        raise InputError("--dept", f"no department named {name!r} in the registry")
    return found.id


@report_app.command("add")
def report_add(
    task: Annotated[int | None, typer.Option("--task", help="The task's id.")] = None,
    target: Annotated[int | None, typer.Option("--target", help="The target's id.")] = None,
    as_of: AsOfOption = None,
    value: Annotated[str | None, typer.Option("--value", help="The value reached (for a target: the "
                                              "current level, or the cumulative amount achieved).")] = None,
    percent: Annotated[str | None, typer.Option("--percent", help="Percent done (0–100), for a task.")] = None,
    narrative: Annotated[str, typer.Option("--narrative", help="What was done (进展情况).")] = "",
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="An evidence file "
                                                        "(repeatable).")] = None,
    reporter: Annotated[str | None, typer.Option("--reporter", help="Who reports (default: $TAIZHANG_USER "
                                                 "or the login name).")] = None,
    dept: Annotated[str | None, typer.Option("--dept", help="The reporting department.")] = None,
    uid: Annotated[str | None, typer.Option("--uid", help="Idempotency key: the same uid is stored "
                                            "once.")] = None,
    db: DbOption = None,
) -> None:
    """Store one progress report (with evidence files and their checksums); idempotent by uid."""
    from taizhang.track.reports import EvidenceFile, add_report

    day = parse_date(as_of)
    files = []
    for p in evidence or []:
        if not p.is_file():
            raise InputError(p, "no such evidence file")
        files.append(EvidenceFile(p.name, p.read_bytes()))
    who = reporter or actor()
    lg = open_db(db)
    with lg.session(who) as s:
        report, created = add_report(
            s, task_id=task, target_id=target, as_of=day, value=value, percent=percent, narrative=narrative,
            reporter=who, department_id=_dept_id(s, dept), uid=uid, evidence=files,
        )
        rid, ruid, n = report.id, report.uid, len(report.evidence)
    what = "stored" if created else "already stored"
    print(f"{what}: report {rid} (uid {ruid}, {n} evidence file{'s' if n != 1 else ''})")


@report_app.command("list")
def report_list(
    task: Annotated[int | None, typer.Option("--task", help="Only this task's reports.")] = None,
    target: Annotated[int | None, typer.Option("--target", help="Only this target's reports.")] = None,
    dept: Annotated[str | None, typer.Option("--dept", help="Only reports from this department.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first (0: all).")] = 100,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Progress reports, newest first."""
    from sqlalchemy import func, select

    from taizhang.ledger.models import Evidence, ProgressReport

    lg = open_db(db)
    with lg.session(write=False) as s:
        q = select(ProgressReport).order_by(ProgressReport.as_of.desc(), ProgressReport.id.desc())
        if task is not None:
            q = q.where(ProgressReport.task_id == task)
        if target is not None:
            q = q.where(ProgressReport.target_id == target)
        if dept is not None:
            q = q.where(ProgressReport.department_id == _dept_id(s, dept))
        if limit > 0:
            q = q.limit(limit)
        reports = s.scalars(q).all()
        ids = [r.id for r in reports]
        counts = dict(s.execute(select(Evidence.report_id, func.count()).where(Evidence.report_id.in_(ids))
                                .group_by(Evidence.report_id)).all()) if ids else {}
        rows = [{
            "id": r.id, "uid": r.uid, "subject": f"task:{r.task_id}" if r.task_id else f"target:{r.target_id}",
            "as_of": r.as_of.isoformat(), "value": None if r.value is None else float(r.value),
            "percent": None if r.percent is None else float(r.percent), "narrative": r.narrative,
            "reporter": r.reporter, "department_id": r.department_id, "evidence": counts.get(r.id, 0),
        } for r in reports]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        amount = (f"value {r['value']:g}" if r["value"] is not None else "") + \
                 (f" {r['percent']:g}%" if r["percent"] is not None else "")
        print(f"{r['id']:>6}  {r['as_of']}  {r['subject']:<14} {amount.strip():<18} {r['reporter']:<12} "
              f"evidence {r['evidence']}  {r['narrative'][:40]}")


@report_app.command("bind")
def report_bind(
    target: Annotated[int, typer.Argument(help="The target's id.")],
    series: Annotated[str | None, typer.Argument(help="The series, e.g. air:city:PM2.5:annual_mean "
                                                 "or air:city:good_ratio.")] = None,
    unbind: Annotated[bool, typer.Option("--unbind", help="Remove the binding (values come from "
                                         "reports again).")] = False,
    db: DbOption = None,
) -> None:
    """Bind a target to an indicator series: its values then come from monitoring data."""
    from taizhang.track.indicators import bind

    if (series is None) != unbind:
        raise InputError("report bind", "give a SERIES to bind, or --unbind (not both)")
    lg = open_db(db)
    with lg.session(actor()) as s:
        t = bind(s, target, None if unbind else series)
        label, bound = t.indicator, t.series
    print(f"target {target} ({label}): " + (f"bound to {bound}" if bound else "unbound"))


@report_app.command("load-indicators")
def report_load_indicators(
    paths: Annotated[list[Path] | None, typer.Argument(help="Air monitoring files (CSV/xlsx/Parquet), or "
                                                       "one store folder [default: ./taizhang-data].")] = None,
    standard: Annotated[str, typer.Option("--standard", help="auto | HJ633-2012 | HJ633-2026.")] = "auto",
    city_exclude: Annotated[str | None, typer.Option("--city-exclude", help="Comma-separated stations "
                                                     "that are not city assessment points.")] = None,
    db: DbOption = None,
) -> None:
    """Compute the air indicator series per year (year to date for a running year) and store them."""
    from taizhang.track.indicators import load_series

    for p in paths or []:
        if not p.exists():
            raise InputError(p, "no such file or folder")
    exclude = None if city_exclude is None else tuple(x.strip() for x in city_exclude.split(",") if x.strip())
    lg = open_db(db)
    with lg.session(actor()) as s:
        inserted, updated = load_series(s, paths or [], standard=standard, city_exclude=exclude)
    print(f"indicator values: {inserted} new, {updated} updated")
