"""Quantitative targets in a block of plan text: value, unit, operator, kind, baseline, indicator, scope.

General rules, after plan-json.md:
- a value is a number with a unit, a water class (Ⅲ类), 全覆盖 as a predicate (→ 100 %), or 零增加/零增长;
- a count (个/座/家/…) is a target only as the object of a result verb (新建, 建成, 完成, 创建, …);
  a quantity followed by a noun (30亩以上的池塘, 400总吨以下船舶, 100 mg/L的) is a size threshold, not a target;
- the operator comes from the words around the value (不高于, 以上, 控制在…以内) or, for plain 达到/保持,
  from which way the indicator is better;
- several values in one 分别 clause give one target each, sharing the clause's indicator list and baseline.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from taizhang.plan.dates import DatePhrase, date_at
from taizhang.plan.numbers import cn_to_int, to_number
from taizhang.plan.units import AMOUNT_UNITS, COUNT_UNITS, UNIT_RE, canonical_unit

_NUM = r"\d+(?:\.\d+)?"
_GROUPED = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?"  # 1,200吨: a thousands separator
_RANGE = rf"(?P<lo>{_NUM})\s*(?:[~～\-—–至到]\s*(?P<hi>{_NUM}))?"
_CLASS_NUM = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5,
              "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
VALUE_RE = re.compile(
    rf"(?<![\d.A-Za-z〔\[])(?:{_RANGE})\s*(?P<unit>{UNIT_RE})?(?P<per>/(?:小时|时|年|月))?"
    r"|(?P<cls>劣\s*[ⅤV]\s*类|(?:[ⅠⅡⅢⅣⅤ]|IV|V|I{1,3}|[一二三四五])\s*类)"
    r"|(?P<cov>全覆盖)"
    r"|(?P<zero>零增加|零增长)"
    r"|(?P<cncount>[两一二三四五六七八九十]{1,3})(?P<cnunit>个|座|家|条|处)"
)
GROUPED_VALUE_RE = re.compile(VALUE_RE.pattern.replace("(?P<lo>", f"(?P<lo>{_GROUPED}|", 1))
_GROUP_NEXT = re.compile(r",\d{3}(?![\d])")
CLAUSE_SEP = re.compile(r"[。;；,，!?:：]")
OCR_CLAUSE_SEP = re.compile(r"[。;；,，!?:：、.]|\s")

RESULT_VERBS = ("新建", "建成", "完成", "创建", "认定", "申报", "取缔", "关闭", "改造", "建设", "新增", "修复",
                "治理", "实施", "培育", "打造", "整治", "复查", "推广", "淘汰", "搬迁", "完善", "累计", "扩建",
                "提标", "技改", "营造", "新改建", "落实")
_VERB_ALT = "|".join(RESULT_VERBS)
VERB_RE = re.compile(_VERB_ALT)
VERB_NEAR_END = re.compile(rf"(?:{_VERB_ALT})[^,，。;；]{{0,10}}$")
VERB_AT_START = re.compile(rf"(?:{_VERB_ALT})")
VERB_TO_END = re.compile(rf"({_VERB_ALT})[^,，。;；]*$")
VERB_OR_ACTION = re.compile(_VERB_ALT + r"|开展|推进|加强|以|在|对|有|是")
REDUCE_WORDS = ("下降", "削减", "减少", "降低", "压减", "减排", "减排量", "压降")
TO_WORDS = ("下降到", "下降至", "降低到", "降低至", "降至", "降到", "减少到", "减少至", "压减至", "压减到")
LE_WORDS = ("不高于", "不超过", "不大于", "控制在", "低于", "小于", "以内", "以下", "少于", "下降到", "下降至", "降至", "降到",
            "降低到")
GE_WORDS = ("不低于", "不少于", "至少", "提高到", "提升到", "提升至", "提高至", "增加到", "增长到", "以上", "超过",
            "高于", "大于", "力争达到", "稳定在", "不小于")
# what must fall: plain 达到/保持/为 means <= for these
LOWER_IS_BETTER = re.compile(
    r"浓度|排放量|排放总量|排放强度|能耗|用水量|用水总量|漏损率|劣[ⅤV]类|重污染|污染天数|超标|总量|消耗|强度|"
    r"发生率|事故|死亡|负荷|排放|PM2\.5|PM10|臭氧|噪声|分贝"
)
# a share of bad days, bad water or failures; a share of them removed or fixed is still a higher-is-better rate
_BAD_SHARE = re.compile(r"劣\s*[ⅤV]\s*类|重污染|重度及以上污染|污染天数|超标|黑臭|极差|丧失使用功能")
_GOOD_SHARE = re.compile(r"消除|消黑|去除|整治|治理|削减|下降|减少|达标|优良|好于|优于")
_PAST = re.compile(r"了|同比|较上年|比上年|已经完成|已完成|截至目前|截止目前")
_PAST_SENTENCE = re.compile(r"同比|较上年|比上年|截至目前|截止目前")


def _sentence(text: str, pos: int) -> str:
    a = max(text.rfind("。", 0, pos), text.rfind(";", 0, pos), text.rfind("；", 0, pos)) + 1
    b = min([i for i in (text.find("。", pos), text.find(";", pos)) if i >= 0] or [len(text)])
    return text[a:b]
_LEAD_FILLER = re.compile(
    r"^(?:[,，、;；\s]|到|至|截至|在|力争|确保|争取|努力|基本|实现|全面|进一步|持续|稳步|逐步|其中|并|且|或者|或|同时|"
    r"以上|使|让|推动|推进|全市|全区|全县|全省|我市|我区|我县|今年|本年度|本年|当年|年|底|前|年底|年末|期间|时期|末)+"
)
_TAIL_OPS = re.compile(
    r"(?:稳定|持续|保持|力争|确保|基本|分别|要|应|均|必须|需|累计|共|成功|全部|总计)*"
    r"(?:达到或优于|达到或好于|保持或优于|优于|好于|不高于|不超过|不大于|不低于|不少于|不小于|至少|提高到|提高至|提升到|"
    r"提升至|提高|提升|增加到|增长到|增加|增长|控制在|控制|稳定在|达到|达|保持在|保持为|保持|维持在|维持|为|在|是|下降到|下降至|"
    r"下降|降低到|降低至|降低|降至|降到|削减|减少|压减|减排量达到|减排|低于|高于|超过|小于|大于|新增|完成|实现|建成|新建|"
    r"持续|稳定|占|约)*$"
)
_SCOPE_RE = re.compile(r"^(全市|全区|全县|全省|全镇|城市|乡镇|城区|市区)")
_RATE = re.compile(r"率|比例|比率|比重|占比|覆盖面|达标")


@dataclass
class FoundTarget:
    indicator: str
    scope: str | None
    op: str
    value: float | int
    unit: str | None
    kind: str
    baseline_year: int | None
    deadline: str | None
    text: str
    start: int
    end: int = 0  # end of the value (or of the whole 分别 list) in the block text


def _separators(text: str, sep: re.Pattern[str]) -> list[int]:
    """Positions of clause separators outside brackets, in order. An unclosed bracket is forgotten at a
    full stop or after 80 characters (OCR and typing slips leave brackets open)."""
    if not _BRACKET.search(text):
        return [m.start() for m in sep.finditer(text)]
    out: list[int] = []
    depth, opened = 0, 0
    for m in _SEP_OR_BRACKET.finditer(text):
        ch, i = m.group(0), m.start()
        if ch in "(（":
            depth, opened = depth + 1, i
            continue
        if ch in ")）":
            depth = max(0, depth - 1)
            continue
        if depth and (ch == "。" or i - opened > 80):
            depth = 0
        if depth == 0 and sep.match(ch):
            out.append(i)
    return out


_BRACKET = re.compile(r"[(（)）]")
_SEP_OR_BRACKET = re.compile(r"[(（)）。;；,，!?:：、.\s]")


def _clause_bounds(text: str, seps: list[int], pos: int, end: int) -> tuple[int, int]:
    i = bisect_left(seps, pos)
    s = seps[i - 1] + 1 if i > 0 else 0
    j = bisect_left(seps, end)
    e = seps[j] if j < len(seps) else len(text)
    return s, e


def _inside_brackets(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[max(0, pos - 60):pos]:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
    return depth > 0


_RISE = re.compile(r"(?:提高|提升|增加|增长|上升)\s*$")
_PRINCIPLES = re.compile(r"(?:要求|原则|理念|方针|精神|意识|底线|方面|环节|领域|重点|机制|体系|统筹|到位|不准|严禁|必须)$")
_COMPARED = re.compile(r"(?:高于|低于|超过|大于|小于|不足|不到)\s*$")
_OF_NOUN = re.compile(r"\s*(?:以上|以下)?\s*的")
_NOTE_AFTER = re.compile(r"^\s*[(（][^()（）]{1,40}[)）]")


def _after_is_end(after: str) -> bool:
    """What follows a value ends the clause (the value is the goal, not a modifier). A bracketed note
    after the value (80%(剔除沙尘天气), 17.6%(5174吨)) is read past."""
    after = re.sub(r"^\s*(?:以上|以下|以内|左右|及以上|及以下|或以上)", "", after)
    after = _NOTE_AFTER.sub("", after)
    return not after or bool(re.match(r"^\s*(?:[。;；,，、)）!?:：\s]|\.(?!\d)|$|和|及|并|或|等|目标|标准|水平)", after))


def _op_of(before: str, after: str, indicator: str, value: float) -> str:
    a = after.lstrip()
    if a.startswith(("以上", "及以上", "或以上")):
        return ">="
    if a.startswith(("以下", "以内", "及以下")):
        return "<="
    tail = before[-16:]
    best: tuple[int, int, str] | None = None  # (end position, length, word)
    for w in LE_WORDS + GE_WORDS:
        i = tail.rfind(w)
        if i >= 0 and (best is None or (i + len(w), len(w)) > best[:2]):
            best = (i + len(w), len(w), w)
    if best:
        w = best[2]
        if w in LE_WORDS:
            return "<" if w in ("低于", "小于") and not a.startswith(("以下", "以内")) else "<="
        return ">" if w in ("超过", "高于", "大于") else ">="
    return better_op(indicator)


def better_op(indicator: str) -> str:
    """The operator a plain value takes from the indicator's better direction: <= for what must fall."""
    if LOWER_IS_BETTER.search(indicator) and not _RATE.search(indicator[-4:]):
        return "<="
    if _BAD_SHARE.search(indicator) and not _GOOD_SHARE.search(indicator):
        return "<="  # 劣Ⅴ类比例为0, 重污染天数比率为1%: a share of what is bad must fall
    return ">="


def extract_targets(text: str, dates: list[DatePhrase], *, default_deadline: str | None = None,
                    ocr: bool = False) -> list[FoundTarget]:
    """Targets stated in one block of text. `dates` are the block's date phrases."""
    seps = _separators(text, OCR_CLAUSE_SEP if ocr else CLAUSE_SEP)
    found: list[FoundTarget] = []
    date_spans = [(d.start, d.end) for d in dates]
    taken: list[tuple[int, int]] = []
    skip_to = 0
    for m in VALUE_RE.finditer(text):
        s = m.start()
        if s < skip_to:
            continue
        lo = m.group("lo")
        if lo and _GROUP_NEXT.match(text, m.end("lo")) and not (len(lo) == 3 and "分别" in text[max(0, s - 16):s]):
            m = GROUPED_VALUE_RE.match(text, s) or m  # 1,450公里; but 分别为120,150,180个 is a list
            skip_to = m.end()
        if any(ds <= s < de for ds, de in date_spans) or any(ts <= s < te for ts, te in taken):
            continue
        if _in_title_quote(text, s) or _restated(text, s):
            continue
        if m.group("cncount") and _in_quote(text, s):
            continue  # a slogan: “四个全面”, “五个决不能”
        prev_end = taken[-1][1] if taken else 0
        prev = found[-1] if found else None
        t = _read_value(text, m, seps, dates, default_deadline, ocr, prev.indicator if prev else None, prev_end,
                        prev)
        if t is None:
            continue
        found.extend(t)
        taken.append((s, max([m.end()] + [x.end for x in t])))
    return found


_VALUE_END = re.compile(rf"(?:\d|%|‰|{UNIT_RE})\s*[(（]\s*(?:即|约|合|折合|相当于|含)?\s*$")


def _restated(text: str, pos: int) -> bool:
    """A value in a bracket that opens right after another value restates it: 17.6%(5174吨), 92.5%(即…27天)."""
    o = max(text.rfind("(", max(0, pos - 30), pos), text.rfind("（", max(0, pos - 30), pos))
    if o < 0 or max(text.rfind(")", o, pos), text.rfind("）", o, pos)) > o:
        return False
    return bool(_VALUE_END.search(text[max(0, o - 12):o + 1]))


def _in_quote(text: str, pos: int) -> bool:
    o, c = text.rfind("“", 0, pos), text.rfind("”", 0, pos)
    return o > c and pos - o <= 6


def _in_title_quote(text: str, pos: int) -> bool:
    """Inside 《…》 or a document number 〔…〕."""
    o, c = text.rfind("《", 0, pos), text.rfind("》", 0, pos)
    if o > c:
        return True
    o, c = text.rfind("〔", 0, pos), text.rfind("〕", 0, pos)
    return o > c and pos - o < 8


def _read_value(text: str, m: re.Match[str], seps: list[int], dates: list[DatePhrase],
                default_deadline: str | None, ocr: bool, prev_indicator: str | None, prev_end: int,
                prev: FoundTarget | None) -> list[FoundTarget] | None:
    s, e = m.start(), m.end()
    note = _NOTE_AFTER.match(text[e:e + 44])
    if note and re.match(r"\s*(?:及|或)?(?:以上|以下|以内|左右)", text[e + note.end():e + note.end() + 6]):
        e += note.end()  # 0.3%(1天)以内: the note stands between the value and its bound
    cs, ce = _clause_bounds(text, seps, s, e)
    clause_before = text[cs:s]  # the whole clause up to the value: verbs, baselines
    # the sentence up to the value, for 每年 (in OCR text, from the last date phrase: its marks are noise)
    sent_start = max([0] + [x.end() for x in re.finditer(r"[。;；]", text[:cs])]) if not ocr else \
        max([cs] + [d.start for d in dates if d.start < cs and cs - d.start < 200])
    yearly = "每年" in text[sent_start:s]
    # the indicator of a value starts after the previous value of the same clause (…10400吨/日、污泥处理能力2000吨/日)
    local = max(cs, prev_end)
    before = re.sub(r"^[\s、,，和及;；]+", "", text[local:s]) if local > cs else clause_before
    after = text[e:ce] if ce > e else ""
    if _PAST.search(text[cs:ce]) or _PAST_SENTENCE.search(_sentence(text, s)):
        return None
    if len(before) <= 24 and not _clean_indicator(before):
        # 重污染天数比例不断减少,较2015年减少25%: the subject stands in the clause before, which has no value
        prev_indicator = _subject_before(text, seps, cs) or prev_indicator
    d = date_at(dates, s)
    deadline = d.iso if d else default_deadline
    if "每年" in clause_before:
        deadline = None  # a recurring yearly duty
    base_m = re.search(r"(?:比|较|相比|与)\s*((?:19|20)\d{2})\s*年", before)
    baseline = int(base_m.group(1)) if base_m else None

    if m.group("zero"):
        ind = _clean_indicator(before)
        if text[max(0, s - 1):s] == "趋":
            return None
        return [FoundTarget(ind, _scope(before), "<=", 0, None, "increase", baseline, deadline, text[cs:ce].strip(), s)]
    if m.group("cov"):
        return _coverage(text, m, cs, ce, before, after, deadline)
    if m.group("cls"):
        return _water_class(text, m, cs, ce, before, after, deadline)
    if m.group("cncount"):
        n = cn_to_int(m.group("cncount"))
        if not n or not (VERB_RE.search(before[-6:]) or "至少" in before[-6:]) or re.match(r"[次批]", after):
            return None
        if _PRINCIPLES.search(re.split(r"[,，。;；、]", text[m.end():m.end() + 16])[0]):
            return None  # 落实六个百分百要求: a count of principles, not of things done
        unit = m.group("cnunit")
        ind = _count_indicator(before, after)
        return [FoundTarget(ind, None, ">=", n, unit, "increase", None, deadline, text[cs:ce].strip(), s)]

    lo, hi = m.group("lo"), m.group("hi")
    raw_unit = m.group("unit")
    unit = canonical_unit(raw_unit) if raw_unit else None
    if unit and m.group("per"):
        unit += m.group("per")  # 蒸吨/小时, 吨/年: a rate unit of its own
    num_after = text[e:e + 12]
    if raw_unit is None:
        # a bare number: a coefficient, or a rate whose % the text lost
        if re.search(r"系数\s*(?:提高到|提升到|提升至|达到|达|为|不低于)?\s*$", before):
            unit = None
        elif _RATE.search(before[-14:]) and re.search(r"(?:达到|达|为|保持|提高到|提升到|不低于|稳定在|控制在|率)\s*$", before) \
                and _after_is_end(num_after) and not re.match(r"\s*[年月日号]", num_after):
            unit = "%"
        elif re.search(r"分别\S{0,8}$", before) and re.match(rf"\s*[、,，和及]\s*{_NUM}", num_after):
            unit = _list_unit(text, e)
            if unit is None:
                return None
        else:
            return None
    if unit in ("天",) and re.match(r"\s*(?:内|以内完成|之内)", num_after):
        return None
    if raw_unit in ("日",) and not re.search(r"天数|优良", before):
        return None
    value_text = text[cs:ce].strip()
    # thresholds: a quantity that qualifies a noun
    rest = text[e:]
    is_end = _after_is_end(rest)
    inherited_verb = None
    if _COMPARED.search(before[-6:]) and _OF_NOUN.match(rest):
        return None  # 含硫量高于0.7%的煤炭: a comparison that picks out a noun is a threshold
    if unit in COUNT_UNITS:
        verb_near = VERB_NEAR_END.search(before) or re.search(
            r"(?:至少|不少于|不低于|超过|达到|达)\s*$", before)
        if not verb_near and prev is not None and prev.kind == "increase" and prev.unit in COUNT_UNITS \
                and len(clause_before.strip()) <= 15 and s - prev.start < 80 \
                and (is_end or len(clause_before.strip()) <= 2) \
                and not VERB_OR_ACTION.search(clause_before):
            inherited_verb = VERB_AT_START.match(prev.indicator)
            verb_near = inherited_verb or verb_near
        if not verb_near and not (is_end and VERB_RE.search(clause_before)):
            return None
        if re.match(r"\s*(?:以上|以下)?的", rest) and not verb_near:
            return None
        if re.match(r"\s*及?(?:以下|以内)", rest):
            return None
    elif unit == "%" or unit == "个百分点":
        if re.match(r"\s*(?:以上|以下)?\s*的(?:[\u4e00-\u9fff]{0,6})(?:比例|时间|概率)", rest):
            return None
    elif not is_end and (re.match(r"\s*及?(?:以上|以下)", rest) or re.match(r"\s*的", rest)
                         or not VERB_RE.search(before[-6:])) and not _MEASURED_SUBJECT.match(rest):
        return None
    if unit in AMOUNT_UNITS and re.match(r"\s*及?(?:以下|以内)", rest) and not re.search(r"控制在|不超过|不高于", before[-8:]):
        return None
    # 分别 lists
    vals, list_end = _value_list(text, m, "分别" in clause_before)
    ind_text = before
    if len(vals) > 1:
        items = _indicator_items(before)
        kind_words = before
        out: list[FoundTarget] = []
        years = _period_years(text[text.rfind("。", 0, s) + 1:s]) if len(items) != len(vals) else []
        for i, (v, u) in enumerate(vals):
            u = canonical_unit(u) if u else unit
            ind = items[i] if len(items) == len(vals) else _clean_indicator(ind_text)
            due = f"{years[i]}-12-31" if len(years) == len(vals) else deadline  # 2018年—2020年…分别: one per year
            out.append(_make(ind, before, kind_words, after, v, u, baseline, due, value_text, s, prev_indicator))
        out[-1].end = list_end
        return out
    v = to_number(lo)
    if hi is not None:
        op_hint = _op_of(before, after, before, v)
        v = to_number(lo) if op_hint.startswith(">") else to_number(hi)
    pollutants = pollutant_items(before) if unit in ("%", "吨", "万吨") else []
    if pollutants:  # 化学需氧量、氨氮排放量比2015年减少1%: the value holds for each pollutant
        return [_make(p, before, clause_before, after, v, unit, baseline, deadline, value_text, s, prev_indicator,
                      yearly, p) for p in pollutants]
    if unit in AMOUNT_UNITS and is_end and not _clean_indicator(before):
        ind = _following_object(text[e:])
    elif unit in AMOUNT_UNITS and not is_end:
        ind = _count_indicator(clause_before, text[e:ce])
        if inherited_verb and not ind.startswith(inherited_verb.group(0)):
            ind = inherited_verb.group(0) + ind
    elif unit == "%" and not _clean_indicator(before) or unit == "%" and not is_end and not re.match(r"\s*以", rest):
        ind = _share_indicator(text[sent_start:s], text[e:ce]) or _clean_indicator(before)
    else:
        ind = _clean_indicator(before)
    return [_make(ind, before, clause_before, after, v, unit, baseline, deadline, value_text, s, prev_indicator,
                  yearly, ind)]


_TREND = re.compile(r"(?:不断|持续|逐步|明显|稳步|大幅|进一步|有效)*(?:减少|下降|降低|改善|提升|提高|好转|增加|减轻)$")


def _subject_before(text: str, seps: list[int], cs: int) -> str | None:
    """The subject of a clause that has none: the clause before it, if that one holds no value."""
    if cs < 2 or text[cs - 1] not in ",，;；":
        return None
    i = bisect_left(seps, cs - 1)
    start = seps[i - 1] + 1 if i > 0 else 0
    prev = text[start:cs - 1]
    if re.search(r"\d", prev) or len(prev) > 40:
        return None
    subj = _clean_indicator(_TREND.sub("", prev.strip()))
    return subj or None


def _following_object(after: str) -> str:
    """The object named after a count whose marks OCR scattered: 13家。十一大。企业专项整治工作 → 十一大企业专项整治."""
    seg = re.split(r"[\d。;；]|(?:" + "|".join(RESULT_VERBS) + ")", after[:40].lstrip("。、,，. "))[0]
    return re.sub(r"工作$", "", re.sub(r"[\s、,，.“”\"]", "", seg))


def _share_indicator(before: str, after: str) -> str:
    """A share of objects: 95%以上的自然村生活垃圾得到有效处理 → 自然村生活垃圾得到有效处理比例;
    完成…70%排污口整治工作 → 排污口整治完成比例."""
    obj = re.sub(r"^\s*(?:以上|以下)?\s*的?", "", after).strip(" ,，、。")
    obj = re.sub(r"工作$", "", obj)
    if not obj:
        return ""
    full = re.match(r"全(覆盖|落实|收集|处理|达标)", obj)
    if full:  # 100%全覆盖 → …覆盖率
        return _clean_indicator(before) + full.group(1) + "率"
    verbs = re.findall(r"完成|实现|达到|开展|推进", before)
    if verbs and verbs[-1] == "完成":
        return obj + "完成比例"
    return obj + "比例"


def _make(ind: str, before: str, kind_words: str, after: str, v: float | int, unit: str | None,
          baseline: int | None, deadline: str | None, clause: str, start: int,
          prev_indicator: str | None, yearly: bool = False, share_ind: str | None = None) -> FoundTarget:
    if not ind and prev_indicator:
        ind = prev_indicator
    tail = kind_words[-12:]
    if any(w in tail for w in TO_WORDS):
        kind = "level"
    elif any(w in kind_words for w in REDUCE_WORDS) and (unit in ("%", "个百分点") or unit in AMOUNT_UNITS):
        kind = "reduction"
    elif baseline and unit in ("%", "个百分点") and _RISE.search(tail):
        kind = "increase"  # 比2020年提高5个百分点: a rise against the baseline
    elif unit in AMOUNT_UNITS and (unit in COUNT_UNITS or VERB_RE.search(kind_words)) \
            and not re.search(r"控制在|不超过|不高于", tail) or unit == "%" and yearly and VERB_RE.search(kind_words + (share_ind or "")):
        kind = "increase"
    else:
        kind = "level"
    if kind == "reduction":
        op = ">="
    elif kind == "increase":
        op = "<=" if re.search(r"控制在|不超过|不高于", tail) or re.match(r"\s*以内", after) else ">="
    else:
        op = _op_of(before, after, ind, v)
    if unit == "%" and v == 100 and op in ("=",):
        op = ">="
    return FoundTarget(ind or "", _scope(before), op, v, unit, kind, baseline if kind != "level" else None,
                       deadline, clause, start)


# 50平方公里以上建设用地面积达到…要求: the quantity measures the subject of a result, it does not pick out a scope
_MEASURED_SUBJECT = re.compile(r"\s*(?:以上|及以上)?[^,，。;；的\d]{0,12}?(?:面积|长度|里程|总长)(?:达到|实现|完成|建成)")


_ITEM_OP = r"不高于|不低于|不超过|不少于|达到|低于|高于"
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—\-–~至到]+\s*((?:19|20)\d{2})\s*年(?!底|末|前)")


def _period_years(text: str) -> list[int]:
    """The years of the last period the sentence names before a value list (2018年—2020年 → 2018, 2019, 2020),
    when no other date comes between."""
    found = list(_PERIOD.finditer(text))
    if not found or re.search(r"(?:19|20)\d{2}\s*年", text[found[-1].end():]):
        return []
    a, b = int(found[-1].group(1)), int(found[-1].group(2))
    return list(range(a, b + 1)) if 0 < b - a <= 10 else []


def _value_list(text: str, m: re.Match[str], respectively: bool = False) -> tuple[list[tuple[float | int, str | None]], int]:
    """The values of a list starting at m: 3895吨、190吨、800吨 → [(3895,'吨'), …]. One item if no list.
    Commas join a list only in a 分别 clause; elsewhere they separate clauses."""
    if not m.group("lo"):
        return [], m.end()
    vals = [(to_number(m.group("lo")), m.group("unit"))]
    e = m.end()
    seps = "、,，和及" if respectively else "、和及"
    while True:
        note = _NOTE_AFTER.match(text[e:])  # 17.6%(5174吨)和17.6%(9240吨): the notes restate the values
        nxt = re.match(rf"\s*[{seps}]\s*(?:{_ITEM_OP})?\s*({_NUM})\s*({UNIT_RE})?", text[e + (note.end() if note else 0):])
        if not nxt:
            break
        e += (note.end() if note else 0)
        vals.append((to_number(nxt.group(1)), nxt.group(2)))
        e += nxt.end()
    if len(vals) > 1:
        last_unit = next((u for _, u in reversed(vals) if u), None)
        vals = [(v, u or last_unit) for v, u in vals]
    return vals, e


def _list_unit(text: str, e: int) -> str | None:
    nxt = re.match(rf"(?:\s*[、,，和及]\s*{_NUM})+\s*({UNIT_RE})", text[e:])
    return canonical_unit(nxt.group(1)) if nxt else None


def _indicator_items(before: str) -> list[str]:
    """化学需氧量、氨氮重点工程减排量达到 → ['化学需氧量重点工程减排量', '氨氮重点工程减排量']."""
    core = _clean_indicator(before)
    core = re.sub(r"分别$", "", core)
    m = re.match(r"^(.*?)(比\s*(?:19|20)\d{2}\s*年.*)?$", core)
    core = (m.group(1) if m else core).strip()
    # a class noun before the list names what the items are, not an item (主要污染物二氧化硫、氮氧化物排放量)
    core = _LIST_CLASS.sub("", core) if "、" in core else core
    parts = [p for p in re.split(r"[、和及]", core) if p]
    if len(parts) < 2:
        return []
    if len(parts[-1]) > 6 and len(parts[-1]) > 2 * max(len(p) for p in parts[:-1]) and not re.search(r"量$", parts[-1]):
        return [core] * len(parts)  # 城市和乡镇…比例: scopes sharing one indicator
    head = parts[-1]
    # a shared head noun after the last item (…重点工程减排量, …平均浓度): spread to each item
    lm = _SHARED_HEAD.match(head) or re.match(
        r"^(化学需氧量|氨氮|氮氧化物|挥发性有机物|二氧化硫|总磷|总氮|[\u4e00-\u9fff]{2,6}?)(重点工程减排量|排放总量|排放量|用水量|.*量)$", head)
    if lm and lm.group(1) and all(len(_POLLUTANT_NOTE.sub("", p)) <= 8 for p in parts[:-1]):
        shared = lm.group(2)
        parts[-1] = lm.group(1)
        return [p + shared for p in parts]
    return parts


_LIST_CLASS = re.compile(r"^(?:主要)?(?:大气|水|水体)?污染物(?=[^、]{2,8}、)")


def pollutant_items(before: str) -> list[str]:
    """The items of a list of pollutants sharing one measure (化学需氧量、氨氮排放量 → 化学需氧量排放量,
    氨氮排放量), or [] when the words before a value are not such a list."""
    core = re.sub(r"(?:均|都|分别)$", "", _clean_indicator(before))
    core = re.sub(r"(?:比|较)\s*(?:19|20)\d{2}\s*年.*$", "", core).strip()
    core = _LIST_CLASS.sub("", core)
    parts = [p for p in core.split("、") if p]
    if len(parts) < 2 or not all(_POLLUTANT.fullmatch(_POLLUTANT_NOTE.sub("", p)) for p in parts[:-1]):
        return []
    lm = re.match(r"^(.+?)(排放总量|排放量|重点工程减排量|减排量)$", parts[-1])
    if not lm or not _POLLUTANT.fullmatch(_POLLUTANT_NOTE.sub("", lm.group(1))):
        return []
    parts[-1] = lm.group(1)
    return [p + lm.group(2) for p in parts]


_POLLUTANT = re.compile(r"化学需氧量|氨氮|总磷|总氮|二氧化硫|氮氧化物|挥发性有机物|烟粉尘|颗粒物|一次颗粒物|"
                        r"VOCs|COD|SO2|NOx|重点重金属|铅|汞|镉|铬|砷")


# the item of a pollutant list with its own bracketed formula, and a measure the items share
_POLLUTANT_NOTE = re.compile(r"[(（][A-Za-z0-9.₂₃ₓ]{1,8}[)）]")
_SHARED_HEAD = re.compile(r"^(.{2,8}?(?:[(（][A-Za-z0-9.₂₃ₓ]{1,8}[)）])?)(?:等[\u4e00-\u9fff]{0,6}?)?"
                          r"(排放总量|排放量|年均浓度|平均浓度|浓度|重点工程减排量|减排量)$")


def _clean_indicator(before: str) -> str:
    s = re.sub(r"(?:比|较|相比|与)\s*(?:19|20)\d{2}\s*年?(?:相比)?", "", before)
    s = re.sub(r"(?:到|至|在)?\s*(?:19|20)\d{2}\s*年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:年底|底前|底|末|前)?", "", s)
    s = re.sub(r"[“”\"]?十[一二三四五]五[”\"]?(?:期间|时期|末)", "", s)
    s = _LEAD_FILLER.sub("", s.strip())
    q = _PICKED_BY_STATE.match(s)
    if q and q.group(2):
        s = q.group(2)  # 浓度超过70微克/立方米的甲镇、乙乡的PM2.5平均浓度 → PM2.5平均浓度
    prev = None
    while prev != s:
        prev = s
        s = _TAIL_OPS.sub("", re.sub(r"(?:的)?目标值?$", "", s)).strip(" ,，、")
    return s.strip()


# a qualifier that picks out places by a measured state, ending in the places' 的 before the indicator
_PICKED_BY_STATE = re.compile(r"^(.*(?:超过|低于|高于|大于|小于|不足|在)\s*\d.*的)([^的]+)$")


def _count_indicator(before: str, after: str) -> str:
    """新建 15座 污水处理设施 → 新建污水处理设施; 污水处理设施15座 → the text before."""
    verb = VERB_TO_END.search(before)
    obj = re.sub(r"^(?:以上|以下)", "", after.strip()).strip(" ,，、。")
    obj = re.split(r"[,，。;；]", obj)[0]
    if obj:
        v = verb.group(1) if verb else ""
        return (v + obj) if v and not obj.startswith(v) else obj
    return _clean_indicator(before)


def _scope(before: str) -> str | None:
    m = _SCOPE_RE.match(_clean_lead(before))
    return m.group(1) if m else None


def _clean_lead(s: str) -> str:
    s = re.sub(r"^(?:[,，、;；\s]|到|至)*(?:19|20)\d{2}\s*年(?:年底|底|末)?[,，\s]*", "", s.strip())
    return s


def _coverage(text: str, m: re.Match[str], cs: int, ce: int, before: str, after: str,
              deadline: str | None) -> list[FoundTarget] | None:
    s = m.start()
    rest = text[m.end():]
    if not _after_is_end(rest) or re.match(r"\s*的|\s*[、,，]\s*\S{1,4}全", rest):
        return None
    if re.search(r"100\s*%\s*$", before):
        return None  # 100%全覆盖: the 100% is the target already
    core = re.sub(r"^(?:基本实现|全面实现|实现|推进|完成|基本|达到|做到|逐步实现)+", "", _clean_indicator(before))
    core = re.sub(r"(?:实现|推进|完成|达到|做到)$", "", core)
    if not core:
        return None
    ind = core + "覆盖率"
    return [FoundTarget(ind, _scope(before), ">=", 100, "%", "level", None, deadline, text[cs:ce].strip(), s)]


_EFFLUENT = re.compile(r"废水|尾水|出水|矿井水|外排|排放口|排污口")


def _water_class(text: str, m: re.Match[str], cs: int, ce: int, before: str, after: str,
                 deadline: str | None) -> list[FoundTarget] | None:
    raw = re.sub(r"\s", "", m.group("cls"))
    rest = text[m.end():]
    if _inside_brackets(text, m.start()):
        return None
    if re.match(r"\s*(?:水体)?(?:比例|比率|水比例|断面比例|以上|及以上|的|或|和|、)", rest) \
            or re.match(r"[^,，。;；、]{0,6}?(?:比例|比率)", rest):
        return None  # the class names a ratio (Ⅲ类水质断面比例), not a target of its own
    if not re.search(r"(?:保持|达到|优于|好于|提升至|提升到|提高到|改善到|改善至|稳定在|稳定|为|达|恢复到|恢复至)[^,，。;；]{0,10}$",
                     before):
        return None
    if _EFFLUENT.search(before):
        return None  # 外排废水达地表水Ⅴ类标准: a discharge standard, not a water-quality target
    if raw.startswith("劣"):
        val = 6
    else:
        val = _CLASS_NUM.get(raw[:-1])
        if val is None:
            return None
    scope_m = re.match(r"^(.*?)(?:水质)?(?:持续|稳定|总体|基本|力争|确保|分别)*(?:保持|达到|优于|提升|提高|改善|稳定|恢复|为|达)", _clean_lead(before))
    scope = scope_m.group(1).strip() if scope_m and scope_m.group(1).strip() else None
    return [FoundTarget("水质", scope, "<=", val, "类", "level", None, deadline, text[cs:ce].strip(), m.start())]
