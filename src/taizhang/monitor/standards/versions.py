"""Which rule set applies: named explicitly or chosen by the date of the data (§0.2).

Data dated before 2026-03-01 use the 2012-era sets (HJ 633-2012, HJ 663-2013, GB 3095-2012);
from that day the 2026 sets (HJ 633-2026, GB 3095-2026 transitional limits; final limits from
2031-01-01). Names are accepted loosely: "HJ 633-2012", "HJ633—2026", "GB 3095-2026 class 2".
"""

from __future__ import annotations

import re
from datetime import date, datetime

from taizhang.monitor.standards import tables as t

DateLike = date | datetime | str


def _as_date(when: DateLike) -> date:
    if isinstance(when, datetime):
        return when.date()
    if isinstance(when, date):
        return when
    text = str(when).strip()
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if match:  # 2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日 (a time after it is ignored)
        return date(int(match[1]), int(match[2]), int(match[3]))
    return date.fromisoformat(text[:10])


def _clean(name: str) -> str:
    return re.sub(r"[\s_]+", "", re.sub(r"[—–‐‑−]", "-", name)).upper()


def _era_from_name(name: str) -> int | None:
    """2012 or 2026 when the name mentions one of the versioned air standards, else None."""
    text = _clean(name)
    if re.search(r"(HJ633|HJ663|GB3095)-?2026", text):
        return 2026
    if re.search(r"(HJ633|HJ663|GB3095)-?(2012|2013)", text):
        return 2012
    return None


def aqi_standard(standard: str | None = None, when: DateLike | None = None) -> str:
    """The HJ 633 rule set: "HJ633-2012" or "HJ633-2026".

    An explicit `standard` wins; otherwise the date of the data decides; with neither, 2012 (the
    set under which every official figure up to February 2026 was produced)."""
    if standard:
        era = _era_from_name(standard)
        if era is None:
            raise ValueError(f"unknown AQI standard: {standard!r}")
        return t.HJ633_2026 if era == 2026 else t.HJ633_2012
    if when is not None and _as_date(when) >= _as_date(t.STANDARDS_2026_IN_FORCE):
        return t.HJ633_2026
    return t.HJ633_2012


def limit_standard(standard: str | None = None, when: DateLike | None = None) -> str:
    """The GB 3095 limit set: "GB3095-2012", "GB3095-2026" (transitional) or "GB3095-2026-final".

    Any 2026-era name (HJ 633-2026, HJ 663-2026, GB 3095-2026) selects the 2026 limits; the word
    "final" (or 终) selects the final stage, as does a date from 2031-01-01."""
    if standard:
        era = _era_from_name(standard)
        if era is None:
            raise ValueError(f"unknown limit standard: {standard!r}")
        if era == 2012:
            return t.GB3095_2012
        if "FINAL" in _clean(standard) or "终" in standard:
            return t.GB3095_2026_FINAL
        if when is not None and _as_date(when) >= _as_date(t.GB3095_2026_FINAL_FROM):
            return t.GB3095_2026_FINAL
        return t.GB3095_2026
    if when is None:
        return t.GB3095_2012
    day = _as_date(when)
    if day >= _as_date(t.GB3095_2026_FINAL_FROM):
        return t.GB3095_2026_FINAL
    if day >= _as_date(t.STANDARDS_2026_IN_FORCE):
        return t.GB3095_2026
    return t.GB3095_2012


def limit_class(text: str | int | None, default: int = 2) -> int:
    """The GB 3095 class (1 or 2) named in `text` ("class 1", "一级", "一类区", 1), else `default`."""
    if text is None:
        return default
    if isinstance(text, int):
        if text not in (1, 2):
            raise ValueError(f"GB 3095 class must be 1 or 2, not {text}")
        return text
    s = str(text).lower()
    if re.search(r"class\s*(1|i)\b|一级|一类", s):
        return 1
    if re.search(r"class\s*(2|ii)\b|二级|二类", s):
        return 2
    if s.strip() in ("1", "2"):
        return int(s.strip())
    return default
