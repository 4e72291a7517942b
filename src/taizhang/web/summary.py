"""The dashboard's aggregates of a set of evaluations, kept by adding and removing evaluations.

Counts by status and by colour, per lead department (colours and mean progress), the reds and the
items due within 30 days. `Summary.of(evs)` builds it from scratch; after a write the web app removes
the old evaluation of each subject judged again and adds the new one, and gets what `of` would give
on the new evaluations. So every sum is exact: progress is added in millionths of a percent point
(integers), and each evaluation carries its place in the ledger's order (`order`), which breaks ties
as a stable sort of the whole list would.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from taizhang.ledger.models import COLOURS, STATUSES
from taizhang.track.model import Evaluation

DUE_DAYS = 30
_SCALE = 10**6
_COLOUR_ORDER = ("red", "yellow", "white", None)
Key = tuple[str, int]


def _key(e: Evaluation) -> Key:
    return (e.subject_type, e.subject_id)


def _ordered(counts: Counter[Any], known: Iterable[Any]) -> dict[Any, int]:
    """The non-zero counts, the known keys first in their order, then any other (by name)."""
    known = list(known)
    rest = sorted((k for k in counts if k not in known), key=str)
    return {k: counts[k] for k in [*known, *rest] if counts.get(k)}


def _less(c: Counter[Any], k: Any) -> None:
    c[k] -= 1
    if c[k] <= 0:
        del c[k]


class _Sorted:
    """Evaluations kept in order of a sort key (the key, then the place in the ledger's order)."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, int, Evaluation]] = []
        self.by_key: dict[Key, tuple[Any, int, Evaluation]] = {}

    def copy(self) -> _Sorted:
        c = _Sorted()
        c.items, c.by_key = list(self.items), dict(self.by_key)
        return c

    def put(self, sort: Any, order: int, e: Evaluation) -> None:
        item = (sort, order, e)
        self.by_key[_key(e)] = item
        insort(self.items, item, key=_head)

    def drop(self, e: Evaluation) -> None:
        item = self.by_key.pop(_key(e), None)
        if item is not None:
            del self.items[bisect_left(self.items, item[:2], key=_head)]

    def evaluations(self) -> list[Evaluation]:
        return list(map(itemgetter(2), self.items))


def _head(item: tuple[Any, int, Evaluation]) -> tuple[Any, int]:
    return item[0], item[1]


class Summary:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.by_type: Counter[str] = Counter()  # tasks and targets
        self.by_status: Counter[str] = Counter()
        self.by_colour: Counter[str | None] = Counter()
        # per department: colour counts and [progress in millionths, count]; shared with the copies
        # this one was made from until changed here (_own)
        self.dept_colours: dict[int, Counter[str]] = {}
        self.dept_progress: dict[int, tuple[int, int]] = {}
        self._rows: dict[int, dict[str, Any]] = {}  # department rows of `overview`, as last built
        self._own: set[int] = set()
        self.reds, self.due = _Sorted(), _Sorted()

    @classmethod
    def of(cls, evs: Iterable[Evaluation], as_of: dt.date) -> Summary:
        s = cls(as_of)
        for i, e in enumerate(evs):
            s.add(e, i)
        return s

    def copy(self) -> Summary:
        s = Summary(self.as_of)
        s.by_type, s.by_status, s.by_colour = Counter(self.by_type), Counter(self.by_status), Counter(self.by_colour)
        s.dept_colours, s.dept_progress, s._rows = dict(self.dept_colours), dict(self.dept_progress), dict(self._rows)
        s.reds, s.due = self.reds.copy(), self.due.copy()
        return s

    def _colours(self, d: int) -> Counter[str]:
        """Department d's colour counts, to change here."""
        self._rows.pop(d, None)
        if d not in self._own:
            self._own.add(d)
            self.dept_colours[d] = Counter(self.dept_colours.get(d, ()))
        return self.dept_colours[d]

    def _is_due(self, e: Evaluation) -> bool:
        return (e.deadline is not None and self.as_of <= e.deadline <= self.as_of + dt.timedelta(days=DUE_DAYS)
                and e.status != "done")

    @staticmethod
    def _progress(e: Evaluation) -> int | None:
        return None if e.actual is None else round(max(0.0, min(100.0, e.actual)) * _SCALE)

    def add(self, e: Evaluation, order: int) -> None:
        """Count `e`, which stands at place `order` in the ledger's order."""
        self.by_type[e.subject_type] += 1
        self.by_status[e.status] += 1
        self.by_colour[e.colour] += 1
        p = self._progress(e)
        for d in e.lead:
            self._colours(d)[e.colour or "none"] += 1
            if p is not None:
                total, n = self.dept_progress.get(d, (0, 0))
                self.dept_progress[d] = (total + p, n + 1)
        if e.colour == "red":
            self.reds.put(-(e.gap or 0), order, e)
        if self._is_due(e):
            self.due.put(e.deadline, order, e)

    def remove(self, e: Evaluation) -> None:
        """Uncount `e` (an evaluation added before)."""
        _less(self.by_type, e.subject_type)
        _less(self.by_status, e.status)
        _less(self.by_colour, e.colour)
        p = self._progress(e)
        for d in e.lead:
            c = self._colours(d)
            _less(c, e.colour or "none")
            if not c:
                del self.dept_colours[d]
                self._own.discard(d)
            if p is not None:
                total, n = self.dept_progress[d]
                if n == 1:
                    del self.dept_progress[d]
                else:
                    self.dept_progress[d] = (total - p, n - 1)
        self.reds.drop(e)
        self.due.drop(e)

    def _row(self, d: int, names: dict[int, str]) -> dict[str, Any]:
        name = names.get(d, str(d))
        row = self._rows.get(d)
        if row is None or row["name"] != name:
            c = self.dept_colours[d]
            acc = self.dept_progress.get(d)
            row = {"id": d, "name": name, **_ordered(c, [*COLOURS, "none"]), "total": sum(c.values()),
                   "progress": round(acc[0] / (acc[1] * _SCALE), 1) if acc else None}
            self._rows[d] = row
        return row

    def overview(self, names: dict[int, str]) -> dict[str, Any]:
        """Counts by status and colour, departments reddest first, due within 30 days, the reds. The
        dicts of the department rows are shared between the summaries of successive states: read them."""
        rows = [self._row(d, names) for d in self.dept_colours]
        rows.sort(key=lambda r: (-r.get("red", 0), -r.get("yellow", 0), r["name"], r["id"]))
        return {"by_status": _ordered(self.by_status, STATUSES),
                "by_colour": {str(k): v for k, v in _ordered(self.by_colour, _COLOUR_ORDER).items()},
                "departments": rows,
                "due_soon": self.due.evaluations(),
                "reds": self.reds.evaluations(),
                "total": sum(self.by_status.values())}
