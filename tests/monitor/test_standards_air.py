"""Daily and annual air statistics (GB 3095 Table 4, HJ 663), from the spec's worked numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from taizhang.monitor.standards import (
    annual_attainment,
    annual_validity,
    city_mean,
    city_o3_mda8,
    daily_mean,
    good_day_ratio,
    limit_for,
    o3_mda8,
)


def test_daily_mean_needs_20_hours() -> None:
    assert daily_mean([10] * 19 + [None] * 5).valid is False
    res = daily_mean([10] * 20 + [None] * 3 + [30])
    assert res.valid and res.mean == Fraction(230, 21)


def test_mda8_uses_only_same_day_windows() -> None:
    hours = [0] * 24
    hours[23] = 800  # only the last window (16..23) sees it
    res = o3_mda8(hours)
    assert res.mda8 == 100 and res.max_window_start == 16 and res.valid_windows == 17


def test_mda8_window_needs_6_hours_and_day_needs_14_windows() -> None:
    hours: list[int | None] = [50] * 24
    for h in range(0, 5):
        hours[h] = None  # windows 0..2 have < 6 valid hours
    assert o3_mda8(hours).valid_windows == 14 and o3_mda8(hours).valid
    for h in range(5, 7):
        hours[h] = None
    res = o3_mda8(hours)
    assert res.valid_windows < 14 and not res.valid and res.mda8 is None


def test_mda8_exceedance_survives_missing_windows() -> None:
    hours: list[int | None] = [None] * 10 + [200] * 14
    res = o3_mda8(hours)
    assert res.valid_windows < 14 and res.valid and res.rounded == 200


def test_annual_validity_february_and_total() -> None:
    ok = [27] * 12
    ok[1] = 25
    assert annual_validity(ok).valid is False  # 322 < 324
    ok[0] = 29
    assert annual_validity(ok).valid
    short = [30] * 12
    short[5] = 26
    res = annual_validity(short)
    assert not res.valid and res.short_months == [6]


def test_attainment_rounds_then_compares() -> None:
    assert annual_attainment("PM2.5", annual_mean="35.4", percentile="75").attained is True
    failed = annual_attainment("PM2.5", annual_mean="35.5", percentile="60")
    assert failed.attained is False and failed.annual_mean is not None
    assert failed.annual_mean.rounded == Decimal("36")
    assert failed.annual_mean.exceed_multiple == Fraction(1, 35)
    assert annual_attainment("CO", percentile="4.05").attained is True  # 4.0 after rounding
    assert annual_attainment("O3", percentile="160.5").attained is True  # half-even -> 160
    assert annual_attainment("PM10", annual_mean="60").attained is None  # percentile missing


def test_limits_by_version_and_class() -> None:
    assert limit_for("PM25", "annual") == 35
    assert limit_for("PM25", "annual", limit_cls="class 1") == 15
    assert limit_for("PM25", "24h", standard="GB 3095-2026") == 60
    assert limit_for("PM25", "annual", when="2031-01-01") == 25
    assert limit_for("O3", "8h", standard="GB 3095-2026") == 160


def test_good_days_exclude_na() -> None:
    c = good_day_ratio([30, 100, 101, 250, None, 301])
    assert (c.valid_days, c.good_days, c.heavy_days, c.severe_days) == (5, 2, 2, 1)
    assert c.ratio == Fraction(2, 5)


def test_city_value_and_o3_open_point() -> None:
    assert city_mean(["10", None, "21"]).value == Fraction(31, 2)
    a = [100] * 24
    b = [100] * 24
    a[12] = 500  # station peaks at different hours
    b[20] = 740
    series = city_o3_mda8([a, b], method="series")
    mean_of_max = city_o3_mda8([a, b], method="mean_of_mda8")
    assert mean_of_max == (Fraction(150) + Fraction(180)) / 2  # station MDA8s 150 and 180
    assert series == (Fraction(100) + Fraction(180)) / 2  # peaks never share a window
