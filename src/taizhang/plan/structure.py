"""Heading levels and paragraphs: clean text → sections and the blocks of body text under them.

Heading forms: 第X章/第X节/第X部分, 第X条, 一、, (一), 1. / 1、, (1), ①. Levels are not fixed per form:
a form takes the next level down the first time it appears below another, the way plans nest them.
A heading may carry its text on the same line ("(九)加快形成绿色低碳生活方式。加强…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from taizhang.plan.model import Section
from taizhang.plan.numbers import cn_to_int

_CN = "一二三四五六七八九十百零〇两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
HEADING_RE = re.compile(
    rf"^\s*(?:"
    rf"(?P<chapter>第[{_CN}\d]+[章节篇]|第[{_CN}\d]+部分)\s*"
    rf"|(?P<article>第[{_CN}\d]+条)\s*"
    rf"|(?P<cn>[{_CN}]+)\s*[、.．]\s*"
    rf"|(?P<pcn>[(（]\s*[{_CN}]+\s*[)）])\s*"
    rf"|(?P<num>\d{{1,3}})(?:\s*[、．]|\.(?!\d))\s*"
    rf"|(?P<pnum>[(（]\s*\d{{1,3}}\s*[)）])\s*"
    rf"|(?P<circ>[{_CIRCLED}])\s*"
    rf")"
)
# a heading's text may open with a year ((一)2019年浓度超过…的乡镇, 二、2020年目标); other figures are not headings
_YEAR_START = re.compile(r"(?:19|20)\d{2}\s*年")
_FORMS = ("chapter", "article", "cn", "pcn", "num", "pnum", "circ")


@dataclass
class Block:
    """A run of body text: the inline text of a heading, or a paragraph under the current section."""

    section: str | None
    text: str
    inline: bool  # the text stood on its heading's line
    order: int


def _number_of(token: str) -> int | None:
    digits = re.sub(r"[^\d" + _CN + "]", "", token.replace("第", ""))
    if not digits:
        return _CIRCLED.index(token) + 1 if token in _CIRCLED else None
    return int(digits) if digits.isdigit() else cn_to_int(digits)


#: A line that states a quantity with its unit (配套率达到95%以上) or names who does it ((县农业农村局负责))
#: is work, not a heading, even when it is short.
_STATES_WORK = re.compile(
    r"\d(?:\.\d+)?\s*(?:%|％|‰|个百分点|微克|毫克|吨|万|亿|公里|千米|平方|立方|公顷|亩|蒸吨|辆|台|座|家|处|个|条|项|天|分贝)"
    r"|[(（][^()（）]{0,40}(?:负责|牵头|配合)[^()（）]{0,20}[)）]"
)


def split_title(rest: str) -> tuple[str, str]:
    """A heading line's remainder → (title, inline text). The title is a short first sentence."""
    rest = rest.strip()
    m = re.match(r"([^。:;,!?]{1,40}?)(?:[。:;!?]|\s{1,}(?=\S))", rest)
    if m and not re.search(r"\d{4}\s*年", m.group(1)):
        title, text = m.group(1).strip(), rest[m.end():].strip()
        if text:
            return title.strip("“”\""), text
    if _STATES_WORK.search(rest):
        return "", rest  # a figure with its unit, or who is responsible: a task however short
    if len(rest) <= 40 and not re.search(r"[,;]", rest.rstrip("。")):
        return rest.rstrip("。:").strip(), ""
    # 升级产业结构,推动产业绿色转型。: a two-part heading without figures is a title, not a task
    if len(rest) <= 32 and not re.search(r"[\d;:。]", rest.rstrip("。")) and rest.count(",") == 1:
        return rest.rstrip("。").strip(), ""
    return "", rest


def segment(text: str, keep_title_in_text: bool = False) -> tuple[list[Section], list[Block]]:
    """Sections (headings) and blocks (body text) of a plan, in document order."""
    sections: list[Section] = []
    blocks: list[Block] = []
    stack: list[tuple[str, Section]] = []  # (form, section) of open headings, outermost first
    used_ids: set[str] = set()
    counters: dict[str | None, int] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = HEADING_RE.match(line)
        form = next((f for f in _FORMS if m and m.group(f)), None) if m else None
        rest = line[m.end():] if m else ""
        if form and rest and (not re.match(r"[\d%‰.]", rest) or _YEAR_START.match(rest)) and not (form in ("cn", "num") and rest.startswith(("是", "级", "类", "种"))):
            forms = [f for f, _ in stack]
            if form in forms:
                del stack[forms.index(form):]
            parent = stack[-1][1] if stack else None
            n = _number_of(m.group(form)) or 0
            pid = parent.id if parent else None
            counters[pid] = counters.get(pid, 0) + 1
            local = str(n) if n else str(counters[pid])
            sid = f"{pid}.{local}" if pid else local
            base, k = sid, 2
            while sid in used_ids:
                sid, k = f"{base}_{k}", k + 1
            used_ids.add(sid)
            title, inline = split_title(rest)
            if keep_title_in_text and inline:
                inline = rest.strip()
            sec = Section(id=sid, number=m.group(form).strip() + _marker_tail(line, m, form), title=title or rest[:40],
                          level=len(stack) + 1, parent=pid)
            sections.append(sec)
            stack.append((form, sec))
            if inline:
                blocks.append(Block(sid, inline, True, len(blocks)))
            continue
        blocks.append(Block(stack[-1][1].id if stack else None, line, False, len(blocks)))
    return sections, blocks


def _marker_tail(line: str, m: re.Match[str], form: str) -> str:
    if form in ("cn", "num"):
        tail = line[m.end(form):m.end()].strip()
        return tail[:1]
    return ""
