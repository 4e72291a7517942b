"""Annual statistics (HJ 663) from a daily table, for stations and the city alike.

Per calendar year and ``station`` (the city is the station ``CITY``):
- annual mean of the valid daily values (PM2.5, PM10, SO2, NO2), rounded once;
- daily percentiles by HJ 663's formula (= numpy 'linear', Excel PERCENTILE.INC) computed exactly:
  k = 1 + (n−1)·p/100, m = X(s) + (X(s+1) − X(s))·(k − s); SO2/NO2 98th (95th too, for reference),
  PM 95th, CO 95th, O3 MDA8 90th; rounded once;
- validity: ≥ 324 valid days in the year and ≥ 27 in every month (February ≥ 25);
- valid AQI days, good days (AQI ≤ 100), heavy days (AQI > 200), severe days (AQI > 300),
  and the good-day ratio in ‰ (integer, rounded once; the report divides by 10 for a % with 1 decimal).

One grouped query per table (plus a small per-month count for the validity rule).

Percentiles: the backends' continuous percentile (DuckDB ``quantile_cont``, Spark ``percentile``) is
exactly this linear formula, evaluated in floating point. The daily values are integers, so the exact
percentile X(s) + (X(s+1) − X(s))·r/100 (r = (n−1)·p mod 100) is a multiple of 1/100; the
floating-point result lies within ~1e-9 of it, so rounding 100·result to the nearest integer recovers
the exact value, which is then rounded once (GB/T 8170) on integers.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.exact import round_div, rounder_for
from taizhang.monitor.standards import tables as T

#: Daily column → percentiles reported (the first one is the HJ 663 statistic used for attainment).
PERCENTILES: dict[str, tuple[int, ...]] = {
    "pm25": (95,),
    "pm10": (95,),
    "so2": (98, 95),
    "no2": (98, 95),
    "co": (95,),
    "o3_8h": (90,),
}
ANNUAL_MEAN = ("pm25", "pm10", "so2", "no2")


def annual(daily: ir.Table) -> ir.Table:
    """Daily table (station or city, with ``aqi``) → one row per (station, year)."""
    cols = list(PERCENTILES)
    rnd = rounder_for(daily)
    d = daily.select(
        "station",
        "aqi",
        *cols,
        year=daily.date.year().cast("int32"),
        month=daily.date.month().cast("int32"),
    )

    monthly = d.group_by(["station", "year", "month"]).aggregate(**{f"{c}_n": d[c].count() for c in cols})
    need = (monthly.month == 2).ifelse(T.MIN_DAYS_FEBRUARY, T.MIN_DAYS_MONTH)
    months = monthly.group_by(["station", "year"]).aggregate(
        **{f"{c}_months_ok": (monthly[f"{c}_n"] >= need).cast("int64").sum() for c in cols}
    )

    aggs: dict[str, ir.Value] = {}
    for c in cols:
        aggs[f"{c}_days"] = d[c].count()
    for c in ANNUAL_MEAN:
        aggs[f"_{c}_sum"] = d[c].sum()
    for c, ps in PERCENTILES.items():
        for p in ps:
            aggs[f"_{c}_q{p}"] = d[c].quantile(p / 100)
    aggs["valid_days"] = d.aqi.count()
    aggs["good_days"] = (d.aqi <= T.GOOD_DAY_MAX_AQI).cast("int64").sum()
    aggs["heavy_days"] = (d.aqi > T.HEAVY_DAY_ABOVE_AQI).cast("int64").sum()
    aggs["severe_days"] = (d.aqi > T.SEVERE_DAY_ABOVE_AQI).cast("int64").sum()
    base = d.group_by(["station", "year"]).aggregate(**aggs)

    stats: dict[str, ir.Value] = {}
    for c in ANNUAL_MEAN:
        stats[f"{c}_mean"] = (base[f"{c}_days"] > 0).ifelse(
            round_div(base[f"_{c}_sum"], base[f"{c}_days"], rnd), ibis.null("int64")
        )
    for c, ps in PERCENTILES.items():
        for p in ps:
            hundredths = (base[f"_{c}_q{p}"] * 100 + 0.5).floor()  # the exact percentile × 100
            stats[f"{c}_p{p}"] = round_div(hundredths, 100, rnd)
    stats["good_permille"] = (base.valid_days > 0).ifelse(
        round_div(base.good_days.fill_null(0) * 1000, base.valid_days, rnd), ibis.null("int64")
    )
    base = base.mutate(**stats).drop(*[c for c in base.columns if c.startswith("_")])

    months = months.rename(_station="station", _year="year")
    out = base.left_join(months, [base.station == months._station, base.year == months._year]).drop(
        "_station", "_year"
    )
    return out.mutate(
        **{
            f"{c}_valid": (out[f"{c}_days"] >= T.MIN_DAYS_YEAR) & (out[f"{c}_months_ok"].fill_null(0) == 12)
            for c in cols
        }
    ).order_by(["year", "station"])
