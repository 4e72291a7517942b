"""Wire the pieces: hourly table on a backend → daily AQI tables → annual statistics.

The functions take an Ibis table and return Ibis tables, so the same code runs on DuckDB (the embedded
default, ``ibis.duckdb.connect()``) and on Spark (``ibis.pyspark.connect(session)``).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from taizhang.errors import InputError
from taizhang.monitor.engine import store as store_mod
from taizhang.monitor.engine.air_annual import PERCENTILES, annual
from taizhang.monitor.engine.air_daily import CITY, city_daily, station_daily
from taizhang.monitor.engine.aqi_expr import with_aqi
from taizhang.monitor.engine.schema import DEFAULT_CITY_EXCLUDE  # noqa: F401  (re-exported)
from taizhang.monitor.standards import tables as T

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
    _annual: ir.Table | None = field(default=None, repr=False)

    def _annual_all(self) -> ir.Table:
        """Station and city annual statistics in one query over both daily tables, cached."""
        if self._annual is None:
            cols = ["station", "date", "aqi", *PERCENTILES]
            both = self.station_daily.select(*cols).union(self.city_daily.select(*cols))
            self._annual = annual(both).cache()
        return self._annual

    def station_annual(self) -> ir.Table:
        a = self._annual_all()
        return a.filter(a.station != CITY).order_by(["year", "station"])

    def city_annual(self) -> ir.Table:
        a = self._annual_all()
        return a.filter(a.station == CITY).order_by(["year", "station"])


def air_tables(
    hourly: ir.Table, standard: str = "auto", city_exclude: tuple[str, ...] = DEFAULT_CITY_EXCLUDE
) -> AirTables:
    """One scan of the hourly table builds the station days (with their AQI), materialised once;
    the city days and all annual statistics read that (small) daily table."""
    std = resolve_standard(standard, hourly)
    days = with_aqi(station_daily(hourly), std).cache()
    city = with_aqi(city_daily(days, city_exclude), std).cache()
    return AirTables(std, days, city)
