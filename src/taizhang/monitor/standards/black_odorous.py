"""Urban black-odorous water grades (《城市黑臭水体整治工作指南》建城〔2015〕130号; §5).

Indicators SD (transparency, cm), DO (mg/L), ORP (mV) and NH3N (mg/L). The 轻度 ranges are closed
intervals (SD 10–25, DO 0.2–2.0, ORP −200–50, NH3-N 8.0–15); 重度 lies strictly beyond them and
不黑臭 strictly on the better side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, is_na, to_fraction

NOT_BLACK, LIGHT, SEVERE = t.BLACK_ODOROUS_GRADES

_INDICATORS: dict[str, str] = {
    "sd": "SD", "transparency": "SD", "透明度": "SD",
    "do": "DO", "溶解氧": "DO", "dissolvedoxygen": "DO",
    "orp": "ORP", "氧化还原电位": "ORP", "eh": "ORP",
    "nh3n": "NH3N", "nh4n": "NH3N", "氨氮": "NH3N", "ammonia": "NH3N",
}  # fmt: skip


def indicator_key(name: str) -> str:
    key = _INDICATORS.get(re.sub(r"[\s_\-+()（）]", "", name).lower())
    if key is None:
        raise ValueError(f"unknown black-odorous indicator: {name!r}")
    return key


#: Table units of the indicators and the factors that convert other spellings to them.
_UNITS: dict[str, dict[str, Fraction]] = {
    "SD": {
        "cm": Fraction(1),
        "m": Fraction(100),
        "mm": Fraction(1, 10),
        "厘米": Fraction(1),
        "米": Fraction(100),
    },
    "DO": {"mg/l": Fraction(1), "ug/l": Fraction(1, 1000)},
    "ORP": {"mv": Fraction(1), "v": Fraction(1000)},
    "NH3N": {"mg/l": Fraction(1), "ug/l": Fraction(1, 1000)},
}


def in_table_unit(indicator: str, value: Number, unit: str | None) -> Fraction:
    """`value` of `indicator` in the table unit (SD cm, DO and NH3-N mg/L, ORP mV)."""
    key = indicator_key(indicator)
    v = to_fraction(value)
    if unit is None or not str(unit).strip():
        return v
    u = str(unit).strip().lower().replace(" ", "").replace("µ", "u").replace("μ", "u")
    factor = _UNITS[key].get(u)
    if factor is None:
        raise ValueError(f"unknown unit for {key}: {unit!r}")
    return v * factor


def _depth(depth_cm: Number | None) -> Fraction | None:
    """A water depth in cm; None or text such as ">=25" means deep enough for the plain table."""
    if depth_cm is None:
        return None
    if isinstance(depth_cm, str) and re.match(r"^\s*(>=|≥|>|＞)", depth_cm):
        return None
    return to_fraction(depth_cm)


def indicator_grade(
    indicator: str, value: Number, *, water_depth_cm: Number | None = None, unit: str | None = None
) -> str:
    """不黑臭, 轻度黑臭 or 重度黑臭 for one measurement.

    Transparency in water shallower than 25 cm: both SD lines scale with the depth (the guide's
    "40 % of the water depth" is 10/25 of it), so SD seen to the bottom (≥ depth) is 不黑臭,
    0.4·depth ≤ SD < depth is 轻度 and SD < 0.4·depth is 重度."""
    key = indicator_key(indicator)
    v = in_table_unit(key, value, unit)
    low, high, direction = t.BLACK_ODOROUS_RANGES[key]
    depth = _depth(water_depth_cm)
    if key == "SD" and depth is not None and depth < Fraction(t.BLACK_ODOROUS_SHALLOW_CM):
        if v >= depth:
            return NOT_BLACK
        return LIGHT if v >= depth * Fraction(t.BLACK_ODOROUS_SHALLOW_FACTOR) else SEVERE
    lo, hi = Fraction(low), Fraction(high)
    if lo <= v <= hi:
        return LIGHT
    if direction == "low_bad":
        return SEVERE if v < lo else NOT_BLACK
    return SEVERE if v > hi else NOT_BLACK


@dataclass(frozen=True)
class PointGrade:
    grade: str
    severe_fraction: dict[str, Fraction]  # indicator -> share of its samples at 重度
    samples: dict[str, int]


def point_grade(
    samples: Sequence[Mapping[str, Number | None]], *, water_depth_cm: Number | None = None
) -> PointGrade:
    """A sampling point's grade: 重度 when one indicator has ≥ 60 % of its data at 重度 or at least
    two indicators each ≥ 30 %; otherwise 轻度 (the guide grades listed water bodies).
    A sample may carry its own "water_depth_cm"."""
    severe: dict[str, int] = {}
    counts: dict[str, int] = {}
    for sample in samples:
        depth = sample.get("water_depth_cm", water_depth_cm)
        for name, value in sample.items():
            if name in ("water_depth_cm", "depth_cm", "date", "time") or is_na(value):
                continue
            key = indicator_key(name)
            counts[key] = counts.get(key, 0) + 1
            if indicator_grade(key, value, water_depth_cm=depth) == SEVERE:
                severe[key] = severe.get(key, 0) + 1
    fractions = {k: Fraction(severe.get(k, 0), n) for k, n in counts.items()}
    one = any(f >= Fraction(t.BLACK_ODOROUS_ONE_INDICATOR_SHARE) for f in fractions.values())
    two = sum(1 for f in fractions.values() if f >= Fraction(t.BLACK_ODOROUS_TWO_INDICATOR_SHARE)) >= 2
    return PointGrade(SEVERE if one or two else LIGHT, fractions, counts)


@dataclass(frozen=True)
class WaterbodyGrade:
    grade: str
    severe_point_fraction: Fraction | None
    severe_runs: list[list[int]]  # [first, last] 0-based point indices of runs of ≥ 3 重度 points


def waterbody_grade(points_in_order: Sequence[str]) -> WaterbodyGrade:
    """A water body's grade from its points in order along it: 重度 when ≥ 60 % of the points are
    重度; runs of ≥ 3 consecutive 重度 points make their stretch 重度 (returned as `severe_runs`)
    without changing the whole body's grade; otherwise 轻度 (不黑臭 when no point is black)."""
    grades = [normalise_grade(p) for p in points_in_order]
    if not grades:
        return WaterbodyGrade(NOT_BLACK, None, [])
    n_severe = sum(1 for g in grades if g == SEVERE)
    share = Fraction(n_severe, len(grades))
    runs: list[list[int]] = []
    start = None
    for i, g in enumerate([*grades, None]):
        if g == SEVERE and start is None:
            start = i
        elif g != SEVERE and start is not None:
            if i - start >= t.BLACK_ODOROUS_RUN:
                runs.append([start, i - 1])
            start = None
    if share >= Fraction(t.BLACK_ODOROUS_WATERBODY_SHARE):
        grade = SEVERE
    elif all(g == NOT_BLACK for g in grades):
        grade = NOT_BLACK
    else:
        grade = LIGHT
    return WaterbodyGrade(grade, share, runs)


def normalise_grade(text: str) -> str:
    s = str(text).strip()
    if s in t.BLACK_ODOROUS_GRADES:
        return s
    low = s.lower()
    if "重" in s or "severe" in low or "heavy" in low:
        return SEVERE
    if "不" in s or "无" in s or "non" in low or "not" in low or "clean" in low:
        return NOT_BLACK
    if "轻" in s or "light" in low or "mild" in low:
        return LIGHT
    raise ValueError(f"unknown black-odorous grade: {text!r}")
