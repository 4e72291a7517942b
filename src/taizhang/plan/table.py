"""Task tables: a header row names the columns (序号, 重点任务, 工作措施, 牵头单位, 配合单位, 完成时限), each row below is a task.

The readers give a table row as one line with tab-separated cells. A header is a row whose cells include a
responsibility column and at least one more column a plan's task table uses; the rows after it, up to the first
line without tabs, are read through the header:
- text columns (任务, 措施, 内容, 目标 …) joined in order make the task text;
- 牵头/主责 columns lead, 配合/协办/参与 columns support; 责任单位 leads unless a 牵头 column exists; a cell that
  names its own roles (市农业农村局牵头,市水利局配合) is read as a clause;
- the 完成时限 column gives the row's deadline;
- an empty responsibility cell repeats the row above (a merged cell leaves it empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taizhang.plan.responsibility import parse_clause, split_names

_LEAD_COL = re.compile(r"牵头|主责|主办")
_SUPPORT_COL = re.compile(r"配合|协办|协助|参与")
_RESP_COL = re.compile(r"责任(?:单位|部门|主体)?|负责(?:单位|部门)")
_IMPL_COL = re.compile(r"落实单位|实施主体|实施单位")
_TIME_COL = re.compile(r"时限|完成时间|时间节点|完成期限|进度安排|时间要求")
_NUMBER_COL = re.compile(r"^(?:序号|编号|序)$")
_TEXT_COL = re.compile(r"任务|措施|内容|目标|指标|举措|要求|事项|工作|项目|名称")
_ROLE_WORDS = re.compile(r"牵头|配合|参与|协助|负责|落实")


@dataclass
class Header:
    text: list[int] = field(default_factory=list)
    lead: list[int] = field(default_factory=list)
    support: list[int] = field(default_factory=list)
    implementers: list[int] = field(default_factory=list)
    time: int | None = None
    width: int = 0


@dataclass
class Row:
    text: str
    lead: list[str]
    support: list[str]
    implementers: list[str]
    deadline_text: str


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def read_header(line: str) -> Header | None:
    """The column roles of a header row, or None if the line is not one."""
    if "\t" not in line:
        return None
    cs = cells(line)
    if len(cs) < 3 or any(len(c) > 12 for c in cs):
        return None
    h = Header(width=len(cs))
    has_lead = any(_LEAD_COL.search(c) for c in cs)
    for i, c in enumerate(cs):
        if _NUMBER_COL.match(c) or not c:
            continue
        if _LEAD_COL.search(c):
            h.lead.append(i)
        elif _SUPPORT_COL.search(c):
            h.support.append(i)
        elif _IMPL_COL.search(c):
            h.implementers.append(i)
        elif _RESP_COL.search(c):
            (h.support if has_lead else h.lead).append(i)
        elif _TIME_COL.search(c):
            h.time = i
        elif _TEXT_COL.search(c):
            h.text.append(i)
    if not (h.lead or h.support) or not (h.text or h.time is not None):
        return None
    return h


def read_row(line: str, h: Header, above: Row | None) -> Row | None:
    """A body row read through its header; None if the line is not a row of this table."""
    if "\t" not in line:
        return None
    cs = cells(line)
    if len(cs) < 2:
        return None
    cs += [""] * (h.width - len(cs))

    def at(i: int) -> str:
        return cs[i] if i < len(cs) else ""

    text_cols = h.text or [i for i in range(len(cs)) if i not in h.lead + h.support + h.implementers + [h.time]]
    parts = [re.sub(r"[。;；,，\s]+$", "", at(i)) for i in text_cols]
    text = "。".join(p for p in parts if p)
    if text and not re.search(r"[。!?]$", text):
        text += "。"
    lead: list[str] = []
    support: list[str] = []
    impl: list[str] = []
    for cols, role in ((h.lead, "lead"), (h.support, "support"), (h.implementers, "implementers")):
        for i in cols:
            cell = at(i)
            if _ROLE_WORDS.search(cell):
                c = parse_clause(cell)
                lead += c.lead
                support += c.support
                impl += c.implementers
            else:
                {"lead": lead, "support": support, "implementers": impl}[role].extend(split_names(cell))
    empty_resp = not any(at(i) for i in h.lead + h.support + h.implementers)
    if empty_resp and above is not None:  # a merged responsibility cell
        lead, support, impl = list(above.lead), list(above.support), list(above.implementers)
    if not text and not (lead or support):
        return None
    return Row(text, _dedupe(lead), _dedupe(support), _dedupe(impl), at(h.time) if h.time is not None else "")


def _dedupe(xs: list[str]) -> list[str]:
    out: list[str] = []
    for x in xs:
        if x and x not in out:
            out.append(x)
    return out


# ---- indicator tables: 指标 | 单位 | 2020年 | 2025年目标 | 属性 ------------------------------------------------

_IND_COL = re.compile(r"指标(?:名称)?$|^(?:项目|名称|指标项)$")
_UNIT_COL = re.compile(r"^(?:计量)?单位$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_GOAL_COL = re.compile(r"目标")
_BASE_COL = re.compile(r"现状|基准|基数")


@dataclass
class IndicatorHeader:
    indicator: int
    target: int
    unit: int | None
    target_year: int | None
    base_year: int | None
    width: int


@dataclass
class IndicatorRow:
    indicator: str
    unit: str | None
    op: str | None  # from a sign in the cell (≤30, ≥90, 85以上)
    value: float | int
    cumulative: bool  # [18]: a five-year total, written in square brackets
    text: str


def read_indicator_header(line: str) -> IndicatorHeader | None:
    """A header naming an indicator column and a target (a year or 目标) column."""
    if "\t" not in line:
        return None
    cs = cells(line)
    if len(cs) < 3 or any(len(c) > 14 for c in cs):
        return None
    ind = next((i for i, c in enumerate(cs) if _IND_COL.search(c) and "单位" not in c), None)
    if ind is None:
        return None
    years = [(i, int(m.group(1))) for i, c in enumerate(cs) if (m := _YEAR.search(c)) and i != ind]
    goal = [i for i, c in enumerate(cs) if _GOAL_COL.search(c) and i != ind]
    if goal:
        target = goal[-1]
    elif years:
        target = max(years, key=lambda x: x[1])[0]
    else:
        return None
    target_year = next((y for i, y in years if i == target), None)
    base = [(i, y) for i, y in years if i != target and (target_year is None or y < target_year)]
    base_year = base[0][1] if base else None
    unit = next((i for i, c in enumerate(cs) if _UNIT_COL.match(c)), None)
    return IndicatorHeader(ind, target, unit, target_year, base_year, len(cs))


_SIGN = {"≤": "<=", "≥": ">=", "<": "<", ">": ">", "＜": "<", "＞": ">", "≦": "<=", "≧": ">="}
_CELL_VALUE = re.compile(r"^\s*([≤≥<>＜＞≦≧]=?)?\s*(\[)?\s*(\d+(?:\.\d+)?)\s*(\])?\s*(%|‰)?\s*(以上|以下|以内|左右)?\s*$")
_UNIT_IN_NAME = re.compile(r"[(（]\s*([^()（）]{1,8})\s*[)）]\s*$")


def read_indicator_row(line: str, h: IndicatorHeader) -> IndicatorRow | None:
    """An indicator row with a numeric target; None for category rows and targets without a number."""
    if "\t" not in line:
        return None
    cs = cells(line)
    if len(cs) <= max(h.indicator, h.target):
        return None
    name, cell = cs[h.indicator], cs[h.target]
    m = _CELL_VALUE.match(cell)
    if not name or not m:
        return None
    unit = cs[h.unit] if h.unit is not None and h.unit < len(cs) and cs[h.unit] else None
    um = _UNIT_IN_NAME.search(name)
    if um and (unit is None or um.group(1) == unit):
        unit, name = um.group(1), name[:um.start()].strip()
    unit = unit or m.group(5)
    sign = m.group(1) or ""
    op = _SIGN.get(sign[:1])
    if sign in ("<=", ">="):
        op = sign
    if m.group(6):
        op = ">=" if m.group(6) == "以上" else "<=" if m.group(6) in ("以下", "以内") else op
    raw = m.group(3)
    value: float | int = float(raw) if "." in raw else int(raw)
    return IndicatorRow(name, unit, op, value, bool(m.group(2) and m.group(4)), f"{name}{cell}")
