"""Numbers as plans write them: Arabic, Chinese numerals, 百分之…, OCR-damaged decimals."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万亿点"


def cn_to_int(s: str) -> int | None:
    """Chinese numeral (一百二十三, 十五, 二〇二五) → int; None if it is not a numeral."""
    if not s or any(c not in _DIGITS and c not in _SMALL_UNITS and c not in _BIG_UNITS for c in s):
        return None
    if all(c in _DIGITS for c in s) and len(s) > 1:  # 二〇二五: digit by digit
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _SMALL_UNITS:
            section += (digit if digit is not None else 1) * _SMALL_UNITS[c]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def cn_to_number(s: str) -> float | int | None:
    """Chinese numeral with an optional 点 decimal part (三点五 → 3.5)."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = cn_to_int(whole) if whole else 0
        if w is None or not frac or any(c not in _DIGITS for c in frac):
            return None
        return float(f"{w}.{''.join(str(_DIGITS[c]) for c in frac)}")
    return cn_to_int(s)


def to_number(s: str) -> float | int:
    """'3,895' / '12.5' / '3。1' (OCR) → a number; ints stay ints."""
    s = s.replace(",", "").replace("。", ".").strip()
    v = float(s)
    return int(v) if v.is_integer() and "." not in s else v


_PERCENT_CN = re.compile(f"百分之([{CN_NUM_CHARS}]+)")
_PERMILLE_CN = re.compile(f"千分之([{CN_NUM_CHARS}]+)")


def _fmt(v: float | int) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def normalise_numerals(text: str) -> str:
    """Rewrite the numeral forms targets use into Arabic: 百分之九十五 → 95%, 千分之五 → 5‰.

    Only percent/permille phrases are rewritten here; free-standing Chinese numerals are read by the
    target patterns themselves (they also occur in names such as 一品河 that must not change).
    """

    def pct(m: re.Match[str], sign: str) -> str:
        v = cn_to_number(m.group(1))
        return m.group(0) if v is None else f"{_fmt(v)}{sign}"

    text = _PERCENT_CN.sub(lambda m: pct(m, "%"), text)
    return _PERMILLE_CN.sub(lambda m: pct(m, "‰"), text)
