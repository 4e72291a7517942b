"""Clean text: Traditional → Simplified (OpenCC `t2s`), widths, punctuation, line endings, invisibles.

The output follows the seeds' own style: half-width `,;:()!?%~` and ASCII letters and digits, while
`。、《》“”〔〕` stay as they are. OpenCC runs only when the text contains a character that only
Traditional script uses: applied to Simplified text, `t2s` is not a no-op (打坏 → 打坯), so a
Simplified plan is left exactly as written.
"""

from __future__ import annotations

import re
from functools import cache

# Full-width ASCII (！ … ～) → ASCII, every one of them: letters, digits and punctuation alike.
_TABLE: dict[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        "\u301c": "~",  # 〜 wave dash
        "\u3000": " ",  # ideographic space
        "\u00a0": " ",  # NBSP
        "\u202f": " ",
        "\u205f": " ",
        **{chr(c): " " for c in range(0x2000, 0x200B)},  # en/em/thin/hair spaces
        "\u200b": "",  # zero-width space, non-joiner, joiner; word joiner; BOM; soft hyphen
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
        "\x1a": "",  # DOS end-of-file mark
    }
)
_RX_CHARS = re.compile("[" + "".join(re.escape(c) for c in _TABLE) + "]")
_RX_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_RX_TRAILING = re.compile("[ \t]+$", re.MULTILINE)

# Characters whose t2s conversion happens only inside a phrase (TSPhrases), found by dumping
# OpenCC 1.x's TSPhrases dictionary: 沈默 → 沉默, 瞭解 → 了解, 反覆 → 反复 …
_PHRASE_ONLY = "坏藉么瞭沈衹甦哩覆"

_CJK_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EBEF),
    (0x30000, 0x3134F),
)


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional_only() -> frozenset[str]:
    """A character class of the characters t2s changes that are not themselves Simplified (GB2312).

    Found at first use by converting every CJK character on its own (about 20 ms).
    """
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    changed = {c for c, o in zip(chars, converted, strict=True) if c != o} | set(_PHRASE_ONLY)
    simplified = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            c = bytes((hi, lo)).decode("gb2312", errors="ignore")
            if len(c) == 1:
                simplified.add(c)
    return frozenset(changed - simplified)


def has_traditional(text: str) -> bool:
    """Whether `text` contains a character only Traditional script uses (so `t2s` should run)."""
    # A set scan stops at the first hit and runs at ~60 MB/s; a regex over this scattered class
    # of ~4,000 characters is twenty times slower.
    return not _traditional_only().isdisjoint(text)


def to_simplified(text: str) -> str:
    """OpenCC `t2s` (character and phrase level, as the gold answers were made)."""
    return _converter().convert(text)


def _width_and_punct(text: str) -> str:
    return _RX_CHARS.sub(lambda m: _TABLE[m.group()], text)


def normalize(text: str, *, simplify: bool | None = None) -> str:
    """Clean text: line endings to \\n, invisibles dropped, widths and punctuation unified, Simplified.

    `simplify=None` converts only text that has Traditional-only characters; True/False force it.
    """
    text = _RX_NEWLINES.sub("\n", text)
    text = _width_and_punct(text)
    text = _RX_TRAILING.sub("", text)
    if simplify is None:
        simplify = has_traditional(text)
    if simplify:
        text = to_simplified(text)
    return text
