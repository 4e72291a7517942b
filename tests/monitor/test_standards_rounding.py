"""GB/T 8170 rounding and the HJ 663 percentile."""

from __future__ import annotations

from fractions import Fraction

import pytest

from taizhang.monitor.standards import percentile_hj663, percentile_rank, round_gbt8170, to_fraction


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        ("2.5", 0, "2"),
        ("3.5", 0, "4"),
        ("2.50000", 0, "2"),  # only zeros after the 5: still exactly half
        ("2.500001", 0, "3"),  # non-zero after the 5: up
        ("2.449", 0, "2"),  # one step: never 2.449 -> 2.45 -> 2.5 -> 3
        ("0.05", 1, "0.0"),
        ("0.15", 1, "0.2"),
        ("-2.5", 0, "-2"),
        ("-0.04", 1, "0.0"),
        ("1235", -1, "1240"),
        ("1245", -1, "1240"),
        ("7", 2, "7.00"),
        ("12.3456", 3, "12.346"),
    ],
)
def test_round_gbt8170(value: str, digits: int, expected: str) -> None:
    assert round_gbt8170(value, digits) == expected


def test_round_float_uses_decimal_text() -> None:
    assert round_gbt8170(2.675, 2) == "2.68"  # binary 2.67499999… would give 2.67


def test_to_fraction_forms() -> None:
    assert to_fraction("205/4") == Fraction(205, 4)
    assert to_fraction("1e3") == 1000
    with pytest.raises(ValueError):
        to_fraction(True)


def test_percentile_formula() -> None:
    values = list(range(1, 366))
    assert percentile_hj663(values, 95) == Fraction("346.8")
    assert percentile_hj663(values, 98) == Fraction("357.72")
    ranked = percentile_rank([10, 20], 100)
    assert ranked.value == 20 and ranked.s == 2  # s = n -> X(n)
    assert percentile_hj663([5], 90) == 5
    assert percentile_hj663([1, None, 3], 50) == 2  # NA values left out
