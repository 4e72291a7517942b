"""Cross-level links: which plans a plan implements (根据《…》 in its preamble), resolved to imported plans."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.ledger.models import Plan, PlanLink

# A cited document is a plan-like parent when its title ends in one of these words; laws (…法),
# regulations and speeches are cited too, but nothing is implemented "against" them target by target.
_PLAN_WORDS = ("方案", "意见", "计划", "规划", "纲要", "决定", "行动", "办法")
_CITE = re.compile(r"《([^《》]{4,80})》")
_FIRST_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、", re.M)
_DRAFT = re.compile(r"[（(]\s*(征求意见稿|送审稿|讨论稿|草案|修订稿|代拟稿|报批稿)\s*[)）]")


def preamble(text: str, limit: int = 3000) -> str:
    """The text before the first top-level heading (一、…), at most `limit` characters."""
    m = _FIRST_HEADING.search(text, 1)
    end = m.start() if m else limit
    return text[: min(end, limit)]


def cited_plans(text: str, own_title: str | None = None) -> list[str]:
    """Titles of plan-like documents the preamble cites, in order, without duplicates or the plan itself."""
    out: list[str] = []
    for m in _CITE.finditer(preamble(text)):
        title = normalise_title(m.group(1))
        if own_title and title == normalise_title(own_title):
            continue
        plan_like = title.endswith(_PLAN_WORDS) or re.search(r"(方案|规划|计划)[(（]", title)
        if plan_like and title not in out:
            out.append(title)
    return out


def normalise_title(title: str) -> str:
    t = _DRAFT.sub("", title)
    t = re.sub(r"\s+", "", t)
    return t.replace("(", "（").replace(")", "）").strip("《》")


def resolve_links(session: Session) -> int:
    """Point unresolved links at imported plans whose title matches the cited one; returns how many."""
    plans = session.scalars(select(Plan)).all()
    by_title = {normalise_title(p.title): p for p in plans if p.title}
    n = 0
    for link in session.scalars(select(PlanLink).where(PlanLink.parent_id.is_(None))).all():
        parent = by_title.get(normalise_title(link.cited_title))
        if parent is not None and parent.id != link.child_id:
            link.parent_id = parent.id
            n += 1
    session.flush()
    return n


def link(session: Session, child: Plan, parent: Plan) -> PlanLink:
    """Link two imported plans by hand (when the preamble does not cite the parent by its exact title)."""
    title = normalise_title(parent.title or parent.key)
    existing = session.scalar(
        select(PlanLink).where(PlanLink.child_id == child.id, PlanLink.cited_title == title)
    )
    if existing is None:
        existing = PlanLink(child_id=child.id, cited_title=title)
        session.add(existing)
    existing.parent_id = parent.id
    session.flush()
    return existing
