"""Forecasts with known lines and a prediction interval computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from taizhang.track.forecast import forecast, satisfies, t_cdf, t_quantile, trend

D0 = dt.date(2024, 1, 1)


def _day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


@pytest.mark.parametrize(("p", "df", "q"), [
    (0.95, 1, 6.3138), (0.95, 2, 2.9200), (0.95, 5, 2.0150), (0.975, 10, 2.2281), (0.995, 30, 2.7500),
    (0.95, 1000, 1.6464),
])
def test_t_quantiles_match_tables(p: float, df: int, q: float) -> None:
    assert t_quantile(p, df) == pytest.approx(q, abs=1e-4)
    assert t_quantile(1 - p, df) == pytest.approx(-q, abs=1e-4)
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


def test_exact_line_extends_with_zero_width_interval() -> None:
    pts = [(_day(0), 10.0), (_day(30), 13.0), (_day(60), 16.0), (_day(90), 19.0)]
    value, low, high = trend(pts, _day(300))
    assert value == pytest.approx(40.0)  # 0.1 per day
    assert low == pytest.approx(40.0) and high == pytest.approx(40.0)


def test_two_points_give_a_line_without_interval() -> None:
    fc = forecast([(_day(0), 40.0), (_day(100), 35.0)], _day(300), "<=", 30)
    assert fc is not None
    assert fc.value == pytest.approx(25.0) and fc.low is None and fc.high is None
    assert fc.meets is True and fc.points == 2
    assert forecast([(_day(0), 40.0)], _day(300), "<=", 30) is None
    assert forecast([(_day(5), 40.0), (_day(5), 41.0)], _day(300), "<=", 30) is None  # one date: no slope


def test_prediction_interval_by_hand() -> None:
    """x = 0, 10, 20; y = 0, 12, 18: slope 0.9, ŷ(30) = 28, SSE = 6, s = √6,
    half-width = t(0.95, 1)·√6·√(1 + 1/3 + 400/200) = 6.3138 · 2.4495 · 1.8257 ≈ 28.236."""
    pts = [(_day(0), 0.0), (_day(10), 12.0), (_day(20), 18.0)]
    fc = forecast(pts, _day(30), ">=", 30)
    assert fc is not None
    half = t_quantile(0.95, 1) * math.sqrt(6) * math.sqrt(1 + 1 / 3 + 2)
    assert half == pytest.approx(28.236, abs=1e-3)
    assert fc.value == pytest.approx(28.0)
    assert (fc.low, fc.high) == (pytest.approx(28 - half), pytest.approx(28 + half))
    assert fc.meets is False and fc.points == 3
    wider = forecast(pts, _day(30), ">=", 30, confidence=0.99)
    assert wider.high - wider.low > fc.high - fc.low


@pytest.mark.parametrize(("value", "op", "goal", "ok"), [
    (29.0, "<=", 30, True), (30.0, "<=", 30, True), (30.1, "<=", 30, False), (30.0, "<", 30, False),
    (95.0, ">=", 95, True), (94.9, ">=", 95, False), (95.0, ">", 95, False), (0.0, "=", 0, True),
    (1e-12, "=", 0, True), (0.1, "=", 0, False),
])
def test_satisfies(value: float, op: str, goal: float, ok: bool) -> None:
    assert satisfies(value, op, goal) is ok
