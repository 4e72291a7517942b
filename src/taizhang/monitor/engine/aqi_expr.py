"""IAQI, AQI, primary pollutant and level as Ibis expressions, built from ``standards.tables``.

Concentrations come in as integers already rounded per GB/T 8170 (µg/m³; CO in 0.1 mg/m³), so each
IAQI is ``I_lo + ⌈(I_hi − I_lo)·(C − BP_lo) / (BP_hi − BP_lo)⌉`` in integer arithmetic: exact.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from taizhang.monitor.engine.exact import barrier, ceil_div, greatest
from taizhang.monitor.standards import tables as T

#: Daily-report items (standards naming) → column of the daily table that feeds them.
ITEM_COLUMNS: dict[str, str] = {
    "SO2_24H": "so2",
    "NO2_24H": "no2",
    "PM10_24H": "pm10",
    "CO_24H": "co",
    "PM25_24H": "pm25",
    "O3_1H": "o3_1h",
    "O3_8H": "o3_8h",
}

#: Short item codes used in reports (primary pollutant), with the averaging time for O3.
ITEM_CODES: dict[str, str] = {
    "SO2_24H": "SO2",
    "NO2_24H": "NO2",
    "PM10_24H": "PM10",
    "CO_24H": "CO",
    "PM25_24H": "PM2.5",
    "O3_1H": "O3_1h",
    "O3_8H": "O3_8h",
}


def _digits(item: str) -> int:
    return T.CONCENTRATION_DIGITS[item.split("_")[0]]


def iaqi(conc: ir.IntegerValue, item: str, standard: str) -> tuple[ir.IntegerValue, ir.BooleanValue]:
    """(IAQI, above-table flag) of an integer concentration in units of 10^-digits."""
    bps = T.IAQI_BREAKPOINTS[standard][T.IAQI_TABLE_ALIASES[standard].get(item, item)]
    scale = 10 ** _digits(item)
    levels = T.IAQI_LEVELS
    branches = []
    top = None
    for i in range(len(bps) - 1):
        lo, hi = bps[i], bps[i + 1]
        if hi is None:
            break
        num = (conc - lo * scale) * (levels[i + 1] - levels[i])
        branches.append((conc <= hi * scale, levels[i] + ceil_div(num, (hi - lo) * scale)))
        top = hi * scale
    rule = T.IAQI_OVER_TOP_RULES[standard].get(item)
    if rule is None or rule[0] == "cap":
        over = ibis.literal(rule[1] if rule else T.IAQI_CAP, "int64")
    elif rule[0] == "fixed":
        over = ibis.literal(rule[1], "int64")
    else:  # ("substitute", other item): no IAQI; the other item, already in the daily set, stands in
        over = ibis.null("int64")
    value = ibis.cases(*branches, else_=over).cast("int64")
    above = (conc > top) if (rule is None or rule[0] == "cap") else ibis.literal(False)
    return conc.isnull().ifelse(ibis.null("int64"), value), conc.notnull() & above


def with_aqi(daily: ir.Table, standard: str) -> ir.Table:
    """Add ``iaqi_<item>``, ``aqi``, ``primary``, ``level``, ``above_table`` and ``items_present``."""
    items = T.DAILY_REPORT_ITEMS[standard]
    subs = {}
    above = []
    for item in items:
        value, flag = iaqi(daily[ITEM_COLUMNS[item]], item, standard)
        subs[item] = value
        above.append(flag)
    present = sum(daily[ITEM_COLUMNS[i]].notnull().cast("int64") for i in items)
    t = barrier(
        daily.mutate(
            **{f"iaqi_{ITEM_COLUMNS[i]}": v for i, v in subs.items()},
            items_present=present,
            above_table=ibis.or_(*above) if len(above) > 1 else above[0],
        )
    )
    aqi = greatest([t[f"iaqi_{ITEM_COLUMNS[i]}"] for i in items])
    if standard == T.HJ633_2026:
        # §5.3.1: with an item missing, the AQI is published only when it is above 100.
        aqi = ((t.items_present < len(items)) & (aqi <= T.PUBLISH_WITH_MISSING_ABOVE)).ifelse(ibis.null("int64"), aqi)
    out = barrier(t.mutate(aqi=aqi))
    return out.mutate(primary=_primary(out, items), level=_level(out.aqi))


def _primary(t: ir.Table, items: tuple[str, ...]) -> ir.StringValue:
    """Items whose IAQI equals the AQI when AQI > 50, joined by ','; null otherwise.

    CONCAT_WS skips nulls (DuckDB and Spark alike), so no trailing separator is left to cut off.
    """
    parts = [
        (t[f"iaqi_{ITEM_COLUMNS[i]}"] == t.aqi).ifelse(ibis.literal(ITEM_CODES[i]), ibis.null("string"))
        for i in items
    ]
    return (t.aqi > T.PRIMARY_ABOVE).ifelse(ibis.literal(",").join(parts), ibis.null("string"))


def _level(aqi: ir.IntegerValue) -> ir.IntegerValue:
    branches = [(aqi <= upper, level) for upper, level, *_ in T.AQI_CATEGORIES if upper is not None]
    last = T.AQI_CATEGORIES[-1][1]
    return aqi.isnull().ifelse(ibis.null("int64"), ibis.cases(*branches, else_=last)).cast("int64")
