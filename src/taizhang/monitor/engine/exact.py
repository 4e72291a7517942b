"""Exact integer arithmetic as Ibis expressions (portable to DuckDB and Spark).

Every concentration enters as an integer (a number of 1e-4 units, or an already rounded integer of
1 µg/m³ / 0.1 mg/m³), so sums are exact; a mean is the exact ratio num/den, rounded once with GB/T 8170
(half to even), as a half-even rounding of the floating-point quotient (``rounder_for``): exact,
because a quotient that is not a tie lies at least ``1/(2·den)`` from the nearest half-integer, far
more than the division's error with the magnitudes here (quotients below 10⁶, den below 10⁷), and an
exact tie ``k + ½`` is representable and comes out exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.schema import SCALE

#: Rounds a floating quotient of two exact integers to an integer, half to even (GB/T 8170).
Rounder = Callable[[ir.FloatingValue], ir.IntegerValue]


@ibis.udf.scalar.builtin(name="round_even")
def _duckdb_round_even(x: float, digits: int) -> float:  # type: ignore[empty-body]
    """DuckDB's ROUND_EVEN (banker's rounding)."""


@ibis.udf.scalar.builtin(name="bround")
def _spark_bround(x: float, digits: int) -> float:  # type: ignore[empty-body]
    """Spark's BROUND (HALF_EVEN on the decimal value of the double)."""


def portable_half_even(q: ir.FloatingValue) -> ir.IntegerValue:
    """⌊q + ½⌋, one less when q is exactly k + ½ with k even (the same arithmetic on any backend)."""
    up = (q + 0.5).floor()
    return (up - ((up - q == 0.5) & (up % 2 == 1)).cast("int64")).cast("int64")


def rounder_for(t: ir.Table) -> Rounder:
    """The half-even rounding of the backend that will run ``t``: one native function call on DuckDB
    (ROUND_EVEN) and Spark (BROUND), the portable four-operation form elsewhere.

    Exact for the quotients the engine rounds: ``num / den`` of integers below 2⁵³ with den ≤ 10⁷ and a
    quotient below 10⁶. IEEE division is correctly rounded, so an exact tie k + ½ (representable) comes out
    exactly, and any other quotient lies at least 1/(2·den) ≥ 5·10⁻⁸ from a half-integer while its
    floating-point error is below 10⁶·2⁻⁵³ ≈ 10⁻¹⁰: the nearest integer is never mistaken.
    """
    name = t._find_backend(use_default=True).name
    if name == "duckdb":
        return lambda q: _duckdb_round_even(q, 0).cast("int64")
    if name == "pyspark":
        return lambda q: _spark_bround(q, 0).cast("int64")
    return portable_half_even


def to_units(value: ir.FloatingValue, scale: int = SCALE) -> ir.IntegerValue:
    """A stored float (at most 4 decimals) → the exact integer number of 1/scale units.

    ``value·scale`` lies within 1e-6 of that integer, so ⌊value·scale + ½⌋ is it (a FLOOR is much
    cheaper than ROUND(x, 0) on DuckDB).
    """
    return (value * scale + 0.5).floor().cast("int64")


def round_div(num: ir.IntegerValue, den: ir.IntegerValue | int, rnd: Rounder | None = None) -> ir.IntegerValue:
    """GB/T 8170 rounding of num/den to an integer (half to even); num ≥ 0, den > 0. Null stays null.

    This is ``rnd(num / den)``: one division and a half-even rounding (``rounder_for``: the backend's
    own; by default the portable form), exact for the magnitudes the engine rounds.
    """
    return (rnd or portable_half_even)(num / den)


def ceil_div(num: ir.IntegerValue, den: int) -> ir.IntegerValue:
    """⌈num/den⌉ for num ≥ 0 and a positive integer den."""
    return ((num + (den - 1)) // den).cast("int64")


def greatest(values: list[ir.Value]) -> ir.Value:
    """Largest non-null value (null only when all are null) — the same on DuckDB and Spark."""
    if len(values) == 1:
        return values[0]
    return ibis.greatest(*values)


def barrier(t: ir.Table) -> ir.Table:
    """A subquery boundary: later expressions refer to these columns by name instead of inlining them.

    Ibis merges stacked projections by substitution; with rounding expressions that mention their
    operands several times, the SQL would grow multiplicatively (and Spark's code generator gives up).
    """
    return t.view()
