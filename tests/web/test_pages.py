"""Page flows: upload → preview with highlights → correct → confirm (audited); the public page."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from taizhang.ledger.models import AuditEntry, PlanVersion, Target
from taizhang.web.app import create_app
from taizhang.web.auth import add_user

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"


def _admin(ledger) -> TestClient:  # type: ignore[no-untyped-def]
    with ledger.session() as s:
        add_user(s, "admin", "correct-horse-1", "admin")
    c = TestClient(create_app(ledger))
    assert c.post("/login", data={"username": "admin", "password": "correct-horse-1"},
                  follow_redirects=False).status_code == 303
    return c


def _admin_with_example(ledger) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    """An admin client with the example plan uploaded and confirmed as extracted; and its CSRF token."""
    import html

    c = _admin(ledger)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/plans").text).group(1)
    preview = c.post("/plans/upload", data={"csrf": token}, files={"file": ("p.txt", EXAMPLE.read_bytes())}).text
    payload = re.search(r'<textarea name="payload" hidden>(.*?)</textarea>', preview, re.S).group(1)
    c.post("/plans/confirm", data={"csrf": token, "source": "p.txt", "payload": html.unescape(payload)})
    return c, token


def test_upload_correct_confirm(ledger) -> None:
    c = _admin(ledger)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/plans").text).group(1)
    r = c.post("/plans/upload", data={"csrf": token},
               files={"file": ("青溪县方案.txt", EXAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 200
    page = r.text
    assert page.count('<mark class="target"') >= 15  # every extracted target clause marked on the source
    assert '<mark class="dept"' in page
    payload = json.loads(re.search(r'<textarea name="payload" hidden>(.*?)</textarea>', page, re.S).group(1)
                         .replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")
                         .replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'"))
    pm = next(t for t in payload["targets"] if "PM2.5" in t["indicator"])
    form = {"csrf": token, "source": "青溪县方案.txt", "payload": json.dumps(payload, ensure_ascii=False),
            f"target-{pm['id']}-value": "30", f"target-{pm['id']}-deadline": "2025-12-31"}
    r = c.post("/plans/confirm", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/plans/")
    with ledger.session(write=False) as s:
        t = s.scalar(select(Target).where(Target.indicator.like("%PM2.5%")))
        assert float(t.value) == 30
        v = s.scalar(select(PlanVersion))
        assert v.content["corrections"] == [
            {"what": "target", "id": pm["id"], "field": "value", "old": pm["value"], "new": 30}]
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "target")).all()
        assert audit and all(a.actor == "admin" for a in audit)
    plan_page = c.get(r.headers["location"]).text
    assert "人工校正 1 处" in plan_page


def test_public_page_needs_no_login_and_hides_internal_notes(ledger) -> None:
    c, token = _admin_with_example(ledger)
    task_id = int(re.search(r'href="/tasks/(\d+)"', c.get("/plans/1").text).group(1))
    c.post("/reports", data={"csrf": token, "subject": f"task:{task_id}", "as_of": "2025-03-31",
                             "percent": "20", "narrative": "内部说明：资金尚未到位"})
    anon = TestClient(create_app(ledger))
    r = anon.get("/public")
    assert r.status_code == 200
    assert "细颗粒物" in r.text and "内部说明" not in r.text
    assert anon.get("/", follow_redirects=False).status_code == 303


def test_exports_download(ledger) -> None:
    import io

    import docx
    import openpyxl

    c, _ = _admin_with_example(ledger)
    xlsx = c.get("/export/ledger.xlsx?as_of=2025-06-30")
    assert xlsx.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"任务", "指标", "责任单位", "进度"} <= set(wb.sheetnames)
    word = c.get("/export/bulletin.docx?month=2025-06")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "调度通报" in text
    pdf = c.get("/export/bulletin.pdf?month=2025-06")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get("/export/bulletin.pdf?month=June").status_code == 422



def test_progress_chart_points_run_forward_in_time() -> None:
    """A target's chart merges its reports and its indicator series; the points run oldest first, so
    the line runs forward in time and the forecast segment starts at the newest value."""
    from types import SimpleNamespace

    from taizhang.web.pages import _chart

    reports = [SimpleNamespace(as_of=dt.date(2024, m, 28), value=v, percent=None) for m, v in ((2, 40), (8, 35))]
    series = [(dt.date(2024, 5, 31), 38), (dt.date(2024, 11, 30), 33)]
    chart = _chart(None, reports, "target", dt.date(2025, 12, 31), goal=30.0, series=series)
    assert [p[0] for p in chart["points"]] == ["2024-02-28", "2024-05-31", "2024-08-28", "2024-11-30"]
