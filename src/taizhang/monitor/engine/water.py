"""Annual surface-water assessment (GB 3838-2002 with 环办〔2011〕22号) over the water samples.

Per station and year: each item's monthly mean (the arithmetic mean of that month's samples), its
annual value (the arithmetic mean of the monthly means, §4.3 — not the worst month), the item class,
and the section class = the worst item class (single-factor method). Then, per year and per basin:
the number of sections, the share of class I–III sections (断面水质优良比例), of 劣V, and the status
(proportion method when ≥ 5 sections).

The monthly sums run as Ibis expressions (integers of 1e-4 units); the annual means are exact
fractions and are classed with ``standards.water`` (so a mean of exactly 1.0 mg/L NH3-N is class III).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import ibis.expr.types as ir

from taizhang.monitor.engine.exact import to_units
from taizhang.monitor.engine.load_water import CLASS_ITEM
from taizhang.monitor.engine.schema import SCALE
from taizhang.monitor.standards import tables as T
from taizhang.monitor.standards.exact import round_half_even
from taizhang.monitor.standards.water import assess_section, section_ratios


def monthly(samples: ir.Table) -> ir.Table:
    """(station, basin, year, month, item) → integer sum and count of the usable samples."""
    s = samples.filter(samples.value.notnull() & (samples.item != CLASS_ITEM))
    s = s.mutate(month=s.date.month().cast("int32"), units=to_units(s.value))
    return s.group_by(["station", "basin", "year", "month", "item"]).aggregate(
        total=s.units.sum(), n=s.units.count()
    )


def published(samples: ir.Table) -> ir.Table:
    """Weekly classes as published (MEP layout): weeks reported and weeks in class I–III, per station-year."""
    s = samples.filter((samples.item == CLASS_ITEM) & samples.value.notnull())
    return s.group_by(["station", "year"]).aggregate(
        weeks=s.value.count(), good_weeks=(s.value <= 3).cast("int64").sum()
    )


def _decimal_text(value: Fraction, digits: int = 3) -> str:
    return str(round_half_even(value, digits))


def annual_water(samples: ir.Table) -> dict:
    """Run the aggregations and assess; returns the JSON-ready result keyed by year."""
    rows = monthly(samples).to_pyarrow().to_pylist()
    pub = {(r["station"], r["year"]): r for r in published(samples).to_pyarrow().to_pylist()}
    per: dict[tuple[int, str], dict[str, list[Fraction]]] = defaultdict(lambda: defaultdict(list))
    basin_of: dict[str, str | None] = {}
    months: dict[tuple[int, str], set[int]] = defaultdict(set)
    for r in rows:
        key = (int(r["year"]), str(r["station"]))
        per[key][r["item"]].append(Fraction(int(r["total"]), int(r["n"]) * SCALE))
        months[key].add(int(r["month"]))
        basin_of[str(r["station"])] = r["basin"]

    result: dict[str, dict] = {}
    for (year, station), items in sorted(per.items(), key=lambda kv: (kv[0][0], _station_key(kv[0][1]))):
        means = {item: sum(ms, Fraction(0)) / len(ms) for item, ms in items.items()}
        assessed = assess_section(means, "river")
        entry = {
            "basin": basin_of.get(station),
            "class": assessed.water_class,
            "status": assessed.status,
            "deciding_items": assessed.deciding_items,
            "months": len(months[(year, station)]),
            "items": {
                item: {
                    "annual_mean": _decimal_text(m),
                    "class": assessed.item_classes.get(item),
                    "months": len(items[item]),
                }
                for item, m in sorted(means.items())
            },
        }
        if p := pub.get((station, year)):
            entry["published_weeks"] = int(p["weeks"])
            entry["published_good_weeks"] = int(p["good_weeks"] or 0)
        result.setdefault(str(year), {"sections": {}})["sections"][station] = entry

    for block in result.values():
        sections = block["sections"]
        block["summary"] = _summary([s["class"] for s in sections.values()])
        by_basin: dict[str, list[str | None]] = defaultdict(list)
        for s in sections.values():
            if s["basin"]:
                by_basin[s["basin"]].append(s["class"])
        block["basins"] = {b: _summary(c) for b, c in sorted(by_basin.items())}
    return dict(sorted(result.items()))


def _summary(classes: list[str | None]) -> dict:
    classed = [c for c in classes if c]
    r = section_ratios(classed)
    counts = {c: classed.count(c) for c in T.WATER_CLASSES}
    return {
        "sections": r.n,
        "good": r.good,
        "good_ratio": None if r.good_ratio is None else float(_decimal_text(r.good_ratio, 1)),
        "lie5": r.lie5,
        "lie5_ratio": None if r.lie5_ratio is None else float(_decimal_text(r.lie5_ratio, 1)),
        "status": r.status if r.n >= T.RIVER_PROPORTION_MIN_SECTIONS else None,
        "classes": counts,
    }


def _station_key(s: str) -> tuple[int, str]:
    return (int(s), s) if s.isdigit() else (10**9, s)
