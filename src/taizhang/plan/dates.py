"""Date phrases in plan text (到2025年, 2024年底, 到2023年7月1日, “十四五”期间) and their ISO deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from taizhang.plan.numbers import cn_to_int

_Y = r"(?P<y>(?:19|20)\d{2})\s*年"
_M = r"(?:(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:份)?)"
_D = r"(?:(?P<d>\d{1,2})\s*日)"
# a deadline-like date: optional 到/至/在/于, a year, optional month/day, optional 底/末/前/年底
DATE_RE = re.compile(
    rf"(?P<pre>到|至|截至|截止|在|于|力争|确保)?\s*{_Y}\s*(?:{_M}\s*{_D}?)?"
    r"(?P<post>年底前|年底|年末|底前|底|末|前|以前|之前|上半年|下半年|年内)?"
)
FIVE_YEAR_RE = re.compile(r"[“\"]?(?P<n>十[一二三四五六七八九]|[一二三四五六七八九])五[”\"]?(?:期间|时期|末|末期)")
# what follows a year that names an edition or a level to compare with, not a date to meet
_REFERENCE = re.compile(r"\s*(?:本|版|修订|修正|现状|水平|水准|基础|同期|数据|均值|平均值|监测值|基准)")
# a year that opens a qualifier: a measured state (超过/低于/在…之间) ending in 的 before the noun it picks out
_QUALIFIER = re.compile(r"[^,，。;；:：的]{0,24}?(?:超过|低于|高于|大于|小于|不足|在)\s*\d[^,，。;；:：的]{0,16}的")
_FIVE_YEAR_END = {"十一": 2010, "十二": 2015, "十三": 2020, "十四": 2025, "十五": 2030}


@dataclass(frozen=True)
class DatePhrase:
    start: int
    end: int
    iso: str | None  # None: a start date or baseline, which ends the previous date's reach without a deadline
    year: int


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _month(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else cn_to_int(s)


def find_dates(text: str) -> list[DatePhrase]:
    """Date phrases of a paragraph, in order. Baselines (比2020年) and periods (2021—2025年) are left out;
    start dates (自2023年7月1日起, 2016年起) are returned with iso None."""
    out: list[DatePhrase] = []
    for m in DATE_RE.finditer(text):
        s, e = m.start(), m.end()
        y = int(m.group("y"))
        before = text[max(0, s - 2):s]
        after = text[e:e + 3]
        if before.endswith(("比", "较", "与")) or re.search(r"比\s*$", text[max(0, s - 3):s]):
            continue  # baseline year
        if re.match(r"\s*[—\-–~至到]\s*(?:19|20)\d{2}", after) or re.search(r"(?:19|20)\d{2}\s*[—\-–~至]\s*$", before + text[s:s]):
            continue  # a period 2021—2025年
        if re.search(r"(?:19|20)\d{2}\s*[—\-–~]\s*$", text[max(0, s - 6):s]):
            continue
        if re.search(r"[〔\[]\s*$", text[max(0, s - 1):s]):
            continue  # document number 〔2022〕
        if _REFERENCE.match(text, e):
            continue  # an edition (2019年本) or a reference level (2021年现状值, 2012年水平), not a deadline
        if not m.group("pre") and not m.group("post") and _QUALIFIER.match(text, e):
            continue  # 2019年浓度超过70微克/立方米的乡镇: the year dates a state that picks out a scope
        if re.match(r"\s*(?:度|以来|以后|后|开始|起)", text[e:e + 3]) or before.endswith("自") or text[max(0, s - 1):s] == "从":
            out.append(DatePhrase(s, e, None, y))  # start date
            continue
        mo = _month(m.group("m"))
        d = m.group("d")
        post = m.group("post") or ""
        if mo and 1 <= mo <= 12:
            day = int(d) if d and 1 <= int(d) <= _last_day(y, mo) else _last_day(y, mo)
            iso = f"{y:04d}-{mo:02d}-{day:02d}"
        elif post == "上半年":
            iso = f"{y:04d}-06-30"
        else:
            iso = f"{y:04d}-12-31"
        out.append(DatePhrase(s, e, iso, y))
    for m in FIVE_YEAR_RE.finditer(text):
        y = _FIVE_YEAR_END.get(m.group("n"))
        if y:
            out.append(DatePhrase(m.start(), m.end(), f"{y}-12-31", y))
    out.sort(key=lambda d: d.start)
    return out


def date_at(dates: list[DatePhrase], pos: int) -> DatePhrase | None:
    """The last date phrase that starts before `pos`."""
    cur = None
    for d in dates:
        if d.start <= pos:
            cur = d
        else:
            break
    return cur
