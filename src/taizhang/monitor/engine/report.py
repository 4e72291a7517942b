"""Executed engine results → the JSON shapes of the CLI, a Rich table, or an xlsx workbook."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from taizhang.files import write_atomic
from taizhang.monitor.engine.air_daily import CITY
from taizhang.monitor.engine.aqi_expr import ITEM_COLUMNS
from taizhang.monitor.engine.schema import POLLUTANTS
from taizhang.monitor.standards import tables as T

#: AQI standard → the GB 3095 limits its attainment is judged by (class 2).
LIMITS_FOR = {T.HJ633_2012: T.GB3095_2012, T.HJ633_2026: T.GB3095_2026}
CATEGORY = {level: cat for _, level, cat, *_ in T.AQI_CATEGORIES}

#: Annual JSON: pollutant → (daily column, [(json key, annual column)], pollutant key in the limits table).
ANNUAL_LAYOUT: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "PM2.5": ("pm25", [("annual_mean", "pm25_mean"), ("p95", "pm25_p95")], "PM25"),
    "PM10": ("pm10", [("annual_mean", "pm10_mean"), ("p95", "pm10_p95")], "PM10"),
    "SO2": ("so2", [("annual_mean", "so2_mean"), ("p98", "so2_p98"), ("p95", "so2_p95")], "SO2"),
    "NO2": ("no2", [("annual_mean", "no2_mean"), ("p98", "no2_p98"), ("p95", "no2_p95")], "NO2"),
    "CO": ("co", [("p95", "co_p95")], "CO"),
    "O3": ("o3_8h", [("p90_mda8", "o3_8h_p90")], "O3"),
}


def _co(v: int | None) -> float | None:
    return None if v is None else v / 10


def _attains(name: str, row: dict, limits: dict) -> bool | None:
    col, stats, key = ANNUAL_LAYOUT[name]
    if not row[f"{col}_valid"]:
        return None
    has_mean, pct, period = T.ANNUAL_STATISTICS[key]
    limit_pct = limits[(key, period)][1] * (10 if key == "CO" else 1)
    ok = row[f"{col}_p{pct}"] is not None and row[f"{col}_p{pct}"] <= limit_pct
    if has_mean:
        ok = ok and row[f"{col}_mean"] is not None and row[f"{col}_mean"] <= limits[(key, "annual")][1]
    return ok


def annual_block(row: dict, standard: str) -> dict[str, Any]:
    """One (station or city, year) row of ``air_annual.annual`` → the JSON block."""
    limits = T.LIMITS[LIMITS_FOR[standard]]
    out: dict[str, Any] = {}
    attainment: dict[str, bool | None] = {}
    for name, (col, stats, _) in ANNUAL_LAYOUT.items():
        block: dict[str, Any] = {}
        for key, c in stats:
            block[key] = _co(row[c]) if col == "co" else row[c]
        block["days"] = row[f"{col}_days"]
        block["valid"] = bool(row[f"{col}_valid"])
        out[name] = block
        attainment[name] = _attains(name, row, limits)
    out["valid_days"] = row["valid_days"]
    out["good_days"] = row["good_days"]
    out["heavy_days"] = row["heavy_days"]
    out["severe_days"] = row["severe_days"]
    out["good_ratio"] = None if row["good_permille"] is None else row["good_permille"] / 10
    verdicts = list(attainment.values())
    attainment["all"] = False if False in verdicts else (None if None in verdicts else True)
    out["attainment"] = attainment
    return out


def annual_json(station_rows: Iterable[dict], city_rows: Iterable[dict], standard: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for row in city_rows:
        result.setdefault(str(row["year"]), {"city": None, "stations": {}})["city"] = annual_block(
            row, standard
        )
    for row in station_rows:
        year = result.setdefault(str(row["year"]), {"city": None, "stations": {}})
        year["stations"][row["station"]] = annual_block(row, standard)
    return {y: result[y] for y in sorted(result)}


DAILY_FIELDS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_8h", "O3_1h")
_DAILY_COLS = {
    "PM2.5": "pm25",
    "PM10": "pm10",
    "SO2": "so2",
    "NO2": "no2",
    "CO": "co",
    "O3_8h": "o3_8h",
    "O3_1h": "o3_1h",
}


def daily_record(row: dict, standard: str) -> dict[str, Any]:
    items = T.DAILY_REPORT_ITEMS[standard]
    rec: dict[str, Any] = {
        "date": row["date"].isoformat(),
        "station": "city" if row["station"] == CITY else row["station"],
        "aqi": row["aqi"],
        "level": row["level"],
        "category": CATEGORY.get(row["level"]) if row["level"] else None,
        "primary": row["primary"].split(",") if row["primary"] else [],
    }
    for name in DAILY_FIELDS:
        v = row[_DAILY_COLS[name]]
        rec[name] = _co(v) if name == "CO" else v
    rec["iaqi"] = {
        name: row[f"iaqi_{c}"]
        for name, c in _DAILY_COLS.items()
        if f"iaqi_{c}" in row and _item_of(c) in items
    }
    if row.get("above_table"):
        rec["flags"] = [T.FLAG_ABOVE_TABLE]
    return rec


def _item_of(col: str) -> str:
    return next(i for i, c in ITEM_COLUMNS.items() if c == col)


# ------------------------------------------------------------------ rendering
def annual_rows_flat(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The annual JSON flattened to one row per (year, city/station) for tables and sheets."""
    rows = []
    for year, block in result.items():
        scopes = [("city", block["city"])] if block["city"] else []
        scopes += list(block["stations"].items())
        for name, b in scopes:
            rows.append(
                {
                    "year": year,
                    "scope": name,
                    "PM2.5": b["PM2.5"]["annual_mean"],
                    "PM2.5 p95": b["PM2.5"]["p95"],
                    "PM10": b["PM10"]["annual_mean"],
                    "PM10 p95": b["PM10"]["p95"],
                    "SO2": b["SO2"]["annual_mean"],
                    "SO2 p98": b["SO2"]["p98"],
                    "NO2": b["NO2"]["annual_mean"],
                    "NO2 p98": b["NO2"]["p98"],
                    "CO p95": b["CO"]["p95"],
                    "O3 p90": b["O3"]["p90_mda8"],
                    "valid days": b["valid_days"],
                    "good": b["good_days"],
                    "heavy": b["heavy_days"],
                    "good %": b["good_ratio"],
                    "attains": {True: "yes", False: "no", None: "n/a"}[b["attainment"]["all"]],
                    "complete": all(b[p]["valid"] for p in ANNUAL_LAYOUT),
                }
            )
    return rows


def print_table(rows: list[dict[str, Any]], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    if not rows:
        Console().print(f"{title}: no rows")
        return
    for col in rows[0]:
        table.add_column(
            str(col),
            justify="left" if col in {"scope", "station", "date", "primary", "category"} else "right",
        )
    for r in rows:
        table.add_row(
            *("" if v is None else ",".join(v) if isinstance(v, list) else str(v) for v in r.values())
        )
    Console(width=None if sys.stdout.isatty() else 220).print(table)


def write_xlsx(path: Path, sheets: dict[str, list[dict[str, Any]]]) -> None:
    """Write the sheets atomically (temp file, then rename)."""

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        if rows:
            ws.append(list(rows[0]))
            for r in rows:
                ws.append([",".join(v) if isinstance(v, list) else v for v in r.values()])
    write_atomic(path, wb.save)


__all__ = ["POLLUTANTS", "annual_json", "annual_rows_flat", "daily_record", "print_table", "write_xlsx"]
