"""Repair OCR damage of the kind seen in scanned plans.

Scanned plans come back as one run-on line: line breaks lost, punctuation swapped at random among
。、,. and spaces, brackets dropped, and ``%`` lost (``达标率100。``, ``达到65、以上``, ``3。1万头``).
The repair is conservative: it restores what the damaged text still determines and never makes up a
number.

- Decimal points: a digit, a stray 。/、 and a digit followed by a unit word is a decimal (3。1万头 → 3.1万头).
- Lost percent signs: a bare number before 以上/以内/以下 (after an optional stray mark) lost its ``%``.
- Line structure: heading numbers (一、 (一) 1. (1)) are found by their numbering sequence, which the
  damage leaves intact: a number is a heading only where it continues a list (n after n−1 at some open
  level) or opens a new one (1 after a heading). Each accepted heading starts a new line in canonical form.
"""

from __future__ import annotations

import re

from taizhang.plan.numbers import cn_to_int

_SEP = "。、,.;:!? \t"
_UNITS_AFTER_DECIMAL = r"(?:万|亿|千|百|个|%|公里|吨|亩|倍|米|座|家|条|元)"


RUN_ON_CHARS = 2000  # a "line" this long is a document (or a part of one) whose line breaks were lost


def is_run_on(text: str) -> bool:
    """Whether some of the text lost its line structure: a line longer than any real paragraph."""
    return any(len(ln) > RUN_ON_CHARS for ln in text.splitlines())


def repair_numbers(text: str) -> str:
    """Decimal points and percent signs lost to OCR."""
    text = re.sub(rf"(?<![\d.])(\d+)[。、](\d+)(?={_UNITS_AFTER_DECIMAL})", r"\1.\2", text)
    text = re.sub(r"(?<![\d.%‰])(\d+(?:\.\d+)?)[。、,.]?\s?(?=以上|以内|以下)", r"\1%", text)
    return re.sub(r"(?<=[^\d])(\d+)[。、,.\s]\s?(?=的[\u4e00-\u9fff]{0,4}任务)", r"\1%", text)


_CN = "一二三四五六七八九十"
_CAND = re.compile(
    rf"(?P<cn>(?<![\u4e00-\u9fff\d])[{_CN}]{{1,3}}(?=[{re.escape(_SEP)}](?![{_CN}\d])))"
    rf"|(?P<ar>(?<![\d%])(?<!\d[.。、])\d{{1,2}}(?=[{re.escape(_SEP)}](?:(?:19|20)\d\d年|[^\d\s{re.escape(_SEP)}])))"
)


def _canonical(kind: str, depth: int, n: int, cn_text: str) -> str:
    if kind == "cn":
        return f"{cn_text}、" if depth == 0 else f"({cn_text})"
    return f"{n}." if depth == 0 else f"({n})"


def restore_lines(text: str) -> str:
    """Put each heading of a run-on text on its own line, numbered in canonical form."""
    levels: list[list] = []  # open levels, outermost first: [kind, last number]
    out: list[str] = []
    pos = 0
    for m in _CAND.finditer(text):
        kind = "cn" if m.group("cn") else "ar"
        tok = m.group(kind)
        n = cn_to_int(tok) if kind == "cn" else int(tok)
        if not n:
            continue
        if kind == "cn" and m.start() > 0 and text[m.start() - 1] not in _SEP:
            continue
        level = None
        for i in range(len(levels) - 1, -1, -1):
            if levels[i][0] == kind and levels[i][1] + 1 == n:
                level = i
                break
        if level is None:
            if n != 1:
                continue
            if not levels and kind == "ar":
                continue  # a document's first heading is not a bare 1.
            levels.append([kind, 0])
            level = len(levels) - 1
        del levels[level + 1:]
        levels[level][1] = n
        depth = sum(1 for k, _ in levels[:level] if k == kind)
        out.append(text[pos:m.start()].rstrip(_SEP))
        out.append("\n" + _canonical(kind, depth, n, tok))
        pos = m.end() + 1  # drop the damaged mark after the number
    out.append(text[pos:])
    return "".join(out)


def repair(text: str) -> str:
    """Repair a text if it shows OCR damage; otherwise return it unchanged."""
    if not is_run_on(text):
        return text
    return "\n".join(restore_lines(repair_numbers(ln)) if len(ln) > RUN_ON_CHARS else ln
                     for ln in text.splitlines())
