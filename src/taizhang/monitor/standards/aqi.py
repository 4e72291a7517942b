"""AQI reports: daily (日报) and real-time (实时报) under HJ 633-2012 or HJ 633-2026 (§1.5–§1.9).

AQI = max of the report's IAQIs; the primary pollutant(s) are those whose IAQI equals the AQI
when AQI > 50 (ties all named); exceeding pollutants (2012 only) have IAQI > 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, to_fraction
from taizhang.monitor.standards.items import canonical_item
from taizhang.monitor.standards.levels import AQICategory, aqi_category
from taizhang.monitor.standards.subindex import SubIndex, sub_index
from taizhang.monitor.standards.versions import DateLike, aqi_standard


@dataclass
class AQIReport:
    """An AQI report. Item keys are the caller's own spellings; None means NA."""

    standard: str
    report: str  # "daily" or "hourly"
    iaqi: dict[str, int | None]
    aqi: int | None
    primary: list[str] | None
    exceeding: list[str] | None  # None under HJ 633-2026, which deletes the term
    category: AQICategory | None
    missing: list[str] = field(default_factory=list)  # report items without a value (caller key if given)
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    published: bool = True  # HJ 633-2026 §5.3.1: False when AQI is withheld for missing data
    canonical: dict[str, str] = field(default_factory=dict)  # caller key -> canonical item

    def as_dict(self) -> dict[str, Any]:
        cat = self.category
        return {
            "standard": self.standard,
            "report": self.report,
            "iaqi": dict(self.iaqi),
            "aqi": self.aqi,
            "primary": self.primary,
            "primary_names": None
            if self.primary is None
            else [t.ITEM_NAMES_ZH.get(self.canonical[k], k) for k in self.primary],
            "exceeding": self.exceeding,
            "level": cat.level if cat else None,
            "level_name": cat.level_name if cat else None,
            "category": cat.category if cat else None,
            "color": cat.color if cat else None,
            "colour": cat.color if cat else None,
            "color_en": cat.color_en if cat else None,
            "rgb": list(cat.rgb) if cat else None,
            "cmyk": list(cat.cmyk) if cat else None,
            "hex": cat.hex if cat else None,
            "missing": list(self.missing),
            "flags": {k: list(v) for k, v in self.flags.items()},
            "published": self.published,
        }


def _bare_item(key: str, report: str, std: str) -> str:
    """The report item meant by a bare pollutant name ("PM2.5", "O3") in a `report` under `std`;
    ValueError where the name could mean two indicators."""
    item = canonical_item(key, default_period="24H" if report == "daily" else "1H")
    pollutant = item.split("_", 1)[0]
    if pollutant == "O3" and report == "daily":
        if std == t.HJ633_2012:
            raise ValueError(f"{key!r} is ambiguous in an HJ 633-2012 daily report: name O3_1H or O3_8H")
        return "O3_8H"  # HJ 633-2026: the daily maximum 8-hour mean is the only daily O3 indicator
    if pollutant in ("PM25", "PM10") and report == "hourly" and std == t.HJ633_2012:
        raise ValueError(
            f"{key!r} is ambiguous in an HJ 633-2012 real-time report: name the 24-hour sliding mean "
            f"({pollutant}_24H_SLIDING) or the 1-hour value ({pollutant}_1H)"
        )
    return item


def _report_item(name: str, report: str, std: str) -> str:
    """The canonical item of `name`, a bare pollutant read as the report's indicator of it."""
    try:
        return canonical_item(name)
    except ValueError:
        return _bare_item(name, report, std)


def _is_value(value: object) -> bool:
    if value is None:
        return True
    try:
        to_fraction(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


def _index_inputs(
    concentrations: Mapping[str, Number | None], report: str, std: str
) -> dict[str, tuple[str, Number | None]]:
    """canonical item -> (caller key, value). A bare pollutant ("PM25") is the report's indicator
    of it; keys that name no air item are left out when their value is not a number (notes,
    station ids) and refused when it is (a misspelt pollutant must not pass as missing)."""
    found: dict[str, tuple[str, Number | None]] = {}
    for key, value in concentrations.items():
        try:
            canon = _report_item(key, report, std)
        except ValueError as e:
            if _is_value(value) or "ambiguous" in str(e):
                raise
            continue
        if canon in found:
            raise ValueError(f"item given twice: {found[canon][0]!r} and {key!r}")
        found[canon] = (key, value)
    return found


def _lookup(found: dict[str, tuple[str, Number | None]], item: str) -> tuple[str, Number | None] | None:
    """The input for a report item; a 24-hour sliding mean may be given as a plain 24H item."""
    if item in found:
        return found[item]
    if item.endswith("_SLIDING"):
        return found.get(item.removesuffix("_SLIDING"))
    if item.endswith("_24H"):
        return found.get(item + "_SLIDING")
    return None


def _unit(units: Mapping[str, str] | str | None, key: str) -> str | None:
    if units is None or isinstance(units, str):
        return units
    return units.get(key)


def build_report(
    concentrations: Mapping[str, Number | None],
    report: str,
    standard: str | None = None,
    *,
    when: DateLike | None = None,
    units: Mapping[str, str] | str | None = None,
    round_concentration: bool = False,
    exempt: Iterable[str] = (),
) -> AQIReport:
    """The daily (`report="daily"`) or real-time (`report="hourly"`) AQI report.

    Items outside the report (e.g. PM 1-hour values under HJ 633-2012) are ignored. `exempt`
    names items a 2026 local plan does not monitor (§5.3.2): their absence does not withhold AQI."""
    std = aqi_standard(standard, when)
    items = (t.DAILY_REPORT_ITEMS if report == "daily" else t.HOURLY_REPORT_ITEMS)[std]
    found = _index_inputs(concentrations, report, std)
    exempt_items = {_report_item(e, report, std) for e in exempt}
    subs: dict[str, SubIndex] = {}
    keys: dict[str, str] = {}
    missing: list[str] = []
    for item in items:
        entry = _lookup(found, item)
        if entry is None or entry[1] is None:
            if entry is not None:
                keys[item] = entry[0]
            if item not in exempt_items:
                missing.append(item if entry is None else entry[0])
            continue
        key, value = entry
        keys[item] = key
        sub = sub_index(item, value, std, unit=_unit(units, key), round_concentration=round_concentration)
        subs[item] = sub
        if sub.substitute and sub.substitute not in items:
            _add_substitute(sub.substitute, found, std, units, round_concentration, subs, keys)
        elif sub.iaqi is None and not sub.substitute:
            missing.append(key)  # negative concentration: invalid, NA
    return _assemble(std, report, subs, keys, missing)


def _add_substitute(
    item: str,
    found: dict[str, tuple[str, Number | None]],
    std: str,
    units: Mapping[str, str] | str | None,
    round_concentration: bool,
    subs: dict[str, SubIndex],
    keys: dict[str, str],
) -> None:
    entry = _lookup(found, item)
    if entry is None or entry[1] is None:
        return
    key, value = entry
    keys[item] = key
    subs[item] = sub_index(item, value, std, unit=_unit(units, key), round_concentration=round_concentration)


def _assemble(
    std: str, report: str, subs: dict[str, SubIndex], keys: dict[str, str], missing: list[str]
) -> AQIReport:
    iaqis = {keys[item]: None for item in keys}
    iaqis.update({keys[item]: sub.iaqi for item, sub in subs.items()})
    flags = {keys[item]: sub.flags for item, sub in subs.items() if sub.flags}
    values = [v for v in iaqis.values() if v is not None]
    aqi = max(values) if values else None
    published = True
    if std == t.HJ633_2026 and missing and (aqi is None or aqi <= t.PUBLISH_WITH_MISSING_ABOVE):
        aqi, published = None, False
    primary: list[str] | None
    if aqi is None:
        primary = None
    elif aqi > t.PRIMARY_ABOVE:
        primary = [k for k, v in iaqis.items() if v == aqi]
    else:
        primary = []
    exceeding = None
    if std == t.HJ633_2012:
        exceeding = [k for k, v in iaqis.items() if v is not None and v > t.EXCEEDING_ABOVE]
    canonical = {key: item for item, key in keys.items()}
    return AQIReport(
        std, report, iaqis, aqi, primary, exceeding, aqi_category(aqi), missing, flags, published, canonical
    )


def aqi_daily(
    concentrations: Mapping[str, Number | None],
    standard: str | None = None,
    *,
    when: DateLike | None = None,
    units: Mapping[str, str] | str | None = None,
    round_concentration: bool = False,
    exempt: Iterable[str] = (),
) -> AQIReport:
    """The daily AQI report (HJ 633-2012: 7 indicators incl. O3 daily max 1h; 2026: 6)."""
    return build_report(
        concentrations,
        "daily",
        standard,
        when=when,
        units=units,
        round_concentration=round_concentration,
        exempt=exempt,
    )


def aqi_hourly(
    concentrations: Mapping[str, Number | None],
    standard: str | None = None,
    *,
    when: DateLike | None = None,
    units: Mapping[str, str] | str | None = None,
    round_concentration: bool = False,
    exempt: Iterable[str] = (),
) -> AQIReport:
    """The real-time AQI report (2012: 1h gases, O3 8h, PM 24h sliding; 2026: six 1h means)."""
    return build_report(
        concentrations,
        "hourly",
        standard,
        when=when,
        units=units,
        round_concentration=round_concentration,
        exempt=exempt,
    )
