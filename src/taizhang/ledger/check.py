"""The cross-level check: a plan's targets against those of the plan it implements (its parent).

Each child target is matched to the parent target on the same indicator: names are normalised
(细颗粒物(PM2.5)年均浓度 and PM2.5平均浓度 are one name, 比率 and 比例 one word, 国控断面 and 国考断面 one
thing), then scored by character-bigram similarity; a match also needs the same unit, the same kind
(level / reduction / increase), the same direction (a ceiling against a ceiling) and the same scope
(全市, 全区, 市域 … only name the region level and count as no scope; a named river must be named on
both sides). Each matched pair is then judged:

- looser: a higher ceiling (a district allowing more PM2.5 than its city), a lower floor (a lower rate,
  a smaller reduction) or a later deadline;
- earlier milestone: the child's deadline is earlier than the parent's and its value is looser (an
  intermediate step, not a weaker goal);
- consistent: equal or stricter, by the same date or earlier;
- not compared: absolute amounts (吨, 座, 公里 …) are the child's share of the parent's total.

Parent targets no child target matches are "not taken up".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import Plan, PlanLink, Target
from taizhang.plan.units import AMOUNT_UNITS

THRESHOLD = 0.65  # bigram (Dice) similarity of two normalised indicator names needed for a match

STATUSES = ("looser", "earlier_milestone", "consistent", "not_compared")

# Words that only name the region level: a scope made only of them is no scope.
_REGION_LEVEL = re.compile(
    r"全省|全市|全区|全县|全旗|全州|全盟|全镇|全域|全境|市域|县域|区域内|区域|辖区内|辖区|本市|本区|本县|本省|各区县|各县区"
)
# Rewrites applied in order to a lower-cased name with half-width brackets; each makes two spellings
# of one indicator one spelling. They are general wording rules, not names of particular plans.
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_REWRITES: tuple[tuple[str, Any], ...] = (
    (r"\s+", ""),
    (r"细颗粒物\(pm2\.?5\)|细颗粒物|pm2\.?5", "pm2.5"),
    (r"可吸入颗粒物\(pm10\)|可吸入颗粒物|pm10", "pm10"),
    (r"臭氧\(o3\)|臭氧", "o3"),
    (r"二氧化硫\(so2\)|二氧化硫", "so2"),
    (r"二氧化氮\(no2\)|二氧化氮", "no2"),
    (r"氮氧化物\(nox\)|氮氧化物", "nox"),
    (r"挥发性有机物\(vocs?\)|挥发性有机物|vocs", "voc"),
    (r"化学需氧量\(cod\)|化学需氧量|codcr|cod", "cod"),
    (r"氨氮\(nh3-?n\)|氨氮|nh3-?n", "氨氮"),
    (r"\([a-z0-9.\-]+\)", ""),  # other bracketed abbreviations repeat the name before them
    (r"年平均浓度|年均浓度|平均浓度|浓度均值|年均值|浓度", "浓度"),
    (r"比率|占比|比重", "比例"),
    (r"达到或好于|达到或优于|好于|优于|达到", "优于"),
    (r"(?<![a-z])(iii|ii|iv|v|i)(?=类)", lambda m: _ROMAN[m.group(1)]),
    (r"(水质)?优于(1|2|3)类(水体)?(的)?", "水质优良"),
    (r"优良水体", "水质优良"),
    (r"水质水质", "水质"),
    (r"(环境)?空气(质量)?优良天数", "优良天数"),
    (r"国家地表水考核断面|国家考核断面|国控断面|国考断面", "国考断面"),
    (r"省控断面|省考断面", "省考断面"),
    (r"市控断面|市考断面|市级考核断面", "市考断面"),
    (r"地表水", ""),  # the medium: 地表水水质优良比例 is the ratio over the assessed sections
    (r"重点工程减排量|重点工程|减排量|排放总量|排放量", ""),
    (r"建成区", ""),  # 城市建成区生活污水处理率: the built-up area is where a city rate is measured anyway
    (r"集中(处理|收集)率", r"\1率"),  # 城市生活污水集中处理率 is the full name of 城市生活污水处理率
    (r"治理率", "处理率"),
    (r"\d+个", ""),  # the size of the monitored set (74个国控断面) is not part of the indicator
    (r"[,，、的]", ""),
)
# Tokens that name a distinct pollutant or water class: two names match only with the same ones.
_KEY_TOKEN = re.compile(r"pm2\.5|pm10|o3|so2|no2|nox|voc|cod|氨氮|总磷|总氮|劣5类|[1-6]类")
# The monitored network: when both names state one, it must be the same.
_NETWORK = re.compile(r"国考断面|市考断面|省考断面")
# The measure a name ends in (a coverage is not a treatment rate, a compliance rate is not a share of
# good water): when both names end in one, it must be the same.
_HEAD = re.compile(
    r"(覆盖|达标|利用|处置|处理|收集|回收|完成|建成|执行|规范化建设|优良)(率|比例)$|(浓度|天数|比例)$"
)


def normalise_indicator(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).lower()  # Ⅲ → iii, （） → ()
    s = _REGION_LEVEL.sub("", s)
    for pattern, repl in _REWRITES:
        s = re.sub(pattern, repl, s)
    return s


def normalise_scope(scope: str | None) -> str:
    """The scope without region-level words and brackets; "" when it names only the region level."""
    if not scope:
        return ""
    s = unicodedata.normalize("NFKC", scope).lower()
    s = _REGION_LEVEL.sub("", s)
    return re.sub(r"[\s()、,，的]", "", s)


def _tokens(s: str) -> list[str]:
    """Latin/digit runs (pm2.5, cod) are one token each; every other character is one."""
    return re.findall(r"[a-z0-9.\-]+|.", s)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the token bigrams of two normalised names (1.0 when equal)."""
    if a == b:
        return 1.0
    ta, tb = _tokens(a), _tokens(b)
    ba = [x + "\x00" + y for x, y in zip(ta, ta[1:], strict=False)] or ta
    bb = [x + "\x00" + y for x, y in zip(tb, tb[1:], strict=False)] or tb
    if not ba or not bb:
        return 0.0
    rest = list(bb)
    common = 0
    for g in ba:
        if g in rest:
            rest.remove(g)
            common += 1
    return 2 * common / (len(ba) + len(bb))


@dataclass
class TargetView:
    """What the check needs of one ledger target."""

    id: int
    key: str
    indicator: str
    scope: str | None
    op: str
    value: float
    unit: str | None
    kind: str
    baseline_year: int | None
    deadline: dt.date | None
    deadline_defaulted: bool
    text: str
    name: str = ""  # normalised indicator
    place: str = ""  # normalised scope

    @classmethod
    def of(cls, t: Target) -> TargetView:
        return cls(
            id=t.id, key=t.key, indicator=t.indicator, scope=t.scope, op=t.op, value=float(t.value),
            unit=t.unit, kind=t.kind, baseline_year=t.baseline_year, deadline=t.deadline,
            deadline_defaulted=bool(t.deadline_defaulted), text=t.text,
            name=normalise_indicator(t.indicator), place=normalise_scope(t.scope),
        )

    @property
    def direction(self) -> str:
        """ceiling (<=, <), floor (>=, >) or either (=)."""
        return "ceiling" if self.op in ("<=", "<") else "floor" if self.op in (">=", ">") else "either"

    def label(self) -> str:
        scope = f"[{self.scope}] " if self.scope else ""
        when = ""
        if self.deadline is not None:
            when = f" by {self.deadline.year}" + (" (deadline defaulted)" if self.deadline_defaulted else "")
        base = f" vs {self.baseline_year}" if self.baseline_year else ""
        return f"{scope}{self.indicator} {self.op} {self.value:g}{self.unit or ''}{base}{when}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "key": self.key, "indicator": self.indicator, "scope": self.scope, "op": self.op,
            "value": self.value, "unit": self.unit, "kind": self.kind, "baseline_year": self.baseline_year,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_defaulted": self.deadline_defaulted, "text": self.text,
        }


@dataclass
class Pair:
    child: TargetView
    parent: TargetView
    similarity: float
    status: str  # one of STATUSES
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": self.reasons, "similarity": round(self.similarity, 3),
                "child": self.child.to_dict(), "parent": self.parent.to_dict()}


@dataclass
class CheckResult:
    child: str  # plan keys
    parent: str
    pairs: list[Pair]
    not_taken_up: list[TargetView]
    unmatched_child: list[TargetView]  # the child's own targets with no counterpart in the parent

    def by_status(self, status: str) -> list[Pair]:
        return [p for p in self.pairs if p.status == status]

    @property
    def looser(self) -> list[Pair]:
        return self.by_status("looser")

    def lines(self) -> list[str]:
        """The report as text: looser targets first, then earlier milestones, not taken up, the rest."""
        out = [f"{self.child} against {self.parent}: {len(self.pairs)} matched, {len(self.looser)} looser, "
               f"{len(self.by_status('earlier_milestone'))} earlier milestones, "
               f"{len(self.not_taken_up)} parent targets not taken up"]
        titles = {"looser": "Looser than the parent", "earlier_milestone": "Earlier milestones (not looser)",
                  "consistent": "Consistent (equal or stricter)",
                  "not_compared": "Matched amounts (the child's share, not compared)"}
        for status in STATUSES:
            pairs = self.by_status(status)
            if status == "consistent" or not pairs:
                continue
            out.append(f"\n{titles[status]}:")
            for p in pairs:
                out.append(f"  {p.child.label()}\n    parent: {p.parent.label()}")
                out.extend(f"    - {r}" for r in p.reasons)
        if self.not_taken_up:
            out.append("\nParent targets not taken up:")
            out.extend(f"  {t.label()}" for t in self.not_taken_up)
        consistent = self.by_status("consistent")
        if consistent:
            out.append(f"\n{titles['consistent']}:")
            out.extend(f"  {p.child.label()}  ~  {p.parent.label()}" for p in consistent)
        return out

    def to_dict(self) -> dict[str, Any]:
        order = {s: i for i, s in enumerate(STATUSES)}
        return {
            "child": self.child, "parent": self.parent,
            "counts": {**{s: len(self.by_status(s)) for s in STATUSES}, "not_taken_up": len(self.not_taken_up),
                       "child_only": len(self.unmatched_child)},
            "pairs": [p.to_dict() for p in sorted(self.pairs, key=lambda p: order[p.status])],
            "not_taken_up": [t.to_dict() for t in self.not_taken_up],
            "child_only": [t.to_dict() for t in self.unmatched_child],
        }


def _scopes_agree(a: TargetView, b: TargetView) -> bool:
    """Both name no specific scope, or the same one (a scope repeated in the other's name counts)."""
    if a.place == b.place:
        return True
    for x, y in ((a, b), (b, a)):
        if x.place and not y.place and x.place not in y.name:
            return False
    if a.place and b.place:
        return a.place in b.place or b.place in a.place
    return True


def match_score(c: TargetView, p: TargetView) -> float:
    """Similarity of two targets' indicators, or 0 when they cannot be the same indicator."""
    if c.unit != p.unit or c.kind != p.kind:
        return 0.0
    if "either" not in (c.direction, p.direction) and c.direction != p.direction:
        return 0.0
    if set(_KEY_TOKEN.findall(c.name)) != set(_KEY_TOKEN.findall(p.name)):
        return 0.0
    nc, np_ = set(_NETWORK.findall(c.name)), set(_NETWORK.findall(p.name))
    if nc and np_ and nc != np_:
        return 0.0
    hc, hp = _HEAD.search(c.name), _HEAD.search(p.name)
    if hc and hp and hc.group(0) != hp.group(0):
        return 0.0
    if not _scopes_agree(c, p):
        return 0.0
    s = similarity(c.name, p.name)
    return s if s >= THRESHOLD else 0.0


def _deadline_rank(c: TargetView, p: TargetView) -> tuple[int, int]:
    """Prefer the parent target due the same year, then the latest one due before the child's."""
    if c.deadline is None or p.deadline is None:
        return (1, 0)
    gap = c.deadline.year - p.deadline.year
    return (0, 0) if gap == 0 else (1, gap) if gap > 0 else (2, -gap)


def _fmt(v: float) -> str:
    return f"{v:g}"


def judge(c: TargetView, p: TargetView) -> tuple[str, list[str]]:
    """The status of a matched pair and the reasons for it."""
    unit = c.unit or ""
    if c.unit in AMOUNT_UNITS:
        return "not_compared", [f"an amount ({unit}): the child's share of the parent's total, not compared"]
    direction = p.direction if c.direction == "either" else c.direction
    if direction == "either":
        direction = "floor"
    ceiling = direction == "ceiling"
    if c.value == p.value:
        value_cmp = 0
    elif (c.value > p.value) == ceiling:
        value_cmp = 1  # looser
    else:
        value_cmp = -1
    what = {"reduction": "reduction", "increase": "increase"}.get(c.kind, "ceiling" if ceiling else "floor")
    value_reason = ""
    if value_cmp > 0:
        if c.kind == "reduction":
            value_reason = f"smaller reduction: {_fmt(c.value)}{unit} < {_fmt(p.value)}{unit}"
        else:
            sign = ">" if ceiling else "<"
            value_reason = f"{'higher' if ceiling else 'lower'} {what}: {_fmt(c.value)}{unit} {sign} {_fmt(p.value)}{unit}"
    reasons: list[str] = []
    if c.kind == "reduction" and c.baseline_year and p.baseline_year and c.baseline_year != p.baseline_year:
        reasons.append(f"different baseline years ({c.baseline_year} vs {p.baseline_year})")
    if c.deadline is None or p.deadline is None:
        status = "looser" if value_cmp > 0 else "consistent"
        return status, ([value_reason] if value_reason else []) + reasons
    cy, py = c.deadline.year, p.deadline.year
    defaulted = [who for who, t in (("child", c), ("parent", p)) if t.deadline_defaulted]
    note = f" ({' and '.join(defaulted)} deadline defaulted to the plan's last year)" if defaulted else ""
    if cy > py:
        out = [f"later deadline: {cy} > {py}{note}"]
        if value_reason:
            out.append(value_reason)
        elif value_cmp < 0:
            out.append(f"stricter value ({_fmt(c.value)}{unit} vs {_fmt(p.value)}{unit}) but later")
        return "looser", out + reasons
    if cy < py and value_cmp > 0:
        return "earlier_milestone", [f"{value_reason} by {cy}, an earlier step than the parent's {py}{note}"] + reasons
    if value_cmp > 0:
        return "looser", [value_reason + note] + reasons
    return "consistent", reasons


def plan_targets(session: Session, plan: Plan) -> list[TargetView]:
    rows = session.scalars(
        select(Target).where(Target.plan_id == plan.id, ~Target.removed).order_by(Target.position)
    ).all()
    return [TargetView.of(t) for t in rows]


def compare(session: Session, child_plan: Plan, parent_plan: Plan) -> CheckResult:
    """Match the child's targets to the parent's and judge each pair (see the module docstring)."""
    children, parents = plan_targets(session, child_plan), plan_targets(session, parent_plan)
    pairs: list[Pair] = []
    taken: set[int] = set()
    unmatched: list[TargetView] = []
    for c in children:
        scored = [(match_score(c, p), p) for p in parents]
        scored = [(s, p) for s, p in scored if s > 0]
        taken.update(p.id for _, p in scored)
        if not scored:
            unmatched.append(c)
            continue
        best_score = max(s for s, _ in scored)
        tied = [p for s, p in scored if s == best_score]
        best = min(tied, key=lambda p: _deadline_rank(c, p))
        status, reasons = judge(c, best)
        pairs.append(Pair(c, best, best_score, status, reasons))
    not_taken = [p for p in parents if p.id not in taken]
    return CheckResult(child_plan.key, parent_plan.key, pairs, not_taken, unmatched)


def linked_parent(session: Session, child: Plan) -> Plan:
    """The one imported plan the child is linked to (by citation or by hand)."""
    links = session.scalars(
        select(PlanLink).where(PlanLink.child_id == child.id, PlanLink.parent_id.is_not(None))
        .order_by(PlanLink.id)
    ).all()
    parents = {lk.parent_id: lk for lk in links}
    if len(parents) == 1:
        parent = session.get(Plan, next(iter(parents)))
        assert parent is not None
        return parent
    if not parents:
        cited = session.scalars(select(PlanLink.cited_title).where(PlanLink.child_id == child.id)).all()
        hint = f" (it cites {', '.join(cited)}, not imported)" if cited else ""
        raise InputError(child.key, f"is linked to no imported plan{hint}: give --against PARENT")
    names = ", ".join(f"{pid}={lk.cited_title}" for pid, lk in parents.items())
    raise InputError(child.key, f"implements {len(parents)} imported plans ({names}): give --against PARENT")
