"""One input rule for every entry path, and no malformed input answered with a 500 (issue 10, item 6).

The web form, the API, the CLI and the department workbook accept and refuse the same reports, each
refusal a 4xx (or exit code 2) with a Chinese message; case steps may not be dated in the future;
malformed query parameters, upload names and preview bodies are 4xx answers in Chinese on every route,
the anonymous public page included; error messages never show the server's temporary paths.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from taizhang.ledger.models import Case, ProgressReport
from taizhang.track.workbook import COL, SHEET, write_template

TODAY = dt.date.today()
GOOD_DAY = TODAY - dt.timedelta(days=3)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HUGE = "99999999999999999999"  # beyond int64


def _chinese(s: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", s) is not None


def _count(ledger) -> int:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(ProgressReport))


# (name, fields that differ from a good report on a task, applies to the workbook)
BAD_REPORTS = [
    ("uid too long", {"uid": "a" * 65}, False),
    ("uid with a space", {"uid": "batch 1"}, False),
    ("uid not ASCII", {"uid": "编号一"}, False),
    ("uid with a control character", {"uid": "a\x01b"}, False),
    ("narrative with NUL", {"narrative": "进展\x00顺利"}, False),
    ("narrative with a control character", {"narrative": "进展\x07顺利"}, False),
    ("narrative with a lone surrogate", {"narrative": "进展\ud800"}, False),
    ("narrative too long", {"narrative": "长" * 10001}, False),
    ("as-of before 2000", {"as_of": "1999-12-31"}, True),
    ("as-of in the future", {"as_of": (TODAY + dt.timedelta(days=30)).isoformat()}, True),
    ("value on a task", {"value": 5}, True),
    ("percent above 100", {"percent": 101}, True),
]


def _workbook_refusal(ledger, browser, ids, fields: dict[str, object], tmp: Path):  # type: ignore[no-untyped-def]
    path = tmp / "eco.xlsx"
    with ledger.session(write=False) as s:
        write_template(s, "县生态环境局", path, as_of=GOOD_DAY)
    wb = load_workbook(path)
    ws = wb[SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=COL["键"]).value == f"task:{ids['eco_task']}")
    cells = {"截至日期": dt.date.fromisoformat(str(fields.get("as_of", GOOD_DAY.isoformat()))),
             "完成百分比(%)": fields.get("percent", 30), "数值": fields.get("value")}
    for col, v in cells.items():
        ws.cell(row=row, column=COL[col], value=v)
    wb.save(path)
    c = browser("eco")
    return c.post("/dept/import", data={"csrf": c.csrf}, files={"file": ("eco.xlsx", path.read_bytes(), XLSX)},
                  follow_redirects=False)


@pytest.mark.parametrize(("name", "fields", "in_workbook"), BAD_REPORTS, ids=[b[0] for b in BAD_REPORTS])
def test_one_report_rule_on_every_entry_path(site, ledger, ledger_url, browser, api, tmp_path, name, fields,
                                             in_workbook) -> None:
    from typer.testing import CliRunner

    from taizhang.cli import app as cli

    _, ids = site
    report = {"as_of": GOOD_DAY.isoformat(), "percent": 30, "narrative": "推进中", **fields}
    # the API
    body = {"task_id": ids["eco_task"], **report}
    r = api(ids["eco_token"]).post("/api/v1/reports", content=json.dumps(body),  # a lone surrogate as \ud800
                                   headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, ("api", r.status_code, r.text[:200])
    assert _chinese(json.dumps(r.json(), ensure_ascii=False)), ("api", r.text[:300])
    if any("\ud800" in str(v) for v in report.values()):  # no form or command line can carry it
        return
    # the web form
    c = browser("eco")
    form = {"csrf": c.csrf, "subject": f"task:{ids['eco_task']}",
            **{k: str(v) for k, v in report.items()}}
    r = c.post("/reports", data=form, follow_redirects=False)
    assert 400 <= r.status_code < 500 and _chinese(r.text), ("form", r.status_code, r.text[:300])
    # the CLI (a NUL cannot be passed as a program argument)
    if not any("\x00" in str(v) for v in report.values()):
        args = ["report", "add", "--db", ledger_url, "--task", str(ids["eco_task"]), "--dept", "县生态环境局",
                "--reporter", "eco"]
        for key, opt in (("as_of", "--as-of"), ("percent", "--percent"), ("value", "--value"),
                         ("narrative", "--narrative"), ("uid", "--uid")):
            if key in report:
                args += [opt, str(report[key])]
        r = CliRunner().invoke(cli, args)
        assert r.exit_code != 0 and _chinese(str(r.exception) + r.output), ("cli", r.output)
    # the workbook
    if in_workbook:
        r = _workbook_refusal(ledger, browser, ids, fields, tmp_path)
        assert r.status_code == 422 and re.search(r"第 \d+ 行：[^<]*[\u4e00-\u9fff]", r.text), ("workbook", r.status_code)
    assert _count(ledger) == 0
    # the rule refuses the field, not more: the same report at the edges of the rule is stored
    edge = {"task_id": ids["eco_task"], "as_of": "2000-01-01", "percent": 100, "narrative": "第一行\n第二行\t完成",
            "uid": "A-z.0_9:@+/-" + "x" * 52}
    r = api(ids["eco_token"]).post("/api/v1/reports", json=edge)
    assert r.status_code == 201, r.text
    assert _count(ledger) == 1


def test_a_malformed_report_form_is_refused(site, ledger, browser) -> None:
    _, ids = site
    c = browser("eco")
    good = {"csrf": c.csrf, "subject": f"task:{ids['eco_task']}", "as_of": GOOD_DAY.isoformat(), "percent": "5"}
    bad = [{"subject": "task:²"}, {"subject": f"task:{HUGE}"}, {"subject": "task:２"}, {"subject": "task:-1"},
           {"as_of": "2026-W01-1"}, {"as_of": GOOD_DAY.strftime("%Y%m%d")}, {"as_of": "２０２４-01-01"},
           {"percent": "٣"}, {"percent": "5%%"}, {"percent": "1e400"}, {"percent": "NaN"}]
    for change in bad:
        r = c.post("/reports", data={**good, **change}, follow_redirects=False)
        assert r.status_code == 422 and _chinese(r.text), (change, r.status_code)
    assert _count(ledger) == 0


def test_a_case_step_may_not_be_dated_in_the_future(site, ledger, api) -> None:
    from taizhang.track.cases import record
    from taizhang.track.evaluate import evaluate

    _, ids = site
    with ledger.session("test") as s:
        record(s, evaluate(s, GOOD_DAY), GOOD_DAY)
        case = s.scalar(select(Case).where(Case.department_id == ids["eco"]).order_by(Case.id))
        case_id = case.id
    c = api(ids["eco_token"])
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    r = c.post(f"/api/v1/cases/{case_id}/advance", json={"to": "rectifying", "on": later})
    assert r.status_code == 422 and _chinese(r.json()["detail"]), r.text
    r = c.post(f"/api/v1/cases/{case_id}/advance", json={"to": "rectifying", "reason": "整改\x07"})
    assert r.status_code == 422, r.text
    with ledger.session(write=False) as s:
        assert s.get(Case, case_id).state == "assigned"


PAGES = ["/", "/tasks/{eco_task}", "/targets/1", "/dept?dept={eco}", "/cases", "/assess", "/export/ledger.xlsx",
         "/public"]
MALFORMED = [
    *(f"{p}{'&' if '?' in p else '?'}as_of={d}" for p in PAGES for d in ("0001-01-01", "9999-12-31", "2024-02-30",
                                                                         "２０２４-01-01", "2024-1-1x")),
    *(f"/assess?year={y}" for y in ("0", "-1", "99999", "²", "２０２４", "1e3")),
    "/assess?year=2024&as_of=0001-01-01",
    *(f"/dept?dept={d}" for d in ("²", HUGE, "-1", "0")),
    *(f"/dept/template.xlsx?dept={d}" for d in ("²", HUGE)),
    *(f"/{kind}/{i}" for kind in ("plans", "tasks", "targets", "evidence") for i in (HUGE, "9223372036854775808",
                                                                                      "²", "0", "-1", "abc")),
    "/export/bulletin.docx?month=0000-00", "/export/bulletin.docx?month=2024-13",
    "/monitor?year=²", "/monitor?year=0",
]


def test_malformed_queries_answer_4xx_in_chinese(site, browser) -> None:
    _, ids = site
    admin = browser("admin")
    failures = []
    for raw in MALFORMED:
        path = raw.format(**ids)
        r = admin.get(path, follow_redirects=False)
        if not (400 <= r.status_code < 500 and _chinese(r.text)):
            failures.append((path, r.status_code, r.text[:80]))
    assert not failures, failures


def test_the_public_page_answers_malformed_dates_without_a_login(site, browser) -> None:
    anon = browser(None)
    for d in ("0001-01-01", "9999-12-31", "2024-13-01", "²"):
        r = anon.get(f"/public?as_of={d}")
        assert r.status_code == 422 and _chinese(r.text), (d, r.status_code)
    assert anon.get(f"/public?as_of={GOOD_DAY.isoformat()}").status_code == 200


def test_malformed_api_queries_answer_4xx(site, api) -> None:
    _, ids = site
    c = api(ids["admin_token"])
    for path in ("/api/v1/warnings?as_of=0001-01-01", "/api/v1/warnings?as_of=9999-12-31",
                 f"/api/v1/plans/{HUGE}", f"/api/v1/tasks/{HUGE}", "/api/v1/tasks/²", "/api/v1/scores?year=0",
                 f"/api/v1/reports?task_id={HUGE}", f"/api/v1/cases/{HUGE}/advance"):
        r = c.post(path, json={"to": "rectifying"}) if path.endswith("advance") else c.get(path)
        assert 400 <= r.status_code < 500 and _chinese(r.json()["detail"]), (path, r.status_code, r.text)


@pytest.mark.parametrize("name", [".", "..", "../..", "a/.."])
def test_uploads_with_no_file_name_are_refused(site, browser, name: str) -> None:
    admin, eco = browser("admin"), browser("eco")
    r = admin.post("/plans/upload", data={"csrf": admin.csrf}, files={"file": (name, b"plan", "text/plain")},
                   follow_redirects=False)
    assert 400 <= r.status_code < 500, (name, r.status_code)
    r = eco.post("/dept/import", data={"csrf": eco.csrf}, files={"file": (name, b"PK", XLSX)},
                 follow_redirects=False)
    assert 400 <= r.status_code < 500, (name, r.status_code)


@pytest.mark.parametrize("payload", [
    "{not json", "[1, 2]", '"plan"', '{"tasks": "x"}', '{"tasks": [{"id": 1}]}', '{"tasks": [null]}',
    '{"targets": [{"id": "g1", "task": null, "indicator": 5, "scope": null, "op": ">=", "value": "many",'
    ' "unit": null, "kind": "level", "baseline_year": null, "deadline": null, "text": "x"}]}',
    '{"period": "2021", "tasks": [{"id": "t1", "section": null, "text": "任务"}]}',
    '{"tasks": [{"id": "t1", "section": null, "text": "任务", "deadlines": ["not a date"]}]}',
    '{"tasks": [{"id": "t1", "section": null, "text": "任务", "lead": "县生态环境局"}]}',
])
def test_a_malformed_preview_body_is_refused(site, ledger, browser, payload: str) -> None:
    from taizhang.ledger.models import Plan

    admin = browser("admin")
    with ledger.session(write=False) as s:
        plans = s.scalar(select(func.count()).select_from(Plan))
    r = admin.post("/plans/confirm", data={"csrf": admin.csrf, "payload": payload, "source": "x.txt"},
                   follow_redirects=False)
    assert 400 <= r.status_code < 500 and _chinese(r.text), (r.status_code, r.text[:200])
    with ledger.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Plan)) == plans


FOURTEENTH = """某县“十四五”生态环境保护实施方案

一、主要任务
（一）推进污水处理设施建设。到2030年，新建污水管网50公里。（县住房城乡建设局牵头）
（二）加强工业污染治理。2030年底前完成重点企业提标改造。（县生态环境局牵头）
"""


def test_a_plan_whose_years_the_reader_cannot_place_does_not_crash(site, browser) -> None:
    from taizhang.plan.meta import find_period

    assert find_period("某县“十四五”生态环境保护实施方案", FOURTEENTH, [2030, 2030], None) == [2021, 2025]
    admin = browser("admin")
    r = admin.post("/plans/upload", data={"csrf": admin.csrf},
                   files={"file": ("十四五方案.txt", FOURTEENTH.encode(), "text/plain")}, follow_redirects=False)
    assert r.status_code == 200, (r.status_code, r.text[:300])


def test_error_messages_do_not_show_server_temp_paths(site, browser) -> None:
    admin = browser("admin")
    tmp = tempfile.gettempdir()
    for name, data in (("坏文件.docx", b"PK\x03\x04 not a docx"), ("坏文件.pdf", b"%PDF-1.4 broken"),
                       ("空.txt", b"")):
        r = admin.post("/plans/upload", data={"csrf": admin.csrf}, files={"file": (name, data)},
                       follow_redirects=False)
        assert 400 <= r.status_code < 500, (name, r.status_code)
        assert tmp not in r.text and name in r.text, (name, r.text[:300])
    eco = browser("eco")
    r = eco.post("/dept/import", data={"csrf": eco.csrf}, files={"file": ("填报表.xlsx", b"not a workbook", XLSX)},
                 follow_redirects=False)
    assert r.status_code == 422 and tmp not in r.text and "填报表.xlsx" in r.text, r.text[:300]
