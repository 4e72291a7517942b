"""The extraction preview: targets and responsibility clauses marked on the source text, and the
corrections a user makes on the preview applied to the plan.json before it is imported."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup


def highlight(text: str, content: dict[str, Any]) -> Markup:
    """The source text as HTML with each target's clause in <mark class=target> and each department
    name of a responsibility clause in <mark class=dept>; each mark links to its row in the form."""
    spans: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> bool:
        if any(a < end and start < b for a, b in taken):
            return False
        taken.append((start, end))
        return True

    pos = 0
    for t in content.get("targets") or []:
        clause = t.get("text") or ""
        if not clause:
            continue
        i = text.find(clause, pos)
        if i < 0:
            i = text.find(clause)
        if i >= 0 and claim(i, i + len(clause)):
            spans.append((i, i + len(clause), "target", t["id"]))
            pos = i
    names = sorted({n for task in content.get("tasks") or [] for f in ("lead", "support", "implementers")
                    for n in task.get(f) or []}, key=len, reverse=True)
    for name in names:
        start = 0
        while (i := text.find(name, start)) >= 0:
            if claim(i, i + len(name)):
                spans.append((i, i + len(name), "dept", name))
            start = i + len(name)
    spans.sort()
    out: list[str] = []
    last = 0
    for a, b, kind, ref in spans:
        out.append(html.escape(text[last:a]))
        out.append(f'<mark class="{kind}" data-ref="{html.escape(ref)}" title="{html.escape(ref)}">'
                   f"{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    return Markup("".join(out))


def apply_corrections(content: dict[str, Any], form: dict[str, str]) -> list[dict[str, Any]]:
    """Apply form fields `target-<id>-value|deadline|op` and `task-<id>-lead|support` to the plan.json;
    return the list of corrections (what, id, field, old, new) that changed something."""
    changes: list[dict[str, Any]] = []
    targets = {t["id"]: t for t in content.get("targets") or []}
    tasks = {t["id"]: t for t in content.get("tasks") or []}
    for key, raw in form.items():
        parts = key.split("-", 2)
        if len(parts) != 3 or parts[0] not in ("target", "task"):
            continue
        what, ident, field = parts
        new: Any = raw.strip()
        if what == "target" and ident in targets and field in ("value", "deadline", "op"):
            row = targets[ident]
            if field == "value":
                try:
                    num = float(new)
                except ValueError:
                    from taizhang.errors import InputError

                    raise InputError(f"target {ident}", f"value is not a number: {raw!r}") from None
                new = int(num) if num.is_integer() else num
            if field == "deadline" and not new:
                new = None
        elif what == "task" and ident in tasks and field in ("lead", "support"):
            row = tasks[ident]
            new = [n.strip() for n in new.replace("，", "、").replace(",", "、").split("、") if n.strip()]
        else:
            continue
        old = row.get(field)
        if old != new and not (isinstance(old, int | float) and isinstance(new, int | float) and old == new):
            row[field] = new
            changes.append({"what": what, "id": ident, "field": field, "old": old, "new": new})
    return changes
