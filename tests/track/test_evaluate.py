"""Evaluation by hand-computed numbers: time-proportional progress, status, colours, escalation.

The plan runs 2024–2025 with no issue date, so every window starts on 2024-01-01 (2024 is a leap
year: 2024-01-01 → 2024-12-31 is 365 days, → 2025-12-31 is 730 days).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from taizhang.errors import InputError
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Department, Target, Task
from taizhang.plan.model import Plan
from taizhang.plan.model import Target as TargetDoc
from taizhang.plan.model import Task as TaskDoc
from taizhang.track.evaluate import evaluate, missing_reports
from taizhang.track.indicators import SeriesValue, bind, check_series, store_values
from taizhang.track.reports import add_report
from taizhang.track.rules import load_rules

D = dt.date


def _plan() -> Plan:
    return Plan(
        title="测试市空气质量提升行动方案", region="测试市", period=[2024, 2025],
        tasks=[
            TaskDoc(id="t1", section=None, text="完成燃煤锅炉淘汰", lead=["测试市生态环境局"],
                    support=["测试市发展改革委"], deadlines=["2024-12-31"]),
            TaskDoc(id="t2", section=None, text="推进柴油货车治理", lead=["测试市交通运输局"], deadlines=[]),
            TaskDoc(id="t3", section=None, text="削减化学需氧量排放", lead=["测试市生态环境局"], deadlines=[]),
        ],
        targets=[
            TargetDoc(id="g1", task="t2", indicator="PM2.5年均浓度", scope=None, op="<=", value=30,
                      unit="μg/m³", kind="level", baseline_year=None, deadline="2025-12-31",
                      text="PM2.5年均浓度不高于30微克/立方米"),
            TargetDoc(id="g2", task="t3", indicator="化学需氧量削减量", scope=None, op=">=", value=1000,
                      unit="吨", kind="reduction", baseline_year=None, deadline="2025-12-31",
                      text="化学需氧量削减1000吨"),
            TargetDoc(id="g3", task="t3", indicator="新增燃煤锅炉", scope=None, op="<=", value=0, unit="台",
                      kind="increase", baseline_year=None, deadline="2025-12-31", text="燃煤锅炉零增长"),
        ],
    )


@pytest.fixture
def ids(ledger):  # type: ignore[no-untyped-def]
    with ledger.session() as s:
        r = import_plan(s, _plan(), source="test.json")
        tasks = {t.key: t.id for t in s.query(Task).filter(Task.plan_id == r.plan_id)}
        g = {
            "g1": next(t.id for t in s.query(Target) if t.indicator == "PM2.5年均浓度"),
            "g2": next(t.id for t in s.query(Target) if t.indicator == "化学需氧量削减量"),
            "g3": next(t.id for t in s.query(Target) if t.indicator == "新增燃煤锅炉"),
        }
    return {**tasks, **g, "plan": r.plan_id}


def _report(ledger, uid: str, day: dt.date, *, task=None, target=None, value=None, percent=None):  # type: ignore[no-untyped-def]
    with ledger.session() as s:
        add_report(s, task_id=task, target_id=target, as_of=day, value=value, percent=percent,
                   reporter="test", uid=uid)


def _eval(ledger, day: dt.date, **kw):  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return {(e.subject_type, e.subject_id): e for e in evaluate(s, day, **kw)}


def _no_escalation(tmp_path: Path):  # type: ignore[no-untyped-def]
    f = tmp_path / "no-escalation.toml"
    f.write_text("[red]\nyellow_unresolved_days = 0\n", encoding="utf-8")
    return load_rules(f)


def test_task_lagging_yellow_by_hand(ledger, ids, tmp_path: Path) -> None:
    _report(ledger, "a", D(2024, 6, 30), task=ids["t1"], percent=20)
    # by default this is red: a month earlier nothing had been reported for months (yellow already)
    e = _eval(ledger, D(2024, 7, 1))[("task", ids["t1"])]
    assert (e.colour, e.reasons) == ("red", ["黄色预警 30 天未解除", "落后序时进度 29.9 个百分点"])
    e = _eval(ledger, D(2024, 7, 1), rules=_no_escalation(tmp_path))[("task", ids["t1"])]
    assert e.expected == pytest.approx(100 * 182 / 365, abs=0.01)  # 49.86
    assert e.actual == 20
    assert e.gap == pytest.approx(100 * 182 / 365 - 20, abs=0.01)
    assert e.status == "lagging" and e.colour == "yellow"
    assert e.reasons == ["落后序时进度 29.9 个百分点"]
    assert e.missing_reports == 0 and e.last_report == D(2024, 6, 30)
    with ledger.session(write=False) as s:  # the lead only, not the support department
        assert [s.get(Department, d).name for d in e.lead] == ["测试市生态环境局"]


def test_white_band_and_on_track(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 6, 30), task=ids["t1"], percent=35)
    e = _eval(ledger, D(2024, 7, 1))[("task", ids["t1"])]
    assert e.gap == pytest.approx(14.86, abs=0.01)  # 10 < gap ≤ 20: white
    assert (e.status, e.colour) == ("lagging", "white")
    _report(ledger, "b", D(2024, 6, 30), task=ids["t1"], percent=45)
    e = _eval(ledger, D(2024, 7, 1))[("task", ids["t1"])]
    assert (e.status, e.colour, e.reasons) == ("on_track", None, [])


def test_overdue_red_and_done(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 12, 20), task=ids["t1"], percent=80)
    e = _eval(ledger, D(2025, 1, 10))[("task", ids["t1"])]
    assert (e.status, e.colour) == ("overdue", "red")
    assert e.reasons[0] == "已过截止日期（2024-12-31）未完成"
    _report(ledger, "b", D(2025, 1, 5), task=ids["t1"], percent=100)
    e = _eval(ledger, D(2025, 1, 10))[("task", ids["t1"])]
    assert (e.status, e.colour, e.actual) == ("done", None, 100)


def test_deadline_near_turns_yellow(ledger, ids, tmp_path: Path) -> None:
    _report(ledger, "a", D(2024, 12, 10), task=ids["t1"], percent=96)
    e = _eval(ledger, D(2024, 12, 15), rules=_no_escalation(tmp_path))[("task", ids["t1"])]
    assert e.gap == pytest.approx(100 * 349 / 365 - 96, abs=0.01)  # ahead: −0.38
    assert (e.status, e.colour) == ("on_track", "yellow")
    assert e.reasons == ["距截止日期 16 天尚未完成"]


def test_missing_reports(ledger, ids) -> None:
    ev = _eval(ledger, D(2024, 2, 10))
    e = ev[("task", ids["t1"])]
    assert (e.status, e.missing_reports, e.colour, e.reasons) == ("no_data", 1, "white", ["缺报 1 期"])
    e = _eval(ledger, D(2024, 3, 10))[("task", ids["t1"])]
    assert (e.missing_reports, e.colour) == (2, "yellow")  # January and February passed with no report
    # a report on one of its targets counts as the task reporting
    _report(ledger, "a", D(2024, 2, 20), target=ids["g1"], value=40)
    ev = _eval(ledger, D(2024, 3, 10))
    assert ev[("task", ids["t2"])].missing_reports == 0
    assert ev[("task", ids["t2"])].last_report == D(2024, 2, 20)


def test_missing_reports_periods() -> None:
    rules = load_rules()
    assert missing_reports(D(2024, 1, 15), None, None, D(2024, 3, 20), rules) == 1  # February
    assert missing_reports(D(2024, 1, 15), None, None, D(2024, 4, 1), rules) == 2  # February, March
    assert missing_reports(None, D(2024, 1, 15), None, D(2024, 3, 1), rules) == 1  # not the started January
    assert missing_reports(None, D(2024, 1, 1), None, D(2024, 3, 1), rules) == 2
    assert missing_reports(None, D(2024, 1, 1), D(2024, 1, 31), D(2024, 12, 1), rules) == 1  # to the deadline
    assert missing_reports(None, None, None, D(2024, 12, 1), rules) == 0


def test_escalation_yellow_for_30_days_turns_red(ledger, ids) -> None:
    # t2 runs 730 days; monthly reports of 0 % fall behind by 100·days/730 points
    for m in range(1, 7):
        day = D(2024, m + 1, 1) - dt.timedelta(days=1)
        _report(ledger, f"m{m}", day, task=ids["t2"], percent=0)
    # 06-30: behind 24.8; 06-15: 22.7; 05-31: 20.7 → yellow at all three dates → red
    e = _eval(ledger, D(2024, 6, 30))[("task", ids["t2"])]
    assert e.colour == "red"
    assert e.reasons[0] == "黄色预警 30 天未解除"
    assert e.status == "lagging"
    # 06-20: behind 23.3 (yellow); 06-05: 21.4 (yellow); 05-21: 19.3 (white) → stays yellow
    e = _eval(ledger, D(2024, 6, 20))[("task", ids["t2"])]
    assert e.colour == "yellow"
    # the same as-of date always gives the same answer, whatever was reported later
    _report(ledger, "late", D(2024, 7, 15), task=ids["t2"], percent=60)
    assert _eval(ledger, D(2024, 6, 30))[("task", ids["t2"])].colour == "red"
    assert _eval(ledger, D(2024, 7, 20))[("task", ids["t2"])].colour is None


def test_level_target_progress_and_forecast(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 1, 31), target=ids["g1"], value=40)
    _report(ledger, "b", D(2024, 6, 30), target=ids["g1"], value=36)
    e = _eval(ledger, D(2024, 7, 1))[("target", ids["g1"])]
    assert e.expected == pytest.approx(100 * 182 / 730, abs=0.01)  # 24.93
    assert e.actual == pytest.approx(40.0)  # (36 − 40) / (30 − 40): baseline = the first value
    assert (e.status, e.colour, e.current) == ("on_track", None, 36)
    # trend: −4 over 151 days, 549 more days to 2025-12-31
    assert e.forecast.value == pytest.approx(36 - 4 * 549 / 151)
    assert e.forecast.meets is True and e.forecast.low is None and e.forecast.points == 2
    assert "PM2.5年均浓度 <= 30μg/m³" in e.label
    assert e.lead == _eval(ledger, D(2024, 7, 1))[("task", ids["t2"])].lead  # the lead of its task
    with ledger.session() as s:
        s.get(Target, ids["g1"]).baseline_value = Decimal(50)
    e = _eval(ledger, D(2024, 7, 1))[("target", ids["g1"])]
    assert e.actual == pytest.approx(70.0)  # (36 − 50) / (30 − 50)


def test_level_target_met_is_on_track_then_done(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 3, 31), target=ids["g1"], value=45)
    _report(ledger, "b", D(2024, 6, 30), target=ids["g1"], value=28)
    e = _eval(ledger, D(2024, 7, 1))[("target", ids["g1"])]
    assert (e.status, e.colour) == ("on_track", None)
    assert e.actual >= 100
    e = _eval(ledger, D(2026, 1, 5))[("target", ids["g1"])]
    assert (e.status, e.colour) == ("done", None)
    _report(ledger, "c", D(2025, 12, 31), target=ids["g1"], value=31)
    e = _eval(ledger, D(2026, 1, 5))[("target", ids["g1"])]
    assert (e.status, e.colour) == ("overdue", "red")


def test_reduction_is_cumulative_from_zero(ledger, ids, tmp_path: Path) -> None:
    _report(ledger, "a", D(2024, 12, 31), target=ids["g2"], value=300)
    rules = _no_escalation(tmp_path)
    e = _eval(ledger, D(2024, 12, 31), rules=rules)[("target", ids["g2"])]
    assert e.expected == pytest.approx(50.0) and e.actual == pytest.approx(30.0)
    assert (e.status, e.colour) == ("lagging", "white")  # behind by exactly 20: not more than 20
    e = _eval(ledger, D(2025, 1, 1), rules=rules)[("target", ids["g2"])]
    assert e.gap == pytest.approx(100 * 366 / 730 - 30, abs=0.01)
    assert (e.status, e.colour) == ("lagging", "yellow")
    _report(ledger, "b", D(2025, 3, 31), target=ids["g2"], value=1000)
    e = _eval(ledger, D(2025, 4, 1))[("target", ids["g2"])]
    assert (e.status, e.colour) == ("done", None)  # an amount reached is done before the deadline


def test_ceiling_must_hold_to_the_deadline(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 6, 30), target=ids["g3"], value=0)
    e = _eval(ledger, D(2024, 7, 1))[("target", ids["g3"])]
    assert (e.status, e.expected, e.actual) == ("on_track", 100, 100)
    _report(ledger, "b", D(2024, 8, 31), target=ids["g3"], value=2)
    e = _eval(ledger, D(2024, 9, 1))[("target", ids["g3"])]
    assert (e.status, e.colour, e.actual, e.gap) == ("lagging", "yellow", 0, 100)


def test_filters_by_plan_and_department(ledger, ids) -> None:
    with ledger.session(write=False) as s:
        all_ = evaluate(s, D(2024, 7, 1))
        env = evaluate(s, D(2024, 7, 1), dept="测试市环保局")  # an alias of 测试市生态环境局
        assert {(e.subject_type, e.subject_id) for e in env} == {
            ("task", ids["t1"]), ("task", ids["t3"]), ("target", ids["g2"]), ("target", ids["g3"])}
        assert len(evaluate(s, D(2024, 7, 1), plan_id=ids["plan"])) == len(all_) == 6
        assert evaluate(s, D(2024, 7, 1), plan_id=ids["plan"] + 1) == []
        with pytest.raises(InputError, match="no department"):
            evaluate(s, D(2024, 7, 1), dept="不存在的局")


def test_bound_target_reads_indicator_values(ledger, ids) -> None:
    _report(ledger, "a", D(2024, 6, 30), target=ids["g1"], value=99)  # ignored once bound
    with ledger.session() as s:
        bind(s, ids["g1"], "air:city:PM2.5:annual_mean")
        vals = [SeriesValue("air:city:PM2.5:annual_mean", D(2023, 12, 31), 40.0),
                SeriesValue("air:city:PM2.5:annual_mean", D(2024, 6, 30), 36.0)]
        assert store_values(s, vals) == (2, 0)
        assert store_values(s, vals) == (0, 0)  # idempotent
        assert store_values(s, [SeriesValue("air:city:PM2.5:annual_mean", D(2024, 6, 30), 35.0)]) == (0, 1)
    e = _eval(ledger, D(2024, 7, 1))[("target", ids["g1"])]
    assert e.current == 35.0
    assert e.actual == pytest.approx(50.0)  # (35 − 40) / (30 − 40)
    assert e.missing_reports == 0 and e.last_report == D(2024, 6, 30)
    with ledger.session() as s:
        bind(s, ids["g1"], None)
    assert _eval(ledger, D(2024, 7, 1))[("target", ids["g1"])].current == 99


def test_series_names_are_checked() -> None:
    assert check_series(" air:Dongsi:SO2:p98 ") == "air:Dongsi:SO2:p98"
    assert check_series("air:city:good_ratio") == "air:city:good_ratio"
    for bad in ("pm25", "air:city:PM2.5:median", "water:x:y", "air:city:nothing"):
        with pytest.raises(InputError):
            check_series(bad)


def test_rules_file_overrides_and_errors(ledger, ids, tmp_path: Path, monkeypatch) -> None:
    _report(ledger, "a", D(2024, 6, 30), task=ids["t1"], percent=20)
    f = tmp_path / "rules.toml"
    f.write_text("[yellow]\nbehind_points = 40\n[white]\nbehind_points = 25\n", encoding="utf-8")
    rules = load_rules(f)
    assert rules.yellow_behind == 40 and rules.yellow_missing == 2  # the rest keeps its defaults
    e = _eval(ledger, D(2024, 7, 1), rules=rules)[("task", ids["t1"])]
    assert e.colour == "white"  # behind 29.9: only white under these rules
    monkeypatch.setenv("TAIZHANG_RULES", str(f))
    assert load_rules().source == str(f)
    for text, key in [("[yellow]\nbehind_points = 'x'\n", "yellow.behind_points"),
                      ("[red]\ncolour = 1\n", "red.colour"),
                      ("[reporting]\nfrequency = 'daily'\n", "reporting.frequency"),
                      ("[white]\nmissing_reports = 0\n", "white.missing_reports"),
                      ("[yellow\n", "")]:
        f.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            load_rules(f)
        assert info.value.path == str(f) and key in info.value.problem
    with pytest.raises(InputError, match="no such rules file"):
        load_rules(tmp_path / "absent.toml")


def test_quarterly_frequency(ledger, ids, tmp_path: Path) -> None:
    f = tmp_path / "rules.toml"
    f.write_text("[reporting]\nfrequency = 'quarterly'\n", encoding="utf-8")
    e = _eval(ledger, D(2024, 3, 10), rules=load_rules(f))[("task", ids["t1"])]
    assert e.missing_reports == 0 and e.colour is None
    e = _eval(ledger, D(2024, 7, 2), rules=load_rules(f))[("task", ids["t1"])]
    assert e.missing_reports == 2  # Q1 and Q2


def test_air_series_from_monitoring_file(ledger, ids, tmp_path: Path) -> None:
    """Three days of hourly PM2.5 (30, 50, 70 all day) → a year-to-date mean of 50, as of the last day."""
    from taizhang.track.indicators import load_series

    lines = ['"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","station"']
    n = 0
    for day, v in ((1, 30), (2, 50), (3, 70)):
        for h in range(24):
            n += 1
            lines.append(f'{n},2024,3,{day},{h},{v},{v + 20},5,20,500,40,"Teststation"')
    csv = tmp_path / "air.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with ledger.session() as s:
        inserted, updated = load_series(s, [csv], city_exclude=())
        assert inserted > 0 and updated == 0
        assert load_series(s, [csv], city_exclude=()) == (0, 0)
        bind(s, ids["g1"], "air:Teststation:PM2.5:annual_mean")
    e = _eval(ledger, D(2024, 4, 1))[("target", ids["g1"])]
    assert e.current == 50.0 and e.last_report == D(2024, 3, 3)


def test_one_subject_is_judged_as_in_the_whole(ledger, ids) -> None:
    """evaluate(subject=…) loads only what one task (with its targets' reports) or target needs, and
    judges it exactly as the whole-ledger evaluation does: reports on the task, on its targets, a bound
    series, before and after the as-of date."""
    _report(ledger, "t1a", D(2024, 3, 31), task=ids["t1"], percent=20)
    _report(ledger, "t1b", D(2024, 6, 30), task=ids["t1"], percent=35)
    _report(ledger, "t3a", D(2024, 4, 30), task=ids["t3"], percent=10)
    _report(ledger, "g2a", D(2024, 5, 31), target=ids["g2"], value=300)
    _report(ledger, "g2b", D(2024, 9, 30), target=ids["g2"], value=450)  # after the first as-of date
    _report(ledger, "g3a", D(2024, 6, 30), target=ids["g3"], value=1)
    with ledger.session() as s:
        bind(s, ids["g1"], "air:city:PM2.5:annual_mean")
        store_values(s, [SeriesValue("air:city:PM2.5:annual_mean", D(2023, 12, 31), 40.0),
                         SeriesValue("air:city:PM2.5:annual_mean", D(2024, 6, 30), 36.0)])
    for day in (D(2024, 7, 1), D(2024, 11, 30), D(2026, 1, 31)):
        whole = _eval(ledger, day)
        assert len(whole) == 6
        for (kind, sid), e in whole.items():
            for plan in (None, ids["plan"]):
                one = _eval(ledger, day, plan_id=plan, subject=(kind, sid))
                assert one[(kind, sid)] == e
                assert set(one) <= set(whole)
    assert _eval(ledger, D(2024, 7, 1), subject=("task", 10**6)) == {}
