"""The data of the monthly bulletin: counts, lists, departments, reports and cases of the month."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.errors import InputError
from taizhang.report.bulletin import build_bulletin, period_of

D = dt.date


def test_period_of() -> None:
    assert period_of("2024-05") == (D(2024, 5, 1), D(2024, 5, 31))
    assert period_of("2024-2") == (D(2024, 2, 1), D(2024, 2, 29))
    assert period_of(D(2024, 5, 17)) == (D(2024, 5, 1), D(2024, 5, 17))
    assert period_of("2024-05-17") == (D(2024, 5, 1), D(2024, 5, 17))
    for bad in ("2024-13", "May", "2024/05"):
        with pytest.raises(InputError):
            period_of(bad)


def test_the_month_under_way_is_as_of_today_not_its_last_day(ledger, small) -> None:  # type: ignore[no-untyped-def]
    assert period_of("2024-05", today=D(2024, 5, 20)) == (D(2024, 5, 1), D(2024, 5, 20))
    assert period_of("2024-05", today=D(2024, 7, 2)) == (D(2024, 5, 1), D(2024, 5, 31))
    today = dt.date.today()
    with ledger.session(write=False) as s:
        b = build_bulletin(s, f"{today:%Y-%m}", small.evaluations)
    assert (b.period_start, b.as_of) == (today.replace(day=1), today)


def test_the_issuing_body_is_the_plans_regions_office(ledger, small) -> None:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        assert build_bulletin(s, "2024-05", small.evaluations).issuer == "青溪县污染防治攻坚战领导小组办公室"
        assert build_bulletin(s, "2024-05", small.evaluations, issuer="市攻坚办").issuer == "市攻坚办"


def test_bulletin_of_a_month(ledger, small) -> None:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        b = build_bulletin(s, "2024-05", small.evaluations)
    assert (b.period_start, b.as_of, b.issue) == (D(2024, 5, 1), D(2024, 5, 31), "2024年第5期")
    assert (b.tasks, b.targets) == (3, 1)
    assert b.tasks_by_status["lagging"] == 2 and b.tasks_by_status["done"] == 1
    assert b.tasks_by_colour == {"white": 0, "yellow": 1, "red": 1, "none": 1}
    assert b.targets_by_colour["red"] == 1
    assert b.status_colour["lagging"] == {"white": 0, "yellow": 1, "red": 1, "none": 0}
    assert b.reports_in_period == 3  # the April report is not this month's
    assert (b.cases_opened, b.cases_closed, b.cases_open) == (1, 1, 1)
    assert b.schedule == (2, 2, 100.0)  # one closed on time, one open and not yet due
    assert [r.label for r in b.red] == ["推进燃煤锅炉淘汰", "全县细颗粒物(PM2.5)年平均浓度 <= 35μg/m³"]
    assert b.red[0].lead == "县生态环境局" and b.red[0].plan == "青溪县深入打好污染防治攻坚战实施方案"
    assert [r.label for r in b.yellow] == ["加强扬尘管控"]
    rows = {d.name: d for d in b.departments}
    assert [d.name for d in b.departments][0] == "县生态环境局"  # the most red first
    env = rows["县生态环境局"]
    # its own report and the target's report without a department (the target is led by it)
    assert (env.subjects, env.red, env.yellow, env.reports, env.open_cases) == (2, 2, 0, 2, 1)
    assert (env.mean_expected, env.mean_actual) == (85.0, 30.0)
    # a report without a department counts for the lead department of its subject
    assert rows["县住房城乡建设局"].reports == 1 and rows["县住房城乡建设局"].yellow == 1
    assert (rows["县农业农村局"].done, rows["县农业农村局"].reports) == (1, 0)


def test_bulletin_up_to_a_day(ledger, small) -> None:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        b = build_bulletin(s, D(2024, 5, 12), small.evaluations)
    assert b.reports_in_period == 1  # only the report of 05-10
    assert (b.cases_opened, b.cases_closed, b.cases_open) == (1, 0, 2)


def test_bulletin_evaluates_the_ledger_itself(ledger, small) -> None:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        b = build_bulletin(s, "2024-05")
    assert (b.tasks, b.targets) == (3, 1)
    assert {d.name for d in b.departments} == {"县生态环境局", "县住房城乡建设局", "县农业农村局"}
