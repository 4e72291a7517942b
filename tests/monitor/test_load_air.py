"""Loading hourly air data: layouts, units, hour labels, flags, atomic store writes, CLI errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from taizhang.errors import InputError
from taizhang.monitor.engine.load_air import AirOptions, load_air_file
from taizhang.monitor.engine.readers import read_table
from taizhang.monitor.engine.schema import Flag


def _load(path: Path, **opts):
    return load_air_file(path, read_table(path), AirOptions(**opts))


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "taizhang.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_beijing_file_as_is(shared: Path):
    path = shared / "data" / "beijing" / "PRSA_Data_Wanshouxigong_20130301-20170228.csv"
    loaded = _load(path)
    f = loaded.frame
    assert len(f) == 35064 and set(f["station"]) == {"Wanshouxigong"}
    assert loaded.hour_label == "start"
    assert loaded.units["co"] == "ug/m3" and loaded.unit_source["co"] == "detected"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = f.iloc[0]
    assert (str(first["date"]), int(first["hour"])) == ("2013-03-01", 0)
    assert first["co"] == pytest.approx(float(raw["CO"].iloc[0]) / 1000)  # µg/m³ → mg/m³
    # Independent count of the raw NA tokens and the 999 ceiling.
    assert loaded.counts["pm25"]["missing"] == int((raw["PM2.5"] == "NA").sum())
    assert loaded.counts["pm25"]["ceiling"] == int((raw["PM2.5"] == "999").sum()) == 1
    assert f["pm25"].isna().sum() == loaded.counts["pm25"]["missing"] + 1
    assert (f.loc[f["pm25_flag"] == Flag.CEILING, "pm25"].isna()).all()


def test_co_ceiling_flagged_in_real_data(shared: Path):
    path = shared / "data" / "beijing" / "PRSA_Data_Dongsi_20130301-20170228.csv"
    loaded = _load(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert loaded.counts["co"]["ceiling"] == int((raw["CO"] == "10000").sum()) > 0
    assert loaded.counts["o3"]["ceiling"] == int((pd.to_numeric(raw["O3"], errors="coerce") >= 1000).sum()) > 0


def test_ambiguous_co_unit_is_an_error(tmp_path: Path):
    rows = [["S1", 2020, 1, 1, h, 30, 50] for h in range(24)]
    path = _write(tmp_path / "amb.csv", ["station", "year", "month", "day", "hour", "PM2.5", "CO"], rows)
    with pytest.raises(InputError, match=r"CO unit is ambiguous.*--unit CO=mg/m3"):
        _load(path)
    loaded = _load(path, units={"co": "ug/m3"})
    assert loaded.frame["co"].iloc[0] == pytest.approx(0.05)


def test_units_from_header_and_magnitude(tmp_path: Path):
    rows = [[f"2020-01-01 {h:02d}:00", "S1", 1.2, 0.8, 40] for h in range(24)]
    path = _write(tmp_path / "h.csv", ["时间", "站点", "CO(mg/m³)", "一氧化碳x", "PM2.5"], rows)
    loaded = _load(path)
    assert loaded.units["co"] == "mg/m3" and loaded.unit_source["co"] == "header"
    rows = [["S1", "2020-01-01", h, 0.9] for h in range(24)]
    loaded = _load(_write(tmp_path / "m.csv", ["station", "date", "hour", "CO"], rows))
    assert (loaded.units["co"], loaded.unit_source["co"]) == ("mg/m3", "detected")


def test_mixed_units_across_stations_is_an_error(tmp_path: Path):
    rows = [["A", "2020-01-01", h, 800] for h in range(24)] + [["B", "2020-01-01", h, 0.8] for h in range(24)]
    with pytest.raises(InputError, match="looks like µg/m³ at A but mg/m³ at B"):
        _load(_write(tmp_path / "mix.csv", ["station", "date", "hour", "CO"], rows))


def test_hour_ending_labels(tmp_path: Path):
    rows = [["S1", "2020-01-01", h, 10 * h] for h in range(1, 25)]
    path = _write(tmp_path / "end.csv", ["station", "date", "hour", "PM2.5"], rows)
    f = _load(path).frame
    assert list(f["hour"]) == list(range(24)) and set(map(str, f["date"])) == {"2020-01-01"}
    with pytest.raises(InputError, match="hour-label end"):
        _load(path, hour_label="start")
    # UCI-style 0..23 labels read as hour-ending move label 0 to the previous day's last hour.
    rows = [["S1", "2020-01-02", h, 1] for h in range(24)]
    f = _load(_write(tmp_path / "uci.csv", ["station", "date", "hour", "PM2.5"], rows), hour_label="end").frame
    assert (str(f["date"].iloc[0]), int(f["hour"].iloc[0])) == ("2020-01-01", 23)


def test_long_layout_and_flags(tmp_path: Path):
    rows = []
    for h in range(24):
        rows += [["S1", f"2020-03-01 {h:02d}:00", "PM2.5", "—" if h == 3 else ("-5" if h == 4 else "x!" if h == 5 else 40)]]
        rows += [["S1", f"2020-03-01 {h:02d}:00", "SO2", 8]]
    f = _load(_write(tmp_path / "long.csv", ["站点", "监测时间", "污染物", "浓度"], rows)).frame
    assert len(f) == 24
    assert list(f["pm25_flag"][3:6]) == [Flag.MISSING, Flag.NEGATIVE, Flag.INVALID]
    assert f["so2"].notna().all() and (f["co_flag"] == Flag.MISSING).all()


def test_duplicates_and_missing_columns_are_errors(tmp_path: Path):
    rows = [["S1", "2020-01-01", 1, 10], ["S1", "2020-01-01", 1, 11]]
    with pytest.raises(InputError, match="repeated station-hours"):
        _load(_write(tmp_path / "dup.csv", ["station", "date", "hour", "PM2.5"], rows))
    with pytest.raises(InputError, match="no station column"):
        _load(_write(tmp_path / "nost.csv", ["date", "hour", "PM2.5"], [["2020-01-01", 1, 10]]))
    with pytest.raises(InputError, match="no time columns"):
        _load(_write(tmp_path / "notime.csv", ["station", "PM2.5"], [["S", 10]]))


def test_cli_load_is_all_or_nothing(tmp_path: Path):
    good = _write(tmp_path / "good.csv", ["station", "date", "hour", "PM2.5"], [["S1", "2020-01-01", h, 10] for h in range(24)])
    bad = _write(tmp_path / "bad.csv", ["station", "PM2.5"], [["S1", 10]])
    res = _cli("monitor", "load", str(good), str(bad), "--store", str(tmp_path / "st"), cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "bad.csv: no time columns" in res.stderr
    assert not list((tmp_path / "st").rglob("*.parquet")) if (tmp_path / "st").exists() else True
    res = _cli("monitor", "load", str(good), "--store", str(tmp_path / "st"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert len(list((tmp_path / "st" / "air").glob("*.parquet"))) == 1
    assert not list((tmp_path / "st" / "air").glob("*.tmp"))
    res = _cli("monitor", "air-daily", "--store", str(tmp_path / "st"), "--station", "S1", cwd=tmp_path)
    assert res.returncode == 0 and '"aqi": 15' in res.stdout  # PM2.5 10 → IAQI ⌈14.29⌉ = 15
