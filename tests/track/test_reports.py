"""`taizhang report add | list | bind`: evidence with checksums, idempotent uids, bindings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from taizhang.errors import InputError
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Department, Evidence, ProgressReport, Target, Task
from taizhang.plan.model import Plan
from taizhang.plan.model import Target as TargetDoc
from taizhang.plan.model import Task as TaskDoc
from taizhang.track.cli import report_app
from taizhang.track.reports import verify_evidence

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(report_app, name="report")
    app.command("noop")(lambda: None)
    return app


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(_app(), ["report", *args], catch_exceptions=True)


@pytest.fixture
def ids(ledger) -> dict[str, int]:  # type: ignore[no-untyped-def]
    doc = Plan(title="测试县水污染防治方案", region="测试县", period=[2024, 2025],
               tasks=[TaskDoc(id="t1", section=None, text="建设污水管网", lead=["测试县住房城乡建设局"])],
               targets=[TargetDoc(id="g1", task="t1", indicator="新建污水管网", scope=None, op=">=", value=50,
                                  unit="公里", kind="increase", baseline_year=None, deadline="2025-12-31",
                                  text="新建污水管网50公里")])
    with ledger.session() as s:
        import_plan(s, doc, source="t.json")
        return {"task": s.scalar(select(Task.id)), "target": s.scalar(select(Target.id)),
                "dept": s.scalar(select(Department.id))}


def test_add_with_evidence_round_trips(ledger, ledger_url: str, ids, tmp_path: Path) -> None:
    photo = tmp_path / "现场照片.jpg"
    payload = bytes(range(256)) * 40 + "管网".encode()
    photo.write_bytes(payload)
    memo = tmp_path / "验收.pdf"
    memo.write_bytes(b"%PDF-1.4 test")
    r = _run("add", "--db", ledger_url, "--target", str(ids["target"]), "--as-of", "2024-06-30", "--value", "12.5",
             "--narrative", "完成12.5公里", "--evidence", str(photo), "--evidence", str(memo),
             "--reporter", "张三", "--dept", "测试县住建局", "--uid", "u-1")
    assert r.exit_code == 0, r.output
    assert "stored: report" in r.output and "2 evidence files" in r.output
    with ledger.session(write=False) as s:
        rep = s.scalar(select(ProgressReport).where(ProgressReport.uid == "u-1"))
        assert rep.target_id == ids["target"] and float(rep.value) == 12.5 and rep.reporter == "张三"
        assert rep.department_id == ids["dept"]  # 住建局 is an alias of the registry's 住房城乡建设局
        ev = {e.filename: e for e in rep.evidence}
        assert ev["现场照片.jpg"].content == payload
        assert ev["现场照片.jpg"].sha256 == hashlib.sha256(payload).hexdigest()
        assert ev["现场照片.jpg"].size == len(payload) and ev["现场照片.jpg"].media_type == "image/jpeg"
        assert ev["验收.pdf"].media_type == "application/pdf"
        assert all(verify_evidence(e) for e in rep.evidence)

    # the same uid again from the same department with the same content: nothing new is stored
    same = ["add", "--db", ledger_url, "--target", str(ids["target"]), "--as-of", "2024-06-30", "--value", "12.5",
            "--narrative", "完成12.5公里", "--evidence", str(photo), "--evidence", str(memo),
            "--reporter", "张三", "--dept", "测试县住建局", "--uid", "u-1"]
    r = _run(*same)
    assert r.exit_code == 0 and "already stored" in r.output, r.output
    # with other content it is refused, not silently dropped
    r = _run(*[("99" if a == "12.5" else a) for a in same])
    assert isinstance(r.exception, InputError) and "已用于" in str(r.exception)
    with ledger.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 1
        assert s.scalar(select(func.count()).select_from(Evidence)) == 2

    # without a uid the content decides: the same report twice is stored once
    for _ in range(2):
        r = _run("add", "--db", ledger_url, "--task", str(ids["task"]), "--as-of", "2024-06-30", "--percent", "30",
                 "--reporter", "李四")
        assert r.exit_code == 0, r.output
    with ledger.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 2

    r = _run("list", "--db", ledger_url, "--json")
    rows = json.loads(r.output)
    assert [(x["subject"], x["evidence"]) for x in rows] == [(f"task:{ids['task']}", 0),
                                                              (f"target:{ids['target']}", 2)]
    r = _run("list", "--db", ledger_url, "--target", str(ids["target"]))
    assert r.exit_code == 0 and "value 12.5" in r.output and "evidence 2" in r.output


def test_add_rejects_bad_input_and_stores_nothing(ledger, ledger_url: str, ids, tmp_path: Path) -> None:
    cases = [
        (["--task", str(ids["task"]), "--target", str(ids["target"]), "--percent", "5"], "一项任务或一项指标"),
        (["--task", "9999", "--percent", "5"], "没有编号为 9999 的任务"),
        (["--task", str(ids["task"]), "--percent", "120"], "0 到 100 之间"),
        (["--task", str(ids["task"]), "--value", "abc"], "不是数字"),
        (["--task", str(ids["task"]), "--percent", "5", "--as-of", "2024/06/30"], "not a date"),
        (["--task", str(ids["task"]), "--percent", "5", "--dept", "不存在局"], "no department"),
        (["--task", str(ids["task"]), "--percent", "5", "--evidence", str(tmp_path / "none.pdf")], "no such"),
    ]
    for args, problem in cases:
        r = _run("add", "--db", ledger_url, "--reporter", "x", *args)
        assert isinstance(r.exception, InputError), (args, r.output)
        assert problem in str(r.exception)
    with ledger.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_bind_and_unbind(ledger, ledger_url: str, ids) -> None:
    r = _run("bind", "--db", ledger_url, str(ids["target"]), "air:city:good_ratio")
    assert r.exit_code == 0 and "bound to air:city:good_ratio" in r.output
    with ledger.session(write=False) as s:
        assert s.get(Target, ids["target"]).series == "air:city:good_ratio"
    r = _run("bind", "--db", ledger_url, str(ids["target"]), "air:city:PM2.5:mean")
    assert isinstance(r.exception, InputError)
    r = _run("bind", "--db", ledger_url, str(ids["target"]), "--unbind")
    assert r.exit_code == 0 and "unbound" in r.output
    with ledger.session(write=False) as s:
        assert s.get(Target, ids["target"]).series is None
    r = _run("bind", "--db", ledger_url, "12345", "air:city:good_ratio")
    assert isinstance(r.exception, InputError) and "no target" in str(r.exception)
