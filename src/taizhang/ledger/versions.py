"""Plan versions and their diff: tasks and targets added, removed and changed between two versions.

Tasks are matched by their id; targets by their stable key (task / indicator / scope). A change names
each field that differs, old → new: task text, departments by role, deadlines; target value, op,
unit, kind, baseline year and deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.importer import target_keys
from taizhang.ledger.models import Plan, PlanVersion

TASK_FIELDS = ("text", "lead", "support", "implementers", "deadlines")
TARGET_FIELDS = ("op", "value", "unit", "kind", "baseline_year", "deadline", "scope")


@dataclass
class Change:
    what: str  # task | target
    key: str
    change: str  # added | removed | changed
    label: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what, "key": self.key, "change": self.change, "label": self.label,
            "fields": {k: {"old": a, "new": b} for k, a, b in ((k, *v) for k, v in self.fields.items())},
        }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


def diff_contents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    old_tasks = {t["id"]: t for t in old.get("tasks") or []}
    new_tasks = {t["id"]: t for t in new.get("tasks") or []}
    for key, t in new_tasks.items():
        label = t["text"][:40]
        if key not in old_tasks:
            changes.append(Change("task", key, "added", label))
            continue
        o = old_tasks[key]
        fields = {f: (o.get(f), t.get(f)) for f in TASK_FIELDS if not _same(o.get(f), t.get(f))}
        if fields:
            changes.append(Change("task", key, "changed", label, fields))
    for key, o in old_tasks.items():
        if key not in new_tasks:
            changes.append(Change("task", key, "removed", o["text"][:40]))

    def keyed(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
        ts = content.get("targets") or []
        return dict(zip(target_keys(ts), ts, strict=True))

    old_t, new_t = keyed(old), keyed(new)
    for key, t in new_t.items():
        label = f"{t['indicator']} {t['op']} {t['value']}{t.get('unit') or ''}"
        if key not in old_t:
            changes.append(Change("target", key, "added", label))
            continue
        o = old_t[key]
        fields = {f: (o.get(f), t.get(f)) for f in TARGET_FIELDS if not _same(o.get(f), t.get(f))}
        if fields:
            changes.append(Change("target", key, "changed", label, fields))
    for key, o in old_t.items():
        if key not in new_t:
            changes.append(Change("target", key, "removed", f"{o['indicator']} {o['op']} {o['value']}{o.get('unit') or ''}"))
    return changes


def find_plan(session: Session, ref: str) -> Plan:
    """A plan by id, exact key, or a unique substring of its key or title."""
    if ref.isdigit():
        plan = session.get(Plan, int(ref))
        if plan is not None:
            return plan
    plan = session.scalar(select(Plan).where(Plan.key == ref))
    if plan is not None:
        return plan
    hits = [p for p in session.scalars(select(Plan)).all() if ref in p.key or ref in (p.title or "")]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InputError(ref, "no plan in the ledger matches this id, key or title")
    raise InputError(ref, f"{len(hits)} plans match; use the id: " + ", ".join(f"{p.id}={p.key}" for p in hits))


def version(session: Session, plan: Plan, number: int) -> PlanVersion:
    v = session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number))
    if v is None:
        raise InputError(plan.key, f"has no version {number}")
    return v


def diff(session: Session, plan: Plan, v1: int | None = None, v2: int | None = None) -> tuple[int, int, list[Change]]:
    """Changes from version v1 to v2 (default: the two newest versions)."""
    numbers = [v.number for v in plan.versions]
    if v1 is None or v2 is None:
        if len(numbers) < 2:
            raise InputError(plan.key, "has only one version: nothing to compare")
        v1, v2 = numbers[-2], numbers[-1]
    a, b = version(session, plan, v1), version(session, plan, v2)
    return v1, v2, diff_contents(a.content, b.content)
