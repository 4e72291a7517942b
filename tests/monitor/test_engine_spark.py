"""The same Ibis expressions on Apache Spark (local mode) give exactly the DuckDB results."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from taizhang.monitor.engine import pipeline, report
from taizhang.monitor.engine.load_air import AirOptions, load_air_file
from taizhang.monitor.engine.readers import read_table
from taizhang.monitor.engine.schema import air_arrow_schema

pytestmark = pytest.mark.spark

STATIONS = ("Dongsi", "Dingling", "Tiantan")


def _spark_or_skip():
    missing = [n for n, ok in (("pyspark", importlib.util.find_spec("pyspark")), ("java", shutil.which("java"))) if not ok]
    if missing:
        msg = f"Spark backend test needs {' and '.join(missing)} (pip install '.[spark]'; a Java 17 runtime)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("taizhang-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.codegen.wholeStage", "false")  # the wide daily rows exceed Janino's 64 KB method limit
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


def _slice(shared: Path) -> pa.Table:
    tables = []
    for name in STATIONS:
        path = next((shared / "data" / "beijing").glob(f"PRSA_Data_{name}_*.csv"))
        loaded = load_air_file(path, read_table(path), AirOptions())
        tables.append(pa.Table.from_pandas(loaded.frame, schema=air_arrow_schema(), preserve_index=False))
    t = pa.concat_tables(tables)
    keep = pc.and_(pc.greater_equal(t["date"], pa.scalar(dt.date(2014, 1, 1))), pc.less(t["date"], pa.scalar(dt.date(2015, 1, 1))))
    return t.filter(keep)


def _results(con, table: pa.Table) -> tuple[dict, list[dict]]:
    at = pipeline.air_tables(pipeline.hourly_from_arrow(con, table), "HJ633-2012", ("Dingling",))
    annual = report.annual_json(
        at.station_annual().to_pyarrow().to_pylist(), at.city_annual().to_pyarrow().to_pylist(), at.standard
    )
    days = sorted(
        (report.daily_record(r, at.standard) for t in (at.city_daily, at.station_daily) for r in t.to_pyarrow().to_pylist()),
        key=lambda r: (r["date"], r["station"]),
    )
    return annual, days


def test_spark_equals_duckdb(shared: Path):
    session = _spark_or_skip()
    import ibis

    table = _slice(shared)
    want_annual, want_days = _results(pipeline.connect(), table)
    try:
        got_annual, got_days = _results(ibis.pyspark.connect(session), table)
    finally:
        session.stop()
    assert len(want_days) == 4 * 365 and want_annual["2014"]["city"]["PM2.5"]["annual_mean"] is not None
    assert got_annual == want_annual
    assert got_days == want_days
