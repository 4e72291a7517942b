"""One pollutant's air-quality sub-index (IAQI), HJ 633-2012 and HJ 633-2026 (§1.2–§1.4, §1.8–§1.9).

Exact rational arithmetic throughout; the result is the ceiling of the exact value ("全部进位取整数").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, round_half_even
from taizhang.monitor.standards.items import canonical_item, pollutant_of, to_table_unit
from taizhang.monitor.standards.versions import DateLike, aqi_standard

FLAG_NEGATIVE = "NEGATIVE"
FLAG_NOT_INDEXED = "NOT_INDEXED"  # above the column's last breakpoint; sub-index taken elsewhere
FLAG_FIXED = "FIXED_OVER_800"  # HJ 633-2026 notes b/c: fixed IAQI above 800
FLAG_NO_COLUMN = "NO_SUBINDEX"  # e.g. PM 1-hour values under HJ 633-2012


@dataclass(frozen=True)
class SubIndex:
    """The IAQI of one item: `iaqi` is None when the item gets no sub-index (NA)."""

    item: str
    standard: str
    concentration: Fraction | None
    iaqi: int | None
    exact: Fraction | None
    flags: tuple[str, ...] = field(default=())
    substitute: str | None = None  # item whose sub-index stands in (HJ 633-2012 notes 2 and 3)


def table_column(item: str, standard: str) -> str | None:
    """The breakpoint column used for a canonical `item` under `standard` (None: no sub-index)."""
    base = item.removesuffix("_SLIDING")
    column = t.IAQI_TABLE_ALIASES[standard].get(base, base)
    return column if column in t.IAQI_BREAKPOINTS[standard] else None


def concentration_digits(item: str) -> int:
    """GB/T 8170 rounding precision of a concentration of `item` (CO 0.1 mg/m³, others integer)."""
    return t.CONCENTRATION_DIGITS.get(pollutant_of(item), 0)


def sub_index(
    item: str,
    concentration: Number | None,
    standard: str | None = None,
    *,
    unit: str | None = None,
    when: DateLike | None = None,
    round_concentration: bool = False,
) -> SubIndex:
    """The IAQI of `item` at `concentration` with its exact value and flags.

    `round_concentration=True` first rounds the concentration by GB/T 8170 to the reporting
    precision (HJ 633-2026 §4.2.2); by default the concentration is used as given."""
    std = aqi_standard(standard, when)
    canon = canonical_item(item)
    if concentration is None:
        return SubIndex(canon, std, None, None, None)
    conc = to_table_unit(pollutant_of(canon), concentration, unit)
    if round_concentration:
        conc = Fraction(round_half_even(conc, concentration_digits(canon)))
    if conc < 0:
        return SubIndex(canon, std, conc, None, None, (FLAG_NEGATIVE,))
    column = table_column(canon, std)
    if column is None:
        return SubIndex(canon, std, conc, None, None, (FLAG_NO_COLUMN,))
    breakpoints = t.IAQI_BREAKPOINTS[std][column]
    levels = t.IAQI_LEVELS
    for i in range(len(breakpoints) - 1):
        lo, hi = breakpoints[i], breakpoints[i + 1]
        if lo is None or hi is None:
            break
        if lo <= conc <= hi:
            exact = Fraction(levels[i + 1] - levels[i], hi - lo) * (conc - lo) + levels[i]
            return SubIndex(canon, std, conc, math.ceil(exact), exact)
    return _above_table(canon, std, column, conc)


def _above_table(item: str, standard: str, column: str, conc: Fraction) -> SubIndex:
    rule = t.IAQI_OVER_TOP_RULES[standard].get(column)
    if rule is not None and rule[0] == "substitute":
        return SubIndex(item, standard, conc, None, None, (FLAG_NOT_INDEXED,), substitute=str(rule[1]))
    if rule is not None and rule[0] == "fixed":
        value = int(rule[1])
        return SubIndex(item, standard, conc, value, Fraction(value), (FLAG_FIXED,))
    return SubIndex(item, standard, conc, t.IAQI_CAP, Fraction(t.IAQI_CAP), (t.FLAG_ABOVE_TABLE,))


def iaqi(
    item: str,
    concentration: Number | None,
    standard: str | None = None,
    *,
    unit: str | None = None,
    when: DateLike | None = None,
    round_concentration: bool = False,
) -> int | None:
    """The IAQI (an integer, ceiling of the exact value) or None when not indexed.

    >>> iaqi("CO_24H", "2.2")
    55
    >>> iaqi("PM25_24H", 36, "HJ633-2012")
    52
    """
    return sub_index(
        item, concentration, standard, unit=unit, when=when, round_concentration=round_concentration
    ).iaqi


def iaqi_exact(
    item: str, concentration: Number, standard: str | None = None, *, unit: str | None = None
) -> Fraction | None:
    """The exact (unrounded) IAQI as a Fraction, or None when not indexed."""
    return sub_index(item, concentration, standard, unit=unit).exact
