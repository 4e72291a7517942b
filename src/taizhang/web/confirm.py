"""The plan preview's payload, checked before it is imported: it comes back from the browser, so it is
input like any other — a malformed body is a one-line Chinese `InputError`, never a server error."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from pydantic import TypeAdapter, ValidationError

from taizhang.errors import InputError
from taizhang.plan.model import Plan
from taizhang.track.inputs import CONTROL, QUERY_EARLIEST, QUERY_LATEST
from taizhang.web.problems import describe

OPS = ("<=", ">=", "=", "<", ">")  # shared/spec/plan-json.md
KINDS = ("level", "reduction", "increase")
STATUSES = ("draft", "final")
# the longest text each field may hold (the ledger's columns)
LENGTHS = {"title": 300, "region": 100, "issuer": 200, "id": 100, "number": 50, "parent": 100, "section": 100,
           "task": 100, "indicator": 300, "scope": 300, "unit": 30, "lead": 200, "support": 200, "implementers": 200,
           "cites": 300, "source": 500}
_PLAN = TypeAdapter(Plan)


def parse_payload(raw: str) -> dict[str, Any]:
    """The preview's plan.json as a dict (not yet checked: corrections are applied to it first)."""
    try:
        content = json.loads(raw)
    except ValueError:
        raise InputError("payload", "预览数据不是有效的 JSON，请重新上传规划文件") from None
    if not isinstance(content, dict):
        raise InputError("payload", "预览数据应为一个 JSON 对象（plan.json），请重新上传规划文件")
    return content


def checked_plan(content: dict[str, Any]) -> Plan:
    """The plan to import, once every field has its type, its allowed values and its length."""
    try:
        plan = _PLAN.validate_python(content)
    except ValidationError as e:
        raise InputError("payload", "预览数据" + describe(e.errors()).removeprefix("请求")) from None
    if plan.status not in STATUSES:
        raise InputError("payload", f"status 应为 draft 或 final：{plan.status!r}")
    if plan.period is not None and (len(plan.period) != 2 or not all(
            QUERY_EARLIEST.year <= y <= QUERY_LATEST.year for y in plan.period) or plan.period[0] > plan.period[1]):
        raise InputError("payload", f"period 应为两个 {QUERY_EARLIEST.year} 到 {QUERY_LATEST.year} 之间的年份：{plan.period}")
    _day(plan.issued, "issued", "payload")
    for task in plan.tasks:
        for d in task.deadlines:
            _day(d, "deadlines", f"task {task.id}")
    for t in plan.targets:
        _day(t.deadline, "deadline", f"target {t.id}")
        if t.op not in OPS:
            raise InputError(f"target {t.id}", f"op 应为 {' '.join(OPS)} 之一：{t.op!r}")
        if t.kind not in KINDS:
            raise InputError(f"target {t.id}", f"kind 应为 {'、'.join(KINDS)} 之一：{t.kind!r}")
        if not math.isfinite(t.value) or abs(t.value) >= 1e14:
            raise InputError(f"target {t.id}", f"目标值超出范围：{t.value}")
    _texts(content)
    return plan


def cites(content: dict[str, Any]) -> list[str]:
    """The titles the plan cites (根据《…》), as the preview found them."""
    found = content.get("cites") or []
    if not isinstance(found, list) or not all(isinstance(c, str) for c in found):
        raise InputError("payload", "预览数据的 cites 应为文本列表")
    _texts(found, "cites")
    return found


def source_name(raw: str) -> str:
    _texts(raw, "source")
    return raw


def _day(raw: str | None, key: str, where: str) -> None:
    if raw is None:
        return
    try:
        d = dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(where, f"{key} 应为日期（YYYY-MM-DD）：{raw[:40]!r}") from None
    if not QUERY_EARLIEST <= d <= QUERY_LATEST:
        raise InputError(where, f"{key} 应在 {QUERY_EARLIEST} 到 {QUERY_LATEST} 之间：{raw}")


def _texts(node: Any, key: str = "") -> None:
    """No control characters anywhere; names and codes no longer than their columns."""
    if isinstance(node, dict):
        for k, v in node.items():
            _texts(v, str(k))
    elif isinstance(node, list):
        for v in node:
            _texts(v, key)
    elif isinstance(node, str):
        if CONTROL.search(node):
            raise InputError("payload", f"预览数据的 {key} 含有控制字符")
        if len(node) > LENGTHS.get(key, 100_000):
            raise InputError("payload", f"预览数据的 {key} 过长（{len(node)} 个字符）")
