"""Hourly air data (any reasonable layout) → the canonical hourly table of ``schema.py``.

What is recognised:
- layouts: *wide* (one column per pollutant) or *long* (a pollutant column and a value column);
- a station column (``station``, ``站点``, ``点位名称`` …), or ``--station NAME`` for a one-station file;
- time as ``year, month, day, hour`` columns, a ``date`` plus an ``hour`` column, or one timestamp column;
- units declared by option, written in the header (``CO(mg/m³)``) or in a unit column, else detected
  from the magnitude of the values; an ambiguous magnitude is an error, never a guess.

Every unusable value is kept as null with a flag (missing, negative, ceiling, invalid text); none is
silently averaged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from taizhang.errors import InputError
from taizhang.monitor.engine.schema import CANONICAL_UNIT, DEFAULT_CEILINGS, POLLUTANTS, Flag

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "--", "—", "/", "nd"}

_POLLUTANT_ALIASES = {
    "pm25": "pm25", "细颗粒物": "pm25",
    "pm10": "pm10", "可吸入颗粒物": "pm10",
    "so2": "so2", "二氧化硫": "so2",
    "no2": "no2", "二氧化氮": "no2",
    "co": "co", "一氧化碳": "co",
    "o3": "o3", "臭氧": "o3",
}  # fmt: skip
_STATION = {
    "station",
    "site",
    "stationname",
    "sitename",
    "站点",
    "站点名称",
    "站名",
    "监测点",
    "监测点位",
    "点位",
    "点位名称",
    "监测站",
    "监测站点",
}
_TIMESTAMP = {"time", "datetime", "timestamp", "datetimes", "时间", "监测时间", "日期时间"}
_DATE = {"date", "日期", "day_date"}
_YEAR, _MONTH, _DAY, _HOUR = {"year", "年"}, {"month", "月"}, {"day", "日"}, {"hour", "时", "小时"}
_LONG_POLLUTANT = {
    "pollutant",
    "parameter",
    "item",
    "variable",
    "species",
    "污染物",
    "指标",
    "项目",
    "监测项目",
}
_LONG_VALUE = {"value", "concentration", "conc", "浓度", "数值", "监测值"}
_LONG_UNIT = {"unit", "units", "单位"}

_UNIT_RE = re.compile(r"[(（\[【]\s*([^)）\]】]*)\s*[)）\]】]\s*$")


def _norm(name: str) -> str:
    s = str(name).strip().lower()
    s = s.translate(str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789"))
    return re.sub(r"[\s_.\-·]", "", s)


def parse_unit(text: str) -> str | None:
    """'mg/m³', 'mg/m3', 'mg' → 'mg/m3'; 'µg/m³', 'μg/m3', 'ug' → 'ug/m3'; anything else → None."""
    s = str(text).strip().lower().replace("³", "3").replace("µ", "u").replace("μ", "u").replace(" ", "")
    s = s.replace("微克", "ug").replace("毫克", "mg").replace("立方米", "m3").replace("每", "/")
    if s in {"mg/m3", "mg", "mgm-3", "mg/m^3", "mg/nm3"}:
        return "mg/m3"
    if s in {"ug/m3", "ug", "ugm-3", "ug/m^3", "ug/nm3", "mcg/m3"}:
        return "ug/m3"
    return None


def _split_header(col: str) -> tuple[str, str | None]:
    """'CO(mg/m³)' → ('co', 'mg/m3'); 'PM2.5' → ('pm25', None); 'CO_mg/m3' → ('co', 'mg/m3')."""
    text = str(col).strip()
    unit = None
    m = _UNIT_RE.search(text)
    if m:
        unit = parse_unit(m.group(1))
        text = text[: m.start()]
    else:
        for sep in ("_", " ", "/"):
            head, _, tail = text.partition(sep)
            if tail and parse_unit(tail):
                unit, text = parse_unit(tail), head
                break
    return _norm(text), unit


@dataclass
class AirOptions:
    """What the user declared; everything not declared is detected."""

    units: dict[str, str] = field(default_factory=dict)  # pollutant code → 'ug/m3' | 'mg/m3'
    hour_label: str = "auto"  # 'start' (h = h:00–h+1:00), 'end' (h = (h-1):00–h:00, the Chinese 时), 'auto'
    station: str | None = None  # station name for a file without a station column
    ceilings: dict[str, float | None] = field(default_factory=lambda: dict(DEFAULT_CEILINGS))


@dataclass
class AirLoad:
    """A loaded air file: the canonical frame plus what was decided about it."""

    path: Path
    frame: pd.DataFrame
    units: dict[str, str]
    unit_source: dict[str, str]
    hour_label: str
    layout: str
    counts: dict[str, dict[str, int]]

    def summary(self) -> dict:
        f = self.frame
        return {
            "file": str(self.path),
            "layout": self.layout,
            "rows": len(f),
            "stations": sorted(f["station"].unique().tolist()),
            "first_day": str(f["date"].min()) if len(f) else None,
            "last_day": str(f["date"].max()) if len(f) else None,
            "hour_label": self.hour_label,
            "units": {POLLUTANTS[p]: f"{u} ({self.unit_source[p]})" for p, u in self.units.items()},
            "values": {POLLUTANTS[p]: c for p, c in self.counts.items()},
        }


def _find(columns: dict[str, str], names: set[str]) -> str | None:
    for norm, orig in columns.items():
        if norm in names:
            return orig
    return None


def parse_values(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Raw cells → (float64 values with NaN where unusable, flags). Negative values are flagged here."""
    n = len(raw)
    flags = np.zeros(n, dtype=np.int8)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)  # Arrow-backed: read-only
        flags[np.isnan(values)] = Flag.MISSING
    else:
        text = raw.astype("string").str.strip()
        missing = text.isna() | text.str.lower().isin(MISSING_TOKENS)
        values = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        missing_np = missing.to_numpy(dtype=bool)
        flags[missing_np] = Flag.MISSING
        flags[np.isnan(values) & ~missing_np] = Flag.INVALID
    neg = values < 0
    flags[neg] = Flag.NEGATIVE
    values[flags != Flag.OK] = np.nan
    return values, flags


def detect_unit(path: Path, code: str, values: np.ndarray, stations: np.ndarray) -> str:
    """Decide µg/m³ or mg/m³ from magnitudes, per station; ambiguous or inconsistent → InputError."""
    ok = ~np.isnan(values) & (values > 0)
    if not ok.any():
        return CANONICAL_UNIT[code]
    # CO: µg/m³ medians are hundreds to thousands, mg/m³ medians 0.1–5. Others: µg/m³ medians ≥ 1, mg/m³ < 0.3.
    ug_at, mg_below = (100.0, 20.0) if code == "co" else (1.0, 0.3)
    verdicts: dict[str, str] = {}
    frame = pd.DataFrame({"s": stations[ok], "v": values[ok]})
    for station, med in frame.groupby("s", sort=True)["v"].median().items():
        if med >= ug_at:
            verdicts[str(station)] = "ug/m3"
        elif med < mg_below:
            verdicts[str(station)] = "mg/m3"
        else:
            name = POLLUTANTS[code]
            raise InputError(
                path,
                f"{name} unit is ambiguous (median {med:g} at station {station}): "
                f"declare it, e.g. --unit {name}=mg/m3 or --unit {name}=ug/m3",
            )
    kinds = set(verdicts.values())
    if len(kinds) > 1:
        name = POLLUTANTS[code]
        ug = [s for s, k in verdicts.items() if k == "ug/m3"][:3]
        mg = [s for s, k in verdicts.items() if k == "mg/m3"][:3]
        raise InputError(
            path,
            f"{name} looks like µg/m³ at {', '.join(ug)} but mg/m³ at {', '.join(mg)}: "
            "split the file or declare the unit with --unit",
        )
    return kinds.pop()


def _hours_from_timestamps(path: Path, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamp strings → (date, hour label 0..24). '2017-01-01 24:00' is kept as label 24 of that date."""
    s = text.astype("string").str.strip()
    m24 = s.str.contains(r"\s24(:00){0,2}$", regex=True, na=False)
    s = s.where(~m24, s.str.replace(r"\s24(:00){0,2}$", " 00:00", regex=True))
    ts = pd.to_datetime(s, errors="coerce", format="mixed")
    bad = ts.isna()
    if bad.any():
        first = text[bad].iloc[0]
        raise InputError(path, f"{int(bad.sum())} timestamps cannot be read (first: {first!r})")
    if ((ts.dt.minute != 0) | (ts.dt.second != 0)).any():
        raise InputError(path, "timestamps are not on the hour: hourly data are expected")
    hour = ts.dt.hour.where(~m24, 24)
    return ts.dt.normalize(), hour


def _int_column(path: Path, frame: pd.DataFrame, col: str) -> pd.Series:
    out = pd.to_numeric(frame[col].astype("string").str.strip(), errors="coerce")
    if out.isna().any():
        raise InputError(path, f"column {col!r} has {int(out.isna().sum())} cells that are not whole numbers")
    if (out != out.round()).any():
        raise InputError(path, f"column {col!r} has fractional values")
    return out.astype("int64")


def _times(path: Path, frame: pd.DataFrame, cols: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(day as datetime64, hour label) from year/month/day/hour, date+hour or a timestamp column."""
    y, mo, d, h = (_find(cols, names) for names in (_YEAR, _MONTH, _DAY, _HOUR))
    if y and mo and d and h:
        parts = {k: _int_column(path, frame, c) for k, c in (("year", y), ("month", mo), ("day", d))}
        day = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
        if day.isna().any():
            raise InputError(path, f"{int(day.isna().sum())} rows have an impossible year/month/day")
        return day, _int_column(path, frame, h)
    date_col, ts_col = _find(cols, _DATE), _find(cols, _TIMESTAMP)
    if date_col and h:
        day = pd.to_datetime(frame[date_col].astype("string").str.strip(), errors="coerce", format="mixed")
        if day.isna().any():
            raise InputError(path, f"column {date_col!r}: {int(day.isna().sum())} dates cannot be read")
        return day.dt.normalize(), _int_column(path, frame, h)
    if ts_col or date_col:
        return _hours_from_timestamps(path, frame[ts_col or date_col])
    raise InputError(
        path, "no time columns: expected year/month/day/hour, date + hour, or a timestamp column"
    )


def resolve_hour_label(path: Path, hours: pd.Series, declared: str) -> str:
    lo, hi = int(hours.min()), int(hours.max())
    if lo < 0 or hi > 24:
        raise InputError(path, f"hour values run {lo}..{hi}; expected 0..23 or 1..24")
    if hi == 24 and lo == 0:
        raise InputError(path, "hours 0 and 24 both occur: the hour convention cannot be decided")
    if declared == "auto":
        return "end" if hi == 24 else "start"
    if declared == "start" and hi == 24:
        raise InputError(
            path, "hour 24 occurs, which only an hour-ending label can have: use --hour-label end"
        )
    return declared


def _to_long_wide(
    path: Path, frame: pd.DataFrame, cols: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str], str]:
    """Return (frame with one raw column per pollutant code, header units, layout name)."""
    wide: dict[str, str] = {}
    header_units: dict[str, str] = {}
    for col in frame.columns:
        name, unit = _split_header(str(col))
        code = _POLLUTANT_ALIASES.get(name)
        if code and code not in wide:
            wide[code] = col
            if unit:
                header_units[code] = unit
    if wide:
        out = frame.rename(columns={c: f"__{k}" for k, c in wide.items()})
        return out, header_units, "wide"
    pcol, vcol = _find(cols, _LONG_POLLUTANT), _find(cols, _LONG_VALUE)
    if not (pcol and vcol):
        raise InputError(
            path, "no pollutant columns (PM2.5, PM10, SO2, NO2, CO, O3) and no pollutant/value columns"
        )
    ucol = _find(cols, _LONG_UNIT)
    codes = frame[pcol].map(lambda x: _POLLUTANT_ALIASES.get(_split_header(str(x))[0]))
    keep = codes.notna()
    if not keep.any():
        raise InputError(path, f"column {pcol!r} names none of PM2.5, PM10, SO2, NO2, CO, O3")
    long = frame[keep].assign(__code=codes[keep])
    if ucol:
        for code, units in long.groupby("__code")[ucol]:
            found = {parse_unit(u) for u in units.unique() if str(u).strip()}
            if None in found or len(found) > 1:
                raise InputError(
                    path, f"{POLLUTANTS[code]}: unit column has {sorted(map(str, units.unique()))[:4]}"
                )
            if found:
                header_units[code] = found.pop()
    keys = [c for c in long.columns if c not in {pcol, vcol, ucol, "__code"}]
    dup = long.duplicated(subset=[*keys, "__code"])
    if dup.any():
        raise InputError(
            path, f"{int(dup.sum())} repeated (station, time, pollutant) rows in the long layout"
        )
    wide_frame = long.pivot(index=keys, columns="__code", values=vcol).reset_index()
    wide_frame.columns = [c if c in keys else f"__{c}" for c in wide_frame.columns]
    return wide_frame, header_units, "long"


def load_air_file(path: Path, frame: pd.DataFrame, opts: AirOptions) -> AirLoad:
    """Normalise one file's table. ``frame`` comes from ``readers.read_table``."""
    if frame.empty:
        raise InputError(path, "no data rows")
    frame = frame.rename(columns=lambda c: str(c).strip())
    cols = {_norm(c): c for c in frame.columns}
    frame, header_units, layout = _to_long_wide(path, frame, cols)
    cols = {_norm(c): c for c in frame.columns if not str(c).startswith("__")}

    st_col = _find(cols, _STATION)
    if st_col:
        stations = frame[st_col].astype("string").str.strip()
        if (stations.isna() | (stations == "")).any():
            raise InputError(path, f"column {st_col!r} has empty station names")
    elif opts.station:
        stations = pd.Series(opts.station, index=frame.index, dtype="string")
    else:
        raise InputError(
            path, "no station column (station, 站点, 点位名称 …): add one or pass --station NAME"
        )

    day, label = _times(path, frame, cols)
    convention = resolve_hour_label(path, label, opts.hour_label)
    begin = day + pd.to_timedelta(label - (1 if convention == "end" else 0), unit="h")

    out = pd.DataFrame(
        {
            "station": stations.to_numpy(dtype=object),
            "date": begin.dt.date,
            "hour": begin.dt.hour.astype("int8"),
        }
    )
    dup = out.duplicated(subset=["station", "date", "hour"])
    if dup.any():
        first = out[dup].iloc[0]
        raise InputError(
            path,
            f"{int(dup.sum())} repeated station-hours (first: {first['station']} {first['date']} hour {first['hour']})",
        )

    units: dict[str, str] = {}
    unit_source: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = {}
    station_arr = out["station"].to_numpy()
    for code in POLLUTANTS:
        raw_col = f"__{code}"
        if raw_col not in frame.columns:
            values = np.full(len(out), np.nan)
            flags = np.full(len(out), Flag.MISSING, dtype=np.int8)
            units[code], unit_source[code] = CANONICAL_UNIT[code], "absent"
        else:
            values, flags = parse_values(frame[raw_col])
            if code in opts.units:
                units[code], unit_source[code] = opts.units[code], "declared"
            elif code in header_units:
                units[code], unit_source[code] = header_units[code], "header"
            else:
                units[code], unit_source[code] = detect_unit(path, code, values, station_arr), "detected"
            factor = _factor(units[code], CANONICAL_UNIT[code])
            if factor != 1.0:
                values = values * factor
            values = np.round(values, 4)
            ceiling = opts.ceilings.get(code)
            if ceiling is not None:
                hit = values >= ceiling
                flags[hit] = Flag.CEILING
                values[hit] = np.nan
        out[code] = values
        out[f"{code}_flag"] = flags
        counts[code] = {f.name.lower(): int((flags == f).sum()) for f in Flag}
    return AirLoad(path, out, units, unit_source, convention, layout, counts)


def _factor(unit: str, canonical: str) -> float:
    if unit == canonical:
        return 1.0
    return 0.001 if (unit, canonical) == ("ug/m3", "mg/m3") else 1000.0
