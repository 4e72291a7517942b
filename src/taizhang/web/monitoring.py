"""The 监测 page's data: AQI calendar per city and year, good-day ratio year to date against its
target, water sections by class — all read from indicator series stored in the ledger."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.ledger.models import IndicatorValue, Target
from taizhang.track.inputs import query_year

CLASS_NAMES = {1: "Ⅰ类", 2: "Ⅱ类", 3: "Ⅲ类", 4: "Ⅳ类", 5: "Ⅴ类", 6: "劣Ⅴ类"}


def monitor_view(s: Session, params: Mapping[str, str]) -> dict[str, Any]:
    asked = query_year(params.get("year"))
    series = list(s.scalars(select(IndicatorValue.series).distinct()))
    aqi_series = sorted(x for x in series if x.startswith("air:") and x.endswith(":AQI"))
    chosen = params.get("series") or (aqi_series[0] if aqi_series else None)
    years: list[int] = []
    calendar: list[list[Any]] = []
    year = None
    if chosen:
        rows = s.execute(select(IndicatorValue.as_of, IndicatorValue.value)
                         .where(IndicatorValue.series == chosen).order_by(IndicatorValue.as_of)).all()
        years = sorted({d.year for d, _ in rows})
        year = asked or (years[-1] if years else None)
        calendar = [[d.isoformat(), float(v)] for d, v in rows if d.year == year]
    good = []
    ratios = sorted(x for x in series if x.endswith(":good_ratio"))
    bound = set(s.scalars(select(Target.series).where(Target.series.in_(ratios))))
    # the city's ratio and any bound to a target; a station's own only when there is nothing else
    shown = [x for x in ratios if x in bound or x.startswith("air:city:")] or ratios
    for name in shown:
        vals = s.execute(select(IndicatorValue.as_of, IndicatorValue.value)
                         .where(IndicatorValue.series == name).order_by(IndicatorValue.as_of)).all()
        goal = s.scalar(select(Target.value).where(Target.series == name))
        good.append({"series": name, "points": [[d.isoformat(), float(v)] for d, v in vals],
                     "goal": float(goal) if goal is not None else None})
    water: Counter[str] = Counter()
    for name in (x for x in series if x.startswith("water:") and x.endswith(":class")):
        v = s.scalar(select(IndicatorValue.value).where(IndicatorValue.series == name)
                     .order_by(IndicatorValue.as_of.desc()).limit(1))
        if v is not None:
            water[CLASS_NAMES.get(int(v), str(v))] += 1
    return {"aqi_series": aqi_series, "chosen": chosen, "years": years, "year": year,
            "data": json.dumps({"calendar": calendar, "year": year, "good": good,
                                "water": [[k, water.get(k, 0)] for k in CLASS_NAMES.values()]},
                               ensure_ascii=False)}
