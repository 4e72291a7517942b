"""Read models shared by the pages and the API: evaluations with names, plan trees, timelines."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.ledger.audit import AUTH_TABLES
from taizhang.ledger.models import AuditEntry, Department, IndicatorValue, Plan, ProgressReport, Target, Task
from taizhang.track.model import Evaluation
from taizhang.web import changes
from taizhang.web.shared import SharedPages
from taizhang.web.summary import Summary

STATUS_LABELS = {"done": "已完成", "on_track": "正常推进", "lagging": "进度滞后", "overdue": "逾期未完成",
                 "no_data": "未报送"}
COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "white": "白色", None: "无"}
T = TypeVar("T")
# Users, their sign-ins and tokens (AUTH_TABLES) are audited, but no cached read model shows them, so a
# sign-in does not change the ledger's state.


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

    `latest` finds an entry of an earlier state of the same database and rules, from which the whole
    evaluation and some read models are brought up to date instead of computed afresh (see `_whole`).
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

    def find_kind(self, session: Session, kind: str) -> Any:
        """Any entry of this state whose name begins with `kind` (None if there is none)."""
        state = self.state(session)
        if state is None:
            return None
        with self._lock:
            return next((v for k, v in self._entries.items() if k[0] == state and k[1][0] == kind), None)

    def latest(self, session: Session, name: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any] | None:
        """The newest entry `name` of an earlier state of this database under the same rules, with that
        state (None if there is none): what an incremental computation starts from."""
        state = self.state(session)
        if state is None:
            return None
        def earlier(other: tuple[Any, ...]) -> bool:  # a reader may still see a state older than one cached
            return other[:3] == state[:3] and other != state and all(
                (a or 0) <= (b or 0) for a, b in zip(other[3:], state[3:], strict=True))

        with self._lock:
            found = [(k[0], v) for k, v in self._entries.items() if k[1] == name and earlier(k[0])]
        return max(found, key=lambda kv: tuple(m or 0 for m in kv[0][3:]), default=None)

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
    """The whole ledger's evaluation, its place of each subject and the dashboard's aggregates.

    `order` maps each subject to its place in the ledger's order at the last full evaluation (shared by
    the states derived from it); `slots` holds the evaluations at those places (None: a subject removed
    since), `evaluations` the same without the gaps."""

    evaluations: list[Evaluation]
    slots: list[Evaluation | None]
    order: dict[tuple[str, int], int]
    summary: Summary
    holes: int = 0  # slots that are None

    def get(self, key: tuple[str, int]) -> Evaluation | None:
        i = self.order.get(key)
        return None if i is None else self.slots[i]

    @classmethod
    def of(cls, evs: list[Evaluation], as_of: dt.date) -> Whole:
        order = {(e.subject_type, e.subject_id): i for i, e in enumerate(evs)}
        return cls(evs, evs, order, Summary.of(evs, as_of))

    def replaced(self, fresh: dict[tuple[str, int], Evaluation | None]) -> Whole | None:
        """This evaluation with the subjects of `fresh` judged again (None: judged no more), or None when
        a subject is new (its place in the order is the full evaluation's to give)."""
        if any(k not in self.order for k, e in fresh.items() if e is not None):
            return None
        slots, summary, holes = list(self.slots), self.summary.copy(), self.holes
        for k, e in fresh.items():
            i = self.order.get(k)
            if i is None:
                continue
            old = slots[i]
            if old is not None:
                summary.remove(old)
            slots[i] = e
            if e is not None:
                summary.add(e, i)
            holes += (e is None) - (old is None)
        evs = [e for e in slots if e is not None] if holes else slots
        return Whole(evs, slots, self.order, summary, holes)  # type: ignore[arg-type]


STATS: Counter[str] = Counter()  # how the whole ledger's evaluations were made: "full", "incremental"


def _whole(session: Session, as_of: dt.date) -> Whole:
    from taizhang.track.evaluate import evaluate

    def compute() -> Whole:
        whole = _incremental(session, as_of)
        if whole is None:
            STATS["full"] += 1
            whole = Whole.of(evaluate(session, as_of, rules=_rules(session)), as_of)
        return whole

    return CACHE.get(session, ("whole", as_of), compute)


def _incremental(session: Session, as_of: dt.date) -> Whole | None:
    """This state's whole evaluation derived from the newest earlier state's in the cache (None: none
    cached, or the writes since cannot be told apart: see web.changes)."""
    base = CACHE.latest(session, ("whole", as_of))
    whole = None if base is None else _advance(session, base[0], base[1], as_of)
    if whole is not None:
        STATS["incremental"] += 1
    return whole


def _rules(session: Session) -> Any:
    from taizhang.track.rules import load_rules

    def load() -> Any:  # the rules depend on the file alone, whose path and stamp the state's key holds
        earlier = CACHE.latest(session, ("rules",))
        return earlier[1] if earlier is not None else load_rules()

    return CACHE.get(session, ("rules",), load)


def _advance(session: Session, since: tuple[Any, ...], base: Whole, as_of: dt.date) -> Whole | None:
    """The whole evaluation of this session's state from `base`, that of the earlier state `since`:
    only the subjects the writes in between touched are judged again (None: judge the whole)."""
    from taizhang.track.evaluate import evaluate

    state = CACHE.state(session)
    assert state is not None
    touched = changes.touched(session, changes.Marks(*since[3:]), changes.Marks(*state[3:]))
    if touched is None or len(touched) > changes.LIMIT:
        return None
    rules = _rules(session)
    fresh: dict[tuple[str, int], Evaluation | None] = {("task", t): None for t in touched.tasks}
    fresh.update({("target", g): None for g in touched.targets})
    for t in touched.tasks:  # the task with its targets
        fresh.update({(e.subject_type, e.subject_id): e for e in evaluate(session, as_of, rules=rules, subject=("task", t))})
    for g in touched.targets:
        if fresh[("target", g)] is None:  # not among its task's: a target without a (live) task
            fresh.update({(e.subject_type, e.subject_id): e
                          for e in evaluate(session, as_of, rules=rules, subject=("target", g))})
    return base.replaced(fresh)


def evaluation(session: Session, kind: str, sid: int, as_of: dt.date, plan_id: int | None = None) -> Evaluation | None:
    """One task's or target's evaluation as of `as_of` (None for a removed or unknown subject).

    From the whole ledger's evaluation when this state's is cached, or can be derived from an earlier
    state's (`_whole`, judging again only what the writes since touched); else, given the subject's
    plan, that subject is judged alone (the same judgement: see track.evaluate.load_subjects), about
    2 ms instead of the whole ledger's second or more."""
    whole = CACHE.find(session, ("whole", as_of))
    if whole is None and plan_id is None:
        whole = _whole(session, as_of)
    if whole is None:
        derived = _incremental(session, as_of)
        if derived is not None:
            whole = CACHE.get(session, ("whole", as_of), lambda: derived)
    if whole is not None:
        return whole.get((kind, sid))
    from taizhang.track.evaluate import evaluate

    return next((e for e in evaluate(session, as_of, rules=_rules(session), plan_id=plan_id, subject=(kind, sid))
                 if e.subject_type == kind and e.subject_id == sid), None)


_DEPT_NAMES = select(Department.id, Department.name)


def _carried(session: Session, name: tuple[Any, ...], tables: frozenset[str], compute: Callable[[], T]) -> T:
    """`compute()` for this state, or the value of an earlier state's when the writes since changed none
    of `tables` (read from the database: see web.changes.entities)."""
    def carry() -> T:
        base = CACHE.latest(session, name)
        state = CACHE.state(session)
        if base is not None and state is not None:
            changed = changes.entities(session, changes.Marks(*base[0][3:]), changes.Marks(*state[3:]))
            if changed is not None and not changed & tables:
                return base[1]  # type: ignore[no-any-return]
        return compute()

    return CACHE.get(session, name, carry)


def dept_names(session: Session) -> dict[int, str]:
    return _carried(session, ("dept_names",), frozenset({"department"}),
                    lambda: dict(session.connection().execute(_DEPT_NAMES).all()))  # Core: no ORM rows


def plan_names(session: Session) -> dict[int, str]:
    return _carried(session, ("plan_names",), frozenset({"plan"}),
                    lambda: {p.id: (p.title or p.key) for p in session.scalars(select(Plan))})


def overview(session: Session, evs: list[Evaluation], as_of: dt.date) -> dict[str, Any]:
    """Counts by status and colour, departments reddest first, due within 30 days, the reds (see
    web.summary). The whole ledger's: from its aggregates, kept up to date write by write."""
    whole = CACHE.find(session, ("whole", as_of))
    if whole is not None and evs is whole.evaluations:  # the whole ledger's: summarised once per state
        return CACHE.get(session, ("overview", as_of), lambda: whole.summary.overview(dept_names(session)))  # type: ignore[no-any-return]
    return Summary.of(evs, as_of).overview(dept_names(session))


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
    whole = CACHE.find_kind(session, "whole")  # it judged every live task and target: count those
    return {
        "plans": session.scalar(select(func.count()).select_from(Plan)) or 0,
        "tasks": whole.summary.by_type["task"] if whole is not None else
        session.scalar(select(func.count()).select_from(Task).where(~Task.removed)) or 0,
        "targets": whole.summary.by_type["target"] if whole is not None else
        session.scalar(select(func.count()).select_from(Target).where(~Target.removed)) or 0,
        "reports": session.scalar(select(func.count()).select_from(ProgressReport)) or 0,
    }
