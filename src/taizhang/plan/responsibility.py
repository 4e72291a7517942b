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

from taizhang.plan.dates import find_dates

LEAD_WORDS = ("牵头", "负责", "主责", "主抓")
SUPPORT_WORDS = ("配合", "参与", "协助", "协同", "协办")
ROLE_WORD_RE = re.compile(r"牵头|负责|配合|参与|协助|落实")
# 负责落实 / 负责具体落实 name implementers, not leads; the longer phrases are tried first
_ROLE_RE = re.compile(r"(?:按职责分工|按照职责分工|按职责|分别|共同|等部门|等单位|等)?"
                      r"(负责(?:具体)?(?:组织)?落实|具体(?:负责)?落实|组织落实|牵头|负责|主责|配合|参与|协助|协同|协办|落实)")
# labelled fields: 牵头单位:…;责任单位:… / (牵头部门:…;配合单位:…)
_LABEL_RE = re.compile(r"(牵头单位|牵头部门|责任单位|责任部门|主责单位|主责部门|配合单位|配合部门|协办单位|协办部门|"
                       r"参与单位|参与部门|协助单位|协助部门|落实单位|实施单位|实施主体|责任主体|"
                       r"完成时限|完成时间|完成期限|时间节点|时限要求|时限)\s*[:：]")
# the plan says the first body of a 责任单位 list leads (排在首位的为牵头单位)
FIRST_LEADS_RE = re.compile(r"(?:排在|列在|排|列)(?:首位|第一位?|最前)的?(?:单位|部门)?(?:为|是)牵头")
_SEPS = r"、,，;；。.\s"
_SEP_RE = re.compile(f"[{_SEPS}]")
# what a body's name ends with
_SUFFIX = re.compile(
    r"(?:局|委|办|院|厅|部|会|室|处|中心|公司|政府|镇街|街道|镇|乡|街|园区|管委会|集团|队|所|站|社|分行|支行|"
    r"银行|小组|成员单位|单位|部门|海事局|电网|法院|检察院|管理局|办公室|指挥部|区|县|市)$"
)
_VERBS = re.compile(r"推进|加强|加快|完善|建立|实施|开展|落实|推动|严格|强化|提升|优化|保障|确保|建设|整治|治理|制定|完成|实现")
_STRIP_TAIL = re.compile(r"(?:等有关部门|等相关部门|等部门|等单位|按职责分工|按照职责分工|按职责|分别|共同|等)+$")
_STRIP_HEAD = re.compile(r"^(?:以下[^、,，;；。]{0,8}?(?:均需|均由|均要|均)|均需|由|请)")
INHERIT_RE = re.compile(r"以下均|下同|不再(?:一一)?列出")


@dataclass
class Clause:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)
    inherit: bool = False  # its implementers apply to the tasks that follow
    due: str | None = None  # a 完成时限 field's date
    start: int = 0  # where the clause starts in the block text

    def empty(self) -> bool:
        return not (self.lead or self.support or self.implementers)


def split_names(s: str) -> list[str]:
    """Split a list of bodies on 、,; and 和/及/与 between names, never inside brackets or a name."""
    s = s.strip(" \t、,，;；。.")
    if s[:1] in "以均由请":
        s = _STRIP_HEAD.sub("", s)
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
    for p in (_join_levels(parts) if "各" in s else parts):
        for q in _split_conj(p.strip()):
            q = q.strip()
            if q[-1:] in "门位工责别同等":
                q = _STRIP_TAIL.sub("", q)
            if q[:1] in "以均由请":
                q = _STRIP_HEAD.sub("", q)
            q = q.strip()
            if q and q not in ("有关部门", "相关部门", "有关单位", "各有关部门", "其他部门"):
                out.append(q)
    return out


_LEVEL_ONLY = re.compile(r"^\s*各?[省市县区乡镇街]{1,2}(?:、[省市县区乡镇街]{1,2})*\s*$")


def _join_levels(parts: list[str]) -> list[str]:
    """各县、区人民政府 names one body whose noun the levels share: a bare level word joins what follows."""
    out: list[str] = []
    for p in parts:
        if out and _LEVEL_ONLY.match(out[-1]) and re.match(r"\s*[省市县区乡镇街]", p):
            out[-1] = out[-1].strip() + "、" + p.strip()
        else:
            out.append(p)
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
    core = _NOTE.sub("", tok) if tok[-1:] in ")）" else tok  # 各乡镇(街道), 各县区人民政府(管委会)
    return 2 <= len(tok) <= 32 and bool(_SUFFIX.search(core)) and not _VERBS.search(tok)


_NOTE = re.compile(r"[(（][^()（）]{1,12}[)）]$")


def _role_of(word: str) -> str:
    if "落实" in word:
        return "implementers"
    return "lead" if word in LEAD_WORDS else "support" if word in SUPPORT_WORDS else "implementers"


def _label_role(label: str, has_lead_label: bool) -> str:
    if "时" in label or "期限" in label:
        return "time"
    if label.startswith("牵头"):
        return "lead"
    if label.startswith(("责任单位", "责任部门", "主责")):
        return "support" if has_lead_label else "lead"
    if label.startswith(("落实", "实施", "责任主体")):
        return "implementers"
    return "support"


def _split_top(s: str, seps: str) -> list[str]:
    """Split on the separators outside brackets."""
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in s:
        depth += ch in "(（"
        depth = max(0, depth - (ch in ")）"))
        if depth == 0 and ch in seps:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _parse_labelled(content: str, labels: list[re.Match[str]], first_leads: bool) -> Clause:
    """牵头单位:A;责任单位:B、C / 责任单位:A、B(…负责具体落实) → roles. A group of names closed by a role word
    takes that role; the others take their label's role."""
    c = Clause(inherit=bool(INHERIT_RE.search(content)))
    has_lead = any(lm.group(1).startswith("牵头") for lm in labels)
    for i, lm in enumerate(labels):
        seg = content[lm.end(): labels[i + 1].start() if i + 1 < len(labels) else len(content)]
        role = _label_role(lm.group(1), has_lead)
        if role == "time":
            c.due = c.due or next((d.iso for d in find_dates(seg) if d.iso), None)
            continue
        for group in _split_top(seg, ",，;；。"):
            if not group.strip():
                continue
            if _ROLE_RE.search(group):
                sub = _parse_roles(group)
                c.lead += sub.lead
                c.support += sub.support
                c.implementers += sub.implementers
            elif not INHERIT_RE.search(group):
                names = split_names(group)
                if role == "lead" and first_leads and not has_lead and len(names) > 1:
                    c.lead += names[:1]
                    c.support += names[1:]
                else:
                    getattr(c, role).extend(names)
    c.lead, c.support, c.implementers = _dedupe(c.lead), _dedupe(c.support), _dedupe(c.implementers)
    return c


def parse_clause(content: str, first_leads: bool = False) -> Clause:
    """The inside of a responsibility clause → roles."""
    labels = list(_LABEL_RE.finditer(content)) if ("单位" in content or "部门" in content or "主体" in content) else []
    if labels and not content[:labels[0].start()].strip(" ,，;；。(（〔"):
        return _parse_labelled(content, labels, first_leads)
    return _parse_roles(content)


_FORWARD = re.compile(r"以下[^、,，;；。]{0,8}?(?:均需|均由|均要|均)")


def _parse_roles(content: str) -> Clause:
    """Names grouped by the role word that closes each group: A牵头,B、C配合,D负责落实. What follows 以下均需…
    speaks of the later tasks: only the bodies it says implement them are taken from it."""
    c = Clause(inherit=bool(INHERIT_RE.search(content)))
    fwd = _FORWARD.search(content)
    if fwd:
        ahead = content[fwd.end():]
        m = re.search(r"落实|实施", ahead)
        c.implementers = split_names(ahead[:m.start()]) if m else []
        content = content[:fwd.start()]
    pos = 0
    last_role = None
    for m in _ROLE_RE.finditer(content):
        if m.start() < pos:
            continue
        chunk = content[pos:m.start()]
        names = split_names(chunk)
        role = m.group(1)
        getattr(c, _role_of(role)).extend(names)
        last_role = role
        pos = m.end()
        # a verb glued to the role word (牵头督导, 负责组织实施) is not a body's name
        glued = re.match(rf"[^{_SEPS}()（）]+", content[pos:])
        if glued:
            nxt = _ROLE_RE.search(glued.group(0))
            word = glued.group(0)[:nxt.start()] if nxt else glued.group(0)
            if word and not is_name(word):
                pos += len(word)
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


# bodies a bare bracket may name: offices, not places (县级以上城市 is not a body)
_ORG = re.compile(r"(?:局|委|办|院|厅|部|会|室|处|中心|公司|政府|管委会|集团|队|所|站|社|分行|支行|银行|小组|指挥部|办事处|"
                  r"街道|分局|海关|法院|检察院)$")


def _bare_names(content: str) -> Clause | None:
    """(区卫生计生委) / (区水务局、区环保局): a bracket holding nothing but offices' names leads."""
    names = split_names(content)
    if names and all(len(n) >= 3 and _ORG.search(_NOTE.sub("", n)) and is_name(n) for n in names):
        return Clause(lead=names)
    return None


def names_only(text: str) -> list[str]:
    """各乡镇(街道)、黎阳建管办: a line that is nothing but bodies' names, or [] when it says more."""
    t = text.strip().rstrip("。;；")
    if not t or len(t) > 80 or re.search(r"[。:：;；]", t):
        return []
    names = split_names(t)
    if names and all(is_name(n) for n in names) and any(_ORG.search(_NOTE.sub("", n)) for n in names):
        return names
    return []


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


def find_clause(text: str, first_leads: bool = False) -> Clause | None:
    """The responsibility clause of a block of text, if it has one (at its end)."""
    br = _trailing_bracket(text)
    if br and (_ROLE_RE.search(br[1]) or _LABEL_RE.match(br[1].strip())):
        start, content = br
        if _looks_like_clause(content):
            c = parse_clause(content, first_leads)
            if not c.empty():
                c.start = start
                return c
    elif br and len(br[1]) <= 80 and br[0] > 0:
        c = _bare_names(br[1])
        if c:
            c.start = br[0]
            return c
    return _labelled_tail(text, first_leads) or _inline_clause(text)


def _looks_like_clause(content: str) -> bool:
    if _LABEL_RE.match(content.strip()):
        return True
    if not ROLE_WORD_RE.search(content):
        return False
    first = split_names(ROLE_WORD_RE.split(content)[0])
    return bool(first) and is_name(first[-1])


def is_clause_line(text: str) -> bool:
    """A line that is nothing but a labelled clause (牵头单位:…;责任单位:…): it belongs to the task above it."""
    t = text.strip()
    return bool(_LABEL_RE.match(t)) and len(t) <= 300 and not parse_clause(t).empty()


def _labelled_tail(text: str, first_leads: bool) -> Clause | None:
    """A labelled clause closing the text without brackets: ……。牵头单位:A;责任单位:B、C."""
    if "单位" not in text and "部门" not in text and "主体" not in text:
        return None
    labels = list(_LABEL_RE.finditer(text))
    if not labels:
        return None
    start = labels[-1].start()
    for lm in reversed(labels[:-1]):  # earlier labels of the same run: only names between them
        if "。" in text[lm.end():start]:
            break
        start = lm.start()
    if start and text[start - 1] not in "。;；,，.\n \t:：":
        return None
    tail = text[start:]
    if len(tail) > 300:
        return None
    c = parse_clause(tail, first_leads)
    if c.empty():
        return None
    c.start = start
    return c


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
        c = _parse_roles(t[start:])
        if c.lead:
            c.start = start
            return c
    return None


# a clause that closes one task in the middle of a line; it may hold a bracketed note: 〔…区人民政府(管委会)负责落实。〕
_IN = r"(?:[^()（）〔〕]|[(（][^()（）〔〕]{1,20}[)）])"
_MID_CLAUSE = re.compile(rf"[(（〔]({_IN}{{2,300}}?(?:牵头|负责|配合|参与|协助|落实){_IN}{{0,80}}?)[)）〕]\s*[。.]?(?=\S)")


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
