"""The web app in a real browser: a department's report changes its task's colour, a plan goes through
upload → preview → correct → confirm, a case advances on the board, every page renders without JS
errors (charts as canvases), and the public page needs no login."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import AS_OF, ROOT

pytestmark = pytest.mark.slow
Q = f"as_of={AS_OF}"


def colour_of(row) -> str:  # type: ignore[no-untyped-def]
    badge = row.locator("[data-colour]")
    return badge.get_attribute("data-colour") if badge.count() else ""


def red_list(p) -> set[str]:  # type: ignore[no-untyped-def]
    p.goto(f"/?{Q}")
    return set(p.page.locator("#red-list tr[data-subject]").evaluate_all(
        "rows => rows.map(r => r.dataset.subject)"))


def test_department_report_changes_colour(open_page, tmp_path: Path) -> None:
    p = open_page()
    p.login("sthj")
    reds_before = red_list(p)
    p.shot("1-dashboard-before")
    assert p.goto(f"/dept?{Q}").status == 200
    rows = p.page.locator("#dept-tasks tr[data-task]")
    assert rows.count() > 0, "the department has no tasks"
    warned = [(rows.nth(i).get_attribute("data-task"), colour_of(rows.nth(i))) for i in range(rows.count())]
    warned = [(tid, c) for tid, c in warned if c in ("red", "yellow")]
    assert warned, "no red or yellow task of 县生态环境局 in the demo"
    # prefer a red task that is on the dashboard's red list
    task_id, before = next(((t, c) for t, c in warned if f"task:{t}" in reds_before), warned[0])
    p.shot("2-workbench-before")

    assert p.goto(f"/tasks/{task_id}?{Q}").status == 200
    evidence = tmp_path / "验收报告.txt"
    payload = "整改完成，验收合格。\n".encode() + bytes(range(256))
    evidence.write_bytes(payload)
    form = p.page.locator("form.report-form")
    assert form.locator("input[name=as_of]").input_value() == AS_OF
    form.locator("input[name=percent]").fill("100")
    form.locator("textarea[name=narrative]").fill("浏览器测试：全部完成")
    form.locator("input[name=files]").set_input_files(str(evidence))
    with p.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert f"/tasks/{task_id}" in p.page.url
    row = p.page.locator("#reports tr", has_text="浏览器测试：全部完成")
    assert row.count() == 1
    assert colour_of(p.page.locator("h1")) != before
    p.shot("3-task-after")

    link = row.locator("a[href^='/evidence/']")
    assert link.inner_text() == evidence.name
    with p.page.expect_download() as dl:
        link.click()
    assert Path(dl.value.path()).read_bytes() == payload

    p.goto(f"/dept?{Q}")
    after = colour_of(p.page.locator(f"#dept-tasks tr[data-task='{task_id}']"))
    assert after != before and after not in ("red", "yellow"), (task_id, before, after)
    states = p.page.locator("#dept-cases tr td:nth-child(2)").all_inner_texts()
    assert states and not any(re.fullmatch(r"[a-z_]+", st) for st in states), states  # labels, not codes
    p.shot("4-workbench-after")
    reds_after = red_list(p)
    if before == "red":
        assert f"task:{task_id}" not in reds_after
    assert len(reds_after) < len(reds_before) or before != "red"
    p.shot("5-dashboard-after")
    assert not p.errors, p.errors


def test_plan_upload_correct_confirm(open_page, tmp_path: Path) -> None:
    p = open_page()
    p.login("admin")
    p.goto("/plans")
    n_plans = p.page.locator("a[href^='/plans/']").count()
    title = "青溪县浏览器测试污染防治补充方案"
    text = (ROOT / "examples" / "plan.txt").read_text(encoding="utf-8").splitlines()
    text[0] = title  # a copy under another title: imported as a plan of its own
    upload = tmp_path / "补充方案.txt"
    upload.write_text("\n".join(text) + "\n", encoding="utf-8")
    p.page.set_input_files("form[action='/plans/upload'] input[name=file]", str(upload))
    with p.page.expect_navigation():
        p.page.click("form[action='/plans/upload'] button[type=submit]")
    assert p.page.locator("h1").inner_text() == f"提取预览：{title}"
    marks = p.page.locator("pre.doc mark.target")
    assert marks.count() >= 5 and p.page.locator("pre.doc mark.dept").count() >= 5
    p.shot("1-preview")

    # correct one target value in place: the PM2.5 target, 32 → 30
    pm = p.page.locator("tr[id^='row-']", has_text="PM2.5").first
    field = pm.locator("input.num")
    assert field.input_value() == "32"
    op = pm.locator("td").nth(2).inner_text().split()[0]
    field.fill("30")
    p.shot("2-corrected")
    with p.page.expect_navigation():
        p.page.click("#confirm")
    m = re.search(r"/plans/(\d+)\?imported=1$", p.page.url)
    assert m, p.page.url
    assert m.group(1) != "1"  # a new plan, not a version of the demo's plan
    assert p.page.locator("h1").inner_text() == title
    assert "人工校正 1 处" in p.page.locator("main").inner_text()
    pm_row = p.page.locator("tr", has=p.page.locator("a[href^='/targets/']", has_text="PM2.5"))
    assert pm_row.locator("td").nth(2).inner_text().startswith(f"{op} 30")
    p.shot("3-imported")
    p.goto("/plans")
    assert p.page.locator("a[href^='/plans/']").count() == n_plans + 1
    assert not p.errors, p.errors


def test_case_advances_with_comment(open_page) -> None:
    p = open_page()
    p.login("admin")
    p.goto(f"/cases?{Q}")
    card = p.page.locator(".case.card", has=p.page.locator("form")).first
    case_id = card.get_attribute("id")
    col_before = card.evaluate("el => el.closest('section.column').id")
    target = card.locator("select[name=to] option").first.get_attribute("value")
    p.shot("1-before")
    comment = f"浏览器测试督办意见 {case_id}"
    card.locator("select[name=to]").select_option(target)
    card.locator("input[name=reason]").fill(comment)
    with p.page.expect_navigation():
        card.locator("button").click()
    moved = p.page.locator(f"#{case_id}")
    col_after = moved.evaluate("el => el.closest('section.column').id")
    assert col_after == f"col-{target}" and col_after != col_before
    moved.locator("details summary").click()
    assert comment in moved.locator("details").inner_text()
    p.shot("2-after")
    assert not p.errors, p.errors


PAGES = ["/", "/plans", "/plans/1", "/tasks/{task}", "/targets/{target}", "/dept", "/dept?dept={dept}",
         "/cases", "/assess", "/monitor", "/public"]
CHARTS = {"/": ["#chart-status", "#chart-depts"], "/monitor": ["#aqi-calendar", "#good-ratio"],
          "/tasks/{task}": ["#progress-chart"], "/targets/{target}": ["#progress-chart"]}


@pytest.mark.parametrize("user", ["admin", "sthj"])
def test_every_page_renders(open_page, user: str) -> None:
    p = open_page()
    p.login(user)
    p.goto("/plans/1")
    ids = {"task": p.page.locator("a[href^='/tasks/']").first.get_attribute("href").rsplit("/", 1)[1],
           "target": p.page.locator("a[href^='/targets/']").first.get_attribute("href").rsplit("/", 1)[1]}
    p.goto("/")
    ids["dept"] = p.page.locator("#dept-table a").first.get_attribute("href").rsplit("=", 1)[1]
    for raw in PAGES:
        path = raw.format(**ids)
        sep = "&" if "?" in path else "?"
        resp = p.goto(f"{path}{sep}{Q}")
        assert resp.status == 200, (user, path, resp.status)
        assert "/login" not in p.page.url
        for sel in CHARTS.get(raw, []):
            p.page.wait_for_selector(f"{sel} canvas", state="attached", timeout=5000)
        step = re.sub(r"\W+", "_", raw.format(**ids)).strip("_") or "dashboard"
        p.shot(step)
        assert not p.errors, (user, path, p.errors)


def test_public_page_without_login(open_page) -> None:
    p = open_page()
    resp = p.goto("/public")
    assert resp.status == 200 and p.page.url.endswith("/public")
    assert p.page.locator("input[name=password]").count() == 0
    rows = p.page.locator("#public-targets tr")
    assert rows.count() > 10
    assert p.page.locator("#public-targets", has_text="PM2.5").count() == 1
    p.shot("public")
    # the internal pages still ask for a login
    p.goto("/")
    assert "/login" in p.page.url
    assert not p.errors, p.errors
