"""Assessment: deductions, bonus, caps, veto and grades on the rubric, with a breakdown per item."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from taizhang.errors import InputError
from taizhang.ledger.models import Department, Score
from taizhang.track.assess import load_rubric, save_scores, score_year
from taizhang.track.cases import advance, record
from taizhang.track.model import Evaluation

D = dt.date


def _ev(sid: int, dept: int, *, kind: str = "target", status: str = "on_track", colour: str | None = None,
        deadline: dt.date = D(2024, 12, 31), actual: float | None = 50.0, label: str | None = None,
        missing: int = 0) -> Evaluation:
    return Evaluation(
        subject_type=kind, subject_id=sid, plan_id=1, label=label or f"指标{sid}", lead=[dept], deadline=deadline,
        expected=100.0, actual=actual, gap=None, status=status, colour=colour, reasons=[],
        missing_reports=missing,
    )


@pytest.fixture
def depts(ledger) -> tuple[int, int, int]:
    with ledger.session() as s:
        ds = [Department(name=n) for n in ("市生态环境局", "市住房城乡建设局", "市交通运输局")]
        s.add_all(ds)
        s.flush()
        return ds[0].id, ds[1].id, ds[2].id


def test_scores_with_breakdown(ledger, depts) -> None:
    eco, build, transport = depts
    evs = [
        # eco: two missed targets (one of them a veto indicator? no: plain ones), one red, one early
        _ev(1, eco, status="overdue", colour="red", actual=60.0, label="工业固废综合利用率 >= 90%"),
        _ev(2, eco, status="overdue", colour="red", actual=70.0, label="化学需氧量削减 >= 3895吨"),
        _ev(3, eco, status="on_track", actual=120.0, deadline=D(2025, 12, 31), label="新建污水管网 >= 50公里"),
        # build: one yellow task, three missing reports
        _ev(4, build, kind="task", status="lagging", colour="yellow", actual=30.0, missing=3),
        # transport: missed a veto indicator
        _ev(5, transport, status="overdue", colour="red", label="细颗粒物(PM2.5)年平均浓度 <= 30μg/m³"),
        # a target missed in another year does not count for 2024
        _ev(6, eco, status="overdue", colour=None, deadline=D(2023, 12, 31)),
    ]
    with ledger.session() as s:
        scores = {sc.department: sc for sc in score_year(s, evs, 2024)}
    eco_s = scores["市生态环境局"]
    items = {i.key: (i.count, i.points) for i in eco_s.items}
    assert items == {"missed_target": (2, -10.0), "red_warning": (2, -6.0), "target_met_early": (1, 1.0)}
    assert eco_s.total == 85.0 and eco_s.grade == "良好" and not eco_s.vetoed
    b = scores["市住房城乡建设局"]
    assert {i.key: i.points for i in b.items} == {"yellow_warning": -1.0, "missing_report": -1.5}
    assert b.total == 97.5 and b.grade == "优秀"
    t = scores["市交通运输局"]
    assert t.vetoed and t.grade == "不合格" and t.total == 92.0  # 100 − 5 (missed) − 3 (red)


def test_caps_and_overdue_cases_and_user_rubric(ledger, depts, tmp_path: Path) -> None:
    eco = depts[0]
    evs = [_ev(i, eco, status="overdue", colour="red", actual=0.0) for i in range(1, 13)]  # 12 missed
    with ledger.session() as s:
        record(s, evs[:2], D(2024, 1, 10))  # two cases, due 2024-02-09, never closed
        (sc,) = [x for x in score_year(s, evs, 2024) if x.department_id == eco]
    items = {i.key: (i.count, i.points) for i in sc.items}
    assert items["missed_target"] == (12, -40.0)  # capped at 40
    assert items["red_warning"] == (12, -30.0)  # capped at 30
    assert items["overdue_case"] == (2, -4.0)
    assert sc.total == 26.0 and sc.grade == "不合格"
    assert any(i.key == "veto" for i in sc.items)  # open > 90 days past due at year end
    rub = tmp_path / "rubric.toml"
    rub.write_text('[deductions.missed_target]\npoints = 1\ncap = 100\n[veto]\ncase_overdue_days = 400\n',
                   encoding="utf-8")
    with ledger.session() as s:
        (sc2,) = [x for x in score_year(s, evs, 2024, rubric=load_rubric(rub)) if x.department_id == eco]
        save_scores(s, 2024, [sc2])
    assert {i.key: i.points for i in sc2.items}["missed_target"] == -12.0
    assert not sc2.vetoed
    with ledger.session(write=False) as s:
        row = s.scalar(select(Score))
        assert float(row.total) == sc2.total and row.breakdown[0]["key"] == "missed_target"


def test_closed_case_on_time_is_not_deducted(ledger, depts) -> None:
    eco = depts[0]
    ev = _ev(1, eco, kind="task", status="lagging", colour="red")
    with ledger.session("sys") as s:
        record(s, [ev], D(2024, 5, 1))
        from taizhang.ledger.models import Case

        cid = s.scalar(select(Case.id))
        advance(s, cid, "rectifying", actor="u", on=D(2024, 5, 2))
        advance(s, cid, "pending_acceptance", actor="u", on=D(2024, 5, 20))
        advance(s, cid, "closed", actor="bureau", on=D(2024, 5, 25))
        (sc,) = score_year(s, [ev], 2024)
    assert "overdue_case" not in {i.key for i in sc.items}


def test_bad_rubric_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text("[deductions.red_warning]\npoints = -3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"deductions.red_warning.points"):
        load_rubric(bad)
    bad.write_text("full = [", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid TOML"):
        load_rubric(bad)
