"""Clean text → Plan: metadata, sections, tasks with their responsibilities, targets."""

from __future__ import annotations

import re

from taizhang.plan import meta, table
from taizhang.plan.dates import DatePhrase, find_dates
from taizhang.plan.model import Plan, Target, Task
from taizhang.plan.numbers import normalise_numerals
from taizhang.plan.responsibility import (
    FIRST_LEADS_RE,
    find_clause,
    is_clause_line,
    names_only,
    split_after_clauses,
)
from taizhang.plan.structure import segment
from taizhang.plan.targets import better_op, extract_targets
from taizhang.plan.units import canonical_unit
from taizhang.text.ocr import is_run_on, repair

_APPENDIX = re.compile(r"[。.,、\s]*附件\s*[:：]?\s*$")


def parse_plan(text: str) -> Plan:
    """Parse clean Simplified Chinese plan text into a Plan."""
    ocr = is_run_on(text)
    text = normalise_numerals(repair(text))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    plan = Plan()
    plan.title = meta.find_title(lines)
    plan.status = meta.find_status(lines)
    plan.issued = meta.find_issued(lines, text)
    plan.issuer = meta.find_issuer(lines, text)
    plan.region = meta.find_region(plan.title, text, plan.issuer)
    single_year = _single_year(plan.title)

    sections, blocks = segment(text, keep_title_in_text=ocr)
    plan.sections = sections
    titles = {s.id: s.title for s in sections}
    parents = {s.id: s.parent for s in sections}
    started = any(b.section for b in blocks)
    inherited: list[str] = []
    per_section: dict[str | None, int] = {}
    goal_dates: dict[str, str] = {}  # 主要目标 section → its opening date
    # front matter (notice, history) is skipped, except a paragraph labelled as the plan's goals (主要指标:…)
    pieces = [(b, piece) for b in blocks if not (started and b.section is None and not _GOAL_LABEL.match(b.text))
              for piece in ([b.text] if "\t" in b.text else split_after_clauses(_APPENDIX.sub("", b.text)))]
    first_leads = bool(FIRST_LEADS_RE.search(text))
    after_labels = False  # the piece before was a labelled clause line of the task above
    header: table.Header | None = None
    row: table.Row | None = None
    ind_header: table.IndicatorHeader | None = None
    for b, raw in pieces:
        if "\t" not in raw:
            header = row = ind_header = None
        elif ind_header or (not header and table.read_indicator_header(raw)):
            ind_header = ind_header or table.read_indicator_header(raw)
            if ind_header:
                _add_indicator_row(plan, b.section, raw, ind_header, single_year)
            continue
        elif table.read_header(raw):
            header, row = table.read_header(raw), None
            continue
        elif header and (row := table.read_row(raw, header, row)):
            task = _new_task(b.section, row.text, per_section)
            task.lead, task.support = row.lead, row.support
            task.implementers = row.implementers or list(inherited)
            due = next((d.iso for d in find_dates(row.deadline_text) if d.iso), None)
            dates = find_dates(row.text)
            task.deadlines = sorted({d.iso for d in dates if d.iso} | ({due} if due else set()))
            plan.tasks.append(task)
            _add_targets(plan, task, dates, due or (f"{single_year}-12-31" if single_year else None), ocr)
            continue
        prev = plan.tasks[-1] if plan.tasks else None
        after_labels, labels_above = False, after_labels
        if prev and prev.section == b.section and labels_above and (names := names_only(raw)):
            # a line of bare names under the labelled lines (牵头单位:…/配合单位:…) names the implementers
            prev.implementers = _merged(prev.implementers, names)
            continue
        if prev and prev.section == b.section and is_clause_line(raw):
            # 牵头单位:…;责任单位:… on its own line names the bodies of the task above it
            extra = find_clause(raw, first_leads)
            if extra:
                prev.lead = _merged(prev.lead, extra.lead)
                prev.support = _merged(prev.support, extra.support)
                prev.implementers = _merged(prev.implementers, extra.implementers)
                if extra.inherit and extra.implementers:
                    inherited = extra.implementers
                after_labels = True
                continue
        clause = find_clause(raw, first_leads)
        body = re.sub(r"[\s,;。.、]+$", "", raw[:clause.start]) if clause else raw
        dates = find_dates(body)
        task = _new_task(b.section, body, per_section)
        if clause:
            task.lead, task.support = clause.lead, clause.support
            task.implementers = clause.implementers or list(inherited)
            if clause.inherit and clause.implementers:
                inherited = clause.implementers
        else:
            task.implementers = list(inherited)
        task.deadlines = sorted({d.iso for d in dates if d.iso} | ({clause.due} if clause and clause.due else set()))
        plan.tasks.append(task)

        goal_sec = _goal_section(b.section, titles, parents)
        default = None
        dated = goal_sec
        while dated and dated not in goal_dates:  # an undated goal section under a dated one takes its date
            dated = _goal_section(parents.get(dated), titles, parents)
        if dated:
            default = goal_dates[dated]
        elif single_year:
            default = f"{single_year}-12-31"
        if clause and clause.due:
            default = clause.due  # the clause's own 完成时限
        if goal_sec and goal_sec not in goal_dates:
            first = next((d.iso for d in dates if d.iso), None)
            if first:
                goal_dates[goal_sec] = first
        _add_targets(plan, task, dates, default, ocr)
    years = [int(t.deadline[:4]) for t in plan.targets if t.deadline]
    plan.period = meta.find_period(plan.title, text, years, plan.issued)
    return plan


_GOAL_LABEL = re.compile(r"\s*(?:主要|工作|总体|具体)?(?:目标|指标)(?:任务|指标)?\s*[:：]")


def _new_task(section: str | None, text: str, per_section: dict[str | None, int]) -> Task:
    """A task with the next id of its section: the section's id, then 2.1.p2, 2.1.p3 …"""
    per_section[section] = per_section.get(section, 0) + 1
    k = per_section[section]
    tid = (section or "0") if k == 1 else f"{section or '0'}.p{k}"
    return Task(id=tid, section=section, text=text)


def _add_targets(plan: Plan, task: Task, dates: list[DatePhrase], default: str | None, ocr: bool) -> None:
    for ft in extract_targets(task.text, dates, default_deadline=default, ocr=ocr):
        plan.targets.append(Target(
            id=f"t{len(plan.targets) + 1}", task=task.id, indicator=ft.indicator, scope=ft.scope, op=ft.op,
            value=ft.value, unit=ft.unit, kind=ft.kind, baseline_year=ft.baseline_year,
            deadline=ft.deadline, text=ft.text,
        ))


_REDUCED = re.compile(r"(?:降低|下降|削减|减少|压减|减排量?)(?:率|幅度)?$")


def _add_indicator_row(plan: Plan, section: str | None, line: str, h: table.IndicatorHeader,
                       single_year: int | None) -> None:
    """One row of a main-indicator table → a target; the header row and rows without a number give none."""
    r = table.read_indicator_row(line, h)
    if r is None:
        return
    reduction = bool(_REDUCED.search(r.indicator))
    year = h.target_year or single_year
    plan.targets.append(Target(
        id=f"t{len(plan.targets) + 1}", task=section or "0", indicator=r.indicator, scope=None,
        op=r.op or (">=" if reduction else better_op(r.indicator)), value=r.value, unit=canonical_unit(r.unit),
        kind="reduction" if reduction else "level", baseline_year=h.base_year if reduction else None,
        deadline=f"{year}-12-31" if year else None, text=r.text,
    ))


def _merged(a: list[str], b: list[str]) -> list[str]:
    return a + [x for x in b if x not in a]


def _goal_section(sid: str | None, titles: dict[str, str], parents: dict[str, str | None]) -> str | None:
    """The enclosing 主要目标 section of a block, if any."""
    while sid:
        if re.search(r"目标", titles.get(sid, "")) and not re.search(r"任务|措施", titles.get(sid, "")):
            return sid
        sid = parents.get(sid)
    return None


def _single_year(title: str | None) -> int | None:
    if not title:
        return None
    years = set(re.findall(r"((?:19|20)\d{2})\s*年", title))
    if len(years) != 1 or re.search(r"(?:19|20)\d{2}\s*[—\-–~至]", title):
        return None
    # 临汾市水污染防治2018年行动计划, 铜陵市2020年蓝天工程实施方案; not 2025年前碳达峰方案 nor 到2025年…
    if re.search(r"年度|行动计划|工作方案|工作要点|实施计划", title) or re.search(
            r"(?<!到)(?:19|20)\d{2}\s*年(?!前|底|以前|之前)[\u4e00-\u9fff]*(?:方案|计划|要点)$", title):
        return int(years.pop())
    return None
