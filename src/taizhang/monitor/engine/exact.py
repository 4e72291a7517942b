"""Exact integer arithmetic as Ibis expressions (portable to DuckDB and Spark).

Every concentration enters as an integer (a number of 1e-4 units, or an already rounded integer of
1 µg/m³ / 0.1 mg/m³), so sums are exact; a mean is the exact ratio num/den, rounded once with GB/T 8170
(half to even) by integer division. Magnitudes stay far below 2**53, so even a backend that divides
in floating point before FLOOR gets the exact quotient.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.schema import SCALE


def to_units(value: ir.FloatingValue, scale: int = SCALE) -> ir.IntegerValue:
    """A stored float (at most 4 decimals) → the exact integer number of 1/scale units."""
    return (value * scale).round().cast("int64")


def round_div(num: ir.IntegerValue, den: ir.IntegerValue | int) -> ir.IntegerValue:
    """GB/T 8170 rounding of num/den to an integer (half to even); num ≥ 0, den > 0. Null stays null.

    q = ⌊(2·num + den) / (2·den)⌋ rounds half up; on an exact tie ((2·num + den) divisible by 2·den)
    an odd q is one too many.
    """
    a = num * 2 + den
    b = den * 2
    q = (a // b).cast("int64")
    return (q - ((a % b == 0) & (q % 2 == 1)).cast("int64")).cast("int64")


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
