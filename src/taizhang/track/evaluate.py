"""Evaluation as of any date: time-proportional progress (序时进度), status, colour warnings, forecast.

`evaluate(session, as_of)` reads the ledger with a handful of set-based queries (plans, tasks, lead
assignments, targets, every report up to `as_of`, bound indicator values) and judges each task and
target in plain Python, so the whole ledger is evaluated in one pass.

Progress (DESIGN.md): a target with baseline B at the start of its window and goal T at its deadline is
expected to stand at B + (T − B)·f, f the elapsed share of the window; actual progress is
(current − B)/(T − B). Both are given in % (expected = 100·f). A task reports its own percent done.
See docs/tracking.md for the baseline, the kinds and the warning rules.

The evaluation is stateless: escalation (a yellow unresolved for 30 days turns red) re-judges the same
loaded data as it stood at earlier dates, so any as-of date gives a reproducible answer.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Float, bindparam, cast, func, select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import (
    Assignment,
    IndicatorValue,
    Plan,
    PlanVersion,
    Target,
    Task,
)
from taizhang.track.forecast import forecast as make_forecast
from taizhang.track.forecast import satisfies
from taizhang.track.model import Evaluation
from taizhang.track.rules import FREQUENCIES, Rules, load_rules

LABEL_CHARS = 40


@dataclass(slots=True)
class Subject:
    """One task or target, with what its judgement needs (loaded once, judged at several dates)."""

    type: str
    id: int
    plan_id: int
    label: str
    lead: list[int]
    start: dt.date | None
    deadline: dt.date | None
    op: str = ">="
    goal: float = 100.0
    kind: str = "task"  # task | level | reduction | increase
    baseline: float | None = None
    bound: bool = False
    # its measured points by date: percent done (task) or value (target; from reports or a bound series)
    points: list[tuple[dt.date, float]] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)  # dates of every report that counts as reporting


@dataclass(slots=True)
class Judgement:
    status: str
    colour: str | None
    reasons: list[str]
    expected: float | None
    actual: float | None
    gap: float | None
    current: float | None
    last_report: dt.date | None
    missing: int


# ---------------------------------------------------------------------------------------- periods
def _period(d: dt.date, months: int) -> int:
    """The index of the reporting period containing `d` (months = 0: Monday-based weeks)."""
    if months == 0:
        return (d.toordinal() - 1) // 7
    return (d.year * 12 + d.month - 1) // months


def _period_starts_on(d: dt.date, months: int) -> bool:
    return _period(d - dt.timedelta(days=1), months) != _period(d, months)


def missing_reports(
    last: dt.date | None, start: dt.date | None, deadline: dt.date | None, as_of: dt.date, rules: Rules
) -> int:
    """Whole reporting periods that ended (plus the grace days) with no report, since the last report
    (or, with none, since the start; the start's period counts only if the start is its first day)."""
    months = FREQUENCIES[rules.frequency]
    q = _period(as_of - dt.timedelta(days=rules.grace_days), months) - 1  # the last period now overdue
    if deadline is not None:
        q = min(q, _period(deadline, months))
    if last is not None:
        first = _period(last, months) + 1
    elif start is not None and start <= as_of:
        first = _period(start, months) + (0 if _period_starts_on(start, months) else 1)
    else:
        return 0
    return max(0, q - first + 1)


# ---------------------------------------------------------------------------------------- judging
def _share(start: dt.date | None, deadline: dt.date | None, d: dt.date) -> float | None:
    """f: the elapsed share of the window [start, deadline] at d, in 0…1."""
    if start is None or deadline is None:
        return None
    span = (deadline - start).days
    if span <= 0:
        return 1.0 if d >= deadline else 0.0
    return min(1.0, max(0.0, (d - start).days / span))


def _progress(s: Subject, first: float, current: float, f: float | None) -> tuple[
        float | None, float, bool]:
    """(expected %, actual %, meets) of a target from its first and current values."""
    meets = satisfies(current, s.op, s.goal)
    if s.kind == "level":
        base = s.baseline if s.baseline is not None else first
        direction = -1.0 if s.op in ("<=", "<") else (1.0 if s.op in (">=", ">") else (s.goal - base))
    else:  # reduction / increase: the value reported is the cumulative amount achieved, from 0
        base = 0.0
        direction = -1.0 if s.op in ("<=", "<") else 1.0
    span = s.goal - base
    if span * direction > 0:  # the goal lies ahead of the baseline: progress along the way
        expected = None if f is None else 100.0 * f
        actual = 100.0 * (current - base) / span
        if meets:
            actual = max(actual, 100.0)
    else:  # already met at the baseline, or a ceiling (零增长): it must hold all along
        expected = None if f is None else 100.0
        actual = 100.0 if meets else 0.0
    return expected, actual, meets


def judge(s: Subject, d: dt.date, rules: Rules) -> Judgement:
    """The status and base colour of `s` at date `d` from what was known then (no escalation)."""
    pts = s.points
    n = len(pts) if not pts or pts[-1][0] <= d else bisect_right(pts, (d, float("inf")))
    k = len(s.dates) if not s.dates or s.dates[-1] <= d else bisect_right(s.dates, d)
    last = s.dates[k - 1] if k else None
    f = _share(s.start, s.deadline, d)
    actual = current = None
    meets = False
    if s.kind == "task":
        expected = None if f is None else 100.0 * f
        if n:
            current = actual = pts[n - 1][1]
            meets = current >= 100.0
        done = meets
    elif n:
        current = pts[n - 1][1]
        expected, actual, meets = _progress(s, pts[0][1], current, f)
        # an amount achieved is done once reached; a level or a ceiling (零增长) must hold to the deadline
        holds = s.kind == "level" or s.op in ("<=", "<")
        done = meets and (not holds or s.deadline is None or d >= s.deadline)
    else:
        expected = None if f is None else 100.0 * f
        done = False
    gap = None if expected is None or actual is None else expected - actual
    missing = 0 if s.bound else missing_reports(last, s.start, s.deadline, d, rules)
    passed = s.deadline is not None and d > s.deadline
    if done:
        status = "done"
    elif passed:
        status = "overdue"
    elif current is None:
        status = "no_data"
    elif gap is not None and gap > rules.lagging_points and not meets:
        status = "lagging"
    else:
        status = "on_track"

    colour: str | None = None
    reasons: list[str] = []
    if status != "done":
        behind = gap if gap is not None and not meets else None
        if passed and rules.red_deadline_passed:
            colour = "red"
            reasons.append(f"已过截止日期（{s.deadline}）未完成")
        yellow = []
        if behind is not None and behind > rules.yellow_behind:
            yellow.append(f"落后序时进度 {behind:.1f} 个百分点")
        if missing >= rules.yellow_missing:
            yellow.append(f"缺报 {missing} 期")
        if s.deadline is not None and 0 <= (s.deadline - d).days <= rules.yellow_deadline_days and not meets:
            yellow.append(f"距截止日期 {(s.deadline - d).days} 天尚未完成")
        white = []
        if behind is not None and rules.white_behind < behind <= rules.yellow_behind:
            white.append(f"落后序时进度 {behind:.1f} 个百分点")
        if rules.white_missing <= missing < rules.yellow_missing:
            white.append(f"缺报 {missing} 期")
        if yellow:
            colour = colour or "yellow"
        elif white:
            colour = colour or "white"
        reasons += yellow + white
    return Judgement(status, colour, reasons, expected, actual, gap, current, last, missing)


def _escalate(s: Subject, j: Judgement, checks: list[dt.date], rules: Rules) -> None:
    """A yellow that also stood at each earlier check date (the last one 30 days back) turns red."""
    if j.colour != "yellow" or not checks:
        return
    if all(judge(s, d, rules).colour in ("yellow", "red") for d in checks):
        j.colour = "red"
        j.reasons.insert(0, f"黄色预警 {rules.red_unresolved_days} 天未解除")


# ---------------------------------------------------------------------------------------- loading
_STARTS = select(Plan.id, Plan.period_start, PlanVersion.issued).outerjoin(
    PlanVersion, PlanVersion.id == Plan.current_version_id)


def _plan_starts(rows) -> dict[int, dt.date | None]:  # type: ignore[no-untyped-def]
    """Plan id → the start of its windows, from rows of _STARTS."""
    return {pid: issued or (dt.date(first_year, 1, 1) if first_year else None) for pid, first_year, issued in rows}


def _short(text: str) -> str:
    text = " ".join(text[: LABEL_CHARS * 2].split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _target_label(indicator: str, scope: str | None, op: str, value: float, unit: str | None) -> str:
    name = indicator if not scope or scope in indicator else f"{scope}{indicator}"
    return _short(f"{name} {op} {value:g}{unit or ''}")


class _Days(dict):  # type: ignore[type-arg]
    """Report dates as read → dt.date, parsed once each (SQLite gives ISO strings, PostgreSQL dates)."""

    def __missing__(self, raw: object) -> dt.date:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        self[raw] = day
        return day


def _report_rows(session: Session, column: str, amount: str, as_of: dt.date, plan_id: int | None,
                 ids: str | None = None) -> list[tuple]:
    """(subject id, as_of, amount) of every report on a task (column task_id, amount percent) or a
    target (target_id, value) dated on or before as_of, by subject then date; `ids`: only the subjects
    this SQL subquery selects.

    The one big read (100,000 reports in the benchmark): plain SQL through the driver, several times
    faster than building SQLAlchemy rows, and ordered along the (subject, as_of) indexes. Only
    program constants and a date's ISO form or an int are put into the SQL text, never user text.
    """
    table = "task" if column == "task_id" else "target"
    sql = (f"SELECT {column}, as_of, CAST({amount} AS FLOAT) FROM progress_report "
           f"WHERE {column} IS NOT NULL AND as_of <= '{as_of.isoformat()}'")
    if plan_id is not None:
        sql += f" AND {column} IN (SELECT id FROM {table} WHERE plan_id = {int(plan_id)})"
    if ids is not None:
        sql += f" AND {column} IN ({ids})"
    cursor = session.connection().connection.cursor()  # the DBAPI cursor, inside this session's transaction
    try:
        cursor.execute(sql + f" ORDER BY {column}, as_of, id")
        return cursor.fetchall()
    finally:
        cursor.close()


_LEADS = select(Assignment.task_id, Assignment.department_id).where(Assignment.role == "lead")
_TASKS = select(Task.id, Task.plan_id, func.substr(Task.text, 1, LABEL_CHARS * 2), Task.deadline).where(
    Task.removed.is_(False))
_TARGETS = select(Target.id, Target.plan_id, Target.task_id, Target.indicator, Target.scope, Target.op,
                  Target.value, Target.unit, Target.kind, Target.baseline_value, Target.start, Target.deadline,
                  Target.series).where(Target.removed.is_(False))
_SID = bindparam("sid")
_TASK_OF_TARGET = select(Target.task_id).where(Target.id == _SID).scalar_subquery()
# One subject's rows, built once (the task and target pages judge one subject per request): its plan's
# start, its lead departments, the task (none for a target) and the targets (a task's own, or the one).
_ONE = {
    "task": (_STARTS.where(Plan.id == select(Task.plan_id).where(Task.id == _SID).scalar_subquery()),
             _LEADS.where(Assignment.task_id == _SID).order_by(Assignment.id),
             _TASKS.where(Task.id == _SID),
             _TARGETS.where(Target.task_id == _SID).order_by(Target.plan_id, Target.position)),
    "target": (_STARTS.where(Plan.id == select(Target.plan_id).where(Target.id == _SID).scalar_subquery()),
               _LEADS.where(Assignment.task_id == _TASK_OF_TARGET).order_by(Assignment.id),
               _TASKS.where(Task.id.is_(None)),
               _TARGETS.where(Target.id == _SID)),
}


def load_subjects(
    session: Session, as_of: dt.date, *, plan_id: int | None = None, lead: int | None = None,
    subject: tuple[str, int] | None = None,
) -> list[Subject]:
    """Every live task and target (of one plan, of one lead department), with its reports up to as_of.

    `subject` ("task", id) loads only that task and its targets (whose reports count as the task's),
    ("target", id) only that target: what judging that one subject needs, the same as in the whole
    (`plan_id` is then not needed)."""
    only_task = only_target = None  # SQL subqueries of the task ids and target ids to load
    params = None
    if subject is not None:
        kind, sid = subject[0], int(subject[1])
        if kind == "task":
            only_task, only_target = f"{sid}", f"SELECT id FROM target WHERE task_id = {sid}"
        else:
            only_task, only_target = "SELECT id FROM task WHERE 1 = 0", f"{sid}"
        sq, aq, tq, gq = _ONE["task" if kind == "task" else "target"]
        params, plan_id = {"sid": sid}, None
    else:
        sq, aq, tq, gq = _STARTS, _LEADS, _TASKS, _TARGETS
        if plan_id is not None:
            sq = sq.where(Plan.id == plan_id)
            aq = aq.join(Task, Task.id == Assignment.task_id).where(Task.plan_id == plan_id)
            tq, gq = tq.where(Task.plan_id == plan_id), gq.where(Target.plan_id == plan_id)
        aq, tq = aq.order_by(Assignment.id), tq.order_by(Task.plan_id, Task.position)
        gq = gq.order_by(Target.plan_id, Target.position)
    starts = _plan_starts(session.execute(sq, params))
    leads: dict[int, list[int]] = defaultdict(list)
    for task_id, dept_id in session.execute(aq, params):
        leads[task_id].append(dept_id)

    tasks: dict[int, Subject] = {}
    for tid, pid, text, deadline in session.execute(tq, params):
        tasks[tid] = Subject("task", tid, pid, _short(text), leads.get(tid, []), starts.get(pid), deadline)
    targets: dict[int, Subject] = {}
    series_of: dict[str, list[Subject]] = defaultdict(list)
    parent: dict[int, Subject] = {}
    for (gid, pid, task_id, indicator, scope, op, value, unit, kind, baseline, start, deadline,
         series) in session.execute(gq, params):
        goal = float(value)
        s = Subject("target", gid, pid, _target_label(indicator, scope, op, goal, unit),
                    leads.get(task_id, []) if task_id else [], start or starts.get(pid), deadline,
                    op=op, goal=goal, kind=kind if kind in ("level", "reduction", "increase") else "level",
                    baseline=None if baseline is None else float(baseline), bound=bool(series))
        targets[gid] = s
        if series:
            series_of[series].append(s)
        if task_id in tasks:
            parent[gid] = tasks[task_id]

    days = _Days()
    for tid, group in groupby(_report_rows(session, "task_id", "percent", as_of, plan_id, only_task), itemgetter(0)):
        s = tasks.get(tid)
        if s is not None:
            rows = list(group)
            s.dates = [days[r[1]] for r in rows]
            s.points = [(d, r[2]) for d, r in zip(s.dates, rows, strict=True) if r[2] is not None]
    touched: set[int] = set()
    for gid, group in groupby(_report_rows(session, "target_id", "value", as_of, plan_id, only_target),
                              itemgetter(0)):
        s = targets.get(gid)
        if s is None or s.bound:
            continue
        rows = list(group)
        s.dates = [days[r[1]] for r in rows]
        s.points = [(d, r[2]) for d, r in zip(s.dates, rows, strict=True) if r[2] is not None]
        p = parent.get(gid)
        if p is not None:  # a report on a target is a report from its task's departments
            p.dates = p.dates + s.dates
            touched.add(p.id)
    for tid in touched:
        tasks[tid].dates.sort()

    if series_of:
        vq = select(IndicatorValue.series, IndicatorValue.as_of, cast(IndicatorValue.value, Float)).where(
            IndicatorValue.series.in_(list(series_of)), IndicatorValue.as_of <= as_of).order_by(
            IndicatorValue.as_of)
        for series, day, value in session.execute(vq):
            for s in series_of[series]:
                s.points.append((day, value))
                s.dates.append(day)

    subjects = [*tasks.values(), *targets.values()]
    if lead is not None:
        subjects = [s for s in subjects if lead in s.lead]
    return subjects


def evaluate_subject(
    s: Subject, as_of: dt.date, rules: Rules, checks: list[dt.date] | None = None, with_forecast: bool = True
) -> Evaluation:
    """One subject as of `as_of` (its points must all lie on or before it); `checks` are the
    escalation dates (default: from the rules)."""
    j = judge(s, as_of, rules)
    if j.colour == "yellow":
        _escalate(s, j, rules.escalation_dates(as_of) if checks is None else checks, rules)
    fc = None
    if with_forecast and s.deadline is not None and len(s.points) >= 2:
        op, goal = (">=", 100.0) if s.kind == "task" else (s.op, s.goal)
        fc = make_forecast(s.points, s.deadline, op, goal, rules.confidence)
    return Evaluation(
        subject_type=s.type, subject_id=s.id, plan_id=s.plan_id, label=s.label, lead=list(s.lead),
        deadline=s.deadline, expected=_r(j.expected), actual=_r(j.actual), gap=_r(j.gap), status=j.status,
        colour=j.colour, reasons=j.reasons, last_report=j.last_report, missing_reports=j.missing,
        current=j.current, forecast=fc,
    )


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def evaluate(
    session: Session,
    as_of: dt.date,
    *,
    rules: Rules | None = None,
    dept: str | None = None,
    plan_id: int | None = None,
    with_forecast: bool = True,
    subject: tuple[str, int] | None = None,
) -> list[Evaluation]:
    """Every live task and target judged as of `as_of` (of one plan; of one lead department by name).

    `with_forecast=False` skips the trend lines (the supervision list does not show them). `subject`
    ("task" or "target", id) judges that one subject (a task's targets come along: see load_subjects)."""
    rules = rules or load_rules()
    lead = None
    if dept is not None:
        from taizhang.ledger.departments import find

        found = find(session, dept)
        if found is None:
            raise InputError("--dept", f"no department named {dept!r} in the registry")
        lead = found.id
    checks = rules.escalation_dates(as_of)
    return [evaluate_subject(s, as_of, rules, checks, with_forecast)
            for s in load_subjects(session, as_of, plan_id=plan_id, lead=lead, subject=subject)]
