"""Authority comes from the session, never from the payload (issue 10, item 1).

A department writes only as itself: the department and the reporter of a report are the signed-in
user's (the CLI's actor), whatever a workbook's hidden metadata, its 填报人 column or a JSON body say;
a report uid is a department's own idempotency key, and a uid reused with other content is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from taizhang.ledger.models import ProgressReport
from taizhang.track.workbook import COL, META_SHEET, SHEET, write_template

AS_OF = dt.date.today() - dt.timedelta(days=3)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chinese(s: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", s) is not None


def _count(ledger) -> int:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(ProgressReport))


def _reports(ledger) -> list[ProgressReport]:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        rows = s.scalars(select(ProgressReport).order_by(ProgressReport.id)).all()
        s.expunge_all()
        return list(rows)


def _workbook(ledger, dept: str, path: Path, fill: dict[str, dict[str, object]]) -> Path:  # type: ignore[no-untyped-def]
    """The department's template with rows filled in: key ("task:7") → {column: value}."""
    with ledger.session(write=False) as s:
        write_template(s, dept, path, as_of=AS_OF)
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = {ws.cell(row=r, column=COL["键"]).value: r for r in range(2, ws.max_row + 1)}
    for key, cells in fill.items():
        for col, v in cells.items():
            ws.cell(row=rows[key], column=COL[col], value=v)
    wb.save(path)
    return path


def _upload(c, path: Path, dept: int | None = None):  # type: ignore[no-untyped-def]
    url = "/dept/import" + (f"?dept={dept}" if dept else "")
    return c.post(url, data={"csrf": c.csrf}, files={"file": (path.name, path.read_bytes(), XLSX)},
                  follow_redirects=False)


def test_a_workbook_made_for_another_department_is_refused_row_by_row(site, ledger, browser, tmp_path) -> None:
    app, ids = site
    eco = browser("eco")
    # The water bureau's own workbook, a row filled in on its task, uploaded by the eco bureau's user.
    path = _workbook(ledger, "县水利局", tmp_path / "water.xlsx",
                     {f"task:{ids['water_task']}": {"完成百分比(%)": 100, "进展情况": "已全部完成", "填报人": "水利局王五"}})
    r = _upload(eco, path)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert re.search(r"第 \d+ 行：[^<]*县水利局", r.text) and _chinese(r.text)
    assert _count(ledger) == 0
    # The admin, too, imports for the water bureau only when it says so, and only as that bureau.
    admin = browser("admin")
    assert _upload(admin, path).status_code == 422  # no department chosen
    assert _upload(admin, path, ids["eco"]).status_code == 422  # the wrong one
    assert _count(ledger) == 0
    assert _upload(admin, path, ids["water"]).status_code == 303
    (rep,) = _reports(ledger)
    assert (rep.department_id, rep.task_id, rep.reporter) == (ids["water"], ids["water_task"], "admin")


def test_the_hidden_metadata_does_not_choose_the_department(site, ledger, browser, tmp_path) -> None:
    app, ids = site
    # The eco bureau's workbook, its hidden metadata and one row rewritten to be the water bureau's.
    path = _workbook(ledger, "县生态环境局", tmp_path / "eco.xlsx", {})
    wb = load_workbook(path)
    meta = wb[META_SHEET]
    for row in meta.iter_rows(min_row=1, max_col=2):
        if row[0].value == "department_id":
            row[1].value = ids["water"]
        if row[0].value == "department":
            row[1].value = "县水利局"
    ws = wb[SHEET]
    ws.cell(row=2, column=COL["键"], value=f"task:{ids['water_task']}")
    ws.cell(row=2, column=COL["类型"], value="任务")
    ws.cell(row=2, column=COL["编号"], value=ids["water_task"])
    ws.cell(row=2, column=COL["完成百分比(%)"], value=100)
    ws.cell(row=2, column=COL["进展情况"], value="已全部完成")
    wb.save(path)
    r = _upload(browser("eco"), path)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert "第 2 行：" in r.text
    assert _count(ledger) == 0


def test_the_reporter_column_does_not_override_the_signed_in_user(site, ledger, browser, tmp_path) -> None:
    app, ids = site
    path = _workbook(ledger, "县生态环境局", tmp_path / "eco.xlsx",
                     {f"task:{ids['eco_task']}": {"完成百分比(%)": 40, "填报人": "县长"}})
    r = _upload(browser("eco"), path)
    assert r.status_code == 303, r.text[:300]
    (rep,) = _reports(ledger)
    assert (rep.reporter, rep.department_id) == ("eco", ids["eco"])


def test_the_cli_imports_for_the_department_it_names(site, ledger, ledger_url, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from taizhang.cli import app as cli

    _, ids = site
    monkeypatch.setenv("TAIZHANG_USER", "局办公室")
    path = _workbook(ledger, "县水利局", tmp_path / "water.xlsx",
                     {f"task:{ids['water_task']}": {"完成百分比(%)": 60, "填报人": "别人"}})
    runner = CliRunner()
    r = runner.invoke(cli, ["report", "import", str(path), "--db", ledger_url])
    assert r.exit_code == 2 and "--dept" in r.stderr and _chinese(r.stderr), r.output
    r = runner.invoke(cli, ["report", "import", str(path), "--dept", "县生态环境局", "--db", ledger_url])
    assert r.exit_code == 2 and "县水利局" in r.stderr, r.output
    assert _count(ledger) == 0
    r = runner.invoke(cli, ["report", "import", str(path), "--dept", "县水利局", "--db", ledger_url])
    assert r.exit_code == 0, r.output
    (rep,) = _reports(ledger)
    assert (rep.department_id, rep.reporter) == (ids["water"], "局办公室")


def test_a_uid_is_the_departments_own(site, ledger, api) -> None:
    _, ids = site
    eco, water = api(ids["eco_token"]), api(ids["water_token"])
    day = AS_OF.isoformat()
    r1 = eco.post("/api/v1/reports", json={"task_id": ids["eco_task"], "as_of": day, "percent": 40, "uid": "batch-1"})
    r2 = water.post("/api/v1/reports", json={"task_id": ids["water_task"], "as_of": day, "percent": 70,
                                             "uid": "batch-1"})
    assert (r1.status_code, r2.status_code) == (201, 201)
    assert r1.json()["created"] and r2.json()["created"]  # water's report is not eco's, though the uid is
    assert r2.json()["task_id"] == ids["water_task"] and r2.json()["department_id"] == ids["water"]
    got = {(r.department_id, r.task_id, r.uid) for r in _reports(ledger)}
    assert got == {(ids["eco"], ids["eco_task"], "batch-1"), (ids["water"], ids["water_task"], "batch-1")}


def test_a_uid_again_with_other_content_is_refused(site, ledger, api, browser) -> None:
    _, ids = site
    eco = api(ids["eco_token"])
    body = {"task_id": ids["eco_task"], "as_of": AS_OF.isoformat(), "percent": 33.3333, "narrative": "推进中",
            "uid": "retry-1"}
    first = eco.post("/api/v1/reports", json=body)
    again = eco.post("/api/v1/reports", json=body)  # a retry after a timeout: the stored report
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and not again.json()["created"]
    other = eco.post("/api/v1/reports", json={**body, "percent": 90})
    assert other.status_code == 409 and _chinese(other.json()["detail"]), other.text
    # the web form keeps the same rule
    c = browser("eco")
    form = {"csrf": c.csrf, "subject": f"task:{ids['eco_task']}", "as_of": AS_OF.isoformat(), "percent": "50",
            "uid": "form-1"}
    assert c.post("/reports", data=form, follow_redirects=False).status_code == 303
    assert c.post("/reports", data=form, follow_redirects=False).status_code == 303
    r = c.post("/reports", data={**form, "percent": "55"}, follow_redirects=False)
    assert r.status_code == 409 and _chinese(r.text)
    assert sorted((float(r.percent), r.uid) for r in _reports(ledger)) == [(33.333, "retry-1"), (50.0, "form-1")]


def test_a_json_body_cannot_name_its_reporter_or_department(site, ledger, api) -> None:
    _, ids = site
    eco = api(ids["eco_token"])
    base = {"task_id": ids["eco_task"], "as_of": AS_OF.isoformat(), "percent": 10}
    for extra in ({"reporter": "县长"}, {"department_id": ids["water"]}):
        r = eco.post("/api/v1/reports", json={**base, **extra})
        assert r.status_code == 422, (extra, r.status_code)
    assert _count(ledger) == 0


def test_the_uid_migration_keeps_every_report_and_scopes_uids(ledger_url) -> None:
    """Down to 0002 (uids global), two reports with evidence, then up again: all kept, uids per department."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from taizhang.ledger.db import MIGRATIONS, make_engine, migrate

    engine = make_engine(ledger_url)
    with engine.connect() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
        conn.commit()
    insert = ("INSERT INTO progress_report (id, uid, task_id, department_id, as_of, narrative, reporter, created_at)"
              " VALUES (:id, :uid, 1, :dept, '2024-01-31', '', 'x', '2024-02-01')")
    with engine.begin() as c:
        c.execute(text("INSERT INTO department (id, name, created_at) VALUES (1, '甲局', '2024-01-01'), "
                       "(2, '乙局', '2024-01-01')"))
        c.execute(text("INSERT INTO plan (id, key, created_at) VALUES (1, 'p', '2024-01-01')"))
        c.execute(text("INSERT INTO task (id, plan_id, key, text, position, removed, deadline_defaulted) "
                       "VALUES (1, 1, 't', '任务', 1, false, false)"))
        c.execute(text(insert), {"id": 1, "uid": "u-1", "dept": 1})
        c.execute(text(insert), {"id": 2, "uid": "u-2", "dept": None})
        c.execute(text("INSERT INTO evidence (id, report_id, filename, media_type, sha256, size, content) "
                       "VALUES (1, 1, 'a.pdf', 'application/pdf', 'x', 1, :b)"), {"b": b"%"})
    migrate(engine)
    with engine.begin() as c:
        c.execute(text(insert), {"id": 3, "uid": "u-1", "dept": 2})  # another department's u-1
        assert c.execute(text("SELECT id, uid FROM progress_report ORDER BY id")).all() == [
            (1, "u-1"), (2, "u-2"), (3, "u-1")]
        assert c.execute(text("SELECT report_id FROM evidence")).scalar() == 1
    for dept, uid in ((1, "u-1"), (None, "u-2")):  # the same department's uid again, also with none
        try:
            with engine.begin() as c:
                c.execute(text(insert), {"id": 9, "uid": uid, "dept": dept})
            raise AssertionError(f"{uid} stored twice for department {dept}")
        except IntegrityError:
            pass
    engine.dispose()
