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
from collections import Counter
from collections.abc import Iterable
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


class Summary:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.by_status: Counter[str] = Counter()
        self.by_colour: Counter[str | None] = Counter()
        self.dept_colours: dict[int, Counter[str]] = {}
        self.dept_progress: dict[int, list[int]] = {}  # department → [sum in millionths, count]
        self.reds: dict[Key, tuple[float, int, Evaluation]] = {}
        self.due: dict[Key, tuple[dt.date, int, Evaluation]] = {}

    @classmethod
    def of(cls, evs: Iterable[Evaluation], as_of: dt.date) -> Summary:
        s = cls(as_of)
        for i, e in enumerate(evs):
            s.add(e, i)
        return s

    def copy(self) -> Summary:
        s = Summary(self.as_of)
        s.by_status, s.by_colour = Counter(self.by_status), Counter(self.by_colour)
        s.dept_colours = {d: Counter(c) for d, c in self.dept_colours.items()}
        s.dept_progress = {d: list(p) for d, p in self.dept_progress.items()}
        s.reds, s.due = dict(self.reds), dict(self.due)
        return s

    def _is_due(self, e: Evaluation) -> bool:
        return (e.deadline is not None and self.as_of <= e.deadline <= self.as_of + dt.timedelta(days=DUE_DAYS)
                and e.status != "done")

    @staticmethod
    def _progress(e: Evaluation) -> int | None:
        return None if e.actual is None else round(max(0.0, min(100.0, e.actual)) * _SCALE)

    def add(self, e: Evaluation, order: int) -> None:
        """Count `e`, which stands at place `order` in the ledger's order."""
        self.by_status[e.status] += 1
        self.by_colour[e.colour] += 1
        p = self._progress(e)
        for d in e.lead:
            self.dept_colours.setdefault(d, Counter())[e.colour or "none"] += 1
            if p is not None:
                acc = self.dept_progress.setdefault(d, [0, 0])
                acc[0] += p
                acc[1] += 1
        if e.colour == "red":
            self.reds[_key(e)] = (-(e.gap or 0), order, e)
        if self._is_due(e):
            self.due[_key(e)] = (e.deadline or self.as_of, order, e)

    def remove(self, e: Evaluation) -> None:
        """Uncount `e` (an evaluation added before)."""
        _less(self.by_status, e.status)
        _less(self.by_colour, e.colour)
        p = self._progress(e)
        for d in e.lead:
            c = self.dept_colours[d]
            _less(c, e.colour or "none")
            if not c:
                del self.dept_colours[d]
            if p is not None:
                acc = self.dept_progress[d]
                acc[0] -= p
                acc[1] -= 1
                if not acc[1]:
                    del self.dept_progress[d]
        self.reds.pop(_key(e), None)
        self.due.pop(_key(e), None)

    def overview(self, names: dict[int, str]) -> dict[str, Any]:
        """Counts by status and colour, departments reddest first, due within 30 days, the reds."""
        rows = []
        for d, c in self.dept_colours.items():
            acc = self.dept_progress.get(d)
            rows.append({"id": d, "name": names.get(d, str(d)), **_ordered(c, [*COLOURS, "none"]),
                         "total": sum(c.values()),
                         "progress": round(acc[0] / (acc[1] * _SCALE), 1) if acc else None})
        rows.sort(key=lambda r: (-r.get("red", 0), -r.get("yellow", 0), r["name"], r["id"]))
        return {"by_status": _ordered(self.by_status, STATUSES),
                "by_colour": {str(k): v for k, v in _ordered(self.by_colour, _COLOUR_ORDER).items()},
                "departments": rows,
                "due_soon": [e for *_, e in sorted(self.due.values(), key=lambda t: t[:2])],
                "reds": [e for *_, e in sorted(self.reds.values(), key=lambda t: t[:2])],
                "total": sum(self.by_status.values())}
