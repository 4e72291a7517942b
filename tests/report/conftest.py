"""A small ledger for the report tests: one plan with three tasks and a target, three departments,
reports in and out of the month, and a red case closed and one still open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Case, Department, Target, Task
from taizhang.plan.model import Plan as PlanDoc
from taizhang.track.cases import advance, record
from taizhang.track.model import Evaluation
from taizhang.track.reports import add_report

D = dt.date
PLAN = {
    "title": "青溪县深入打好污染防治攻坚战实施方案",
    "region": "青溪县", "issuer": "青溪县人民政府", "issued": "2022-03-01", "status": "final",
    "period": [2022, 2025],
    "sections": [{"id": "1", "number": "一、", "title": "蓝天保卫战", "level": 1, "parent": None}],
    "tasks": [
        {"id": "1.1", "section": "1", "text": "推进燃煤锅炉淘汰", "lead": ["县生态环境局"],
         "support": ["县发改委"], "implementers": [], "deadlines": ["2024-06-30"]},
        {"id": "1.2", "section": "1", "text": "加强扬尘管控", "lead": ["县住建局"], "support": [],
         "implementers": ["各乡镇人民政府"], "deadlines": ["2024-12-31"]},
        {"id": "1.3", "section": "1", "text": "秸秆禁烧巡查", "lead": ["县农业农村局"], "support": [],
         "implementers": [], "deadlines": ["2024-05-31"]},
    ],
    "targets": [
        {"id": "t1", "task": "1", "indicator": "细颗粒物(PM2.5)年平均浓度", "scope": "全县", "op": "<=",
         "value": 35, "unit": "μg/m³", "kind": "level", "baseline_year": None, "deadline": "2025-12-31",
         "text": "PM2.5年平均浓度不高于35微克/立方米"},
    ],
}


@dataclass
class Small:
    tasks: list[int]
    target: int
    depts: dict[str, int]  # canonical name → id
    evaluations: list[Evaluation]


def _ev(kind: str, sid: int, label: str, lead: list[int], colour: str | None, status: str,
        expected: float | None, actual: float | None, reasons: list[str]) -> Evaluation:
    gap = None if expected is None or actual is None else expected - actual
    return Evaluation(subject_type=kind, subject_id=sid, plan_id=1, label=label, lead=lead,
                      deadline=D(2024, 6, 30), expected=expected, actual=actual, gap=gap, status=status,
                      colour=colour, reasons=reasons)


@pytest.fixture
def small(ledger) -> Small:  # type: ignore[no-untyped-def]
    with ledger.session("test") as s:
        import_plan(s, PlanDoc.from_dict(PLAN), source="plan.json")
        tasks = list(s.scalars(select(Task.id).order_by(Task.position)))
        target = s.scalar(select(Target.id))
        depts = {d.name: d.id for d in s.scalars(select(Department))}
    env, build, farm = depts["县生态环境局"], depts["县住房城乡建设局"], depts["县农业农村局"]
    evs = [
        _ev("task", tasks[0], "推进燃煤锅炉淘汰", [env], "red", "lagging", 90.0, 20.0, ["落后70个百分点"]),
        _ev("task", tasks[1], "加强扬尘管控", [build], "yellow", "lagging", 60.0, 35.0, ["落后25个百分点"]),
        _ev("task", tasks[2], "秸秆禁烧巡查", [farm], None, "done", 100.0, 100.0, []),
        _ev("target", target, "全县细颗粒物(PM2.5)年平均浓度 <= 35μg/m³", [env], "red", "overdue", 80.0, 40.0,
            ["已过截止日期未完成"]),
    ]
    with ledger.session("test") as s:
        add_report(s, task_id=tasks[0], as_of=D(2024, 5, 10), percent=20, reporter="张三", department_id=env)
        add_report(s, task_id=tasks[1], as_of=D(2024, 5, 20), percent=35, reporter="李四")  # no department
        add_report(s, target_id=target, as_of=D(2024, 5, 25), value=41.2, reporter="王五")
        add_report(s, task_id=tasks[2], as_of=D(2024, 4, 30), percent=100, reporter="赵六", department_id=farm)
        # cases: opened 2024-04-20 (due 05-20) closed 05-15 on time; opened 05-06 still open (due 06-05)
        record(s, [evs[0]], D(2024, 4, 20))
        case_id = s.scalar(select(Case.id))
        advance(s, case_id, "rectifying", actor="test", on=D(2024, 4, 25))
        advance(s, case_id, "pending_acceptance", actor="test", on=D(2024, 5, 10))
        advance(s, case_id, "closed", actor="test", on=D(2024, 5, 15))
        record(s, [evs[3]], D(2024, 5, 6))
    return Small(tasks, target, depts, evs)
