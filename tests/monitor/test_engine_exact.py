"""The vectorised engine against the standards' exact scalar functions, on synthetic data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from fractions import Fraction

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from taizhang.monitor.engine import pipeline
from taizhang.monitor.engine.air_annual import annual
from taizhang.monitor.engine.air_daily import station_daily
from taizhang.monitor.engine.aqi_expr import ITEM_CODES, with_aqi
from taizhang.monitor.engine.exact import portable_half_even, round_div, rounder_for
from taizhang.monitor.engine.schema import POLLUTANTS, air_arrow_schema
from taizhang.monitor.standards.annual import percentile_hj663
from taizhang.monitor.standards.aqi import aqi_daily
from taizhang.monitor.standards.averages import o3_mda8

D0 = dt.date(2015, 7, 1)


def hourly_table(rows: Iterable[tuple[str, dt.date, int, dict[str, float | None]]]) -> pa.Table:
    """(station, date, hour, {pollutant code: value}) → a canonical hourly Arrow table."""
    cols: dict[str, list] = {name: [] for name in air_arrow_schema().names}
    for station, day, hour, values in rows:
        cols["station"].append(station)
        cols["date"].append(day)
        cols["hour"].append(hour)
        for p in POLLUTANTS:
            v = values.get(p)
            cols[p].append(v)
            cols[f"{p}_flag"].append(0 if v is not None else 1)
    return pa.table(cols, schema=air_arrow_schema())


def day_of_hours(station: str, day: dt.date, values: dict[str, list[float | None]]) -> list:
    """24 rows for one station-day from per-pollutant lists of 24 hourly values."""
    return [(station, day, h, {p: v[h] for p, v in values.items()}) for h in range(24)]


@pytest.fixture(scope="module")
def con():
    return pipeline.connect()


@pytest.mark.parametrize("how", ["integer", "backend", "portable"])
def test_round_div_is_gbt8170_half_even(con, how):
    nums = list(range(0, 400))
    t = ibis.memtable({"n": nums})
    rnd = {"integer": None, "backend": rounder_for(t), "portable": portable_half_even}[how]
    for den in (1, 2, 4, 10, 20, 24, 230000, 240000, 9_999_991):
        got = con.execute(t.mutate(r=round_div(t.n * 1000 + 5, den, rnd), s=round_div(t.n * 2_500_000 + den // 2, den, rnd)))
        for n, r, s in zip(got.n, got.r, got.s, strict=True):
            assert r == round(Fraction(n * 1000 + 5, den)), (n, den)
            assert s == round(Fraction(n * 2_500_000 + den // 2, den)), (n, den)


def test_stored_values_round_half_even(con):
    """A stored hourly value with ≤ 4 decimals rounds to the nearest integer, ties to even."""
    values = [0.5, 1.5, 2.5, 80.4999, 80.5, 80.5001, 81.5, 99999.5, 12.0001]
    t = ibis.memtable({"x": values})
    for rnd in (rounder_for(t), portable_half_even):
        got = con.execute(t.mutate(r=rnd(t.x)))
        assert list(got.r) == [round(Fraction(str(v))) for v in values]


@pytest.mark.parametrize("standard", ["HJ633-2012", "HJ633-2026"])
def test_daily_aqi_matches_scalar_standard(con, standard):
    rng = random.Random(7)
    edges = {"pm25": [0, 35, 36, 60, 75, 76, 115, 500, 501, 999], "co": [0, 20, 22, 40, 600, 601], "o3_8h": [100, 160, 161, 800, 801]}
    rows = []
    for i in range(1500):
        row = {
            "pm25": rng.choice(edges["pm25"]) if i % 5 == 0 else rng.randint(0, 600),
            "pm10": rng.randint(0, 700),
            "so2": rng.randint(0, 300),
            "no2": rng.randint(0, 300),
            "co": rng.choice(edges["co"]) if i % 7 == 0 else rng.randint(0, 200),
            "o3_1h": rng.randint(0, 1300),
            "o3_8h": rng.choice(edges["o3_8h"]) if i % 3 == 0 else rng.randint(0, 900),
        }
        if i % 11 == 0:
            row[rng.choice(list(row))] = None
        rows.append(row)
    daily = ibis.memtable(pa.Table.from_pylist([{"station": "s", "date": D0, **r} for r in rows]))
    daily = daily.mutate(**{c: daily[c].cast("int64") for c in rows[0]})
    got = con.execute(with_aqi(daily, standard))
    keys = {"so2": "SO2_24H", "no2": "NO2_24H", "pm10": "PM10_24H", "co": "CO_24H", "pm25": "PM25_24H", "o3_8h": "O3_8H"}
    if standard == "HJ633-2012":
        keys["o3_1h"] = "O3_1H"
    for r, (_, g) in zip(rows, got.iterrows(), strict=True):
        conc = {item: (None if r[c] is None else Fraction(r[c], 10) if c == "co" else r[c]) for c, item in keys.items()}
        want = aqi_daily(conc, standard)
        aqi = None if g["aqi"] != g["aqi"] else int(g["aqi"])
        assert aqi == (want.aqi if want.published else None), (r, want)
        if want.aqi is not None and want.published and want.aqi > 50:
            assert sorted(g["primary"].split(",")) == sorted(ITEM_CODES[i] for i in want.primary), (r, want)


def test_mda8_windows_and_validity(con):
    rng = random.Random(3)
    days, expect = [], []
    for k in range(60):
        day = D0 + dt.timedelta(days=k)
        o3 = [float(rng.randint(0, 300)) + rng.choice([0, 0.5, 0.25]) for _ in range(24)]
        for h in rng.sample(range(24), rng.choice([0, 2, 6, 10, 14])):
            o3[h] = None
        days += day_of_hours("A", day, {"o3": o3})
        expect.append(o3_mda8(o3))
    t = pipeline.hourly_from_arrow(con, hourly_table(days), "mda8_case")
    got = con.execute(station_daily(t).order_by("date"))
    for e, (_, g) in zip(expect, got.iterrows(), strict=True):
        value = None if g["o3_8h"] != g["o3_8h"] else int(g["o3_8h"])
        assert value == e.rounded, (e, g["o3_8h"])
        assert int(g["o3_8h_windows"]) == e.valid_windows


def test_daily_mean_needs_20_hours_and_rounds_once(con):
    # 19 hours of 35.5 and one of 34.5 → exact mean 35.45 → 35 (a two-step 35.5 → 36 would be wrong)
    pm = [35.5] * 19 + [34.5] + [None] * 4
    short = [10.0] * 19 + [None] * 5
    rows = day_of_hours("A", D0, {"pm25": pm, "pm10": short})
    t = pipeline.hourly_from_arrow(con, hourly_table(rows), "mean_case")
    got = con.execute(station_daily(t)).iloc[0]
    assert int(got["pm25"]) == 35 and int(got["pm25_hours"]) == 20
    assert pd.isna(got["pm10"]) and int(got["pm10_hours"]) == 19  # invalid day


def test_percentiles_exact_hj663(con):
    values = list(range(1, 366))
    random.Random(1).shuffle(values)
    rows = [
        {"station": "A", "date": dt.date(2015, 1, 1) + dt.timedelta(days=i), "aqi": 50, **{c: v for c in ("pm25", "pm10", "so2", "no2", "co", "o3_8h")}}
        for i, v in enumerate(values)
    ]
    daily = ibis.memtable(pa.Table.from_pylist(rows))
    got = con.execute(annual(daily)).iloc[0]
    assert int(got["pm25_p95"]) == 347  # 346.8
    assert int(got["o3_8h_p90"]) == 329  # 328.6
    assert int(got["so2_p98"]) == 358  # 357.72
    assert int(got["pm25_mean"]) == 183
    assert got["pm25_p95"] == round(percentile_hj663(values, 95))
    assert bool(got["pm25_valid"]) is True


def test_percentile_ties_round_half_even(con):
    # n = 11 → k − 1 = 10·0.95 = 9.5: the 95th percentile is halfway between the two largest values
    rows = []
    for station, top in (("A", (10, 11)), ("B", (11, 12))):
        for i, v in enumerate((*range(9), *top)):
            rows.append({"station": station, "date": dt.date(2015, 1, 1) + dt.timedelta(days=i), "aqi": 50,
                         **{c: v for c in ("pm25", "pm10", "so2", "no2", "co", "o3_8h")}})
    got = con.execute(annual(ibis.memtable(pa.Table.from_pylist(rows)))).set_index("station")
    assert int(got.loc["A", "pm25_p95"]) == 10  # 10.5 → 10
    assert int(got.loc["B", "pm25_p95"]) == 12  # 11.5 → 12
    assert int(got.loc["A", "so2_p98"]) == 11  # 10 + 0.8 = 10.8
    assert bool(got.loc["A", "pm25_valid"]) is False  # 11 days


def test_city_day_without_any_valid_station_value_is_null(con):
    rows = []
    for station in ("A", "B"):
        rows += day_of_hours(station, D0, {"pm25": [30.5] * 24, "pm10": [None] * 24, "o3": [50.0] * 5 + [None] * 19})
    t = pipeline.hourly_from_arrow(con, hourly_table(rows), "city_null_case")
    at = pipeline.air_tables(t, "HJ633-2012", ())
    city = at.city_daily.to_pyarrow().to_pylist()[0]
    assert city["pm25"] == 30 and city["pm10"] is None and city["pm10_hours"] == 0  # 30.5 → 30
    assert city["o3_w00"] is None and city["o3_8h"] is None and city["o3_1h"] == 50
