"""Line breaks for Chinese text in narrow table cells that never cut a date, a number or a code.

ReportLab's CJK wrapping breaks between any two characters once a line is full, so a reason like
已过截止日期（2025-12-31）未完成 came out as …（2025-12-3 / 1）…. Here the text is cut into units — a date,
a run of Latin letters and digits, else one character — and laid greedily into lines of the given width;
a punctuation mark that may not start a line (，。）etc.) stays at the end of the line before, and one that
may not end it (（《 etc.) goes to the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable

UNIT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月|[0-9A-Za-z.,%+\-/:×~μ³²]+|.",
                  re.S)
NO_LINE_START = set("，。、；：？！）》」』”’%％·…—")
NO_LINE_END = set("（《「『“‘")


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` as lines no wider than `width` (by `measure`), breaking only between units."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for unit in UNIT.findall(para):
            w = measure(unit)
            if line and used + w > width and unit not in NO_LINE_START:
                carry = line[-1] if line[-1] in NO_LINE_END and len(line) > 1 else ""
                lines.append(line[:len(line) - len(carry)])
                line, used = carry, measure(carry) if carry else 0.0
            if w > width and len(unit) > 1:  # a unit wider than the cell: character by character
                for ch in unit:
                    cw = measure(ch)
                    if line and used + cw > width:
                        lines.append(line)
                        line, used = "", 0.0
                    line, used = line + ch, used + cw
                continue
            line, used = line + unit, used + w
        lines.append(line)
    return lines
