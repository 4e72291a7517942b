"""Wire the pieces: hourly table on a backend → daily AQI tables → annual statistics.

The functions take an Ibis table and return Ibis tables, so the same code runs on DuckDB (the embedded
default, ``ibis.duckdb.connect()``) and on Spark (``ibis.pyspark.connect(session)``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from taizhang.errors import InputError
from taizhang.monitor.engine import store as store_mod
from taizhang.monitor.engine.air_annual import annual
from taizhang.monitor.engine.air_daily import city_daily, station_daily
from taizhang.monitor.engine.aqi_expr import with_aqi
from taizhang.monitor.standards import tables as T

#: Default non-city stations: Beijing's 定陵 is the city clean-control point (城市清洁对照点).
DEFAULT_CITY_EXCLUDE = ("Dingling", "定陵")
STANDARD_CHOICES = ("auto", T.HJ633_2012, T.HJ633_2026)


def connect() -> ibis.BaseBackend:
    """The embedded DuckDB backend (in memory; it reads the Parquet store in place), on all cores."""
    return ibis.duckdb.connect(threads=os.cpu_count() or 1)


def hourly_from_store(con: ibis.BaseBackend, store: Path) -> ir.Table:
    paths = [str(p) for p in store_mod.parts(store, "air")]
    return con.read_parquet(paths)


def hourly_from_arrow(con: ibis.BaseBackend, table: pa.Table, name: str = "hourly") -> ir.Table:
    """Expose an in-memory Arrow table to the backend as a view (no table is written anywhere)."""
    if _is_duckdb(con):
        con.con.register(name, table)
        return con.table(name)
    if con.name == "pyspark":
        session = con._session
        session.createDataFrame(table.to_pandas()).createOrReplaceTempView(name)
        return con.table(name)
    return con.create_table(name, table, overwrite=True, temp=True)


def _is_duckdb(con: ibis.BaseBackend) -> bool:
    return con.name == "duckdb"


def resolve_standard(standard: str, hourly: ir.Table) -> str:
    """'auto' → HJ633-2012 for data before 2026-03-01, HJ633-2026 from then; mixed data need a choice."""
    if standard != "auto":
        if standard not in T.AQI_STANDARDS:
            raise InputError(
                None, f"unknown standard {standard!r}: choose one of {', '.join(STANDARD_CHOICES)}"
            )
        return standard
    span = hourly.aggregate(lo=hourly.date.min(), hi=hourly.date.max()).to_pyarrow().to_pylist()[0]
    cut = dt.date.fromisoformat(T.STANDARDS_2026_IN_FORCE)
    if span["lo"] is None or span["hi"] < cut:
        return T.HJ633_2012
    if span["lo"] >= cut:
        return T.HJ633_2026
    raise InputError(
        None, f"the data span {T.STANDARDS_2026_IN_FORCE}: pass --standard HJ633-2012 or HJ633-2026"
    )


@dataclass
class AirTables:
    """Daily and annual tables (Ibis expressions; the daily ones are cached on the backend)."""

    standard: str
    station_daily: ir.Table
    city_daily: ir.Table

    def station_annual(self) -> ir.Table:
        return annual(self.station_daily)

    def city_annual(self) -> ir.Table:
        return annual(self.city_daily)


def air_tables(
    hourly: ir.Table, standard: str = "auto", city_exclude: tuple[str, ...] = DEFAULT_CITY_EXCLUDE
) -> AirTables:
    """One scan of the hourly table builds the station days (with their AQI), materialised once;
    the city days and all annual statistics read that (small) daily table."""
    std = resolve_standard(standard, hourly)
    days = with_aqi(station_daily(hourly), std).cache()
    city = with_aqi(city_daily(days, city_exclude), std).cache()
    return AirTables(std, days, city)
