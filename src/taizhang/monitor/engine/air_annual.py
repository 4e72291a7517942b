"""Annual statistics (HJ 663) from a daily table, for stations and the city alike.

Per calendar year and ``station`` (the city is the station ``CITY``):
- annual mean of the valid daily values (PM2.5, PM10, SO2, NO2), rounded once;
- daily percentiles by HJ 663's formula (= numpy 'linear', Excel PERCENTILE.INC) computed exactly:
  k = 1 + (n−1)·p/100, m = X(s) + (X(s+1) − X(s))·(k − s); SO2/NO2 98th (95th too, for reference),
  PM 95th, CO 95th, O3 MDA8 90th; rounded once;
- validity: ≥ 324 valid days in the year and ≥ 27 in every month (February ≥ 25);
- valid AQI days, good days (AQI ≤ 100), heavy days (AQI > 200), severe days (AQI > 300),
  and the good-day ratio in ‰ (integer, rounded once; the report divides by 10 for a % with 1 decimal).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.exact import round_div
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


def _percentiles(daily: ir.Table, col: str, ps: tuple[int, ...]) -> ir.Table:
    """One row per (station, year): the exact HJ 663 percentiles of ``col``, rounded once."""
    t = daily.filter(daily[col].notnull())
    win = ibis.window(group_by=[t.station, t.year], order_by=t[col])
    t = t.select(
        "station",
        "year",
        x=t[col],
        rn=ibis.row_number().over(win),
        n=t[col].count().over(ibis.window(group_by=[t.station, t.year])),
    )
    aggs = {}
    for p in ps:
        s0 = ((t.n - 1) * p) // 100  # 0-based index of X(s)
        aggs[f"_lo{p}"] = t.x.max(where=t.rn == s0)
        aggs[f"_hi{p}"] = t.x.max(where=t.rn == s0 + 1)
        aggs[f"_r{p}"] = (((t.n - 1) * p) % 100).max()
    g = t.group_by(["station", "year"]).aggregate(**aggs)
    cols = {}
    for p in ps:
        lo, hi, r = g[f"_lo{p}"], g[f"_hi{p}"], g[f"_r{p}"]
        cols[f"{col}_p{p}"] = hi.isnull().ifelse(lo, round_div(lo * 100 + (hi - lo) * r, 100))
    return g.select("station", "year", **cols)


def annual(daily: ir.Table) -> ir.Table:
    """Daily table (station or city, with ``aqi``) → one row per (station, year)."""
    d = daily.mutate(year=daily.date.year().cast("int32"), month=daily.date.month().cast("int32"))
    cols = list(PERCENTILES)

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
    aggs["valid_days"] = d.aqi.count()
    aggs["good_days"] = (d.aqi <= T.GOOD_DAY_MAX_AQI).cast("int64").sum()
    aggs["heavy_days"] = (d.aqi > T.HEAVY_DAY_ABOVE_AQI).cast("int64").sum()
    aggs["severe_days"] = (d.aqi > T.SEVERE_DAY_ABOVE_AQI).cast("int64").sum()
    base = d.group_by(["station", "year"]).aggregate(**aggs)
    base = base.mutate(
        **{
            f"{c}_mean": (base[f"{c}_days"] > 0).ifelse(
                round_div(base[f"_{c}_sum"], base[f"{c}_days"]), ibis.null("int64")
            )
            for c in ANNUAL_MEAN
        },
        good_permille=(base.valid_days > 0).ifelse(
            round_div(base.good_days.fill_null(0) * 1000, base.valid_days), ibis.null("int64")
        ),
    ).drop(*[f"_{c}_sum" for c in ANNUAL_MEAN])

    out = base
    for extra in [months, *(_percentiles(d, c, ps) for c, ps in PERCENTILES.items())]:
        extra = extra.rename(_station="station", _year="year")
        out = out.left_join(extra, [out.station == extra._station, out.year == extra._year]).drop(
            "_station", "_year"
        )
    return out.mutate(
        **{
            f"{c}_valid": (out[f"{c}_days"] >= T.MIN_DAYS_YEAR) & (out[f"{c}_months_ok"].fill_null(0) == 12)
            for c in cols
        }
    ).order_by(["year", "station"])
