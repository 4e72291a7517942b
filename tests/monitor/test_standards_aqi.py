"""IAQI and AQI reports (HJ 633-2012 / 2026), from the spec's own worked numbers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from taizhang.monitor.standards import aqi_category, aqi_daily, aqi_hourly, iaqi, iaqi_exact, sub_index
from taizhang.monitor.standards.tables import IAQI_BREAKPOINTS, IAQI_LEVELS


def test_float_trap_co_2_2_is_exactly_55() -> None:
    # naive float: (100-50)/(4-2)*(2.2-2)+50 = 55.00000000000001 -> 56
    assert iaqi("CO_24H", "2.2", "HJ633-2012") == 55
    assert iaqi("CO_24H", 2.2, "HJ633-2012") == 55  # a float is read through its decimal text
    assert iaqi_exact("CO_24H", "2.2", "HJ633-2012") == 55


def test_every_tenth_of_co_matches_exact_ceiling() -> None:
    for tenths in range(0, 601):
        conc = Fraction(tenths, 10)
        exact = iaqi_exact("CO_24H", conc, "HJ633-2012")
        assert exact is not None
        assert iaqi("CO_24H", f"{tenths / 10:.1f}", "HJ633-2012") == -(-exact.numerator // exact.denominator)


@pytest.mark.parametrize(
    ("item", "conc", "expected"),
    [
        ("PM25_24H", "35", 50),
        ("PM25_24H", "36", 52),  # 51.25 ceils; no "+1" gap as in the EPA table
        ("PM25_24H", "75", 100),
        ("PM25_24H", "100", 132),  # 131.25 -> 132, not half-even 131
        ("NO2_1H", "201", 101),  # 100.1
        ("O3_8H", "161", 101),  # 100.909
        ("CO_24H", "1.5", 38),  # python-aqi truncates to 25
        ("CO_24H", "3", 75),
        ("SO2_24H", "800", 200),
        ("SO2_1H", "800", 200),  # exactly 800 is still indexed
        ("O3_8H", "800", 300),
    ],
)
def test_spec_worked_iaqis(item: str, conc: str, expected: int) -> None:
    assert iaqi(item, conc, "HJ633-2012") == expected


def test_breakpoint_gives_same_value_from_both_segments() -> None:
    for column, bps in IAQI_BREAKPOINTS["HJ633-2012"].items():
        for bp, level in zip(bps, IAQI_LEVELS, strict=True):
            if bp is not None:
                assert iaqi(column, bp, "HJ633-2012") == level, column


def test_over_800_rules_differ_by_version() -> None:
    old = sub_index("SO2_1H", "801", "HJ 633-2012")
    assert old.iaqi is None and old.substitute == "SO2_24H"
    assert iaqi("SO2_1H", "801", "HJ 633-2026") == 200
    assert iaqi("O3_8H", "900", "HJ 633-2012") is None
    assert iaqi("O3_8H", "900", "HJ 633-2026") == 300


def test_above_table_capped_and_flagged() -> None:
    sub = sub_index("PM25_24H", "501", "HJ633-2012")
    assert sub.iaqi == 500 and "ABOVE_TABLE" in sub.flags
    assert iaqi("PM10_24H", "-1", "HJ633-2012") is None


def test_2026_pm_breakpoints_and_date_selection() -> None:
    assert iaqi("PM25_24H", "60", "HJ633-2026") == 100
    assert iaqi("PM10_24H", "120", "HJ633-2026") == 100
    assert iaqi("PM25_24H", "60", when="2026-02-28") == 82  # 2012 set: 50 + 25*25/40 = 81.25
    assert iaqi("PM25_24H", "60", when="2026-03-01") == 100


def test_units_and_spellings() -> None:
    assert iaqi("co_24h", "2200", "HJ633-2012", unit="µg/m³") == 55
    assert iaqi("PM2.5_24h", "0.036", "HJ633-2012", unit="mg/m3") == 52
    assert iaqi("PM25_24H", "35.5", "HJ633-2026", round_concentration=True) == 52  # 35.5 -> 36


def test_level_boundaries_inclusive() -> None:
    levels = [aqi_category(a).level for a in (0, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500)]  # type: ignore[union-attr]
    assert levels == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert aqi_category(300).color == "紫色"  # type: ignore[union-attr]
    assert aqi_category(None) is None


def test_daily_report_primary_ties_and_none_at_50() -> None:
    rep = aqi_daily({"SO2_24H": "150", "NO2_24H": "80", "PM10_24H": "20", "CO_24H": "1",
                     "O3_1H": "100", "O3_8H": "80", "PM25_24H": "20"}, "HJ633-2012")  # fmt: skip
    assert rep.aqi == 100
    assert rep.primary == ["SO2_24H", "NO2_24H"]  # 并列
    assert rep.exceeding == []  # IAQI 100 is not exceeding
    at_50 = aqi_daily({"PM10_24H": "50", "SO2_24H": "1"}, "HJ633-2012")
    assert at_50.aqi == 50 and at_50.primary == []


def test_2012_daily_o3_8h_over_800_uses_o3_1h() -> None:
    rep = aqi_daily({"O3_1H": "900", "O3_8H": "850", "PM25_24H": "30"}, "HJ633-2012")
    assert rep.iaqi["O3_8H"] is None
    assert rep.aqi == 350 and rep.primary == ["O3_1H"]


def test_2026_daily_missing_pollutant_withholds_low_aqi() -> None:
    full = {"SO2_24H": "5", "NO2_24H": "20", "PM10_24H": "50", "CO_24H": "0.5", "O3_8H": "80"}
    low = aqi_daily({**full, "PM25_24H": None}, "HJ633-2026")
    assert low.aqi is None and low.category is None and low.missing == ["PM25_24H"]
    assert low.iaqi["O3_8H"] == 40
    high = aqi_daily({**full, "O3_8H": "280"}, "HJ633-2026")
    assert high.aqi == 203 and high.published
    exempt = aqi_daily(full, "HJ633-2026", exempt=["PM25_24H"])
    assert exempt.aqi == 50


def test_hourly_reports() -> None:
    conc = {"SO2_1H": "20", "NO2_1H": "60", "CO_1H": "1.2", "O3_1H": "90", "O3_8H": "70",
            "PM10_24H_sliding": "60", "PM25_24H_sliding": "40", "PM10_1H": "300", "PM25_1H": "200"}  # fmt: skip
    old = aqi_hourly(conc, "HJ633-2012")
    assert "PM25_1H" not in old.iaqi and old.iaqi["PM25_24H_sliding"] == 57
    new = aqi_hourly(conc, "HJ633-2026")
    assert "O3_8H" not in new.iaqi and new.iaqi["PM25_1H"] == 250  # daily table: 150..250 -> 200..300
    assert new.aqi == 250 and new.exceeding is None
