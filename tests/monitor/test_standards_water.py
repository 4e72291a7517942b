"""GB 3838 classes and the 2011 assessment method; black-odorous grades; GB 3096 noise."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from taizhang.monitor.standards import (
    annual_item_class,
    assess_section,
    compliance_rate,
    day_night_levels,
    energy_average,
    exceed_multiple,
    indicator_grade,
    item_class,
    noise_limits,
    point_grade,
    river_status,
    section_ratios,
    waterbody_grade,
)
from taizhang.monitor.standards.water import format_multiple


@pytest.mark.parametrize(
    ("item", "value", "waterbody", "expected"),
    [
        ("COD", "15", "river", "I"),  # shared limit resolves to the better class
        ("COD", "15.1", "river", "III"),
        ("DO", "1.9", "river", "劣V"),
        ("DO", "6", "river", "II"),
        ("pH", "9", "river", "I"),
        ("pH", "9.1", "river", "劣V"),
        ("TP", "0.1", "lake", "IV"),
        ("TP", "0.1", "river", "II"),
        ("氨氮", "1.5", None, "IV"),
        ("Hg", "0.00005", None, "I"),
        ("NH3N", "<0.05", None, "I"),  # half the detection limit
    ],
)
def test_item_class(item: str, value: str, waterbody: str | None, expected: str) -> None:
    assert item_class(item, value, waterbody) == expected


def test_lake_tn_never_sets_the_class() -> None:
    res = assess_section({"TP": "0.02", "TN": "3", "DO": "8"}, "lake")
    assert res.water_class == "II" and res.excluded == ["TN"]
    assert res.reference_classes["TN"] == "劣V"


def test_main_pollutants_rank_and_label() -> None:
    values = {"DO": "2.5", "NH3N": "1.8", "CODMn": "12", "COD": "35", "TP": "0.25"}
    res = assess_section(values, "river")
    assert res.water_class == "V"
    # V: NH3N 0.8, CODMn 1.0, COD 0.75 (DO is V with no multiple and ranks after them)
    assert [m.item for m in res.main_pollutants] == ["CODMn", "NH3N", "COD"]
    assert res.label == "高锰酸盐指数(1.0)、氨氮(0.8)、化学需氧量(0.75)"
    assert assess_section({"NH3N": "0.9"}, "river").main_pollutants == []


def test_toxic_items_listed_first() -> None:
    res = assess_section({"NH3N": "5", "Pb": "0.06"}, "river")
    assert [m.item for m in res.main_pollutants] == ["Pb", "NH3N"]


def test_exceed_multiple_and_format() -> None:
    assert exceed_multiple("TP", "0.3", "river") == Fraction(1, 2)
    assert exceed_multiple("DO", "1", "river") is None
    assert exceed_multiple("NH3N", "1.0", "river") is None
    assert format_multiple(Fraction(2)) == "2.0"
    assert format_multiple(Fraction(1, 3)) == "0.33"


def test_annual_class_from_monthly_mean() -> None:
    res = annual_item_class("TP", ["0.25", "0.15", "0.15", "0.15"], "river")
    assert res.mean == Fraction(7, 40) and res.water_class == "III" and res.worst_month_class == "IV"
    assert res.mean_decimal == Decimal("0.175")


def test_river_status_proportions_and_option() -> None:
    assert section_ratios(["I"] * 9 + ["IV"]).status == "优"
    edge = ["III"] * 3 + ["劣V"] * 2  # 60 % good, 40 % 劣V
    assert section_ratios(edge).status == "重度污染"
    assert section_ratios(edge, severe_good_below=60).status == "中度污染"
    few = river_status(sections=[{"NH3N": "0.9"}, {"NH3N": "1.3"}])
    assert few.method == "mean" and few.water_class == "IV" and few.status == "轻度污染"


def test_black_odorous_indicators_and_shallow_water() -> None:
    assert indicator_grade("ORP", "50") == "轻度黑臭"
    assert indicator_grade("NH3N", "15.01") == "重度黑臭"
    assert indicator_grade("SD", "20", water_depth_cm="20") == "不黑臭"  # seen to the bottom
    assert indicator_grade("SD", "8", water_depth_cm="20") == "轻度黑臭"  # 8 = 40 % of 20
    assert indicator_grade("SD", "7.9", water_depth_cm="20") == "重度黑臭"


def test_black_odorous_point_and_waterbody() -> None:
    one = point_grade([{"DO": "0.1"}, {"DO": "0.1"}, {"DO": "0.1"}, {"DO": "1"}, {"DO": "1"}])
    assert one.grade == "重度黑臭"  # 3/5 = 60 %
    light = point_grade([{"DO": "0.1", "SD": "5"}] + [{"DO": "1", "SD": "20"}] * 3)
    assert light.grade == "轻度黑臭"  # 25 % each
    body = waterbody_grade(["轻度", "重度", "重度", "重度", "轻度", "轻度"])
    assert body.grade == "轻度黑臭" and body.severe_runs == [[1, 3]]


def test_noise() -> None:
    assert noise_limits("4b类") == (70, 60)
    assert energy_average([60, 60]) == pytest.approx(60)
    assert energy_average([50, 60]) == pytest.approx(57.403626894942)  # not the arithmetic 55
    res = day_night_levels("1", [55] * 16, [45.04] * 8)
    assert res.night_attained and res.ln_reported == Decimal("45.0")
    rate = compliance_rate({"1": {"attained": 1, "monitored": 3}})
    assert rate.percent(1) == Decimal("33.3")
