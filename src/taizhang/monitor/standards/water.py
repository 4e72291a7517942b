"""Section, annual and river/basin assessment of surface water (环办〔2011〕22号 on GB 3838-2002;
§4.2–§4.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, percent, round_half_even, terminating_decimal
from taizhang.monitor.standards.water_items import (
    base_item,
    class_rank,
    exceed_multiple,
    is_lake,
    item_class,
    normalise_class,
    water_item,
    water_value,
)

Values = Mapping[str, Number | Sequence[Number] | None]


def format_multiple(multiple: Fraction) -> str:
    """An exceedance multiple as printed after an item name: exact when it has at most two
    decimals (at least one shown: 2 → "2.0", 1/4 → "0.25"), else GB/T 8170 to two decimals."""
    exact = terminating_decimal(multiple)
    if exact is not None:
        places = max(0, -int(exact.as_tuple().exponent))
        if places <= 2:
            return str(round_half_even(multiple, max(places, 1)))
    return str(round_half_even(multiple, 2))


@dataclass(frozen=True)
class MainPollutant:
    item: str  # the caller's key
    water_class: str
    exceed_multiple: Fraction | None

    def label(self, key: str) -> str:
        name = t.WATER_ITEM_NAMES_ZH[key]
        return name if self.exceed_multiple is None else f"{name}({format_multiple(self.exceed_multiple)})"


@dataclass
class SectionAssessment:
    water_class: str | None
    deciding_items: list[str]
    excluded: list[str]
    item_classes: dict[str, str | None]
    reference_classes: dict[str, str | None]
    main_pollutants: list[MainPollutant] = field(default_factory=list)
    label: str = ""

    @property
    def status(self) -> str | None:
        return t.WATER_STATUS[self.water_class][0] if self.water_class else None

    @property
    def color(self) -> str | None:
        return t.WATER_STATUS[self.water_class][1] if self.water_class else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "class": self.water_class,
            "section_class": self.water_class,
            "deciding_items": list(self.deciding_items),
            "status": self.status,
            "color": self.color,
            "excluded": list(self.excluded),
            "item_classes": dict(self.item_classes),
            "reference_classes": dict(self.reference_classes),
            "main_pollutants": [
                {"item": m.item, "class": m.water_class, "exceed_multiple": m.exceed_multiple}
                for m in self.main_pollutants
            ],
            "label": self.label,
        }


def assess_section(
    values: Values, waterbody: str | None = "river", *, top: int = 3, toxic_first: bool = True
) -> SectionAssessment:
    """Single-factor class of a section (the worst of the 21 evaluation items; water temperature,
    TN and fecal coliform are reference items reported beside it), its status, and — when worse
    than class III — up to `top` main pollutants (§4.4). `toxic_first` lists cyanide and the toxic
    metals worse than class III ahead of the others."""
    item_classes: dict[str, str | None] = {}
    reference: dict[str, str | None] = {}
    excluded: list[str] = []
    keys: dict[str, str] = {}
    for name, value in values.items():
        key = water_item(name, waterbody)
        keys[name] = key
        if base_item(key) in t.WATER_EVALUATION_ITEMS:
            item_classes[name] = item_class(name, value, waterbody)
        else:
            excluded.append(name)
            reference[name] = item_class(name, value, waterbody)
    classed = {k: c for k, c in item_classes.items() if c is not None}
    if not classed:
        return SectionAssessment(None, [], excluded, item_classes, reference)
    worst = max(classed.values(), key=class_rank)
    deciding = [k for k, c in classed.items() if c == worst]
    result = SectionAssessment(worst, deciding, excluded, item_classes, reference)
    if class_rank(worst) > class_rank("III"):
        ranked = _rank_main(values, classed, keys, waterbody, toxic_first)
        result.main_pollutants = ranked[:top]
        result.label = "、".join(m.label(keys[m.item]) for m in result.main_pollutants)
    return result


def _rank_main(
    values: Values,
    classed: Mapping[str, str],
    keys: Mapping[str, str],
    waterbody: str | None,
    toxic_first: bool,
) -> list[MainPollutant]:
    candidates = []
    for order, (name, cls) in enumerate(classed.items()):
        if class_rank(cls) <= class_rank("III"):
            continue
        multiple = exceed_multiple(name, values[name], waterbody)  # type: ignore[arg-type]
        toxic = toxic_first and base_item(keys[name]) in t.WATER_PRIORITY_ITEMS
        sort_key = (
            0 if toxic else 1,
            -class_rank(cls),
            0 if multiple is not None else 1,
            -(multiple or 0),
            order,
        )
        candidates.append((sort_key, MainPollutant(name, cls, multiple)))
    candidates.sort(key=lambda c: c[0])
    return [m for _, m in candidates]


def main_pollutants(values: Values, waterbody: str | None = "river", *, top: int = 3) -> list[MainPollutant]:
    """The section's main pollutants (empty unless the section is worse than class III)."""
    return assess_section(values, waterbody, top=top).main_pollutants


def period_mean(samples: Sequence[Number | None]) -> Fraction | None:
    """Arithmetic mean of a period's values (monthly values for a year or quarter; samples for a
    week, ten days or a month); NA skipped, "<DL" counted as half the detection limit."""
    return water_value([s for s in samples if s is not None])  # type: ignore[arg-type]


def decimals_of(samples: Sequence[Number | None]) -> int:
    """The most decimal places among the given values written as text (0 for plain integers)."""
    most = 0
    for s in samples:
        if s is None:
            continue
        text = str(s).strip().lstrip("<＜")
        if "." in text and "e" not in text.lower():
            most = max(most, len(text.split(".", 1)[1]))
    return most


@dataclass(frozen=True)
class AnnualClass:
    mean: Fraction | None
    mean_decimal: Decimal | None  # GB/T 8170, one decimal more than the monthly data
    water_class: str | None  # class of the exact annual mean
    monthly_classes: list[str | None]
    worst_month_class: str | None


def annual_item_class(
    item: str, monthly: Sequence[Number | None], waterbody: str | None = "river"
) -> AnnualClass:
    """An item's annual class: the class of the arithmetic mean of the monthly values, not the
    worst month (§4.3)."""
    mean = period_mean(monthly)
    monthly_classes = [item_class(item, m, waterbody) for m in monthly]
    classed = [c for c in monthly_classes if c is not None]
    worst = max(classed, key=class_rank) if classed else None
    dec = None if mean is None else round_half_even(mean, decimals_of(monthly) + 1)
    cls = None if mean is None else item_class(item, mean, waterbody)
    return AnnualClass(mean, dec, cls, monthly_classes, worst)


@dataclass(frozen=True)
class RiverStatus:
    n: int
    good: int
    lie5: int
    good_ratio: Fraction | None  # per cent, exact
    lie5_ratio: Fraction | None
    status: str | None
    method: str  # "proportion" or "mean"
    water_class: str | None = None  # the averaged class (mean method only)
    main_pollutants: list[str] = field(default_factory=list)  # evaluation-item keys, worst first
    exceed_rates: dict[str, Fraction] = field(
        default_factory=dict
    )  # item -> share of sections worse than III

    @property
    def color(self) -> str | None:
        return t.STATUS_COLOURS.get(self.status) if self.status else None


def status_from_ratios(good_pct: Fraction, lie5_pct: Fraction, *, severe_good_below: Number = 75) -> str:
    """River/basin status by the proportion method (§4.5). `severe_good_below` is the I–III share
    under which a 劣V share ≥ 40 % is 重度污染: 75 (Shenzhen FAQ, default) or 60 (printed 2011
    table); with 60 the single gap point (60 %, 40 %) falls to 中度污染."""
    if good_pct >= 90:
        return "优"
    if good_pct >= 75:
        return "良好"
    if lie5_pct < 20:
        return "轻度污染"
    if lie5_pct < 40:
        return "中度污染"
    if good_pct < Fraction(str(severe_good_below)):
        return "重度污染"
    return "中度污染"


def section_ratios(classes: Sequence[str], *, severe_good_below: Number = 75) -> RiverStatus:
    """断面水质优良（Ⅰ～Ⅲ类）比例, 劣Ⅴ类比例 and the proportion-method status."""
    norm = [normalise_class(c) for c in classes if c is not None]
    n = len(norm)
    good = sum(1 for c in norm if class_rank(c) <= class_rank("III"))
    lie5 = sum(1 for c in norm if c == "劣V")
    if n == 0:
        return RiverStatus(0, 0, 0, None, None, None, "proportion")
    gp, lp = percent(good, n), percent(lie5, n)
    assert gp is not None and lp is not None
    return RiverStatus(
        n, good, lie5, gp, lp, status_from_ratios(gp, lp, severe_good_below=severe_good_below), "proportion"
    )


def river_status(
    section_classes: Sequence[str] | None = None,
    *,
    sections: Sequence[Values] | None = None,
    waterbody: str | None = "river",
    severe_good_below: Number = 75,
    min_sections: int = t.RIVER_PROPORTION_MIN_SECTIONS,
) -> RiverStatus:
    """Status of a river, basin or region (§4.5). With at least `min_sections` (5) sections: the
    proportion method. With fewer and the sections' item values given: each item averaged over
    the sections, classed as one section, status from that class. Lakes and reservoirs always
    average item values over their points."""
    if sections is not None:
        assessed = [assess_section(s, waterbody) for s in sections]
        classes = [a.water_class for a in assessed if a.water_class]
        if len(sections) < min_sections or is_lake(waterbody):
            return _mean_method(sections, waterbody, classes)
        ratios = section_ratios(classes, severe_good_below=severe_good_below)
        rates = exceedance_rates(assessed, waterbody)
        main = [k for k, r in sorted(rates.items(), key=lambda kr: -kr[1]) if r > 0][:3]
        return replace(ratios, main_pollutants=main, exceed_rates=rates)
    if section_classes is None:
        raise ValueError("river status needs section classes or section values")
    return section_ratios(section_classes, severe_good_below=severe_good_below)


def exceedance_rates(assessed: Sequence[SectionAssessment], waterbody: str | None) -> dict[str, Fraction]:
    """断面超标率 of each evaluation item over the classed sections (§4.4): the share of sections
    where the item is worse than class III. Items keep their first-seen order."""
    classed = [a for a in assessed if a.water_class]
    worse: dict[str, int] = {}
    for a in classed:
        for name, cls in a.item_classes.items():
            key = base_item(water_item(name, waterbody))
            worse.setdefault(key, 0)
            if cls is not None and class_rank(cls) > class_rank("III"):
                worse[key] += 1
    return {k: Fraction(n, len(classed)) for k, n in worse.items()} if classed else {}


def _mean_method(sections: Sequence[Values], waterbody: str | None, classes: Sequence[str]) -> RiverStatus:
    names: dict[str, list[Fraction]] = {}
    for s in sections:
        for name, value in s.items():
            v = water_value(value)
            if v is not None:
                names.setdefault(water_item(name, waterbody), []).append(v)
    means = {k: sum(v, Fraction(0)) / len(v) for k, v in names.items()}
    whole = assess_section(means, waterbody)  # type: ignore[arg-type]
    cls = whole.water_class
    counts = section_ratios(classes) if classes else RiverStatus(0, 0, 0, None, None, None, "proportion")
    status = t.WATER_STATUS[cls][0] if cls else None
    main = [base_item(m.item) for m in whole.main_pollutants]
    return RiverStatus(
        counts.n, counts.good, counts.lie5, counts.good_ratio, counts.lie5_ratio, status, "mean", cls, main
    )
