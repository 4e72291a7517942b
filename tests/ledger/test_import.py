"""Importing plans: idempotent, versioned (draft → final), diffs, defaulted deadlines, the registry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import (
    Assignment,
    AuditEntry,
    Department,
    Plan,
    PlanLink,
    PlanVersion,
    Target,
    Task,
)
from taizhang.ledger.versions import diff
from taizhang.plan.model import Plan as PlanDoc

DRAFT = {
    "title": "青溪县深入打好污染防治攻坚战实施方案（征求意见稿）",
    "region": "青溪县", "issuer": "青溪县人民政府", "issued": "2022-03-01", "status": "draft",
    "period": [2022, 2025],
    "sections": [{"id": "1", "number": "一、", "title": "蓝天保卫战", "level": 1, "parent": None}],
    "tasks": [
        {"id": "1.1", "section": "1", "text": "推进燃煤锅炉淘汰", "lead": ["县环保局"],
         "support": ["县发改委", "县市场监管局"], "implementers": [], "deadlines": ["2023-12-31"]},
        {"id": "1.2", "section": "1", "text": "加强扬尘管控", "lead": ["县住建局"], "support": [],
         "implementers": ["各乡镇人民政府"], "deadlines": []},
        {"id": "1.3", "section": "1", "text": "秸秆禁烧", "lead": ["县农业农村局"], "support": [],
         "implementers": [], "deadlines": []},
    ],
    "targets": [
        {"id": "t1", "task": "1", "indicator": "细颗粒物(PM2.5)年平均浓度", "scope": "全县", "op": "<=",
         "value": 35, "unit": "μg/m³", "kind": "level", "baseline_year": None, "deadline": "2025-12-31",
         "text": "PM2.5年平均浓度不高于35微克/立方米"},
        {"id": "t2", "task": "1", "indicator": "空气质量优良天数比率", "scope": "全县", "op": ">=",
         "value": 85, "unit": "%", "kind": "level", "baseline_year": None, "deadline": None,
         "text": "优良天数比率达到85%"},
    ],
}


def _final() -> dict:
    d = json.loads(json.dumps(DRAFT))
    d["title"] = "青溪县深入打好污染防治攻坚战实施方案"
    d["status"] = "final"
    d["issued"] = "2022-06-01"
    d["tasks"][0]["support"] = ["县发展和改革委员会"]  # one supporter dropped (alias of the same one)
    d["tasks"][1]["deadlines"] = ["2024-06-30"]  # a deadline added
    del d["tasks"][2]  # a task removed
    d["tasks"].append({"id": "1.4", "section": "1", "text": "推进柴油货车治理", "lead": ["县公安局"],
                       "support": ["县交通局"], "implementers": [], "deadlines": []})
    d["targets"][0]["value"] = 33  # tightened
    d["targets"].append({"id": "t3", "task": "1", "indicator": "重污染天数", "scope": "全县", "op": "<=",
                         "value": 2, "unit": "天", "kind": "level", "baseline_year": None,
                         "deadline": "2025-12-31", "text": "重污染天数控制在2天以内"})
    return d


def _counts(session) -> dict[str, int]:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Plan, PlanVersion, Task, Target, Assignment, Department, AuditEntry)}


def test_reimport_changes_nothing(ledger) -> None:
    doc = PlanDoc.from_dict(DRAFT)
    with ledger.session("alice") as s:
        r1 = import_plan(s, doc, source="draft.json")
    with ledger.session(write=False) as s:
        before = _counts(s)
    with ledger.session("alice") as s:
        r2 = import_plan(s, PlanDoc.from_dict(DRAFT), source="draft-again.json")
    with ledger.session(write=False) as s:
        after = _counts(s)
    assert r1.created_plan and r1.created_version
    assert not r2.created_version and r2.version == 1
    assert before == after


def test_defaulted_deadline_and_registry(ledger) -> None:
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(DRAFT), source="draft.json")
    with ledger.session(write=False) as s:
        t2 = s.scalar(select(Target).where(Target.indicator == "空气质量优良天数比率"))
        assert t2.deadline == dt.date(2025, 12, 31) and t2.deadline_defaulted
        t1 = s.scalar(select(Target).where(Target.indicator.like("%PM2.5%")))
        assert t1.deadline == dt.date(2025, 12, 31) and not t1.deadline_defaulted
        task = s.scalar(select(Task).where(Task.key == "1.1"))
        names = {(a.role, a.department.name) for a in task.assignments}
        assert ("lead", "县生态环境局") in names  # 县环保局 → its post-2018 name
        assert ("support", "县发展改革委") in names
        assert [m.due for m in task.milestones] == [dt.date(2023, 12, 31)]
        # every assignment points at a registry entry, written name kept
        assert {a.written_as for a in task.assignments} == {"县环保局", "县发改委", "县市场监管局"}


def test_draft_then_final_makes_a_version_and_diff(ledger) -> None:
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(DRAFT), source="draft.json")
    with ledger.session() as s:
        r = import_plan(s, PlanDoc.from_dict(_final()), source="final.json")
    assert r.version == 2 and r.applied and not r.created_plan
    with ledger.session(write=False) as s:
        plan = s.scalar(select(Plan))
        assert [v.status for v in plan.versions] == ["draft", "final"]
        a, b, changes = diff(s, plan)
        removed = s.scalar(select(Task).where(Task.key == "1.3"))
        assert removed.removed
        t1 = s.scalar(select(Target).where(Target.indicator.like("%PM2.5%")))
        assert float(t1.value) == 33
    got = {(c.what, c.key, c.change): c.fields for c in changes}
    assert ("task", "1.4", "added") in got
    assert ("task", "1.3", "removed") in got
    assert got[("task", "1.1", "changed")] == {"support": (["县发改委", "县市场监管局"], ["县发展和改革委员会"])}
    assert got[("task", "1.2", "changed")] == {"deadlines": ([], ["2024-06-30"])}
    assert got[("target", "1|细颗粒物(PM2.5)年平均浓度|全县", "changed")] == {"value": (35, 33)}
    assert ("target", "1|重污染天数|全县", "added") in got
    assert len(changes) == 6


def test_draft_after_final_is_kept_but_not_applied(ledger) -> None:
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(_final()), source="final.json")
    with ledger.session() as s:
        r = import_plan(s, PlanDoc.from_dict(DRAFT), source="draft.json")
    assert r.created_version and not r.applied
    with ledger.session(write=False) as s:
        t1 = s.scalar(select(Target).where(Target.indicator.like("%PM2.5%")))
        assert float(t1.value) == 33


def test_cli_imports_seeds_and_reimports_without_change(ledger_url: str, shared: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    seeds = sorted(str(p) for p in (shared / "seeds").glob("*.txt"))
    env = {"TAIZHANG_DATABASE_URL": ledger_url}
    r1 = runner.invoke(app, ["ledger", "import", *seeds], env=env)
    assert r1.exit_code == 0, r1.output
    assert r1.output.count("new plan") == 5
    r2 = runner.invoke(app, ["ledger", "import", *seeds], env=env)
    assert r2.exit_code == 0 and r2.output.count("unchanged") == 5
    lst = runner.invoke(app, ["ledger", "list", "--json"], env=env)
    rows = json.loads(lst.output)
    assert len(rows) == 5 and all(r["tasks"] > 30 and r["targets"] > 20 for r in rows)
    # 003 (安康市) cites the central 意见 in its preamble: recorded as a link, parent not imported
    ankang = next(r for r in rows if "安康" in r["key"])
    assert any("深入打好污染防治攻坚战的意见" in t for t in ankang["implements"])
    # diff of a pair made from a seed: change one target value in a copy of its plan.json
    out = runner.invoke(app, ["extract", seeds[3]])
    doc = json.loads(out.output)
    doc["targets"][0]["value"] = doc["targets"][0]["value"] + 1
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r3 = runner.invoke(app, ["ledger", "import", str(changed)], env=env)
    assert "new version 2" in r3.output, r3.output
    d = runner.invoke(app, ["ledger", "diff", "安康", "--json"], env=env)
    changes = json.loads(d.output)["changes"]
    assert [c["change"] for c in changes] == ["changed"] and list(changes[0]["fields"]) == ["value"]


def test_bad_file_imports_nothing(ledger_url: str, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(DRAFT, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = CliRunner().invoke(app, ["ledger", "import", str(good), str(bad)],
                           env={"TAIZHANG_DATABASE_URL": ledger_url})
    assert r.exit_code == 2
    from taizhang.ledger.db import Ledger

    lg = Ledger(ledger_url)
    with lg.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == 0
    lg.close()


def test_links_resolve_when_parent_is_imported(ledger) -> None:
    parent = json.loads(json.dumps(_final()))
    parent.update(title="某市深入打好污染防治攻坚战实施方案", region="某市")
    child = json.loads(json.dumps(DRAFT))
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(child), source="c.json", cites=["某市深入打好污染防治攻坚战实施方案"])
        link = s.scalar(select(PlanLink))
        assert link.parent_id is None
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(parent), source="p.json")
        link = s.scalar(select(PlanLink))
        assert link.parent_id is not None
