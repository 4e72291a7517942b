"""Daily values per station and for the city, in one pass over the hourly table.

Station day (natural day, hours h = 0..23 beginning h:00):
- 24-hour means of PM2.5, PM10, SO2, NO2, CO: exact sum of the valid hours / their number, rounded
  once (GB/T 8170) to 1 µg/m³ (CO 0.1 mg/m³); valid with ≥ 20 hours (GB 3095 Table 4).
- O3: the 24 hourly values (rounded), the daily maximum 1-hour value, the 17 eight-hour windows
  starting at h = 0..16 (ending 8时…24时; never crossing midnight), each valid with ≥ 6 hours, and the
  MDA8 = max of the valid windows, valid with ≥ 14 valid windows or when it exceeds 160 µg/m³ (HJ 663).
City day: per period, the mean of the valid values of the city assessment stations (a missing station
is skipped), rounded once; the city MDA8 is the daily max of the city-mean 8-hour series, the city
O3 1-hour value the daily max of the city-mean hourly series (spec §3.7).

All columns are integers: µg/m³, CO in 0.1 mg/m³.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.exact import Rounder, barrier, greatest, round_div, rounder_for, to_units
from taizhang.monitor.engine.schema import DAILY_MEAN, DECIMALS, SCALE
from taizhang.monitor.standards import tables as T

HOURS = range(24)
WINDOWS = T.MDA8_WINDOW_STARTS
#: MDA8 with fewer than 14 valid windows still counts when above this (class-2 8-h limit, µg/m³).
MDA8_EXCEPTION_ABOVE = T.LIMITS[T.GB3095_2012][("O3", "8h")][1]
CITY = "__city__"


def hour_col(h: int) -> str:
    return f"o3_h{h:02d}"


def window_col(s: int) -> str:
    return f"o3_w{s:02d}"


def station_daily(hourly: ir.Table) -> ir.Table:
    """Hourly table (schema.py) → one row per station-day with all daily values and their counts."""
    # Raw float sums and maxima in the one pass over the hourly rows (as cheap as a bare scan), made
    # exact right after: the values are multiples of 1e-4 below 1e5, and ≤ 24 of them sum with an
    # error < 1e-9, so round(sum·1e4) is the exact integer sum; rounding commutes with max.
    aggs: dict[str, ir.Value] = {}
    for p in DAILY_MEAN:
        aggs[f"{p}_fsum"] = hourly[p].sum()
        aggs[f"{p}_hours"] = hourly[p].count()
    for h in HOURS:
        aggs[f"_o3f{h:02d}"] = (hourly.hour == h).ifelse(hourly.o3, ibis.null("float64")).max()
    return _days_from_pass(hourly.group_by(["station", "date"]).aggregate(**aggs), rounder_for(hourly))


def _days_from_pass(raw: ir.Table, rnd: Rounder) -> ir.Table:
    """The per-station-day aggregates → daily values, in two projections (within one, a repeated
    sub-expression is one Ibis node, evaluated once by DuckDB's common-subexpression elimination;
    ``barrier`` keeps the next projection from inlining it).

    Every rounding is ``rnd(num / den)`` of exact integers (see ``exact.rounder_for``).
    """
    x = [raw[f"_o3f{h:02d}"] for h in HOURS]  # the hourly O3 values as stored (≤ 4 decimals)
    cols: dict[str, ir.Value] = {}
    for p in DAILY_MEAN:
        n = raw[f"{p}_hours"]
        mean = round_div(to_units(raw[f"{p}_fsum"]), n * (SCALE // 10 ** DECIMALS[p]), rnd)
        cols[p] = (n >= T.MIN_HOURS_DAILY).ifelse(mean, ibis.null("int64"))
        cols[f"{p}_hours"] = n
    for h in HOURS:
        cols[hour_col(h)] = rnd(x[h])  # a stored value k + ½ is exact in binary, so this is exact too
    cols["o3_hours"] = sum(v.notnull().cast("int64") for v in x)  # one hourly row per station-hour
    cols["o3_1h"] = rnd(greatest(x))  # rounding is monotone: the max of the rounded = the rounded max
    # 8-hour windows: each hour packed as 16·units + 1 (0 when missing), summed in floating point (8
    # terms below 2·10¹⁰: the error is far below ½), so the nearest integer W = 16·(sum of the valid
    # hours in units) + (their number).
    packed = [(v * (16 * SCALE) + 1).fill_null(0) for v in x]
    for s in WINDOWS:
        cols[f"_w{s:02d}"] = (sum(packed[s : s + 8]) + 0.5).floor().cast("int64")
    day = barrier(raw.select("station", "date", **cols))

    windows: dict[str, ir.Value] = {}
    valid: list[ir.BooleanValue] = []
    for s in WINDOWS:
        w = day[f"_w{s:02d}"]
        n = w % 16
        ok = n >= T.MIN_HOURS_8H
        # the mean (w − n) / (16·n·10⁴), null unless the window has ≥ 6 hours
        windows[window_col(s)] = ok.ifelse(round_div(w - n, n * (16 * SCALE), rnd), ibis.null("int64"))
        valid.append(ok)
    keep = [c for c in day.columns if not c.startswith("_")]
    t = barrier(day.select(*keep, **windows, o3_8h_windows=sum(v.cast("int64") for v in valid)))
    return _with_mda8(t)


def _with_mda8(t: ir.Table) -> ir.Table:
    """Add o3_8h: the MDA8 (largest valid window), valid with ≥ 14 valid windows or above 160 µg/m³."""
    mda8 = greatest([t[window_col(s)] for s in WINDOWS])
    ok = (t.o3_8h_windows >= T.MDA8_MIN_WINDOWS) | (mda8 > MDA8_EXCEPTION_ABOVE)
    return barrier(t.mutate(o3_8h=ok.ifelse(mda8, ibis.null("int64"))))


def city_daily(daily: ir.Table, exclude: list[str] | tuple[str, ...] = ()) -> ir.Table:
    """Station days → city days (station = CITY); stations in ``exclude`` are not city assessment points."""
    src = daily.filter(~daily.station.isin(list(exclude))) if exclude else daily
    # station days are unique per (station, date), so the row count is the number of stations
    aggs: dict[str, ir.Value] = {"stations": src.count()}
    for c in (*DAILY_MEAN, *(hour_col(h) for h in HOURS), *(window_col(s) for s in WINDOWS)):
        aggs[f"{c}__s"] = src[c].sum()
        aggs[f"{c}__n"] = src[c].count()
    agg = src.group_by("date").aggregate(**aggs)
    rnd = rounder_for(daily)
    cols: dict[str, ir.Value] = {"station": ibis.literal(CITY), "date": agg.date, "stations": agg.stations}
    for c in (*DAILY_MEAN, *(hour_col(h) for h in HOURS), *(window_col(s) for s in WINDOWS)):
        # with no valid station the SUM is null, and so is the quotient (no division by zero is evaluated)
        cols[c] = round_div(agg[f"{c}__s"], agg[f"{c}__n"], rnd)
    for p in DAILY_MEAN:
        cols[f"{p}_hours"] = agg[f"{p}__n"]  # for the city: the number of stations with a valid value
    out = barrier(agg.select(**cols))
    out = barrier(
        out.mutate(
            o3_hours=sum(out[hour_col(h)].notnull().cast("int64") for h in HOURS),
            o3_1h=greatest([out[hour_col(h)] for h in HOURS]),
            o3_8h_windows=sum(out[window_col(s)].notnull().cast("int64") for s in WINDOWS),
        )
    )
    return _with_mda8(out)
