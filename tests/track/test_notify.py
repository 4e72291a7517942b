"""Reminders to departments: what is due soon (in working days) and red, the DingTalk/WeCom robot
bodies and DingTalk's signature checked on a local stub server, e-mail on a local SMTP stub, and one
department failing while the others are sent."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from taizhang.errors import InputError
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Department, Milestone, Task
from taizhang.plan.model import Plan as PlanDoc
from taizhang.track.model import Evaluation
from taizhang.track.notify import (
    SmtpSettings,
    channels,
    compose,
    dingtalk_sign,
    due_soon_and_red,
    masked,
    notify,
)

D = dt.date
AS_OF = D(2024, 9, 27)  # a Friday: Sunday 09-29 is worked (调休), 10-01..10-07 is the National Day holiday
SECRET = "SEC0123456789abcdef"


# ---------------------------------------------------------------------------------------- stub servers
class Robot(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]]

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = urllib.parse.urlsplit(self.path)
        self.server.calls.append({"path": parts.path, "query": dict(urllib.parse.parse_qsl(parts.query)),  # type: ignore[attr-defined]
                                  "content_type": self.headers["Content-Type"], "body": json.loads(body)})
        if parts.path == "/bad":
            answer, status = {"errcode": 93000, "errmsg": "invalid webhook url"}, 200
        elif parts.path == "/boom":
            answer, status = {}, 500
        else:
            answer, status = {"errcode": 0, "errmsg": "ok"}, 200
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.calls = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, SmtpSettings]]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, SmtpSettings(host="127.0.0.1", port=port, sender="taizhang@example.org")
    controller.stop()


# ---------------------------------------------------------------------------------------- the ledger
NAMES = ["市生态环境局", "市住房城乡建设局", "市交通运输局", "市水利局", "市农业农村局", "市城市管理局"]


def _ev(sid: int, label: str, lead: int, deadline: dt.date, *, colour: str | None = None, status: str = "lagging",
        reasons: list[str] | None = None, kind: str = "task") -> Evaluation:
    return Evaluation(subject_type=kind, subject_id=sid, plan_id=1, label=label, lead=[lead], deadline=deadline,
                      expected=50.0, actual=10.0, gap=40.0, status=status, colour=colour, reasons=reasons or [])


@pytest.fixture
def setup(ledger, robot):  # type: ignore[no-untyped-def]
    base = f"http://127.0.0.1:{robot.server_address[1]}"
    closed = f"http://127.0.0.1:{_free_port()}/send"
    hooks = [
        {"kind": "dingtalk", "url": f"{base}/ding?access_token=tok1", "secret": SECRET},
        {"kind": "wecom", "url": f"{base}/wecom?key=k2"},
        {"kind": "email", "to": ["a@example.org", "b@example.org"]},
        None,
        {"kind": "wecom", "url": f"{base}/bad?key=k5"},
        {"kind": "dingtalk", "url": closed},
    ]
    with ledger.session("test") as s:
        ids = []
        for name, hook in zip(NAMES, hooks, strict=True):
            d = Department(name=name, webhook=hook)
            s.add(d)
            s.flush()
            ids.append(d.id)
    env, build, trans, water, farm, city = ids
    evs = [
        _ev(1, "推进燃煤锅炉淘汰", env, D(2024, 6, 30), colour="red", status="overdue", reasons=["已过截止日期未完成"]),
        _ev(2, "加强扬尘管控", env, D(2024, 10, 7)),  # 2 working days left (09-29, 09-30)
        _ev(3, "完成港口岸电改造", env, D(2024, 10, 9)),  # 4 working days: not yet
        _ev(4, "已办完的事", env, D(2024, 9, 30), status="done"),
        _ev(5, "建筑工地扬尘在线监测全覆盖", build, D(2024, 9, 30), colour="red", reasons=["落后40个百分点"]),
        _ev(6, "淘汰国三及以下柴油货车", trans, D(2024, 12, 31), colour="red", reasons=["缺报 2 期"]),
        _ev(7, "河道清淤", water, D(2024, 10, 8), colour="red", reasons=["缺报 2 期"]),
        _ev(8, "秸秆综合利用", farm, D(2024, 12, 31), colour="red", reasons=["落后30个百分点"]),
        _ev(9, "餐饮油烟治理", city, D(2024, 12, 31), colour="red", reasons=["落后30个百分点"]),
    ]
    return ids, evs


EXPECTED_DING_TEXT = (
    "### 台账提醒：市生态环境局\n\n"
    "截至 2024-09-27：红色预警 1 项，另有 1 项将在 3 个工作日内到期。\n\n"
    "**红色预警**\n\n"
    "1. [任务] 推进燃煤锅炉淘汰（时限 2024-06-30）：已过截止日期未完成\n\n"
    "**即将到期**\n\n"
    "1. [任务] 加强扬尘管控（时限 2024-10-07，还剩 2 个工作日）"
)


def test_due_soon_counts_working_days(ledger, setup) -> None:  # type: ignore[no-untyped-def]
    ids, evs = setup
    with ledger.session(write=False) as s:
        todo = due_soon_and_red(s, AS_OF, evaluations=evs)
    env = todo[ids[0]]
    assert [(i.subject_id, i.red, i.due_in) for i in env] == [(1, True, None), (2, False, 2)]
    # red and due soon at once: one item, flagged both ways
    assert [(i.subject_id, i.red, i.due_in) for i in todo[ids[1]]] == [(5, True, 2)]
    with ledger.session(write=False) as s:  # with 4 working days the 10-09 deadline comes in
        assert [i.subject_id for i in due_soon_and_red(s, AS_OF, days=4, evaluations=evs)[ids[0]]] == [1, 2, 3]


def test_milestones_of_open_tasks_are_reminded(ledger) -> None:  # type: ignore[no-untyped-def]
    plan = {"title": "某县方案", "region": "某县", "status": "final", "period": [2024, 2025], "sections": [],
            "tasks": [{"id": "1", "section": None, "text": "建设污水管网", "lead": ["县水利局"], "support": [],
                       "implementers": [], "deadlines": ["2025-12-31"]}], "targets": []}
    with ledger.session("test") as s:
        import_plan(s, PlanDoc.from_dict(plan), source="p.json")
        task = s.scalar(select(Task))
        s.add(Milestone(task_id=task.id, due=D(2024, 10, 8), text="完成管网招标"))
        s.add(Milestone(task_id=task.id, due=D(2024, 10, 10), text="开工"))
        dept = task.assignments[0].department_id
        tid = task.id
    ev = _ev(tid, "建设污水管网", dept, D(2025, 12, 31))
    with ledger.session(write=False) as s:
        items = due_soon_and_red(s, AS_OF, evaluations=[ev])[dept]
        assert [(i.subject_type, i.label, i.due_in) for i in items] == [
            ("milestone", "建设污水管网：完成管网招标", 3)]
        done = _ev(tid, "建设污水管网", dept, D(2025, 12, 31))
        done.status = "done"
        assert due_soon_and_red(s, AS_OF, evaluations=[done]) == {}


def test_sends_robot_bodies_signature_and_mail(ledger, setup, robot, smtp) -> None:  # type: ignore[no-untyped-def]
    ids, evs = setup
    box, settings = smtp
    before = int(time.time() * 1000)
    with ledger.session(write=False) as s:
        results = notify(s, AS_OF, evaluations=evs, smtp=settings, timeout=5)
    after = int(time.time() * 1000)
    by = {r.department: r for r in results}
    assert {k: (r.channel, r.status) for k, r in by.items()} == {
        "市生态环境局": ("dingtalk", "sent"), "市住房城乡建设局": ("wecom", "sent"), "市交通运输局": ("email", "sent"),
        "市水利局": (None, "skipped"), "市农业农村局": ("wecom", "failed"), "市城市管理局": ("dingtalk", "failed")}
    assert "93000" in by["市农业农村局"].reason and "invalid webhook url" in by["市农业农村局"].reason
    assert "cannot reach" in by["市城市管理局"].reason
    assert by["市生态环境局"].items == 2

    calls = {c["path"]: c for c in robot.calls}
    assert set(calls) == {"/ding", "/wecom", "/bad"}
    ding = calls["/ding"]
    assert ding["content_type"] == "application/json; charset=utf-8"
    assert ding["body"] == {"msgtype": "markdown",
                            "markdown": {"title": "台账提醒：市生态环境局", "text": EXPECTED_DING_TEXT}}
    q = ding["query"]
    assert q["access_token"] == "tok1" and before <= int(q["timestamp"]) <= after
    mac = hmac.new(SECRET.encode(), f"{q['timestamp']}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert q["sign"] == base64.b64encode(mac).decode()  # parse_qsl has undone the URL-encoding
    assert calls["/wecom"]["query"] == {"key": "k2"}
    assert calls["/wecom"]["body"] == {"msgtype": "markdown", "markdown": {"content": (
        "### 台账提醒：市住房城乡建设局\n\n截至 2024-09-27：红色预警 1 项，另有 0 项将在 3 个工作日内到期。\n\n**红色预警**\n\n"
        "1. [任务] 建筑工地扬尘在线监测全覆盖（时限 2024-09-30，还剩 2 个工作日）：落后40个百分点")}}

    (env,) = box.envelopes
    assert env.mail_from == "taizhang@example.org" and env.rcpt_tos == ["a@example.org", "b@example.org"]
    mail = email.message_from_bytes(env.original_content, policy=email.policy.default)
    assert mail["Subject"] == "台账提醒：市交通运输局"
    body = mail.get_body(("plain",))
    assert body.get_content_charset() == "utf-8"
    assert "1. [任务] 淘汰国三及以下柴油货车（时限 2024-12-31）：缺报 2 期" in body.get_content()


def test_dry_run_sends_nothing(ledger, setup, robot, smtp) -> None:  # type: ignore[no-untyped-def]
    ids, evs = setup
    box, settings = smtp
    with ledger.session(write=False) as s:
        results = notify(s, AS_OF, evaluations=evs, smtp=settings, dry_run=True)
    assert robot.calls == [] and box.envelopes == []
    assert sorted(r.status for r in results) == ["dry-run"] * 5 + ["skipped"]
    assert all(r.message and r.message.title.startswith("台账提醒") for r in results)


def test_http_error_and_timeout_are_failures(ledger, robot) -> None:  # type: ignore[no-untyped-def]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never answers
    base = f"http://127.0.0.1:{robot.server_address[1]}"
    with ledger.session("test") as s:
        a = Department(name="甲局", webhook={"kind": "wecom", "url": f"{base}/boom"})
        b = Department(name="乙局", webhook={"kind": "wecom", "url": f"http://127.0.0.1:{silent.getsockname()[1]}/"})
        s.add_all([a, b])
        s.flush()
        evs = [_ev(1, "甲事", a.id, D(2024, 1, 1), colour="red"), _ev(2, "乙事", b.id, D(2024, 1, 1), colour="red")]
    try:
        with ledger.session(write=False) as s:
            results = {r.department: r for r in notify(s, AS_OF, evaluations=evs, timeout=0.5)}
    finally:
        silent.close()
    assert results["甲局"].status == "failed" and "HTTP 500" in results["甲局"].reason
    reason = results["乙局"].reason
    assert results["乙局"].status == "failed" and ("timed out" in reason or "no answer" in reason)


def test_messages_fit_the_robot_limits() -> None:
    from taizhang.track.notify import LIMITS, Item

    items = [Item("task", i, f"第{i}项重点任务：加快推进某某工程建设并按期完成验收", D(2024, 6, 30), red=True,
                  reasons=["已过截止日期未完成"]) for i in range(300)]
    msg = compose("市生态环境局", items, AS_OF, 3, LIMITS["wecom"])
    assert len(msg.markdown.encode()) <= LIMITS["wecom"]
    assert "项未列出" in msg.markdown and "1. [任务] 第0项重点任务" in msg.markdown
    full = compose("市生态环境局", items, AS_OF, 3)
    assert "未列出" not in full.plain and full.plain.count("[任务]") == 300


def test_dingtalk_sign_vector() -> None:
    mac = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    assert dingtalk_sign("SECabc", 1700000000000) == urllib.parse.quote_plus(base64.b64encode(mac).decode())


def test_channel_config_is_checked() -> None:
    assert channels(None) == []
    assert channels({"kind": "email", "to": "a@example.org"}) == [{"kind": "email", "to": ["a@example.org"]}]
    assert len(channels([{"kind": "wecom", "url": "https://x/send?key=1"}, {"kind": "email", "to": ["a@b.c"]}])) == 2
    for bad in ({"kind": "sms"}, {"kind": "dingtalk"}, {"kind": "dingtalk", "url": "ftp://x"},
                {"kind": "email", "to": []}, {"kind": "email", "to": ["nobody"]}, "https://x",
                {"kind": "wecom", "url": "https://x", "secret": "s"}):
        with pytest.raises(InputError):
            channels(bad)
    shown = masked({"kind": "dingtalk", "url": "https://x/robot/send?access_token=abcdef123", "secret": "SECxyz789"})
    assert "abcdef123" not in json.dumps(shown) and "SECxyz789" not in json.dumps(shown)


def test_notify_commands(ledger, ledger_url, robot) -> None:  # type: ignore[no-untyped-def]
    from taizhang.report.cli import notify_app

    plan = {"title": "某县方案", "region": "某县", "status": "final", "period": [2024, 2025], "sections": [],
            "tasks": [{"id": "1", "section": None, "text": "建设污水管网", "lead": ["县水利局"], "support": [],
                       "implementers": [], "deadlines": ["2024-10-08"]}], "targets": []}
    with ledger.session("test") as s:
        import_plan(s, PlanDoc.from_dict(plan), source="p.json")
    run = CliRunner().invoke
    url = f"http://127.0.0.1:{robot.server_address[1]}/ding?access_token=tok9"
    r = run(notify_app, ["set", "县水利局", "--kind", "dingtalk", "--url", url, "--secret", SECRET, "--db", ledger_url])
    assert r.exit_code == 0, r.output
    assert "tok9" not in r.output and SECRET not in r.output
    r = run(notify_app, ["set", "县水利局", "--kind", "wecom", "--db", ledger_url])
    assert isinstance(r.exception, InputError)
    r = run(notify_app, ["show", "--db", ledger_url])
    assert r.output.startswith("县水利局: ")
    r = run(notify_app, ["--as-of", "2024-09-27", "--dry-run", "--json", "--db", ledger_url])
    assert r.exit_code == 0, r.output
    (out,) = json.loads(r.output)
    assert (out["department"], out["channel"], out["status"]) == ("县水利局", "dingtalk", "dry-run")
    assert "建设污水管网（时限 2024-10-08，还剩 3 个工作日）" in out["text"]
    assert robot.calls == []
    r = run(notify_app, ["--as-of", "2024-09-27", "--db", ledger_url])
    assert r.exit_code == 0, r.output
    assert "sent" in r.output and len(robot.calls) == 1
    r = run(notify_app, ["set", "县水利局", "--clear", "--db", ledger_url])
    assert r.exit_code == 0
    r = run(notify_app, ["--as-of", "2024-09-27", "--db", ledger_url])
    assert "skipped" in r.output and len(robot.calls) == 1
