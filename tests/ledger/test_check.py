"""The cross-level check: a district plan's targets against its city's (looser, milestones, not taken up)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.errors import InputError
from taizhang.ledger.check import (
    CheckResult,
    TargetView,
    compare,
    judge,
    linked_parent,
    match_score,
    normalise_indicator,
    normalise_scope,
    similarity,
)
from taizhang.ledger.importer import import_plan
from taizhang.ledger.links import cited_plans, link
from taizhang.ledger.models import Plan
from taizhang.plan.parse import parse_plan

CITY = """某市深入打好污染防治攻坚战实施方案

为深入打好污染防治攻坚战，制定本方案。

一、主要目标
到2025年，全市细颗粒物(PM2.5)年均浓度不高于30微克/立方米，可吸入颗粒物(PM10)年均浓度不高于55微克/立方米，\
空气质量优良天数比率达到88%；化学需氧量排放总量比2020年下降10%，氨氮排放总量比2020年下降9%；森林覆盖率达到50%，\
受污染耕地安全利用率达到93%，城市生活垃圾回收利用率达到35%，长江干流水质保持为Ⅱ类。
到2023年，地表水国控断面水质达到或好于Ⅲ类比例达到90%。

二、重点任务
(一)加快污水处理设施建设。到2025年，新增城市生活污水处理能力20万吨/日。
"""

DISTRICT = """某市某区深入打好污染防治攻坚战实施方案

根据《某市深入打好污染防治攻坚战实施方案》，结合我区实际，制定本方案。

一、主要目标
到2025年，全区PM2.5平均浓度控制在33微克/立方米以下，空气质量优良天数比率达到85%，地表水达到或好于Ⅲ类比例达到90%；\
化学需氧量排放总量比2020年下降8%，氨氮排放总量比2020年下降9%；森林覆盖率达到52%，城市生活垃圾回收利用率达到35%，\
声环境功能区夜间达标率达到85%，长江干流水质保持为Ⅱ类，一品河水质达到Ⅲ类。
到2023年，可吸入颗粒物年均浓度不高于58微克/立方米。

二、重点任务
(一)加快污水处理设施建设。到2025年，新增城市生活污水处理能力3万吨/日。
"""


def _import(s, text: str, source: str) -> Plan:  # type: ignore[no-untyped-def]
    doc = parse_plan(text)
    r = import_plan(s, doc, source=source, cites=cited_plans(text, doc.title))
    plan = s.get(Plan, r.plan_id)
    assert plan is not None
    return plan


def _pairs(result: CheckResult, status: str) -> set[tuple[str, str]]:
    return {(p.child.indicator, p.parent.indicator) for p in result.by_status(status)}


@pytest.fixture
def planted(ledger):  # type: ignore[no-untyped-def]
    with ledger.session("test") as s:
        city = _import(s, CITY, "city.txt")
        district = _import(s, DISTRICT, "district.txt")
        ids = (district.id, city.id)
    return ledger, ids


def test_planted_findings_exactly(planted) -> None:  # type: ignore[no-untyped-def]
    ledger, (district_id, city_id) = planted
    with ledger.session(write=False) as s:
        r = compare(s, s.get(Plan, district_id), s.get(Plan, city_id))
    assert _pairs(r, "looser") == {
        ("PM2.5平均浓度", "细颗粒物(PM2.5)年均浓度"),
        ("空气质量优良天数比率", "空气质量优良天数比率"),
        ("地表水达到或好于Ⅲ类比例", "地表水国控断面水质达到或好于Ⅲ类比例"),
        ("化学需氧量排放总量", "化学需氧量排放总量"),
    }
    reasons = {p.child.indicator: " ".join(p.reasons) for p in r.looser}
    assert reasons["PM2.5平均浓度"] == "higher ceiling: 33μg/m³ > 30μg/m³"
    assert reasons["空气质量优良天数比率"] == "lower floor: 85% < 88%"
    assert reasons["地表水达到或好于Ⅲ类比例"] == "later deadline: 2025 > 2023"
    assert reasons["化学需氧量排放总量"] == "smaller reduction: 8% < 10%"
    # a higher PM10 by 2023 than the city's by 2025: an intermediate step, not a weaker goal
    assert _pairs(r, "earlier_milestone") == {("可吸入颗粒物年均浓度", "可吸入颗粒物(PM10)年均浓度")}
    assert _pairs(r, "consistent") == {
        ("氨氮排放总量", "氨氮排放总量"),
        ("森林覆盖率", "森林覆盖率"),
        ("城市生活垃圾回收利用率", "城市生活垃圾回收利用率"),
        ("水质", "水质"),
    }
    # the 长江干流 class is compared with the 长江干流 one, never with the district's own 一品河
    water = next(p for p in r.pairs if p.child.indicator == "水质")
    assert water.child.scope == water.parent.scope == "长江干流"
    assert _pairs(r, "not_compared") == {("新增城市生活污水处理能力", "新增城市生活污水处理能力")}
    assert [t.indicator for t in r.not_taken_up] == ["受污染耕地安全利用率"]
    assert sorted((t.indicator, t.scope) for t in r.unmatched_child) == [
        ("声环境功能区夜间达标率", None), ("水质", "一品河")]
    assert all(p.child.unit == p.parent.unit and p.child.kind == p.parent.kind for p in r.pairs)


def test_checking_a_plan_against_itself_finds_nothing_looser(planted) -> None:  # type: ignore[no-untyped-def]
    ledger, (_, city_id) = planted
    with ledger.session(write=False) as s:
        city = s.get(Plan, city_id)
        r = compare(s, city, city)
    assert r.looser == [] and r.not_taken_up == [] and r.unmatched_child == []
    assert {p.status for p in r.pairs} == {"consistent", "not_compared"}


def test_parent_is_found_by_the_citation(planted) -> None:  # type: ignore[no-untyped-def]
    ledger, (district_id, city_id) = planted
    with ledger.session(write=False) as s:
        assert linked_parent(s, s.get(Plan, district_id)).id == city_id
        with pytest.raises(InputError, match="linked to no imported plan"):
            linked_parent(s, s.get(Plan, city_id))


def test_names_written_differently_are_one_indicator() -> None:
    same = [
        ("细颗粒物(PM2.5)年均浓度", "PM2.5平均浓度"),
        ("细颗粒物（PM2.5）年平均浓度", "全市PM2.5浓度"),
        ("空气质量优良天数比率", "优良天数比例"),
        ("74个国控断面水质达到或优于Ⅲ类比例", "国考断面水质达到或好于III类比例"),
        ("化学需氧量(COD)排放总量", "COD排放量"),
        ("城市建成区生活污水处理率", "城市生活污水集中处理率"),
    ]
    for a, b in same:
        assert normalise_indicator(a) == normalise_indicator(b), (a, b)
    # different pollutants and classes stay different however alike the words
    assert normalise_indicator("PM10年均浓度") != normalise_indicator("PM2.5年均浓度")
    assert similarity(normalise_indicator("城市生活污水集中收集率"), normalise_indicator("城镇生活污水集中收集率")) > 0.65
    assert similarity(normalise_indicator("城市生活垃圾回收利用率"), normalise_indicator("城镇生活垃圾无害化处理率")) < 0.65
    # a coverage is not a treatment rate, however many words they share
    cover = _view(indicator="农村生活污水治理行政村覆盖率", value=100.0)
    assert match_score(cover, _view(indicator="农村生活污水治理率", value=40.0)) == 0
    assert match_score(_view(indicator="农村生活污水处理率"), _view(indicator="农村生活污水治理率")) == 1.0
    assert normalise_scope("全市") == normalise_scope("全区") == normalise_scope(None) == ""
    assert normalise_scope("长江干流") == "长江干流"


def _view(**kw) -> TargetView:  # type: ignore[no-untyped-def]
    base = dict(id=1, key="k", indicator="森林覆盖率", scope=None, op=">=", value=50.0, unit="%", kind="level",
                baseline_year=None, deadline=dt.date(2025, 12, 31), deadline_defaulted=False, text="")
    base.update(kw)
    return TargetView(**base, name=normalise_indicator(base["indicator"]), place=normalise_scope(base["scope"]))


def test_judge_deadlines_and_defaults() -> None:
    parent = _view(deadline=dt.date(2023, 12, 31))
    status, reasons = judge(_view(deadline_defaulted=True), parent)
    assert status == "looser"
    assert reasons == ["later deadline: 2025 > 2023 (child deadline defaulted to the plan's last year)"]
    # stricter and sooner, equal and same year: consistent
    assert judge(_view(value=55.0, deadline=dt.date(2022, 12, 31)), parent) == ("consistent", [])
    assert judge(_view(deadline=dt.date(2023, 6, 30)), parent) == ("consistent", [])
    # a water class is a ceiling on the class number
    c, p = _view(indicator="水质", op="<=", value=3.0, unit="类"), _view(indicator="水质", op="<=", value=2.0, unit="类")
    assert judge(c, p) == ("looser", ["higher ceiling: 3类 > 2类"])
    # reductions against different baselines are compared and the difference is said
    c = _view(kind="reduction", value=10.0, baseline_year=2015)
    p = _view(kind="reduction", value=10.0, baseline_year=2020)
    assert judge(c, p) == ("consistent", ["different baseline years (2015 vs 2020)"])


def test_cli_check_report_json_and_bad_input(planted, ledger_url: str) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"TAIZHANG_DATABASE_URL": ledger_url}
    r = runner.invoke(app, ["ledger", "check", "某区"], env=env)  # parent from the citation
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "4 looser" in lines[0] and "1 parent targets not taken up" in lines[0]
    assert lines.index("Looser than the parent:") < lines.index("Parent targets not taken up:")
    j = runner.invoke(app, ["ledger", "check", "某区", "--against", "某市深入", "--json"], env=env)
    assert j.exit_code == 0, j.output
    data = json.loads(j.output)
    assert data["counts"]["looser"] == 4 and data["pairs"][0]["status"] == "looser"
    assert [t["indicator"] for t in data["not_taken_up"]] == ["受污染耕地安全利用率"]
    bad = runner.invoke(app, ["ledger", "check", "no such plan"], env=env)
    assert isinstance(bad.exception, InputError)
    # through the real entry point: one line on stderr, exit code 2
    p = subprocess.run([sys.executable, "-m", "taizhang.cli", "ledger", "check", "某市深入"],
                       env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "give --against PARENT" in p.stderr


def test_real_chongqing_district_against_city_plan(ledger, shared: Path) -> None:  # type: ignore[no-untyped-def]
    """Seed 001 (巴南区) cites a city plan not in the seeds; linked by hand to seed 000 (重庆市 长江保护修复)."""
    from taizhang.text.read import read_document

    seeds = sorted((shared / "seeds").glob("*.txt"))
    with ledger.session("test") as s:
        parent = _import(s, read_document(seeds[0]), seeds[0].name)
        child = _import(s, read_document(seeds[1]), seeds[1].name)
        assert "巴南" in child.key and "重庆" in parent.key
        link(s, child, parent)
    with ledger.session(write=False) as s:
        child = s.scalar(select(Plan).where(Plan.key.contains("巴南")))
        r = compare(s, child, linked_parent(s, child))
    assert r.pairs, "no target matched"
    assert all(p.child.unit == p.parent.unit and p.child.kind == p.parent.kind for p in r.pairs)
    # read in both texts: 巴南 restates or tightens these city targets (畜禽粪污 88% against 80%)
    seen = {(p.child.indicator, p.parent.indicator, p.child.value, p.parent.value, p.status) for p in r.pairs}
    assert {
        ("城市集中式饮用水水源水质达标率", "城市集中式饮用水水源水质达标率", 100.0, 100.0, "consistent"),
        ("农村生活污水治理率", "农村生活污水治理率", 40.0, 40.0, "consistent"),
        ("化肥农药利用率", "化肥农药利用率", 43.0, 43.0, "consistent"),
        ("畜禽粪污综合利用率", "畜禽粪污综合利用率", 88.0, 80.0, "consistent"),
    } <= seen
    assert r.looser == []
    # the district's 长江干流(巴南段) ratio and its rivers' classes are not the city's 74 sections or 长江干流重庆段
    assert not any(p.child.unit == "类" or "长江干流" in p.child.indicator for p in r.pairs)
