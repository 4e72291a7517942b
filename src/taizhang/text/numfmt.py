"""A list counter as Word displays it in a given w:numFmt (一, （一）'s 一, ①, iv, 甲 …).

`format_number(n, fmt)` returns the text Word shows for the value `n`; an unknown format falls
back to decimal, as Word does. Bullets and `none` show no number (the caller decides what to do
with the bullet character).
"""

from __future__ import annotations

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip

NO_NUMBER = frozenset({"bullet", "none"})
_CN_COUNTING = frozenset(
    {
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    }
)


def _chinese(n: int, digits: str, units: str, *, bare_ten: bool) -> str:
    """A Chinese numeral below 10^8 read by 个十百千 within 万: 11 → 十一 (bare_ten) or 一十一.

    A gap inside the number is 零 (一百零一); zero itself is `digits[0]`.
    `units` holds the characters for 十, 百, 千, 万.
    """
    if n == 0:
        return digits[0]
    if n >= 100_000_000:
        return str(n)
    high, low = divmod(n, 10_000)
    out = ""
    if high:
        out = _chinese_below_10k(high, digits, units, bare_ten=bare_ten) + units[3]
        if low and low < 1000:
            out += "零"
        if low:
            out += _chinese_below_10k(low, digits, units, bare_ten=False)
        return out
    return _chinese_below_10k(low, digits, units, bare_ten=bare_ten)


def _chinese_below_10k(n: int, digits: str, units: str, *, bare_ten: bool) -> str:
    parts: list[str] = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d, n = divmod(n, power)
        if d:
            if zero:
                parts.append("零")
                zero = False
            parts.append(digits[d] + unit)
        elif parts:
            zero = True
    text = "".join(parts)
    if bare_ten and text.startswith(digits[1] + units[0]):
        text = text[1:]  # 一十一 → 十一
    return text


def _letters(n: int, upper: bool) -> str:
    """a … z, aa … zz, aaa …: Word repeats the letter rather than counting in base 26."""
    letter = chr(ord("a") + (n - 1) % 26)
    text = letter * ((n - 1) // 26 + 1)
    return text.upper() if upper else text


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        k, n = divmod(n, value)
        out.append(sym * k)
    return "".join(out)


def _from_table(n: int, table: str) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def _cycle(n: int, table: str) -> str:
    return table[(n - 1) % len(table)] if n >= 1 else str(n)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_number(n: int, fmt: str | None) -> str:
    """The text of counter value `n` in Word number format `fmt` (None means decimal)."""
    fmt = fmt or "decimal"
    if fmt in NO_NUMBER:
        return ""
    if fmt in _CN_COUNTING:
        return _chinese(n, _CN_DIGITS, "十百千万", bare_ten=True)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL_DIGITS, "拾佰仟万", bare_ten=False)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(c)] for c in str(n))
    if fmt == "ideographTraditional":
        return _cycle(n, _TIANGAN)
    if fmt == "ideographZodiac":
        return _cycle(n, _DIZHI)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _from_table(n, _CIRCLED)
    if fmt == "decimalEnclosedParen":
        return _from_table(n, _PAREN)
    if fmt == "decimalEnclosedFullstop":
        return _from_table(n, _FULLSTOP)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n, upper=False) if n >= 1 else str(n)
    if fmt == "upperLetter":
        return _letters(n, upper=True) if n >= 1 else str(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "ordinal":
        return _ordinal(n)
    return str(n)  # decimal, decimalHalfWidth, and every format not handled above
