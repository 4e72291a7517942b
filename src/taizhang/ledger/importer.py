"""Importing a Plan into the ledger: idempotent, versioned, in one transaction.

- The plan is found by its key (region + title without draft markers such as （征求意见稿）).
- The version is found by the checksum of its canonical plan.json: importing the same content again
  changes nothing. New content becomes a new PlanVersion (draft or final).
- The current version is the newest final one (a draft imported after a final is kept for diffs but
  does not replace it); its tasks, targets and sections are applied to the plan's rows by stable key,
  so progress reports stay attached; rows the new version no longer has are marked removed.
- Targets without a deadline get the plan's last year (deadline_defaulted = True).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taizhang.ledger.departments import Registry
from taizhang.ledger.models import Assignment, Milestone, Plan, PlanLink, PlanVersion, Section, Target, Task
from taizhang.plan.model import Plan as PlanDoc

ROLE_FIELDS = (("lead", "lead"), ("support", "support"), ("implementers", "implementer"))
_DRAFT_MARK = re.compile(r"[（(〔\[]?\s*(征求意见稿|送审稿|讨论稿|草案|修订稿|代拟稿|报批稿|试行)\s*[)）〕\]]?")


@dataclass
class ImportResult:
    plan_id: int
    plan_key: str
    version: int
    created_plan: bool
    created_version: bool
    applied: bool
    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        if not self.created_version:
            return f"{self.plan_key}: unchanged (version {self.version})"
        what = "new plan" if self.created_plan else "new version"
        c = self.counts
        applied = "" if self.applied else " (draft kept, not applied: the plan has a final version)"
        return (
            f"{self.plan_key}: {what} {self.version}, {c.get('tasks', 0)} tasks, {c.get('targets', 0)} targets, "
            f"{c.get('assignments', 0)} assignments{applied}"
        )


def plan_key(doc: PlanDoc, fallback: str) -> str:
    title = _DRAFT_MARK.sub("", doc.title or "").strip() or fallback
    title = re.sub(r"\s+", "", title)
    region = (doc.region or "").strip()
    return f"{region}/{title}" if region and not title.startswith(region) else title


def checksum(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        return None


def target_keys(targets: list[dict[str, Any]]) -> list[str]:
    """Stable target keys: task / indicator / scope, numbered when one task states the same one twice."""
    seen: dict[str, int] = {}
    keys = []
    for t in targets:
        base = f"{t.get('task') or ''}|{t.get('indicator') or ''}|{t.get('scope') or ''}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


def import_plan(
    session: Session, doc: PlanDoc, *, source: str, cites: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ImportResult:
    """Import one plan; `extra` fields (e.g. the corrections made on the web preview) are kept in the
    version's plan.json."""
    content = doc.to_dict()
    if cites:
        content["cites"] = list(cites)
    if extra:
        content.update(extra)
    digest = checksum(content)
    key = plan_key(doc, source)

    plan = session.scalar(select(Plan).where(Plan.key == key))
    created_plan = plan is None
    if plan is None:
        plan = Plan(key=key)
        session.add(plan)
        session.flush()
    else:
        same = session.scalar(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.checksum == digest)
        )
        if same is not None:
            return ImportResult(plan.id, key, same.number, False, False, False)

    number = (session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)) or 0) + 1
    version = PlanVersion(
        plan_id=plan.id, number=number, status=doc.status or "final", issued=_date(doc.issued),
        source=source, checksum=digest, content=content,
    )
    session.add(version)
    session.flush()

    current = session.get(PlanVersion, plan.current_version_id) if plan.current_version_id else None
    applies = current is None or not (current.status == "final" and version.status == "draft")
    counts: dict[str, int] = {}
    if applies:
        plan.current_version_id = version.id
        plan.title = doc.title
        plan.region = doc.region
        plan.issuer = doc.issuer
        plan.period_start, plan.period_end = (doc.period or [None, None])[:2]
        counts = _apply(session, plan, content, version)
        _link(session, plan, content.get("cites") or [])
    session.flush()
    return ImportResult(plan.id, key, number, created_plan, True, applies, counts)


def _apply(session: Session, plan: Plan, content: dict[str, Any], version: PlanVersion) -> dict[str, int]:
    registry = Registry(session)
    period = content.get("period") or None
    end_default = dt.date(period[1], 12, 31) if period else None
    start = version.issued or (dt.date(period[0], 1, 1) if period else None)

    sections = {s.key: s for s in session.scalars(select(Section).where(Section.plan_id == plan.id))}
    seen: set[str] = set()
    for pos, s in enumerate(content.get("sections") or []):
        row = sections.get(s["id"]) or Section(plan_id=plan.id, key=s["id"])
        row.number, row.title, row.level, row.parent_key = s["number"], s["title"], s["level"], s["parent"]
        row.position, row.removed = pos, False
        if row.id is None:
            session.add(row)
        seen.add(s["id"])
    _retire(sections, seen)

    tasks = {t.key: t for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    seen = set()
    n_assign = 0
    for pos, t in enumerate(content.get("tasks") or []):
        row = tasks.get(t["id"])
        if row is None:
            row = Task(plan_id=plan.id, key=t["id"])
            session.add(row)
            tasks[t["id"]] = row
        dates = sorted(d for d in (_date(x) for x in t.get("deadlines") or []) if d)
        row.section_key, row.text, row.position, row.removed = t.get("section"), t["text"], pos, False
        row.deadline = dates[-1] if dates else end_default
        row.deadline_defaulted = not dates and end_default is not None
        session.flush()
        want: dict[tuple[int, str], str] = {}
        for fld, role in ROLE_FIELDS:
            for name in t.get(fld) or []:
                dept = registry.resolve(name)
                want.setdefault((dept.id, role), name)
        have = {(a.department_id, a.role): a for a in row.assignments}
        for k2, a in have.items():
            if k2 not in want:
                row.assignments.remove(a)
        for (dept_id, role), name in want.items():
            if (dept_id, role) not in have:
                row.assignments.append(Assignment(department_id=dept_id, role=role, written_as=name))
        n_assign += len(want)
        have_ms = {m.due: m for m in row.milestones}
        for d in dates:
            if d not in have_ms:
                row.milestones.append(Milestone(due=d, text=""))
        for d, m in have_ms.items():
            if d not in dates:
                row.milestones.remove(m)
        seen.add(t["id"])
    _retire(tasks, seen)
    session.flush()

    targets = {t.key: t for t in session.scalars(select(Target).where(Target.plan_id == plan.id))}
    seen = set()
    content_targets = content.get("targets") or []
    for pos, (tkey, t) in enumerate(zip(target_keys(content_targets), content_targets, strict=True)):
        row = targets.get(tkey)
        if row is None:
            row = Target(plan_id=plan.id, key=tkey)
            session.add(row)
        task = tasks.get(t.get("task") or "")
        deadline = _date(t.get("deadline"))
        row.task_id = task.id if task is not None else None
        row.indicator, row.scope, row.op = t["indicator"], t.get("scope"), t["op"]
        row.value = Decimal(str(t["value"]))
        row.unit, row.kind, row.baseline_year = t.get("unit"), t["kind"], t.get("baseline_year")
        row.deadline = deadline or end_default
        row.deadline_defaulted = deadline is None and end_default is not None
        row.start = start if row.start is None else row.start
        row.text, row.position, row.removed = t["text"], pos, False
        seen.add(tkey)
    _retire(targets, seen)
    session.flush()
    return {"tasks": len(content.get("tasks") or []), "targets": len(content_targets), "assignments": n_assign,
            "sections": len(content.get("sections") or [])}


def _retire(rows: dict[str, Any], seen: set[str]) -> None:
    """Mark the rows the applied version no longer has as removed (their reports stay attached)."""
    for key, row in rows.items():
        if key not in seen and not row.removed:
            row.removed = True


def _link(session: Session, plan: Plan, cites: list[str]) -> None:
    """Record the plans this one implements; resolve citations to imported plans by title."""
    from taizhang.ledger.links import resolve_links

    have = {lk.cited_title for lk in session.scalars(select(PlanLink).where(PlanLink.child_id == plan.id))}
    for title in cites:
        if title not in have:
            session.add(PlanLink(child_id=plan.id, cited_title=title))
    session.flush()
    resolve_links(session)
