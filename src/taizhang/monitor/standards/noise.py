"""Environmental noise: GB 3096-2008 limits, energy averages and HJ 640-2012 attainment rates (§6)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, is_na, percent, round_half_even, to_fraction


def zone_key(zone: str | int) -> str:
    """ "4a", "4A类", "2类区", 2 → the GB 3096 zone keys 0 1 2 3 4a 4b."""
    s = re.sub(r"[\s类区声功能]", "", str(zone)).lower()
    s = s.replace("ａ", "a").replace("ｂ", "b")
    if s in t.NOISE_LIMITS:
        return s
    raise ValueError(f"unknown noise zone: {zone!r}")


def noise_limits(zone: str | int, *, existing_railway: bool = False) -> tuple[int, int]:
    """(day, night) L_Aeq limits in dB(A) of a functional zone. `existing_railway=True`: the
    background limits (70 / 55, no train passing) of an existing railway trunk line through an
    urban area, or its rebuild or extension, instead of the 4b limits of new lines (§6.1)."""
    key = zone_key(zone)
    if existing_railway and key == "4b":
        return t.NOISE_RAILWAY_BACKGROUND
    return t.NOISE_LIMITS[key]


def railway_is_existing(eia_approved: str | None) -> bool:
    """Whether a railway trunk line whose EIA was approved on `eia_approved` (ISO date) predates
    the 4b limits, which apply to new lines approved from 2011-01-01."""
    return eia_approved is not None and str(eia_approved)[:10] < t.NOISE_4B_NEW_LINES_FROM


def energy_average(levels: Sequence[Number | None]) -> float | None:
    """L = 10·lg((1/N)·Σ 10^(0.1·L_i)) over the valid levels; None when there are none."""
    values = [float(to_fraction(x)) for x in levels if not is_na(x)]
    if not values:
        return None
    return 10 * math.log10(sum(10 ** (0.1 * v) for v in values) / len(values))


def report_level(level: float | None, digits: int = t.NOISE_DIGITS) -> Decimal | None:
    """A level as reported: GB/T 8170 to 0.1 dB of its shortest decimal text."""
    return None if level is None else round_half_even(level, digits)


@dataclass(frozen=True)
class DayNight:
    ld: float | None
    ln: float | None
    ld_reported: Decimal | None
    ln_reported: Decimal | None
    day_limit: int
    night_limit: int
    day_attained: bool | None
    night_attained: bool | None


def day_night_levels(
    zone: str | int, day_hourly_leq: Sequence[Number | None], night_hourly_leq: Sequence[Number | None]
) -> DayNight:
    """Ld and Ln as energy averages of the hourly Leq (16 day, 8 night hours), reported to 0.1 dB
    and judged reported value ≤ the zone's limit."""
    day_limit, night_limit = noise_limits(zone)
    ld, ln = energy_average(day_hourly_leq), energy_average(night_hourly_leq)
    ldr, lnr = report_level(ld), report_level(ln)
    return DayNight(
        ld,
        ln,
        ldr,
        lnr,
        day_limit,
        night_limit,
        None if ldr is None else ldr <= day_limit,
        None if lnr is None else lnr <= night_limit,
    )


def split_day_night(hourly_leq: Sequence[Number | None]) -> tuple[list[Number | None], list[Number | None]]:
    """24 hourly Leq (index h = hour beginning h:00) → (day hours 6..21, night hours 22..5)."""
    if len(hourly_leq) != 24:
        raise ValueError(f"an hourly day has 24 values, not {len(hourly_leq)}")
    return [hourly_leq[h] for h in t.NOISE_DAY_HOURS], [hourly_leq[h] for h in t.NOISE_NIGHT_HOURS]


def burst_attained(zone: str | int, lmax: Number) -> bool:
    """Night burst noise: L_max exceeds the zone's night limit by at most 15 dB(A)."""
    return to_fraction(lmax) - noise_limits(zone)[1] <= t.NOISE_NIGHT_LMAX_ALLOWANCE


@dataclass(frozen=True)
class ComplianceRate:
    by_zone: dict[str, Fraction | None]  # share of point-times attaining, per zone (0..1)
    attained: int
    monitored: int

    @property
    def overall(self) -> Fraction | None:
        return Fraction(self.attained, self.monitored) if self.monitored else None

    def percent(self, digits: int = 1) -> Decimal | None:
        pct = percent(self.attained, self.monitored)
        return None if pct is None else round_half_even(pct, digits)

    def zone_percent(self, digits: int = 1) -> dict[str, Decimal | None]:
        return {z: None if f is None else round_half_even(f * 100, digits) for z, f in self.by_zone.items()}


def compliance_rate(point_times_by_zone: Mapping[str, Mapping[str, int]]) -> ComplianceRate:
    """功能区声环境质量达标率 (HJ 640-2012 §6): attaining point-times ÷ monitored point-times,
    per zone and overall. Input: zone → {"attained": a, "monitored": m}."""
    by_zone: dict[str, Fraction | None] = {}
    attained = monitored = 0
    for zone, counts in point_times_by_zone.items():
        a, m = int(counts["attained"]), int(counts["monitored"])
        if not 0 <= a <= m:
            raise ValueError(f"zone {zone}: attained {a} must lie within 0..{m}")
        by_zone[zone] = Fraction(a, m) if m else None
        attained += a
        monitored += m
    return ComplianceRate(by_zone, attained, monitored)


def count_point_times(
    measurements: Sequence[Mapping[str, Number | str | None]], period: str
) -> dict[str, dict[str, int]]:
    """Point-times per zone from measurements {"zone": z, "Ld"/"Ln": level} for `period` "day"
    or "night": a point-time attains when its reported level is ≤ the zone's limit."""
    key, index = ("Ld", 0) if period == "day" else ("Ln", 1)
    out: dict[str, dict[str, int]] = {}
    for m in measurements:
        level = m.get(key)
        if level is None:
            continue
        zone = zone_key(str(m["zone"]))
        entry = out.setdefault(zone, {"attained": 0, "monitored": 0})
        entry["monitored"] += 1
        if to_fraction(level) <= t.NOISE_LIMITS[zone][index]:  # type: ignore[arg-type]
            entry["attained"] += 1
    return out
