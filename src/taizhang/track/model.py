"""What an evaluation says about one task or target as of a date (the contract between the evaluator,
the supervision list, cases, assessment, bulletins and the web app)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

COLOUR_RANK = {"red": 3, "yellow": 2, "white": 1, None: 0}


@dataclass
class Forecast:
    """The value expected at the deadline from the trend through the reported values."""

    value: float
    low: float | None = None  # prediction interval (with ≥ 3 points), else None
    high: float | None = None
    meets: bool | None = None  # does the forecast satisfy the target at the deadline?
    points: int = 0


@dataclass
class Evaluation:
    subject_type: str  # "task" | "target"
    subject_id: int
    plan_id: int
    label: str  # task text or "indicator op value unit", shortened for lists
    lead: list[int]  # department ids with role lead (support and implementers are not held to account)
    deadline: dt.date | None
    expected: float | None  # time-proportional progress expected at as_of, in % (0–100)
    actual: float | None  # progress actually reached, in % (may exceed 100 or be negative)
    gap: float | None  # expected − actual, in percentage points (positive = behind)
    status: str  # done | on_track | lagging | overdue | no_data
    colour: str | None  # None | white | yellow | red
    reasons: list[str] = field(default_factory=list)  # why the colour, in Chinese, one per rule hit
    last_report: dt.date | None = None
    missing_reports: int = 0
    current: float | None = None  # latest reported (or bound indicator) value, for targets
    forecast: Forecast | None = None

    @property
    def rank(self) -> int:
        return COLOUR_RANK[self.colour]

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose (asdict deep-copies every list; the status list prints tens of thousands).
        d = {f: getattr(self, f) for f in self.__dataclass_fields__}
        for k in ("deadline", "last_report"):
            d[k] = d[k].isoformat() if d[k] else None
        d["forecast"] = asdict(self.forecast) if self.forecast is not None else None
        return d
