"""Plan metadata: title, region, issuer, issue date, draft or final, period."""

from __future__ import annotations

import re
from collections import Counter

_DOC_WORDS = r"(?:实施方案|行动方案|工作方案|方案|行动计划|工作计划|计划|实施意见|意见|规划|办法|措施|要点)"
_DRAFT = re.compile(r"征求意见稿|送审稿|讨论稿|草案|征求意见")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_REGION = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,7}?(?:市|自治州|州(?!市)|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,7}?(?:区|县|旗|市))?)"
)
_NOT_REGION = ("全市", "我市", "本市", "城市", "各市", "市级", "全区", "各区", "我区", "全县", "城区", "县区", "市区",
               "地区", "社区", "园区", "景区", "城镇", "省市", "县市", "区县")


def _strip_status(s: str) -> str:
    s = re.sub(r"[(（【\[]\s*(?:[^()（）]*?(?:征求意见稿|送审稿|讨论稿|草案)[^()（）]*?)[)）】\]]", "", s)
    return re.sub(r"\s+", "", s).strip("《》 ")


def find_title(lines: list[str]) -> str | None:
    """The plan's own title: a short line naming a plan document, or the 《…》 its release notes name."""
    for ln in lines[:15]:
        s = ln.strip()
        if not s or len(s) > 70 or s.endswith(("。", ":", ",")) or "印发" in s or "通知" in s[-4:]:
            continue
        core = _strip_status(s)
        core = re.sub(r"[,，、.。\s]*((?:19|20)\d{2})\s*[—\-–、,.。~至 ]\s*((?:19|20)\d{2})\s*年[,，、.。]?$",
                      r"(\1-\2年)", core)
        if re.search(_DOC_WORDS + r"(?:\((?:19|20)\d{2}-(?:19|20)\d{2}年\))?$", core) and not re.match(r"^(?:[一二三四五六七八九十]+[、.]|[(（]|\d{1,3}(?![\d年]))", core):
            return core
    for ln in lines[:10]:
        m = re.search(r"《([^》]{4,60}?" + _DOC_WORDS + r")》", ln)
        if m:
            return m.group(1)
    # a run-on (OCR) text: the title after the issuer and date
    head = " ".join(lines[:3])[:600]
    m = re.search(r"日\s*([\u4e00-\u9fff]{4,40}?" + _DOC_WORDS + r")\s*[,，、.。 ]*((?:19|20)\d{2})\s*[—\-–、,.。~至 ]\s*((?:19|20)\d{2})\s*年", head)
    if m:
        return f"{m.group(1)}({m.group(2)}-{m.group(3)}年)"
    return None


def _admin_prefix(s: str | None) -> str | None:
    m = _REGION.match(s or "")
    if m and m.group(1) and m.group(1) not in _NOT_REGION and len(m.group(1)) >= 2:
        return m.group(1)
    return None


def find_region(title: str | None, text: str, issuer: str | None = None) -> str | None:
    """The title's administrative prefix; else the issuing government's (重庆市人民政府 → 重庆市);
    else the place the text names most."""
    for s in (title, issuer if issuer and re.search(r"人民政府|委员会|办公室|办公厅", issuer) else None):
        region = _admin_prefix(s)
        if region:
            return region
    # no title: the place the text names most, as 美丽杭州 / 杭州市
    names = Counter()
    for m in re.finditer(r"([\u4e00-\u9fff]{2,3}?)(市|区|县)(?![\u4e00-\u9fff]{0,1}级)", text):
        full = m.group(1) + m.group(2)
        if full[-2:] in _NOT_REGION or m.group(1) in ("城", "全", "我", "本", "各", "省", "地", "社", "园", "景"):
            continue
        names[full] += 1
    for m in re.finditer(r"美丽([\u4e00-\u9fff]{2})", text):
        names[m.group(1) + "市"] += 2
    if names:
        best, n = names.most_common(1)[0]
        if n >= 3:
            return best
    return None


def find_status(lines: list[str]) -> str:
    head = lines[:6]
    if any(re.search(r"正式(?:方案|文件|版)?(?:发布|印发)", ln) for ln in head):
        return "final"
    return "draft" if any(_DRAFT.search(ln) for ln in head[:3]) else "final"


def find_issued(lines: list[str], text: str) -> str | None:
    for ln in lines[:8]:
        if re.search(r"正式.*?(?:发布|印发)", ln):
            m = _DATE.search(ln)
            if m:
                return _iso(m)
    # a date standing alone, or right after the issuing body, near the top or the end
    cands = lines[:12] + lines[-6:]
    for ln in cands:
        s = ln.strip()
        m = _DATE.fullmatch(s)
        if m:
            return _iso(m)
    head = text[:800]
    m = re.search(r"(?:人民政府|委员会|办公室|办公厅|领导小组|指挥部)\s*" + _DATE.pattern, head)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


def find_issuer(lines: list[str], text: str) -> str | None:
    for i, ln in enumerate(lines[:12]):
        if _DATE.fullmatch(ln.strip()) and i > 0:
            prev = lines[i - 1].strip()
            if 3 <= len(prev) <= 30 and not prev.endswith("。"):
                return prev
    m = re.search(r"([\u4e00-\u9fff]{2,20}(?:人民政府|委员会|办公室|办公厅|领导小组|指挥部))\s*" + _DATE.pattern, text[:800])
    return m.group(1) if m else None


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def find_period(title: str | None, text: str, deadline_years: list[int], issued: str | None) -> list[int] | None:
    for s in (title or "", text[:3000]):
        m = re.search(r"((?:19|20)\d{2})\s*[—\-–~至]\s*((?:19|20)\d{2})\s*年", s)
        if m and s is title:
            return [int(m.group(1)), int(m.group(2))]
    m = re.search(r"((?:19|20)\d{2})\s*年度", title or "")
    if m:
        return [int(m.group(1)), int(m.group(1))]
    span = re.search(r"([两二三四五])年(?:行动|攻坚|计划|专项)", title or "")
    years = [y for y in deadline_years if y < 2035 or len(set(deadline_years)) == 1]
    if not years:
        return None
    last = Counter(years).most_common(1)[0][0] if "十四五" not in text else 2025
    # the last year of the window: no deadline at or before it (a 十四五 plan naming only 2030) keeps it
    last = max(last, max((y for y in years if y <= last), default=last))
    # a five-year plan's window (十四五: 2021–2025); otherwise from the issue year or the first deadline
    start = {2025: 2021, 2020: 2016, 2015: 2011, 2030: 2026}.get(last)
    if span:  # a three-year action plan: its own span, not the five-year window
        start = last - {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5}[span.group(1)] + 1
    if start is None:
        start = int(issued[:4]) if issued else min(years)
    return [min(start, last), last]
