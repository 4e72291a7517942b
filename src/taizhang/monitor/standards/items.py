"""Air item names and units: many spellings in, one canonical name out (§0.3, §1.7).

Canonical items are POLLUTANT_PERIOD: SO2_24H, SO2_1H, NO2_24H, NO2_1H, PM10_24H, PM10_1H,
PM25_24H, PM25_1H, CO_24H, CO_1H, O3_1H, O3_8H, plus PM10_24H_SLIDING / PM25_24H_SLIDING for the
24-hour sliding means of the HJ 633-2012 real-time report. Accepted spellings include
"PM2.5_24h", "pm25_24h_sliding", "O3_MDA8", "O3-8h", "CO 1h", "PM2.5 日平均".
"""

from __future__ import annotations

import re
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, to_fraction

_POLLUTANT_ALIASES: dict[str, str] = {
    "SO2": "SO2",
    "二氧化硫": "SO2",
    "NO2": "NO2",
    "二氧化氮": "NO2",
    "PM10": "PM10",
    "可吸入颗粒物": "PM10",
    "PM25": "PM25",
    "PM2.5": "PM25",
    "PM2_5": "PM25",
    "细颗粒物": "PM25",
    "CO": "CO",
    "一氧化碳": "CO",
    "O3": "O3",
    "臭氧": "O3",
    "TSP": "TSP",
    "NOX": "NOX",
    "PB": "PB",
    "BAP": "BAP",
}

_PERIOD_ALIASES: dict[str, str] = {
    "24H": "24H",
    "24HR": "24H",
    "24HOUR": "24H",
    "DAY": "24H",
    "DAILY": "24H",
    "D": "24H",
    "日平均": "24H",
    "日均": "24H",
    "24小时": "24H",
    "24小时平均": "24H",
    "1H": "1H",
    "1HR": "1H",
    "HOUR": "1H",
    "HOURLY": "1H",
    "1小时": "1H",
    "1小时平均": "1H",
    "MAX1H": "1H",
    "1HMAX": "1H",
    "日最大1小时": "1H",
    "日最大1小时平均": "1H",
    "8H": "8H",
    "8HR": "8H",
    "MDA8": "8H",
    "MAX8H": "8H",
    "8HMAX": "8H",
    "8小时": "8H",
    "8小时滑动平均": "8H",
    "日最大8小时": "8H",
    "日最大8小时平均": "8H",
    "8HSLIDING": "8H",
}

_SLIDING = ("SLIDING", "ROLLING", "MOVING", "滑动", "滑动平均")


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
#: Unit text sometimes written into an item name, e.g. "CO(mg/m3)"; dropped before parsing.
_UNIT_IN_NAME = re.compile(r"[(（\[]?\s*(?:[µμu]g|mg|ng)\s*/\s*m(?:3|³)\s*[)）\]]?", re.IGNORECASE)


def _clean_name(name: str) -> str:
    text = _UNIT_IN_NAME.sub("", name.strip().translate(_SUBSCRIPTS))
    text = re.sub(r"[\s()（）\[\]:：,，/-]+", "_", text).strip("_")
    upper = text.upper().replace("PM2.5", "PM25").replace("PM2_5", "PM25")
    return upper.replace("O3_MDA8", "O3_8H").replace("MDA8_O3", "O3_8H")


def _split_pollutant(upper: str) -> tuple[str, str] | None:
    """(pollutant code, rest) for the longest pollutant alias `upper` starts with."""
    for alias in sorted(_POLLUTANT_ALIASES, key=len, reverse=True):
        if upper.startswith(alias.upper()):
            return _POLLUTANT_ALIASES[alias], upper[len(alias) :]
    return None


def _period(text: str) -> str | None:
    """24H, 1H or 8H from an averaging-period text: the exact spellings of `_PERIOD_ALIASES`,
    else by its numbers and words ("24h_avg", "1-hour", "daily max 8h", "日均值")."""
    found = _PERIOD_ALIASES.get(text)
    if found is not None:
        return found
    t = re.sub(r"(AVERAGE|AVG|MEAN|VALUE|平均值|均值|平均|值)", "", text)
    t = re.sub(r"(HOURS|HOUR|HRS|HR|小时|時)", "H", t)
    if t in _PERIOD_ALIASES:
        return _PERIOD_ALIASES[t]
    if re.search(r"(?<!\d)8(?!\d)", t):
        return "8H"
    if re.search(r"(?<!\d)24(?!\d)", t):
        return "24H"
    if re.search(r"(?<!\d)1H|^H$|HOURLY|^1$", t):
        return "1H"
    if re.fullmatch(r"(DAILY|DAY|D|日|日均|每日)", t):
        return "24H"
    return None


def canonical_item(name: str, default_period: str | None = None) -> str:
    """The canonical item name of `name`; a bare pollutant takes `default_period`.

    Raises ValueError for names it cannot read."""
    upper = _clean_name(name)
    sliding = any(upper.endswith("_" + s) or upper.endswith(s) for s in _SLIDING)
    for s in _SLIDING:
        upper = re.sub(rf"_?{s}$", "", upper)
    if upper in ("MDA8", "O3MDA8"):
        upper = "O3_8H"
    split = _split_pollutant(upper)
    if split is None:
        raise ValueError(f"unknown air item: {name!r}")
    pollutant, rest = split
    period_text = rest.strip("_").replace("_", "")
    if not period_text:
        if default_period is None:
            raise ValueError(f"air item without averaging period: {name!r}")
        period = default_period
    else:
        found = _period(period_text)
        if found is None:
            raise ValueError(f"unknown averaging period in air item: {name!r}")
        period = found
    item = f"{pollutant}_{period}"
    if sliding and period != "8H":  # the O3 8-hour mean is a sliding mean by definition
        if period != "24H":
            raise ValueError(f"only 24-hour means slide in an AQI report: {name!r}")
        item += "_SLIDING"
    return item


def pollutant_of(item_or_pollutant: str) -> str:
    """The pollutant code (SO2 NO2 PM10 PM25 CO O3 TSP NOX PB BAP) of an item or pollutant name."""
    text = item_or_pollutant.strip().upper().replace("PM2.5", "PM25").replace("PM2_5", "PM25")
    head = re.split(r"[_\-\s]", text, maxsplit=1)[0]
    found = _POLLUTANT_ALIASES.get(head) or _POLLUTANT_ALIASES.get(item_or_pollutant.strip())
    if found is None:
        for alias, code in _POLLUTANT_ALIASES.items():
            if item_or_pollutant.strip().startswith(alias):
                return code
        raise ValueError(f"unknown pollutant: {item_or_pollutant!r}")
    return found


# micrograms per cubic metre of each unit spelling
_UNIT_FACTORS: dict[str, Fraction] = {
    "ug/m3": Fraction(1),
    "mg/m3": Fraction(1000),
    "ng/m3": Fraction(1, 1000),
}


def _clean_unit(unit: str) -> str:
    u = unit.strip().lower().replace(" ", "")
    u = u.replace("µ", "u").replace("μ", "u").replace("³", "3").replace("^3", "3").replace("**3", "3")
    u = u.replace("微克", "ug").replace("毫克", "mg").replace("纳克", "ng").replace("立方米", "m3")
    u = u.replace("/cubicmetre", "/m3").replace("/cubicmeter", "/m3").replace("·m-3", "/m3")
    return u.replace("mcg", "ug")


def table_unit(pollutant: str) -> str:
    """The unit the HJ 633 / GB 3095 tables use for `pollutant` (CO mg/m3, others ug/m3)."""
    return t.ITEM_UNITS.get(pollutant, "ug/m3")


def to_table_unit(pollutant: str, value: Number, unit: str | None) -> Fraction:
    """`value` in `unit` converted exactly to the table unit of `pollutant`; no unit = table unit."""
    exact = to_fraction(value)
    if unit is None or not unit.strip():
        return exact
    factor = _UNIT_FACTORS.get(_clean_unit(unit))
    if factor is None:
        raise ValueError(f"unknown concentration unit: {unit!r}")
    return exact * factor / _UNIT_FACTORS[table_unit(pollutant)]
