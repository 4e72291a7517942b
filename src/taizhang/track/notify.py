"""Reminders: each lead department is sent its red items and what falls due within a few working days.

Channels are configured per department in `Department.webhook` (one object or a list of them):

    {"kind": "dingtalk", "url": "https://…/robot/send?access_token=…", "secret": "SEC…"}   钉钉群机器人
    {"kind": "wecom", "url": "https://…/cgi-bin/webhook/send?key=…"}                        企业微信群机器人
    {"kind": "email", "to": ["a@example.org"], "host": "…", "port": 25, "from": "…"}          plain e-mail

A DingTalk robot with 加签 (a secret) gets `&timestamp=<ms>&sign=<base64 HMAC-SHA256 of
"timestamp\\nsecret" keyed by the secret, URL-encoded>`. Robots get a markdown message
(DingTalk: {"msgtype": "markdown", "markdown": {"title", "text"}}; WeCom: {"msgtype": "markdown",
"markdown": {"content"}}), cut to fit their size limits; e-mail is UTF-8 plain text over SMTP, whose
server comes from the channel's host/port/from, else $TAIZHANG_SMTP_HOST, _PORT, _FROM, _USER,
_PASSWORD, _STARTTLS (passwords are never stored in the ledger). Every department gets its own result
(sent, failed with the reason, skipped when it has no channel); one failing does not stop the others.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import Department, Milestone
from taizhang.track.model import Evaluation
from taizhang.track.workdays import add_workdays, workdays_between

KINDS = ("dingtalk", "wecom", "email")
DEFAULT_DAYS = 3
TIMEOUT = 10.0  # seconds, for each webhook call and SMTP connection
# Robots refuse longer messages: WeCom markdown content is limited to 4096 bytes, DingTalk to ~20000.
LIMITS = {"dingtalk": 18000, "wecom": 4000, "email": 1_000_000}
SUBJECT = {"task": "任务", "target": "指标", "milestone": "节点"}


# ---------------------------------------------------------------------------------------- config
def channels(config: Any, where: str = "webhook") -> list[dict[str, Any]]:
    """The channels of a department's config (an object or a list), checked; InputError when malformed."""
    if config is None:
        return []
    items = config if isinstance(config, list) else [config]
    out = []
    for c in items:
        if not isinstance(c, dict):
            raise InputError(where, f"a channel must be an object, not {type(c).__name__}")
        kind = c.get("kind")
        if kind not in KINDS:
            raise InputError(where, f"unknown channel kind {kind!r}; one of {', '.join(KINDS)}")
        if kind == "email":
            to = c.get("to")
            if isinstance(to, str):
                to = [to]
            if not to or not all(isinstance(a, str) and "@" in a for a in to):
                raise InputError(where, "an email channel needs \"to\": a list of addresses")
            c = {**c, "to": list(to)}
        else:
            url = c.get("url")
            if not isinstance(url, str) or urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise InputError(where, f"a {kind} channel needs an http(s) \"url\"")
            if kind == "wecom" and c.get("secret"):
                raise InputError(where, "a WeCom robot has no secret (its key is in the url)")
        out.append(c)
    return out


def set_channels(session: Session, department: str, config: Any) -> Department:
    """Store a department's channels (None clears them)."""
    from taizhang.ledger.departments import find

    dept = find(session, department)
    if dept is None:
        raise InputError(department, "no such department in the registry")
    checked = channels(config, department)
    dept.webhook = None if not checked else checked[0] if len(checked) == 1 else checked
    session.flush()
    return dept


def _hide(v: str) -> str:
    return v[:3] + "***" if len(v) > 8 else "***"


def masked(config: Any) -> Any:
    """A config for display: secrets and URL keys/tokens hidden."""
    def one(c: dict[str, Any]) -> dict[str, Any]:
        c = dict(c)
        if c.get("secret"):
            c["secret"] = _hide(c["secret"])
        if isinstance(c.get("url"), str):
            parts = urllib.parse.urlsplit(c["url"])
            q = [(k, _hide(v) if k in ("access_token", "key") else v) for k, v in
                 urllib.parse.parse_qsl(parts.query)]
            c["url"] = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q, safe="*")))
        return c
    if config is None:
        return None
    return [one(c) for c in config] if isinstance(config, list) else one(config)


# ---------------------------------------------------------------------------------------- what to send
@dataclass
class Item:
    subject_type: str  # task | target | milestone
    subject_id: int
    label: str
    deadline: dt.date | None
    red: bool = False
    due_in: int | None = None  # working days left when due soon, else None
    reasons: list[str] = field(default_factory=list)


def due_soon_and_red(
    session: Session, as_of: dt.date, *, days: int = DEFAULT_DAYS, evaluations: list[Evaluation] | None = None,
) -> dict[int, list[Item]]:
    """Per lead department: red items, and unfinished ones (and milestones) due within `days` working days."""
    if evaluations is None:
        from taizhang.track.evaluate import evaluate

        evaluations = evaluate(session, as_of)
    limit = add_workdays(as_of, days)

    def soon(d: dt.date | None) -> bool:
        return d is not None and as_of <= d <= limit

    out: dict[int, list[Item]] = defaultdict(list)
    open_tasks: dict[int, Evaluation] = {}
    for ev in evaluations:
        if ev.subject_type == "task" and ev.status != "done":
            open_tasks[ev.subject_id] = ev
        due = ev.status != "done" and soon(ev.deadline)
        if ev.colour != "red" and not due:
            continue
        item = Item(ev.subject_type, ev.subject_id, ev.label, ev.deadline, red=ev.colour == "red",
                    due_in=workdays_between(as_of, ev.deadline) if due and ev.deadline else None,
                    reasons=list(ev.reasons) if ev.colour == "red" else [])
        for d in ev.lead:
            out[d].append(item)
    if open_tasks:
        q = select(Milestone).where(Milestone.due >= as_of, Milestone.due <= limit).order_by(Milestone.due)
        for m in session.scalars(q):
            ev = open_tasks.get(m.task_id)
            if ev is None:
                continue
            label = f"{ev.label}：{m.text}" if m.text else ev.label
            for d in ev.lead:
                out[d].append(Item("milestone", m.id, label, m.due, due_in=workdays_between(as_of, m.due)))
    for items in out.values():
        items.sort(key=lambda i: (not i.red, i.deadline or dt.date.max, i.subject_type, i.subject_id))
    return dict(out)


@dataclass
class Message:
    title: str
    markdown: str
    plain: str


def _line(i: int, item: Item, markdown: bool) -> str:
    kind = SUBJECT.get(item.subject_type, item.subject_type)
    when = f"时限 {item.deadline.isoformat()}" if item.deadline else "无时限"
    if item.due_in is not None:
        when += f"，还剩 {item.due_in} 个工作日" if item.due_in > 0 else "，今日到期"
    why = f"：{'；'.join(item.reasons)}" if item.reasons else ""
    label = item.label.replace("\n", " ")
    return f"{i}. [{kind}] {label}（{when}）{why}" if markdown else f"  {i}. [{kind}] {label}（{when}）{why}"


def compose(department: str, items: list[Item], as_of: dt.date, days: int, limit: int = LIMITS["email"]) -> Message:
    """The reminder for one department; lists are cut (with a count of what was left out) to fit `limit` bytes."""
    red = [i for i in items if i.red]
    due = [i for i in items if not i.red]
    title = f"台账提醒：{department}"
    head = f"截至 {as_of.isoformat()}：红色预警 {len(red)} 项，另有 {len(due)} 项将在 {days} 个工作日内到期。"

    def build(keep: int) -> tuple[str, str]:
        md = [f"### {title}", "", head]
        txt = [title, "", head]
        left = keep
        for name, group in (("红色预警", red), ("即将到期", due)):
            if not group:
                continue
            shown = group[:max(0, left)]
            left -= len(shown)
            md += ["", f"**{name}**", ""] + [_line(n, it, True) for n, it in enumerate(shown, 1)]
            txt += ["", f"{name}："] + [_line(n, it, False) for n, it in enumerate(shown, 1)]
            if len(shown) < len(group):
                more = f"……其余 {len(group) - len(shown)} 项未列出，请登录台账查看。"
                md.append(more)
                txt.append("  " + more)
        return "\n".join(md), "\n".join(txt) + "\n"

    keep = len(items)
    md, txt = build(keep)
    while keep > 0 and len(md.encode()) > limit:
        keep = max(0, min(keep - 1, int(keep * limit / len(md.encode()))))
        md, txt = build(keep)
    return Message(title, md, txt)


# ---------------------------------------------------------------------------------------- sending
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(url: str, secret: str | None, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


def robot_body(kind: str, msg: Message) -> dict[str, Any]:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": msg.title, "text": msg.markdown}}
    return {"msgtype": "markdown", "markdown": {"content": msg.markdown}}


def post_json(url: str, body: dict[str, Any], timeout: float = TIMEOUT) -> None:
    """POST a robot message; raises RuntimeError with a short reason unless the robot says errcode 0."""
    req = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise RuntimeError(f"cannot reach the robot: {e.reason}") from None
    except TimeoutError:
        raise RuntimeError(f"no answer within {timeout:g} s") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise RuntimeError(f"not a JSON answer: {raw[:80]!r}") from None
    if not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        code = answer.get("errcode") if isinstance(answer, dict) else None
        text = answer.get("errmsg", "") if isinstance(answer, dict) else answer
        raise RuntimeError(f"robot refused: errcode {code} {text}")


@dataclass
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    sender: str = "taizhang@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpSettings:
        e = os.environ if env is None else env
        return cls(host=e.get("TAIZHANG_SMTP_HOST", "localhost"), port=int(e.get("TAIZHANG_SMTP_PORT", "25")),
                   sender=e.get("TAIZHANG_SMTP_FROM", "taizhang@localhost"), username=e.get("TAIZHANG_SMTP_USER"),
                   password=e.get("TAIZHANG_SMTP_PASSWORD"),
                   starttls=e.get("TAIZHANG_SMTP_STARTTLS", "") not in ("", "0", "false", "no"))


def send_email(channel: dict[str, Any], msg: Message, smtp: SmtpSettings, timeout: float = TIMEOUT) -> None:
    mail = EmailMessage()
    mail["Subject"] = msg.title
    mail["From"] = channel.get("from") or smtp.sender
    mail["To"] = ", ".join(channel["to"])
    mail.set_content(msg.plain, charset="utf-8")
    host, port = channel.get("host") or smtp.host, int(channel.get("port") or smtp.port)
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as s:
            if smtp.starttls:
                s.starttls()
            if smtp.username:
                s.login(smtp.username, smtp.password or "")
            s.send_message(mail)
    except (smtplib.SMTPException, OSError) as e:
        raise RuntimeError(f"SMTP {host}:{port}: {e}") from None


@dataclass
class Result:
    department: str
    channel: str | None  # dingtalk | wecom | email, None when the department has none
    items: int
    status: str  # sent | failed | skipped | dry-run
    reason: str = ""
    message: Message | None = None


def notify(
    session: Session,
    as_of: dt.date,
    *,
    days: int = DEFAULT_DAYS,
    dry_run: bool = False,
    evaluations: list[Evaluation] | None = None,
    smtp: SmtpSettings | None = None,
    timeout: float = TIMEOUT,
) -> list[Result]:
    """Send every lead department its reminder through each of its channels; one result per channel."""
    smtp = smtp or SmtpSettings.from_env()
    todo = due_soon_and_red(session, as_of, days=days, evaluations=evaluations)
    depts = {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(list(todo))))}
    results: list[Result] = []
    for dept_id in sorted(todo, key=lambda i: depts[i].name if i in depts else str(i)):
        dept = depts.get(dept_id)
        name = dept.name if dept else f"#{dept_id}"
        items = todo[dept_id]
        try:
            chans = channels(dept.webhook if dept else None, name)
        except InputError as e:
            results.append(Result(name, None, len(items), "failed", f"bad channel config: {e.problem}"))
            continue
        if not chans:
            results.append(Result(name, None, len(items), "skipped", "no channel configured",
                                  compose(name, items, as_of, days)))
            continue
        for ch in chans:
            kind = ch["kind"]
            msg = compose(name, items, as_of, days, LIMITS[kind])
            if dry_run:
                results.append(Result(name, kind, len(items), "dry-run", "", msg))
                continue
            try:
                if kind == "email":
                    send_email(ch, msg, smtp, timeout)
                else:
                    url = dingtalk_url(ch["url"], ch.get("secret")) if kind == "dingtalk" else ch["url"]
                    post_json(url, robot_body(kind, msg), timeout)
            except RuntimeError as e:
                results.append(Result(name, kind, len(items), "failed", str(e), msg))
            else:
                results.append(Result(name, kind, len(items), "sent", "", msg))
    return results
