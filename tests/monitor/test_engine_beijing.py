"""The engine on the real Beijing hourly data, checked against plain-Python hand calculations."""

from __future__ import annotations

import csv
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pytest

from taizhang.monitor.engine import pipeline, report
from taizhang.monitor.engine.load_air import AirOptions, load_air_file
from taizhang.monitor.engine.readers import read_table
from taizhang.monitor.engine.schema import air_arrow_schema
from taizhang.monitor.standards.aqi import aqi_daily


@pytest.fixture(scope="module")
def beijing_files(shared: Path) -> list[Path]:
    files = sorted((shared / "data" / "beijing").glob("PRSA_Data_*.csv"))
    assert len(files) == 12
    return files


@pytest.fixture(scope="module")
def beijing(beijing_files):
    """(annual JSON, city daily rows) for all 12 stations, computed once."""
    tables = []
    for f in beijing_files:
        loaded = load_air_file(f, read_table(f), AirOptions())
        tables.append(pa.Table.from_pandas(loaded.frame, schema=air_arrow_schema(), preserve_index=False))
    con = pipeline.connect()
    at = pipeline.air_tables(pipeline.hourly_from_arrow(con, pa.concat_tables(tables)))
    result = report.annual_json(
        at.station_annual().to_pyarrow().to_pylist(), at.city_annual().to_pyarrow().to_pylist(), at.standard
    )
    city = at.city_daily.order_by("date").to_pyarrow().to_pylist()
    return result, city, at.standard


def _station_daily_pm25(path: Path, year: str) -> dict[str, int]:
    """Plain Python: natural-day PM2.5 means (hour h = h:00–h+1:00), ≥ 20 valid hours, 999 = ceiling."""
    hours: dict[str, list[Fraction]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["year"] != year or row["PM2.5"] in ("NA", ""):
                continue
            v = Fraction(row["PM2.5"])
            if 0 <= v < 999:
                hours[f"{row['month']}-{row['day']}"].append(v)
    return {d: round(sum(vs) / len(vs)) for d, vs in hours.items() if len(vs) >= 20}


def _hj663_percentile(values: list[int], p: int) -> int:
    x = sorted(values)
    k = 1 + Fraction((len(x) - 1) * p, 100)
    s = int(k)
    m = x[-1] if s >= len(x) else x[s - 1] + (x[s] - x[s - 1]) * (k - s)
    return round(m)


def test_station_pm25_2015_by_hand(beijing, beijing_files):
    result, _, standard = beijing
    assert standard == "HJ633-2012"
    dongsi = next(f for f in beijing_files if "Dongsi" in f.name)
    daily = _station_daily_pm25(dongsi, "2015")
    got = result["2015"]["stations"]["Dongsi"]["PM2.5"]
    assert got["days"] == len(daily)
    assert got["annual_mean"] == round(Fraction(sum(daily.values()), len(daily)))
    assert got["p95"] == _hj663_percentile(list(daily.values()), 95)


def test_city_pm25_2015_by_hand(beijing, beijing_files):
    """City day = mean of the 11 city stations' daily values (定陵 is the clean-control point)."""
    result, _, _ = beijing
    per_day: dict[str, list[int]] = defaultdict(list)
    for f in beijing_files:
        if "Dingling" in f.name:
            continue
        for d, v in _station_daily_pm25(f, "2015").items():
            per_day[d].append(v)
    city = [round(Fraction(sum(vs), len(vs))) for vs in per_day.values()]
    got = result["2015"]["city"]
    assert got["PM2.5"]["annual_mean"] == round(Fraction(sum(city), len(city)))
    # Sanity against the published figure: Beijing's 2015 PM2.5 annual mean was 80.6 µg/m³.
    assert 78 <= got["PM2.5"]["annual_mean"] <= 83
    assert got["PM2.5"]["valid"] and got["valid_days"] == 365
    assert got["attainment"]["PM2.5"] is False


def test_city_daily_aqi_agrees_with_scalar_standard(beijing):
    _, city, standard = beijing
    checked = 0
    for row in city[::7]:
        conc = {
            "SO2_24H": row["so2"],
            "NO2_24H": row["no2"],
            "PM10_24H": row["pm10"],
            "CO_24H": None if row["co"] is None else Fraction(row["co"], 10),
            "O3_1H": row["o3_1h"],
            "O3_8H": row["o3_8h"],
            "PM25_24H": row["pm25"],
        }
        want = aqi_daily(conc, standard)
        assert row["aqi"] == want.aqi, row["date"]
        checked += 1
    assert checked > 150


def test_good_days_are_counted_from_city_aqi(beijing):
    result, city, _ = beijing
    days_2016 = [r["aqi"] for r in city if r["date"].year == 2016 and r["aqi"] is not None]
    got = result["2016"]["city"]
    assert got["valid_days"] == len(days_2016)
    assert got["good_days"] == sum(a <= 100 for a in days_2016)
    assert got["heavy_days"] == sum(a > 200 for a in days_2016)
    assert got["good_ratio"] == round(Fraction(1000 * got["good_days"], got["valid_days"])) / 10
    # Published: 198 good days in 2016; ours differs by the data set's gaps and the station set.
    assert 185 <= got["good_days"] <= 205


def test_partial_years_are_reported_but_not_valid(beijing):
    result, _, _ = beijing
    assert result["2013"]["city"]["PM2.5"]["valid"] is False  # data start 2013-03-01
    assert result["2013"]["city"]["attainment"]["PM2.5"] is None
    assert result["2017"]["city"]["valid_days"] <= 59
