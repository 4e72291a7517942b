"""Read models shared by the pages and the API: evaluations with names, plan trees, timelines."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.ledger.models import AuditEntry, Department, IndicatorValue, Plan, ProgressReport, Target, Task
from taizhang.track.model import Evaluation
from taizhang.web.shared import SharedPages

STATUS_LABELS = {"done": "已完成", "on_track": "正常推进", "lagging": "进度滞后", "overdue": "逾期未完成",
                 "no_data": "未报送"}
COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "white": "白色", None: "无"}
T = TypeVar("T")
# Users, their sign-ins and tokens: audited, but no cached read model shows them, so a sign-in does not
# make the readers compute the ledger's evaluation again.
AUTH_TABLES = ("app_user", "user_session", "api_token", "login_attempt")


# The change counters of the ledger's state (built once: it is read by every request).
_MARKS = select(
    select(AuditEntry.id).where(AuditEntry.entity.not_in(AUTH_TABLES))
    .order_by(AuditEntry.id.desc()).limit(1).scalar_subquery(),
    select(func.max(ProgressReport.id)).scalar_subquery(),
    select(func.max(IndicatorValue.id)).scalar_subquery())


class _LedgerCache:
    """Read models kept in process and reused while the ledger is unchanged.

    `evaluate` over a full ledger (26k subjects) takes seconds, and the dashboard's summaries of it tens
    of milliseconds; every dashboard, task page and warning list needs them. Entries are keyed by the
    ledger's state: the database, the rules in force and the change counters (the newest audit entry —
    every ORM insert, update and delete writes one — except those of users, sign-ins and tokens
    (AUTH_TABLES), the newest progress report and the newest indicator value, which bulk loads write
    without an audit entry). Any write changes the state, and
    the next reader computes afresh. Only reading sessions use the cache (a writing one may see its own
    uncommitted rows). Concurrent readers of a missing entry wait for one computation instead of each
    running it. The cached objects are shared: read them, never change them.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[Any, ...], threading.Lock] = {}
        self.hits = self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def state(session: Session) -> tuple[Any, ...] | None:
        """The ledger's state as this reading session sees it (None for a writing session)."""
        if "taizhang_state" in session.info:
            return session.info["taizhang_state"]  # type: ignore[no-any-return]
        conn = session.connection()
        if conn.get_execution_options().get("sqlite_write") or session.new or session.dirty or session.deleted:
            return None
        rules = os.environ.get("TAIZHANG_RULES") or ""
        try:
            rules_stamp = os.stat(rules).st_mtime_ns if rules else 0
        except OSError:
            rules_stamp = -1
        marks = conn.execute(_MARKS).one()
        state = (conn.engine.url.render_as_string(hide_password=True), rules, rules_stamp, *marks)
        session.info["taizhang_state"] = state
        return state

    def find(self, session: Session, name: tuple[Any, ...]) -> Any:
        state = self.state(session)
        if state is None:
            return None
        with self._lock:
            return self._entries.get((state, name))

    def get(self, session: Session, name: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The value of `compute()` for this ledger state and `name`, computed at most once."""
        state = self.state(session)
        if state is None:
            return compute()
        key = (state, name)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # one computation per key; the others wait for it
            with self._lock:
                if key in self._entries:
                    self.hits += 1
                    return self._entries[key]  # type: ignore[no-any-return]
            try:
                value = compute()
                with self._lock:
                    self.misses += 1
                    self._entries[key] = value
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            return value


CACHE = _LedgerCache()


def shared_part(session: Session, shared: SharedPages | None, name: tuple[Any, ...], render: Callable[[], str]) -> str:
    """A rendered page part that is the same for every reader of a ledger state: cached in this process
    and, when the app runs in several worker processes (`shared`), rendered by one of them for all."""
    def load() -> str:
        state = CACHE.state(session)
        if shared is None or state is None:
            return render()
        text = shared.get((state, name))
        if text is None:
            text = render()
            shared.put((state, name), text)
        return text

    return CACHE.get(session, name, load)


def _options(kw: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        options = tuple(sorted(kw.items()))
        hash(options)
    except TypeError:  # e.g. a Rules object: not cached
        return None
    return options


def evaluations(session: Session, as_of: dt.date, **kw: Any) -> list[Evaluation]:
    """Every live task and target judged as of `as_of` (see `taizhang.track.evaluate.evaluate`), from the
    cache while the ledger is unchanged. The list and its Evaluations are shared: do not change them."""
    from taizhang.track.evaluate import evaluate

    options = _options(kw)
    if options is None:
        return evaluate(session, as_of, **kw)
    if not options:
        return _whole(session, as_of).evaluations
    return CACHE.get(session, ("evaluate", as_of, options), lambda: evaluate(session, as_of, **kw))


class Whole(NamedTuple):
    """The whole ledger's evaluation, and the same by subject for the task and target pages."""

    evaluations: list[Evaluation]
    by_subject: dict[tuple[str, int], Evaluation]


def _whole(session: Session, as_of: dt.date) -> Whole:
    from taizhang.track.evaluate import evaluate

    def compute() -> Whole:
        evs = evaluate(session, as_of)
        return Whole(evs, {(e.subject_type, e.subject_id): e for e in evs})

    return CACHE.get(session, ("whole", as_of), compute)


def evaluation(session: Session, kind: str, sid: int, as_of: dt.date, plan_id: int | None = None) -> Evaluation | None:
    """One task's or target's evaluation as of `as_of` (None for a removed or unknown subject).

    From the whole ledger's evaluation when this state's is cached; else, given the subject's plan,
    that subject is judged alone (the same judgement: see track.evaluate.load_subjects), about 2 ms
    instead of the whole ledger's second or more after each write."""
    if plan_id is None or CACHE.find(session, ("whole", as_of)) is not None:
        return _whole(session, as_of).by_subject.get((kind, sid))
    from taizhang.track.evaluate import evaluate
    from taizhang.track.rules import load_rules

    rules = CACHE.get(session, ("rules",), load_rules)  # the state's key holds the rules file's stamp
    return next((e for e in evaluate(session, as_of, rules=rules, plan_id=plan_id, subject=(kind, sid))
                 if e.subject_type == kind and e.subject_id == sid), None)


def dept_names(session: Session) -> dict[int, str]:
    return CACHE.get(session, ("dept_names",),  # type: ignore[no-any-return]
                     lambda: dict(session.execute(select(Department.id, Department.name)).all()))


def plan_names(session: Session) -> dict[int, str]:
    return CACHE.get(session, ("plan_names",),  # type: ignore[no-any-return]
                     lambda: {p.id: (p.title or p.key) for p in session.scalars(select(Plan))})


def overview(session: Session, evs: list[Evaluation], as_of: dt.date) -> dict[str, Any]:
    """Counts by status and colour, departments reddest first, due within 30 days, the reds."""
    whole = CACHE.find(session, ("whole", as_of))
    if whole is not None and evs is whole.evaluations:  # the whole ledger's: summarised once per state
        return CACHE.get(session, ("overview", as_of), lambda: _overview(session, evs, as_of))  # type: ignore[no-any-return]
    return _overview(session, evs, as_of)


def _overview(session: Session, evs: list[Evaluation], as_of: dt.date) -> dict[str, Any]:
    names = dept_names(session)
    by_status = Counter(e.status for e in evs)
    by_colour = Counter(e.colour for e in evs)
    per_dept: dict[int, Counter[str]] = defaultdict(Counter)
    progress: dict[int, list[float]] = defaultdict(list)
    for e in evs:
        for d in e.lead:
            per_dept[d][e.colour or "none"] += 1
            if e.actual is not None:
                progress[d].append(max(0.0, min(100.0, e.actual)))
    dept_rows = sorted(
        ({"id": d, "name": names.get(d, str(d)), **c, "total": sum(c.values()),
          "progress": round(sum(progress[d]) / len(progress[d]), 1) if progress[d] else None}
         for d, c in per_dept.items()),
        key=lambda r: (-r.get("red", 0), -r.get("yellow", 0), r["name"]),
    )
    soon = as_of + dt.timedelta(days=30)
    due_soon = sorted((e for e in evs if e.deadline and as_of <= e.deadline <= soon and e.status != "done"),
                      key=lambda e: e.deadline or as_of)
    reds = sorted((e for e in evs if e.colour == "red"), key=lambda e: -(e.gap or 0))
    return {"by_status": dict(by_status), "by_colour": {str(k): v for k, v in by_colour.items()},
            "departments": dept_rows, "due_soon": due_soon, "reds": reds, "total": len(evs)}


def indicator_trends(session: Session, limit: int = 6) -> list[dict[str, Any]]:
    """Bound targets with their series values and the target line, for the dashboard charts."""
    out = []
    for t in session.scalars(select(Target).where(Target.series.is_not(None), ~Target.removed).limit(limit)):
        vals = session.execute(select(IndicatorValue.as_of, IndicatorValue.value)
                               .where(IndicatorValue.series == t.series).order_by(IndicatorValue.as_of)).all()
        out.append({"id": t.id, "indicator": t.indicator, "unit": t.unit or "", "goal": float(t.value),
                    "op": t.op, "series": t.series,
                    "points": [[d.isoformat(), float(v)] for d, v in vals]})
    return out


def report_task(session: Session, kind: str, sid: int) -> Task | None:
    """The task a report on a task or a target is about (a target's own task), None if there is none."""
    if kind == "task":
        return session.get(Task, sid)
    target = session.get(Target, sid)
    return session.get(Task, target.task_id) if target is not None and target.task_id else None


def dept_subjects(session: Session, dept_id: int) -> tuple[list[Task], list[Target]]:
    """Tasks the department is assigned to (any role) and the targets of those tasks."""
    from taizhang.ledger.models import Assignment

    task_ids = select(Assignment.task_id).where(Assignment.department_id == dept_id)
    tasks = list(session.scalars(select(Task).where(Task.id.in_(task_ids), ~Task.removed)
                                 .order_by(Task.plan_id, Task.position)))
    targets = list(session.scalars(select(Target).where(Target.task_id.in_(task_ids), ~Target.removed)
                                   .order_by(Target.plan_id, Target.position)))
    return tasks, targets


def counts(session: Session) -> dict[str, int]:
    return CACHE.get(session, ("counts",), lambda: _counts(session))  # type: ignore[no-any-return]


def _counts(session: Session) -> dict[str, int]:
    return {
        "plans": session.scalar(select(func.count()).select_from(Plan)) or 0,
        "tasks": session.scalar(select(func.count()).select_from(Task).where(~Task.removed)) or 0,
        "targets": session.scalar(select(func.count()).select_from(Target).where(~Target.removed)) or 0,
        "reports": session.scalar(select(func.count()).select_from(ProgressReport)) or 0,
    }
