"""Responsibility clauses: who leads (牵头/负责), who supports (配合/参与/协助), who implements (落实).

Forms handled:
- a trailing bracket: (市生态环境局牵头,市发展改革委等部门配合) or 〔…按职责分工负责;…落实,下同〕;
- an inline tail, as in plans without brackets or whose brackets OCR lost: 区环保局牵头 区水务局 区公安局参与;
- a bare 责任单位: list (all lead; or the first leads where the plan says 排在首位的为牵头单位).
A clause saying it applies to what follows (以下均需……落实,不再列出 / 下同) is reported so that the caller
can carry its implementers forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEAD_WORDS = ("牵头", "负责", "主责", "主抓")
SUPPORT_WORDS = ("配合", "参与", "协助", "协同")
ROLE_WORD_RE = re.compile(r"牵头|负责|配合|参与|协助|落实")
_ROLE_RE = re.compile(r"(?:按职责分工|按照职责分工|按职责|分别|共同|等部门|等单位|等)?(牵头|负责|主责|配合|参与|协助|落实)")
_SEPS = r"、,，;；。.\s"
_SEP_RE = re.compile(f"[{_SEPS}]")
# what a body's name ends with
_SUFFIX = re.compile(
    r"(?:局|委|办|院|厅|部|会|室|处|中心|公司|政府|镇街|街道|镇|乡|街|园区|管委会|集团|队|所|站|社|分行|支行|"
    r"银行|小组|成员单位|单位|部门|海事局|电网|法院|检察院|管理局|办公室|指挥部|区|县|市)$"
)
_VERBS = re.compile(r"推进|加强|加快|完善|建立|实施|开展|落实|推动|严格|强化|提升|优化|保障|确保|建设|整治|治理|制定|完成|实现")
_STRIP_TAIL = re.compile(r"(?:等有关部门|等相关部门|等部门|等单位|按职责分工|按照职责分工|按职责|分别|共同|等)+$")
_STRIP_HEAD = re.compile(r"^(?:以下均需|以下均由|以下均|均需|由|请)")
INHERIT_RE = re.compile(r"以下均|下同|不再(?:一一)?列出")


@dataclass
class Clause:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)
    inherit: bool = False  # its implementers apply to the tasks that follow
    start: int = 0  # where the clause starts in the block text

    def empty(self) -> bool:
        return not (self.lead or self.support or self.implementers)


def split_names(s: str) -> list[str]:
    """Split a list of bodies on 、,; and 和/及/与 between names, never inside brackets or a name."""
    if "(" in s or "（" in s:
        parts: list[str] = []
        depth, cur = 0, ""
        for ch in s:
            if ch in "(（":
                depth += 1
            elif ch in ")）":
                depth = max(0, depth - 1)
            if depth == 0 and _SEP_RE.match(ch):
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
    else:
        parts = _SEP_RE.split(s)
    out: list[str] = []
    for p in parts:
        for q in _split_conj(p.strip()):
            q = _STRIP_HEAD.sub("", _STRIP_TAIL.sub("", q.strip())).strip()
            if q and q not in ("有关部门", "相关部门", "有关单位", "各有关部门", "其他部门"):
                out.append(q)
    return out


def _split_conj(p: str) -> list[str]:
    """和/及/与 between two complete names splits them; 市发展和改革局 stays one name."""
    out = [p]
    for conj in ("及", "和", "与"):
        nxt: list[str] = []
        for q in out:
            pieces = q.split(conj)
            if len(pieces) > 1 and all(_SUFFIX.search(_STRIP_TAIL.sub("", x)) for x in pieces[:-1]) and pieces[-1]:
                nxt.extend(pieces)
            else:
                nxt.append(q)
        out = nxt
    # run-together names (OCR): 区财政局区环保局
    res: list[str] = []
    for q in out:
        res.extend(x for x in re.split(r"(?<=[局委办院])(?=[区市县](?:[^区市县]{1,10})[局委办院]$)", q) if x)
    return res


def is_name(tok: str) -> bool:
    tok = _STRIP_TAIL.sub("", tok.strip())
    return 2 <= len(tok) <= 32 and bool(_SUFFIX.search(tok)) and not _VERBS.search(tok)


def parse_clause(content: str) -> Clause:
    """The inside of a responsibility clause → roles."""
    c = Clause(inherit=bool(INHERIT_RE.search(content)))
    m = re.match(r"\s*(?:责任单位|责任部门|牵头单位)\s*[:：]\s*(.*)$", content, re.S)
    if m:
        c.lead = split_names(m.group(1))
        return c
    pos = 0
    last_role = None
    for m in _ROLE_RE.finditer(content):
        chunk = content[pos:m.start()]
        names = split_names(chunk)
        role = m.group(1)
        if role in LEAD_WORDS:
            c.lead += names
        elif role in SUPPORT_WORDS:
            c.support += names
        else:
            c.implementers += names
        last_role = role
        pos = m.end()
    rest = content[pos:]
    if INHERIT_RE.search(rest):
        rest = ""
    tail = [n for n in split_names(rest) if is_name(n)]
    if tail:
        if last_role in LEAD_WORDS:
            c.support += tail
        elif last_role is None:
            c.lead += tail
    c.lead = _dedupe(c.lead)
    c.support = _dedupe(c.support)
    c.implementers = _dedupe(c.implementers)
    return c


def _dedupe(xs: list[str]) -> list[str]:
    seen: list[str] = []
    for x in xs:
        if x not in seen:
            seen.append(x)
    return seen


_OPEN = {")": "(", "）": "（", "〕": "〔", "]": "[", "】": "【"}


def _trailing_bracket(text: str) -> tuple[int, str] | None:
    t = text.rstrip("。.;； \t")
    if not t or t[-1] not in _OPEN:
        return None
    close = t[-1]
    opener = _OPEN[close]
    depth = 0
    for i in range(len(t) - 1, -1, -1):
        ch = t[i]
        if ch in (close, ")", "）") and (ch == close or close in ")）"):
            depth += 1
        elif ch in (opener, "(", "（") and (ch == opener or opener in "(（"):
            depth -= 1
            if depth == 0:
                return i, t[i + 1:-1]
    return None


def find_clause(text: str) -> Clause | None:
    """The responsibility clause of a block of text, if it has one (at its end)."""
    br = _trailing_bracket(text)
    if br and _ROLE_RE.search(br[1]):
        start, content = br
        if ROLE_WORD_RE.search(content) and _looks_like_clause(content):
            c = parse_clause(content)
            if not c.empty():
                c.start = start
                return c
    return _inline_clause(text)


def _looks_like_clause(content: str) -> bool:
    first = split_names(ROLE_WORD_RE.split(content)[0])
    return bool(first) and is_name(first[-1]) or content.strip().startswith(("责任单位", "牵头单位"))


def _inline_clause(text: str) -> Clause | None:
    """A clause written inline at the end of the text: 区环保局牵头 区水务局 区公安局参与."""
    t = text.rstrip(_SEPS.replace("\\s", "") + " \t")
    for m in reversed(list(re.finditer(r"牵头|负责", t))):
        after = t[m.end():]
        toks = [x for x in re.split(f"[{_SEPS}]+", after) if x]
        ok = True
        for tok in toks:
            core = re.sub(r"(?:等)?(?:参与|配合|协助)$", "", tok)
            if core and not is_name(core):
                ok = False
                break
        if not ok:
            continue
        # walk back over the lead names
        before = t[:m.start()]
        lead_toks: list[str] = []
        start = m.start()
        for bm in reversed(list(re.finditer(f"[^{_SEPS}]+", before))):
            tok = bm.group(0)
            if bm.end() != len(before) and not re.fullmatch(f"[{_SEPS}]+", before[bm.end():start]):
                break
            core = _STRIP_TAIL.sub("", tok)
            if not is_name(core):
                break
            lead_toks.insert(0, tok)
            start = bm.start()
        if not lead_toks:
            continue
        c = parse_clause(t[start:])
        if c.lead:
            c.start = start
            return c
    return None


_MID_CLAUSE = re.compile(r"[(（〔]([^()（）〔〕]{2,300}?(?:牵头|负责|配合|参与|协助|落实)[^()（）〔〕]{0,80}?)[)）〕]\s*[。.]?(?=\S)")


def split_after_clauses(text: str) -> list[str]:
    """A line holding two tasks, the first closed by its clause: (…配合)依法审理… → two texts."""
    parts: list[str] = []
    pos = 0
    for m in _MID_CLAUSE.finditer(text):
        if m.end() >= len(text.rstrip("。. ")) or not _looks_like_clause(m.group(1)):
            continue
        if not re.match(r"[\u4e00-\u9fff“]", text[m.end():m.end() + 1]):
            continue
        parts.append(text[pos:m.end()])
        pos = m.end()
    parts.append(text[pos:])
    return [p for p in parts if p.strip()]
