"""The data of a monthly 调度通报 (progress bulletin): what the Word and PDF writers lay out.

`build_bulletin(session, "2024-05")` evaluates the ledger as of the month's last day — or today, for the
month under way: a bulletin never dates its data after the day it is made — (or takes the evaluations it
is given) and gathers: counts of tasks and targets by status and colour, the reports,
cases opened and closed in the month, the 整改时序进度达标率, the red and yellow lists, and one row
per lead department.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import COLOURS, STATUSES, Case, Department, Plan, ProgressReport, Target
from taizhang.track.cases import schedule_rate
from taizhang.track.model import Evaluation

STATUS_LABELS = {"done": "已完成", "on_track": "序时推进", "lagging": "进度滞后", "overdue": "逾期未完成",
                 "no_data": "未报送"}
COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "white": "白色", None: "无预警"}
SUBJECT_LABELS = {"task": "任务", "target": "指标"}
DEFAULT_TITLE = "污染防治攻坚战调度通报"
# The issuing body, by default the campaign office of the plans' region (a bulletin is the office's).
ISSUER = "{region}污染防治攻坚战领导小组办公室"


@dataclass
class ListRow:
    """One line of the red or yellow list."""

    subject_type: str
    subject_id: int
    plan: str
    label: str
    lead: str  # lead department names joined with 、
    deadline: dt.date | None
    expected: float | None
    actual: float | None
    status: str
    colour: str
    reasons: str


@dataclass
class DepartmentRow:
    department_id: int
    name: str
    subjects: int = 0  # tasks and targets it leads
    red: int = 0
    yellow: int = 0
    white: int = 0
    done: int = 0
    reports: int = 0  # progress reports received in the month
    open_cases: int = 0  # supervision cases open at the end of the period
    mean_expected: float | None = None  # mean time-proportional progress of its subjects, %
    mean_actual: float | None = None  # mean actual progress (clipped to 0–100), %


@dataclass
class Bulletin:
    title: str
    issue: str  # the issue number (文号), e.g. 2024年第5期
    period_start: dt.date
    as_of: dt.date
    tasks_by_status: dict[str, int]
    targets_by_status: dict[str, int]
    tasks_by_colour: dict[str, int]  # white / yellow / red / none
    targets_by_colour: dict[str, int]
    status_colour: dict[str, dict[str, int]]  # status → colour (or none) → tasks and targets
    reports_in_period: int
    cases_opened: int
    cases_closed: int
    cases_open: int
    schedule: tuple[int, int, float | None]  # (on schedule, all, %) — 整改时序进度达标率
    red: list[ListRow] = field(default_factory=list)
    yellow: list[ListRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    issuer: str = ISSUER.format(region="")  # the issuing body

    @property
    def tasks(self) -> int:
        return sum(self.tasks_by_status.values())

    @property
    def targets(self) -> int:
        return sum(self.targets_by_status.values())


def period_of(when: str | dt.date, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """'2024-05' → (2024-05-01, 2024-05-31), up to `today` (default: today's date) for the month under
    way; a date → (first of its month, that date)."""
    if isinstance(when, dt.date):
        return when.replace(day=1), when
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", when)
    if not m or not 1 <= int(m.group(2)) <= 12:
        try:
            day = dt.date.fromisoformat(when.strip())
        except ValueError:
            raise InputError("--month", f"not a month (YYYY-MM) or a date (YYYY-MM-DD): {when!r}") from None
        return day.replace(day=1), day
    y, mo = int(m.group(1)), int(m.group(2))
    first, last = dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    today = today or dt.date.today()
    return first, last if today < first else min(last, today)


def _mean(xs: list[float]) -> float | None:
    return round(sum(xs) / len(xs), 1) if xs else None


def build_bulletin(
    session: Session,
    when: str | dt.date,
    evaluations: list[Evaluation] | None = None,
    *,
    title: str = DEFAULT_TITLE,
    issue: str | None = None,
    issuer: str | None = None,
) -> Bulletin:
    """The bulletin of a month ('YYYY-MM', as of its last day or today) or of the month up to a date."""
    start, as_of = period_of(when)
    if evaluations is None:
        from taizhang.track.evaluate import evaluate

        evaluations = evaluate(session, as_of)
    names = dict(session.execute(select(Department.id, Department.name)).all())
    plan_rows = session.execute(select(Plan.id, Plan.title, Plan.region, Plan.key)).all()
    plans = {pid: t or r or k for pid, t, r, k in plan_rows}
    regions = {r for _, _, r, _ in plan_rows if r}

    by_status: dict[str, Counter[str]] = {"task": Counter(), "target": Counter()}
    by_colour: dict[str, Counter[str]] = {"task": Counter(), "target": Counter()}
    cross: dict[str, Counter[str]] = {s: Counter() for s in STATUSES}
    rows: dict[str, list[ListRow]] = {"red": [], "yellow": []}
    depts: dict[int, DepartmentRow] = {}
    expected: dict[int, list[float]] = defaultdict(list)
    actual: dict[int, list[float]] = defaultdict(list)
    lead_of: dict[tuple[str, int], list[int]] = {}
    for ev in evaluations:
        by_status[ev.subject_type][ev.status] += 1
        by_colour[ev.subject_type][ev.colour or "none"] += 1
        cross.setdefault(ev.status, Counter())[ev.colour or "none"] += 1
        lead_of[(ev.subject_type, ev.subject_id)] = ev.lead
        if ev.colour in rows:
            rows[ev.colour].append(ListRow(
                ev.subject_type, ev.subject_id, plans.get(ev.plan_id, ""), ev.label,
                "、".join(names.get(d, f"#{d}") for d in ev.lead), ev.deadline, ev.expected, ev.actual,
                ev.status, ev.colour, "；".join(ev.reasons)))
        for d in ev.lead:
            row = depts.setdefault(d, DepartmentRow(d, names.get(d, f"#{d}")))
            row.subjects += 1
            if ev.colour in ("red", "yellow", "white"):
                setattr(row, ev.colour, getattr(row, ev.colour) + 1)
            if ev.status == "done":
                row.done += 1
            if ev.expected is not None and ev.actual is not None:
                expected[d].append(ev.expected)
                actual[d].append(min(100.0, max(0.0, ev.actual)))
    for d, row in depts.items():
        row.mean_expected, row.mean_actual = _mean(expected[d]), _mean(actual[d])

    # Reports of the period: by the reporting department, else by the subject's lead departments.
    target_task = dict(session.execute(select(Target.id, Target.task_id)).all())
    reports = session.execute(
        select(ProgressReport.department_id, ProgressReport.task_id, ProgressReport.target_id).where(
            ProgressReport.as_of >= start, ProgressReport.as_of <= as_of)).all()
    for dept_id, task_id, target_id in reports:
        if dept_id is not None:
            owners = [dept_id]
        elif task_id is not None:
            owners = lead_of.get(("task", task_id), [])
        else:
            owners = lead_of.get(("target", target_id), []) or lead_of.get(("task", target_task.get(target_id)), [])
        for d in owners:
            if d in depts:
                depts[d].reports += 1

    open_q = select(Case.department_id, func.count()).where(
        Case.opened_on <= as_of, (Case.closed_on.is_(None)) | (Case.closed_on > as_of)).group_by(Case.department_id)
    open_cases = dict(session.execute(open_q).all())
    for d, n in open_cases.items():
        if d in depts:
            depts[d].open_cases = n
    opened = session.scalar(select(func.count()).select_from(Case).where(
        Case.opened_on >= start, Case.opened_on <= as_of)) or 0
    closed = session.scalar(select(func.count()).select_from(Case).where(
        Case.closed_on >= start, Case.closed_on <= as_of)) or 0

    def order(r: ListRow) -> tuple[object, ...]:
        return (r.plan, r.subject_type != "task", -(r.expected or 0) + (r.actual or 0), r.subject_id)

    for colour_rows in rows.values():
        colour_rows.sort(key=order)
    return Bulletin(
        title=title,
        issue=issue or f"{as_of.year}年第{as_of.month}期",
        period_start=start,
        as_of=as_of,
        tasks_by_status={s: by_status["task"][s] for s in STATUSES},
        targets_by_status={s: by_status["target"][s] for s in STATUSES},
        tasks_by_colour={c: by_colour["task"][c] for c in (*COLOURS, "none")},
        targets_by_colour={c: by_colour["target"][c] for c in (*COLOURS, "none")},
        status_colour={s: {c: cross[s][c] for c in (*COLOURS, "none")} for s in cross},
        reports_in_period=len(reports),
        cases_opened=opened,
        cases_closed=closed,
        cases_open=sum(open_cases.values()),
        schedule=schedule_rate(session, as_of),
        red=rows["red"],
        yellow=rows["yellow"],
        departments=sorted(depts.values(), key=lambda r: (-r.red, -r.yellow, -r.white, -r.subjects, r.name)),
        issuer=issuer or ISSUER.format(region=regions.pop() if len(regions) == 1 else ""),
    )
