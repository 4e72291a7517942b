"""The Excel ledger: four sheets whose rows are the live tasks, targets, departments and reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from taizhang.ledger.models import Department, ProgressReport, Target, Task
from taizhang.report.cli import export_app
from taizhang.report.ledger_xlsx import write_ledger

D = dt.date
SHEETS = ["任务", "指标", "责任单位", "进度"]


def test_small_ledger_rows_and_values(ledger, small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        out = write_ledger(s, tmp_path / "台账.xlsx", D(2024, 5, 31), small.evaluations)
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    tasks = [[c.value for c in r] for r in wb["任务"].iter_rows(min_row=2)]
    assert [r[3] for r in tasks] == ["推进燃煤锅炉淘汰", "加强扬尘管控", "秸秆禁烧巡查"]
    first = dict(zip([c.value for c in wb["任务"][1]], tasks[0], strict=True))
    assert first["章节"] == "一、蓝天保卫战" and first["牵头单位"] == "县生态环境局"
    assert first["配合单位"] == "县发展改革委" and first["完成时限"] == dt.datetime(2024, 6, 30)
    assert (first["状态"], first["预警"], first["序时进度(%)"], first["实际进度(%)"]) == ("进度滞后", "红色", 90.0, 20.0)
    assert wb["任务"]["K2"].fill.fgColor.rgb.endswith("F8D0D0")  # the red cell is shaded
    assert tasks[1][6] == "各乡镇人民政府"
    target = dict(zip([c.value for c in wb["指标"][1]], [c.value for c in wb["指标"][2]], strict=True))
    assert (target["指标"], target["关系"], target["目标值"], target["单位"]) == (
        "细颗粒物(PM2.5)年平均浓度", "<=", 35, "μg/m³")
    assert (target["进度(%)"], target["预警"]) == (40.0, "红色")
    depts = {r[0].value: [c.value for c in r] for r in wb["责任单位"].iter_rows(min_row=2)}
    assert "县住建局" in depts["县住房城乡建设局"][1].split("、")  # the name as written is an alias
    assert depts["县住房城乡建设局"][2:] == [1, 0, 0, 0]
    assert depts["县生态环境局"][2:] == [1, 0, 0, 1]
    reports = [[c.value for c in r] for r in wb["进度"].iter_rows(min_row=2)]
    assert [(r[0].date(), r[2], r[4], r[6]) for r in reports] == [
        (D(2024, 4, 30), "任务", "县农业农村局", 100.0), (D(2024, 5, 10), "任务", "县生态环境局", 20.0),
        (D(2024, 5, 20), "任务", None, 35.0), (D(2024, 5, 25), "指标", None, None)]
    assert reports[3][5] == 41.2


def test_seed_import_row_counts(ledger, ledger_url, shared, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from taizhang.ledger.cli import load_plan
    from taizhang.ledger.importer import import_plan

    seeds = sorted((shared / "seeds").glob("*.txt"))[:2]
    imported = {"tasks": 0, "targets": 0}
    with ledger.session("test") as s:
        for path in seeds:
            doc, cites = load_plan(path)
            r = import_plan(s, doc, source=path.name, cites=cites)
            imported["tasks"] += r.counts.get("tasks_added", len(doc.tasks))
            imported["targets"] += len(doc.targets)
        task = s.scalar(select(Task.id).order_by(Task.id))
        from taizhang.track.reports import add_report

        add_report(s, task_id=task, as_of=D(2024, 5, 2), percent=50, reporter="test")
        add_report(s, task_id=task, as_of=D(2024, 6, 2), percent=60, reporter="test")
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(export_app, ["ledger", "--out", str(out), "--as-of", "2024-06-30",
                                             "--db", ledger_url])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == SHEETS
    rows = {name: wb[name].max_row - 1 for name in SHEETS}
    with ledger.session(write=False) as s:
        live_tasks = s.scalar(select(func.count()).select_from(Task).where(Task.removed.is_(False)))
        live_targets = s.scalar(select(func.count()).select_from(Target).where(Target.removed.is_(False)))
        live_depts = s.scalar(select(func.count()).select_from(Department).where(
            Department.merged_into_id.is_(None)))
        reports = s.scalar(select(func.count()).select_from(ProgressReport))
    assert live_tasks == sum(len(load_plan(p)[0].tasks) for p in seeds) and live_tasks > 50
    assert live_targets == sum(len(load_plan(p)[0].targets) for p in seeds) and live_targets > 20
    assert rows == {"任务": live_tasks, "指标": live_targets, "责任单位": live_depts, "进度": reports}
    assert live_depts > 10 and reports == 2
    statuses = {r[9] for r in wb["任务"].iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"已完成", "序时推进", "进度滞后", "逾期未完成", "未报送"} and statuses


def test_export_rejects_a_wrong_suffix(ledger_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from taizhang.errors import InputError

    result = CliRunner().invoke(export_app, ["ledger", "--out", str(tmp_path / "x.csv"), "--db", ledger_url])
    assert isinstance(result.exception, InputError)
    result = CliRunner().invoke(export_app, ["bulletin", "--month", "2024-05", "--out", str(tmp_path / "x.txt"),
                                             "--db", ledger_url])
    assert isinstance(result.exception, InputError) and "docx or pdf" in str(result.exception)
    assert list(tmp_path.glob("x.*")) == []


def test_export_bulletin_command(ledger_url, small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "b.docx"
    result = CliRunner().invoke(export_app, ["bulletin", "--month", "2024-05", "--out", str(out),
                                             "--title", "青溪县污染防治攻坚战调度通报", "--db", ledger_url])
    assert result.exit_code == 0, result.output
    from docx import Document

    assert Document(str(out)).paragraphs[0].text == "青溪县污染防治攻坚战调度通报"
