"""Plan versions and their diff: tasks and targets added, removed and changed between two versions.

Tasks are matched by their id; targets by their stable key (task / indicator / scope). A change names
each field that differs, old → new: task text, departments by role, deadlines; target value, op,
unit, kind, baseline year and deadline.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _diff_keyed(what: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]],
                fields: tuple[str, ...], label: Callable[[dict[str, Any]], str]) -> list[Change]:
    """Added and changed items of `new` (in its order), then the removed ones of `old`."""
    changes: list[Change] = []
    for key, item in new.items():
        if key not in old:
            changes.append(Change(what, key, "added", label(item)))
            continue
        o = old[key]
        diff = {f: (o.get(f), item.get(f)) for f in fields if not _same(o.get(f), item.get(f))}
        if diff:
            changes.append(Change(what, key, "changed", label(item), diff))
    changes += [Change(what, key, "removed", label(o)) for key, o in old.items() if key not in new]
    return changes


def _task_label(t: dict[str, Any]) -> str:
    return str(t["text"])[:40]


def _target_label(t: dict[str, Any]) -> str:
    return f"{t['indicator']} {t['op']} {t['value']}{t.get('unit') or ''}"


def _targets(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ts = content.get("targets") or []
    return dict(zip(target_keys(ts), ts, strict=True))


def diff_contents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    tasks = [{t["id"]: t for t in c.get("tasks") or []} for c in (old, new)]
    return (_diff_keyed("task", tasks[0], tasks[1], TASK_FIELDS, _task_label)
            + _diff_keyed("target", _targets(old), _targets(new), TARGET_FIELDS, _target_label))


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
