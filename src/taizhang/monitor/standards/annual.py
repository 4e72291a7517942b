"""Annual air assessment (HJ 663-2013 with GB 3095 limits; §2.3, §3.3–§3.6): the percentile
formula, validity of annual statistics, attainment and the good-day ratio."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import (
    Number,
    optional_fraction,
    percent,
    round_half_even,
    to_fraction,
)
from taizhang.monitor.standards.items import pollutant_of
from taizhang.monitor.standards.versions import DateLike, limit_class, limit_standard


@dataclass(frozen=True)
class Percentile:
    value: Fraction
    k: Fraction  # rank 1 + (n - 1) p / 100
    s: int  # integer part of k
    n: int


def percentile_rank(values: Sequence[Number | None], p: Number) -> Percentile:
    """HJ 663 percentile (§3.4): sort ascending, k = 1 + (n-1)·p%, s = ⌊k⌋,
    m = X(s) + (X(s+1) - X(s))·(k - s); m = X(n) when s = n. NA values are left out."""
    data = sorted(v for v in (optional_fraction(x) for x in values) if v is not None)
    if not data:
        raise ValueError("percentile of no values")
    pp = to_fraction(p)
    if not 0 <= pp <= 100:
        raise ValueError(f"percentile p must be within 0..100, not {p}")
    n = len(data)
    k = 1 + (n - 1) * pp / 100
    s = math.floor(k)
    if s >= n:
        return Percentile(data[-1], k, s, n)
    value = data[s - 1] + (data[s] - data[s - 1]) * (k - s)
    return Percentile(value, k, s, n)


def percentile_hj663(values: Sequence[Number | None], p: Number) -> Fraction:
    """The exact HJ 663 p-th percentile of `values` ({3,4,8,2,5,4}, 90 → 13/2)."""
    return percentile_rank(values, p).value


@dataclass(frozen=True)
class AnnualValidity:
    valid: bool
    total: int
    short_months: list[int]  # 1-based months below their minimum
    total_ok: bool


def annual_validity(
    valid_days_per_month: Sequence[int],
    *,
    min_year: int = t.MIN_DAYS_YEAR,
    min_month: int = t.MIN_DAYS_MONTH,
    min_february: int = t.MIN_DAYS_FEBRUARY,
) -> AnnualValidity:
    """Whether an annual mean or daily percentile is valid (GB 3095 Table 4): at least 324 valid
    days, and at least 27 in every month (25 in February). Pass `min_year=60, min_month=5,
    min_february=5` for TSP, BaP and Pb."""
    if len(valid_days_per_month) != 12:
        raise ValueError(f"need 12 monthly counts, not {len(valid_days_per_month)}")
    short = [
        i + 1 for i, days in enumerate(valid_days_per_month) if days < (min_february if i == 1 else min_month)
    ]
    total = sum(valid_days_per_month)
    return AnnualValidity(total >= min_year and not short, total, short, total >= min_year)


def limit_for(
    pollutant: str,
    period: str,
    *,
    standard: str | None = None,
    when: DateLike | None = None,
    limit_cls: int | str | None = None,
) -> int | Decimal:
    """The GB 3095 limit of `pollutant` for `period` ("annual", "24h", "8h", "1h", "quarterly")."""
    std = limit_standard(standard, when)
    cls = limit_class(limit_cls)
    code = pollutant_of(pollutant)
    try:
        return t.LIMITS[std][(code, period)][cls - 1]
    except KeyError:
        raise ValueError(f"{std} has no {period} limit for {pollutant}") from None


@dataclass(frozen=True)
class Judgement:
    """One statistic against one limit, compared after GB/T 8170 rounding (修约值比较法)."""

    statistic: Fraction
    rounded: Decimal
    limit: int | Decimal
    attained: bool
    exceed_multiple: Fraction | None  # (C - S) / S of the rounded value, only when C > S


def judge(statistic: Number, limit: int | Decimal, digits: int, *, compare_rounded: bool = True) -> Judgement:
    """Round `statistic` to `digits` places (GB/T 8170) and compare with `limit` using ≤."""
    exact = to_fraction(statistic)
    rounded = round_half_even(exact, digits)
    value = Fraction(rounded) if compare_rounded else exact
    lim = Fraction(limit)
    attained = value <= lim
    multiple = None if attained else (value - lim) / lim
    return Judgement(exact, rounded, limit, attained, multiple)


@dataclass(frozen=True)
class AnnualAttainment:
    pollutant: str
    annual_mean: Judgement | None
    percentile: Judgement | None
    percentile_p: int
    attained: bool | None  # None when a needed statistic is missing


def annual_attainment(
    pollutant: str,
    *,
    annual_mean: Number | None = None,
    percentile: Number | None = None,
    standard: str | None = None,
    when: DateLike | None = None,
    limit_cls: int | str | None = None,
    compare_rounded: bool = True,
) -> AnnualAttainment:
    """Annual attainment of one pollutant (§3.5): SO2, NO2, PM10, PM2.5 need both the annual mean
    and their daily percentile (98th, 98th, 95th, 95th) within limits; CO (95th of daily means)
    and O3 (90th of MDA8) are judged by the percentile alone. Statistics are rounded by GB/T 8170
    (integer µg/m³, CO 0.1 mg/m³) before the ≤ comparison unless `compare_rounded=False`."""
    code = pollutant_of(pollutant)
    has_mean, p, period = t.ANNUAL_STATISTICS[code]
    digits = t.CONCENTRATION_DIGITS[code]
    mean_j = None
    if has_mean and annual_mean is not None:
        lim = limit_for(code, "annual", standard=standard, when=when, limit_cls=limit_cls)
        mean_j = judge(annual_mean, lim, digits, compare_rounded=compare_rounded)
    pct_j = None
    if percentile is not None:
        lim = limit_for(code, period, standard=standard, when=when, limit_cls=limit_cls)
        pct_j = judge(percentile, lim, digits, compare_rounded=compare_rounded)
    needed = [pct_j] + ([mean_j] if has_mean else [])
    attained: bool | None
    if any(j is not None and not j.attained for j in needed):
        attained = False
    elif any(j is None for j in needed):
        attained = None
    else:
        attained = True
    return AnnualAttainment(code, mean_j, pct_j, p, attained)


@dataclass(frozen=True)
class DayCounts:
    valid_days: int
    excellent_days: int  # AQI <= 50
    good_days: int  # 优良: AQI <= 100
    polluted_days: int  # AQI > 100
    moderate_or_worse_days: int  # AQI > 150
    heavy_days: int  # AQI > 200
    severe_days: int  # AQI > 300
    ratio: Fraction | None  # good_days / valid_days


def good_day_ratio(daily_aqi: Sequence[Number | None]) -> DayCounts:
    """优良天数比率 and pollution-day counts from a city's daily AQI (§3.6); NA days (None or
    "NA") are left out of both numerator and denominator."""
    valid = [a for a in (optional_fraction(x) for x in daily_aqi) if a is not None]
    good = sum(1 for a in valid if a <= t.GOOD_DAY_MAX_AQI)
    return DayCounts(
        valid_days=len(valid),
        excellent_days=sum(1 for a in valid if a <= t.PRIMARY_ABOVE),
        good_days=good,
        polluted_days=sum(1 for a in valid if a > t.GOOD_DAY_MAX_AQI),
        moderate_or_worse_days=sum(1 for a in valid if a > 150),
        heavy_days=sum(1 for a in valid if a > t.HEAVY_DAY_ABOVE_AQI),
        severe_days=sum(1 for a in valid if a > t.SEVERE_DAY_ABOVE_AQI),
        ratio=Fraction(good, len(valid)) if valid else None,
    )


def ratio_percent(counts: DayCounts, digits: int = 1) -> Decimal | None:
    """The good-day ratio in per cent, GB/T 8170-rounded to `digits` places."""
    pct = percent(counts.good_days, counts.valid_days)
    return None if pct is None else round_half_even(pct, digits)
