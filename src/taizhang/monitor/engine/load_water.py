"""Surface-water data → water samples (long: one row per station, date and item).

Sample table::

    station: string  basin: string (nullable)  date: date32  year: int32  week: int32 (nullable)
    item: string (GB 3838 item code: pH, DO, CODMn, NH3N, …; WEEK_CLASS = published weekly class 1..6)
    value: float64 (null when unusable)  flag: int8 (schema.Flag)

Two layouts are read:
- the MEP weekly automatic-station report (全国主要流域重点断面水质自动监测周报) as in
  ``mep_weekly_2016_2017/``: ``<year>/{pH,DO,COD,NH3,week_eval}.csv`` with rows = station index 1–148
  and columns = week numbers, plus ``china_gem_data.csv`` (index, longitude, latitude, basin; its
  header names the coordinates the wrong way round). ``COD`` there is CODMn (高锰酸盐指数).
  A week is dated by its mid-week day: 1 January + 7·(week−1) + 3 days;
- a generic long or wide table with a station column, a date column and item columns (or item/value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from taizhang.errors import InputError
from taizhang.monitor.engine.load_air import _find, _norm, parse_values
from taizhang.monitor.engine.readers import read_table
from taizhang.monitor.engine.schema import Flag
from taizhang.monitor.standards.water_items import normalise_class

#: MEP weekly file name → item code (COD in that report is the permanganate index CODMn).
MEP_FILES = {"ph": "pH", "do": "DO", "cod": "CODMn", "nh3": "NH3N", "week_eval": "WEEK_CLASS"}
CLASS_ITEM = "WEEK_CLASS"
_ITEM_ALIASES = {
    "ph": "pH", "do": "DO", "溶解氧": "DO", "codmn": "CODMn", "高锰酸盐指数": "CODMn", "cod": "COD",
    "化学需氧量": "COD", "bod5": "BOD5", "nh3n": "NH3N", "nh3": "NH3N", "氨氮": "NH3N", "tp": "TP",
    "总磷": "TP", "tn": "TN", "总氮": "TN",
}  # fmt: skip
_STATION = {"station", "site", "section", "断面", "断面名称", "站点", "点位", "点位名称", "监测断面"}
_DATE = {"date", "time", "日期", "时间", "采样日期", "监测时间"}


@dataclass
class WaterLoad:
    path: Path
    frame: pd.DataFrame
    layout: str

    def summary(self) -> dict:
        f = self.frame
        counts = {
            item: {fl.name.lower(): int((g["flag"] == fl).sum()) for fl in Flag}
            for item, g in f.groupby("item", sort=True)
        }
        return {
            "file": str(self.path),
            "layout": self.layout,
            "rows": len(f),
            "stations": int(f["station"].nunique()),
            "first_day": str(f["date"].min()),
            "last_day": str(f["date"].max()),
            "values": counts,
        }


def week_date(year: int, week: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=7 * (week - 1) + 3)


def _mep_files(path: Path) -> list[Path]:
    candidates = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
    return [
        p
        for p in candidates
        if p.stem.lower() in MEP_FILES and p.parent.name.isdigit() and len(p.parent.name) == 4
    ]


def is_mep_weekly(path: Path) -> bool:
    return bool(_mep_files(path))


def _gem(root: Path) -> dict[str, str]:
    """Station index → basin from china_gem_data.csv anywhere under the dataset root (if present)."""
    for base in (root, *root.parents[:3]):
        found = sorted(base.rglob("china_gem_data.csv")) if base.is_dir() else []
        if found:
            frame = read_table(found[0])
            cols = list(frame.columns)
            if len(cols) >= 4:
                return {
                    str(s).strip(): str(b).strip()
                    for s, b in zip(frame[cols[0]], frame[cols[3]], strict=True)
                }
    return {}


def load_mep_weekly(path: Path) -> WaterLoad:
    """A dataset root, a year folder or single files of the MEP weekly layout."""
    files = _mep_files(path)
    if not files:
        raise InputError(path, "no MEP weekly files (<year>/pH.csv, DO.csv, COD.csv, NH3.csv, week_eval.csv)")
    basins = _gem(path if path.is_dir() else path.parent)
    pieces = []
    for f in files:
        year, item = int(f.parent.name), MEP_FILES[f.stem.lower()]
        frame = read_table(f)
        first = frame.columns[0]
        weeks = [c for c in frame.columns[1:] if str(c).strip()]
        bad = [c for c in weeks if not str(c).strip().isdigit() or not 1 <= int(str(c).strip()) <= 53]
        if bad:
            raise InputError(f, f"week columns must be numbers 1–53; found {bad[:3]}")
        long = frame.melt(id_vars=[first], value_vars=weeks, var_name="week", value_name="raw")
        if item == CLASS_ITEM:
            values, flags = _parse_classes(long["raw"])
        else:
            values, flags = parse_values(long["raw"])
        station = long[first].astype("string").str.strip()
        week = long["week"].astype(int)
        pieces.append(
            pd.DataFrame(
                {
                    "station": station.to_numpy(dtype=object),
                    "basin": station.map(basins).to_numpy(dtype=object),
                    "date": [week_date(year, w) for w in week],
                    "year": np.int32(year),
                    "week": week.to_numpy(dtype=np.int32),
                    "item": item,
                    "value": values,
                    "flag": flags,
                }
            )
        )
    out = pd.concat(pieces, ignore_index=True)
    dup = out.duplicated(subset=["station", "date", "item"])
    if dup.any():
        raise InputError(
            path, f"{int(dup.sum())} repeated station/week/item cells (a year folder loaded twice?)"
        )
    return WaterLoad(path, out, "mep-weekly")


def _parse_classes(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """'I'..'V', '劣V' → 1..6; empty → missing; anything else (e.g. PDF debris) → invalid."""
    values = np.full(len(raw), np.nan)
    flags = np.zeros(len(raw), dtype=np.int8)
    for i, cell in enumerate(raw.astype("string").fillna("")):
        text = cell.strip()
        if not text:
            flags[i] = Flag.MISSING
            continue
        try:
            values[i] = ("I", "II", "III", "IV", "V", "劣V").index(normalise_class(text)) + 1
        except ValueError:
            flags[i] = Flag.INVALID
    return values, flags


def load_water_table(path: Path, frame: pd.DataFrame) -> WaterLoad:
    """A generic water table: station + date + item columns (wide) or item/value columns (long)."""
    cols = {_norm(c): c for c in frame.columns}
    st, date = _find(cols, _STATION), _find(cols, _DATE)
    if not st or not date:
        raise InputError(path, "water data need a station (断面) column and a date column")
    days = pd.to_datetime(frame[date].astype("string").str.strip(), errors="coerce", format="mixed")
    if days.isna().any():
        raise InputError(path, f"column {date!r}: {int(days.isna().sum())} dates cannot be read")
    item_cols = {c: _ITEM_ALIASES[_norm(c)] for c in frame.columns if _norm(c) in _ITEM_ALIASES}
    icol, vcol = (
        _find(cols, {"item", "parameter", "指标", "项目", "监测项目"}),
        _find(cols, {"value", "数值", "浓度", "监测值"}),
    )
    if item_cols:
        long = frame.assign(__date=days).melt(
            id_vars=[st, "__date"], value_vars=list(item_cols), var_name="__c"
        )
        items = long["__c"].map(item_cols)
    elif icol and vcol:
        long = frame.assign(__date=days).rename(columns={vcol: "value"})
        items = long[icol].map(lambda x: _ITEM_ALIASES.get(_norm(x)))
        if items.isna().any():
            raise InputError(path, f"unknown water items: {sorted(set(long[icol][items.isna()]))[:4]}")
    else:
        raise InputError(path, "no water item columns (pH, DO, CODMn, NH3N, TP, …) and no item/value columns")
    values, flags = parse_values(long["value"])
    out = pd.DataFrame(
        {
            "station": long[st].astype("string").str.strip().to_numpy(dtype=object),
            "basin": None,
            "date": long["__date"].dt.date,
            "year": long["__date"].dt.year.astype(np.int32),
            "week": None,
            "item": items.to_numpy(dtype=object),
            "value": values,
            "flag": flags,
        }
    )
    return WaterLoad(path, out, "table")


def water_arrow_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("station", pa.string()),
            ("basin", pa.string()),
            ("date", pa.date32()),
            ("year", pa.int32()),
            ("week", pa.int32()),
            ("item", pa.string()),
            ("value", pa.float64()),
            ("flag", pa.int8()),
        ]
    )
