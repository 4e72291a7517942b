"""Word's automatic list numbers (numbering.xml) rendered as the text prefix Word displays.

A paragraph is numbered by `w:numPr` (`w:numId` + `w:ilvl`) in its own properties or, failing that,
in its paragraph style or the styles that style is based on. `w:numId` names a `w:num`, which
names a `w:abstractNum` (possibly through `w:numStyleLink` → numbering style → another num) and
may override levels (`w:lvlOverride` with `w:startOverride` or a whole `w:lvl`). Each `w:lvl` gives
the start value, the number format, the text (`%1、`, `（%1）`, `%1.%2`) and what follows it.

Counters follow Word: nums that share an abstract list share its counters, except a num with a
start override, which restarts and then counts on its own; a number at one level restarts the
deeper levels (unless their `w:lvlRestart` says otherwise). Paragraphs are fed in document order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from taizhang.text.numfmt import format_number

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = _W + "val"
_LEVELS = 9
_LINK_DEPTH = 5  # numStyleLink and basedOn chains are followed at most this far
_RX_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText; None: the level shows no number
    legal: bool = False  # w:isLgl: every placeholder shown as a decimal number
    restart: int | None = None  # w:lvlRestart: restart after levels up to this one (1-based); 0 never
    suff: str = "tab"
    pstyle: str | None = None


@dataclass(frozen=True)
class _Style:
    based_on: str | None
    num_id: str | None
    ilvl: int | None


def _int(el: Any, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def _val(el: Any) -> str | None:
    return None if el is None else el.get(_VAL)


def _num_pr(ppr: Any) -> tuple[str | None, int | None]:
    """(numId, ilvl) of a w:pPr's w:numPr; either may be missing."""
    if ppr is None:
        return None, None
    num_pr = ppr.find(_W + "numPr")
    if num_pr is None:
        return None, None
    return _val(num_pr.find(_W + "numId")), _int(num_pr.find(_W + "ilvl"))


def _level(lvl: Any) -> Level:
    lvl_text = lvl.find(_W + "lvlText")
    return Level(
        start=_int(lvl.find(_W + "start"), 1) or 0,
        fmt=_val(lvl.find(_W + "numFmt")) or "decimal",
        text=None if lvl_text is None else (lvl_text.get(_VAL) or ""),
        legal=_is_on(lvl.find(_W + "isLgl")),
        restart=_int(lvl.find(_W + "lvlRestart")),
        suff=_val(lvl.find(_W + "suff")) or "tab",
        pstyle=_val(lvl.find(_W + "pStyle")),
    )


def _is_on(el: Any) -> bool:
    return el is not None and el.get(_VAL, "true") not in ("0", "false", "off")


class ListNumbers:
    """The numbering of one document; `prefix(p)` for each w:p in document order."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self._styles: dict[str, _Style] = {}
        self._default_style: str | None = None
        if styles is not None:
            for st in styles.iterchildren(_W + "style"):
                sid = st.get(_W + "styleId")
                if not sid:
                    continue
                num_id, ilvl = _num_pr(st.find(_W + "pPr"))
                self._styles[sid] = _Style(_val(st.find(_W + "basedOn")), num_id, ilvl)
                if st.get(_W + "type") == "paragraph" and _is_on_attr(st.get(_W + "default")):
                    self._default_style = sid
        self._abstract: dict[str, Any] = {}
        self._nums: dict[str, tuple[str, dict[int, tuple[int | None, Any]]]] = {}
        if numbering is not None:
            for ab in numbering.iterchildren(_W + "abstractNum"):
                self._abstract[ab.get(_W + "abstractNumId", "")] = ab
            for num in numbering.iterchildren(_W + "num"):
                overrides: dict[int, tuple[int | None, Any]] = {}
                for ov in num.iterchildren(_W + "lvlOverride"):
                    ilvl = _int_attr(ov.get(_W + "ilvl"))
                    if ilvl is not None:
                        overrides[ilvl] = (_int(ov.find(_W + "startOverride")), ov.find(_W + "lvl"))
                abstract_id = _val(num.find(_W + "abstractNumId"))
                if abstract_id is not None:
                    self._nums[num.get(_W + "numId", "")] = (abstract_id, overrides)
        self._levels: dict[str, tuple[str, list[Level]] | None] = {}
        self._counters: dict[str, list[int | None]] = {}

    @classmethod
    def of(cls, document: Any) -> ListNumbers:
        """The numbering and styles parts of a python-docx Document (either may be missing)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        part = document.part
        numbering = styles = None
        for rel in part.rels.values():
            if rel.is_external:
                continue
            # a part python-docx could not parse as XML (a wrong content type) has no element
            if rel.reltype == RT.NUMBERING:
                numbering = getattr(rel.target_part, "element", None)
            elif rel.reltype == RT.STYLES:
                styles = getattr(rel.target_part, "element", None)
        return cls(numbering, styles)

    # ---------------------------------------------------------------------------- definitions

    def _style_chain(self, style_id: str | None) -> list[str]:
        chain: list[str] = []
        sid = style_id if style_id in self._styles else self._default_style
        while sid and sid in self._styles and sid not in chain and len(chain) <= 2 * _LINK_DEPTH:
            chain.append(sid)
            sid = self._styles[sid].based_on
        return chain

    def _abstract_of(self, num_id: str) -> tuple[str, Any] | None:
        """The abstractNum a num uses, following w:numStyleLink to the numbering style's list."""
        entry = self._nums.get(num_id)
        if entry is None:
            return None
        abstract_id = entry[0]
        for _ in range(_LINK_DEPTH):
            ab = self._abstract.get(abstract_id)
            if ab is None:
                return None
            link = _val(ab.find(_W + "numStyleLink"))
            if link is None:
                return abstract_id, ab
            linked_num = next(
                (self._styles[s].num_id for s in self._style_chain(link) if self._styles[s].num_id), None
            )
            if linked_num is None or linked_num not in self._nums:
                return None
            abstract_id = self._nums[linked_num][0]
        return None

    def levels(self, num_id: str) -> tuple[str, list[Level]] | None:
        """(counter key, the nine levels) of a num, overrides applied; None if it is not defined."""
        if num_id not in self._levels:
            self._levels[num_id] = self._resolve(num_id)
        return self._levels[num_id]

    def _resolve(self, num_id: str) -> tuple[str, list[Level]] | None:
        found = self._abstract_of(num_id)
        if found is None:
            return None
        abstract_id, ab = found
        levels = [Level() for _ in range(_LEVELS)]
        for lvl in ab.iterchildren(_W + "lvl"):
            ilvl = _int_attr(lvl.get(_W + "ilvl"))
            if ilvl is not None and 0 <= ilvl < _LEVELS:
                levels[ilvl] = _level(lvl)
        overrides = self._nums[num_id][1]
        restarted = False
        for ilvl, (start, lvl) in overrides.items():
            if not 0 <= ilvl < _LEVELS:
                continue
            if lvl is not None:
                levels[ilvl] = _level(lvl)
                restarted = True
            if start is not None:
                levels[ilvl] = replace(levels[ilvl], start=start)
                restarted = True
        # a num that restarts (or redefines) a level keeps counters of its own
        key = f"num:{num_id}" if restarted else f"abstract:{abstract_id}"
        return key, levels

    # ------------------------------------------------------------------------------ paragraphs

    def numbering_of(self, p: Any) -> tuple[str, int] | None:
        """(numId, ilvl) that numbers a w:p, from its own w:numPr or its style chain."""
        ppr = p.find(_W + "pPr")
        num_id, ilvl = _num_pr(ppr)
        style_id = _val(ppr.find(_W + "pStyle")) if ppr is not None else None
        chain = self._style_chain(style_id)
        for sid in chain:
            if num_id is not None and ilvl is not None:
                break
            st = self._styles[sid]
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
            if ilvl is None and st.ilvl is not None:
                ilvl = st.ilvl
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:
            # a style-linked level names its paragraph style (w:lvl/w:pStyle)
            found = self.levels(num_id)
            ilvl = 0
            if found is not None:
                for sid in chain:
                    i = next((i for i, lv in enumerate(found[1]) if lv.pstyle == sid), None)
                    if i is not None:
                        ilvl = i
                        break
        return num_id, min(max(ilvl, 0), _LEVELS - 1)

    def prefix(self, p: Any) -> str:
        """The number Word shows before a paragraph's text, with its separator; '' if none.

        Counts the paragraph: call once per paragraph, in document order. Bullets show nothing.
        """
        which = self.numbering_of(p)
        if which is None:
            return ""
        found = self.levels(which[0])
        if found is None:
            return ""
        key, levels = found
        ilvl = which[1]
        counters = self._counters.setdefault(key, [None] * _LEVELS)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, _LEVELS):
            restart = levels[deeper].restart
            if ilvl < (deeper if restart is None else restart):
                counters[deeper] = None
        level = levels[ilvl]
        if level.fmt == "bullet" or not level.text:
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            value = counters[k]
            if value is None:
                value = levels[k].start
            fmt = "decimal" if level.legal and levels[k].fmt != "none" else levels[k].fmt
            return format_number(value, fmt)

        text = _RX_PLACEHOLDER.sub(number, level.text)
        if not text.strip():
            return ""
        return text + _separator(text, level.suff)


def _separator(text: str, suff: str) -> str:
    """w:suff: a space stays; a tab becomes nothing after punctuation (一、) and a space otherwise."""
    if suff == "nothing":
        return ""
    if suff == "space":
        return " "
    return "" if unicodedata.category(text[-1]).startswith("P") else " "


def _int_attr(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _is_on_attr(value: str | None) -> bool:
    return value in ("1", "true", "on")
