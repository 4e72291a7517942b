"""Exact integer arithmetic as Ibis expressions (portable to DuckDB and Spark).

Every concentration enters as an integer (a number of 1e-4 units, or an already rounded integer of
1 µg/m³ / 0.1 mg/m³), so sums are exact; a mean is the exact ratio num/den, rounded once with GB/T 8170
(half to even). The rounding is a floor of a floating-point quotient plus an exact integer test for the
tie: a quotient ``num/den`` that is not a tie lies at least ``1/(2·den)`` from the nearest
half-integer, while the floating-point error of ``num/den + ½`` is below ``|num/den|·2⁻⁵¹``; with the
magnitudes here (quotients below 10⁶, den below 10⁷) that is many orders of magnitude smaller, so the
floor is the exact one, and an exact tie ``k + ½`` is representable and decided on integers alone.
"""

from __future__ import annotations

import ibis.expr.types as ir

from taizhang.monitor.engine.schema import SCALE


def to_units(value: ir.FloatingValue, scale: int = SCALE) -> ir.IntegerValue:
    """A stored float (at most 4 decimals) → the exact integer number of 1/scale units.

    ``value·scale`` lies within 1e-6 of that integer, so ⌊value·scale + ½⌋ is it (a FLOOR is much
    cheaper than ROUND(x, 0) on DuckDB).
    """
    return (value * scale + 0.5).floor().cast("int64")


def round_div(num: ir.IntegerValue, den: ir.IntegerValue | int) -> ir.IntegerValue:
    """GB/T 8170 rounding of num/den to an integer (half to even); num ≥ 0, den > 0. Null stays null.

    ``⌊num/den + ½⌋`` rounds half up. The quotient is exactly k + ½ iff 2·num ≡ den (mod 2·den);
    half up then gives k + 1, one too many when k is even, i.e. when 2·num ≡ den (mod 4·den).
    """
    if isinstance(den, int) and den % 2 == 0:
        half_up = ((num + den // 2) / den).floor()
        tie_even = (num % (2 * den)) == den // 2
    else:
        half_up = (num / den + 0.5).floor()
        tie_even = ((num * 2) % (den * 4)) == den
    return half_up - tie_even.cast("int64")


def ceil_div(num: ir.IntegerValue, den: int) -> ir.IntegerValue:
    """⌈num/den⌉ for num ≥ 0 and a positive integer den."""
    return ((num + (den - 1)) // den).cast("int64")


def greatest(values: list[ir.Value]) -> ir.Value:
    """Largest non-null value (null only when all are null) — the same on DuckDB and Spark."""
    if len(values) == 1:
        return values[0]
    import ibis

    return ibis.greatest(*values)


def barrier(t: ir.Table) -> ir.Table:
    """A subquery boundary: later expressions refer to these columns by name instead of inlining them.

    Ibis merges stacked projections by substitution; with rounding expressions that mention their
    operands several times, the SQL would grow multiplicatively (and Spark's code generator gives up).
    """
    return t.view()
