"""The MEP weekly water data (real, with its quirks) and the annual section classes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from taizhang.monitor.engine import pipeline
from taizhang.monitor.engine.load_water import (
    load_mep_weekly,
    load_water_table,
    water_arrow_schema,
    week_date,
)
from taizhang.monitor.engine.readers import read_table
from taizhang.monitor.engine.schema import Flag
from taizhang.monitor.engine.water import annual_water


@pytest.fixture(scope="module")
def mep(shared: Path):
    return load_mep_weekly(shared / "data" / "water" / "mep_weekly_2016_2017")


def test_mep_layout(mep):
    f = mep.frame
    assert f["station"].nunique() == 148
    assert set(f["item"]) == {"pH", "DO", "CODMn", "NH3N", "WEEK_CLASS"}
    assert set(f["year"]) == {2016, 2017}
    assert f.loc[f["station"] == "1", "basin"].iloc[0] == "SongHua River"
    # The four PDF-damaged cells (and misaligned class labels in the NH3 table) are flagged, not read.
    invalid = f[f["flag"] == Flag.INVALID]
    assert len(invalid) >= 4 and invalid["value"].isna().all()
    assert week_date(2016, 1) == dt.date(2016, 1, 4)


def test_annual_classes(mep):
    con = pipeline.connect()
    table = pa.Table.from_pandas(mep.frame, schema=water_arrow_schema(), preserve_index=False)
    result = annual_water(pipeline.hourly_from_arrow(con, table, "water_t"))
    s2016 = result["2016"]["summary"]
    assert s2016["sections"] == 148
    assert 60 <= s2016["good_ratio"] <= 95
    sec = result["2016"]["sections"]["1"]
    assert sec["class"] in {"I", "II", "III", "IV", "V", "劣V"} and set(sec["items"]) == {"pH", "DO", "CODMn", "NH3N"}


def test_generic_water_table_exact_class_boundary(tmp_path: Path):
    # NH3-N monthly means 0.9 and 1.1 → annual 1.0 exactly → class III (a float mean could miss it)
    path = tmp_path / "w.csv"
    path.write_text("断面,日期,氨氮,pH\nA,2020-01-05,0.9,7.1\nA,2020-02-05,1.1,7.2\n", encoding="utf-8")
    loaded = load_water_table(path, read_table(path))
    con = pipeline.connect()
    table = pa.Table.from_pandas(loaded.frame, schema=water_arrow_schema(), preserve_index=False)
    result = annual_water(pipeline.hourly_from_arrow(con, table, "water_g"))
    sec = result["2020"]["sections"]["A"]
    assert sec["items"]["NH3N"] == {"annual_mean": "1.000", "class": "III", "months": 2}
    assert sec["class"] == "III"
