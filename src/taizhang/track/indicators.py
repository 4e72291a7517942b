"""Targets bound to indicator series computed from monitoring data (the monitor engine).

A series is named `air:<scope>:<POLLUTANT>:<statistic>` (e.g. `air:city:PM2.5:annual_mean`,
`air:Dongsi:SO2:p98`) or `air:<scope>:<count>` (`air:city:good_ratio`, `air:city:heavy_days`), the
scope being `city` or a station as named in the data. `load_series` computes every such series per
calendar year with the engine's HJ 663 annual statistics; for a year still running they are the
year-to-date values, and each value's `as_of` is the last day of data it covers. Values are upserted
by (series, as_of), so loading the same data twice changes nothing.

`bind(session, target_id, series)` ties a target to a series; the evaluator then reads that target's
values from IndicatorValue instead of progress reports. The engine (Ibis, DuckDB, pandas) is imported
only when data are loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import IndicatorValue, Target

#: Pollutant → the statistics of the annual air JSON that make series.
AIR_STATISTICS = {
    "PM2.5": ("annual_mean", "p95"),
    "PM10": ("annual_mean", "p95"),
    "SO2": ("annual_mean", "p98", "p95"),
    "NO2": ("annual_mean", "p98", "p95"),
    "CO": ("p95",),
    "O3": ("p90_mda8",),
}
AIR_COUNTS = ("good_ratio", "good_days", "heavy_days", "severe_days", "valid_days")
_SERIES = re.compile(r"^(?P<kind>[a-z]+):(?P<scope>[^:\s][^:]*):(?P<rest>.+)$")


def check_series(series: str) -> str:
    """The series name, checked (InputError when it is not one the engine computes)."""
    name = series.strip()
    m = _SERIES.match(name)
    if m is None or len(name) > 200:
        raise InputError(series, "not a series name: expected e.g. air:city:PM2.5:annual_mean or air:city:good_ratio")
    if m["kind"] != "air":
        raise InputError(series, f"unknown series kind {m['kind']!r}: only air:… series are computed")
    rest = m["rest"]
    if rest in AIR_COUNTS:
        return name
    pollutant, _, stat = rest.partition(":")
    if stat not in AIR_STATISTICS.get(pollutant, ()):
        known = ", ".join(f"{p}:{s}" for p, ss in AIR_STATISTICS.items() for s in ss)
        raise InputError(series, f"unknown air statistic {rest!r}: use one of {', '.join(AIR_COUNTS)}, {known}")
    return name


def bind(session: Session, target_id: int, series: str | None) -> Target:
    """Bind a target to a series (None unbinds it: its values come from reports again)."""
    target = session.get(Target, target_id)
    if target is None:
        raise InputError("target", f"no target with id {target_id}")
    target.series = None if series is None else check_series(series)
    session.flush()
    return target


@dataclass(frozen=True)
class SeriesValue:
    series: str
    as_of: dt.date
    value: float
    source: str = ""


def _scope(station: str, city: str) -> str:
    return "city" if station == city else station


def air_values(
    files: Sequence[Path] | None = None,
    store: Path | None = None,
    *,
    standard: str = "auto",
    city_exclude: tuple[str, ...] | None = None,
) -> list[SeriesValue]:
    """Every air series per year (year to date for a running year) from monitoring files or a store."""
    import pyarrow as pa

    from taizhang.monitor.engine import pipeline, report
    from taizhang.monitor.engine.air_daily import CITY
    from taizhang.monitor.engine.load_air import AirOptions, load_air_file
    from taizhang.monitor.engine.readers import read_table
    from taizhang.monitor.engine.schema import air_arrow_schema

    con = pipeline.connect()
    if files:
        tables = []
        for f in files:
            if not f.is_file():
                raise InputError(f, "no such file")
            loaded = load_air_file(f, read_table(f), AirOptions())
            tables.append(pa.Table.from_pandas(loaded.frame, schema=air_arrow_schema(), preserve_index=False))
        hourly = pipeline.hourly_from_arrow(con, pa.concat_tables(tables))
        source = ", ".join(f.name for f in files)
    else:
        store = store or Path("taizhang-data")
        hourly = pipeline.hourly_from_store(con, store)
        source = str(store)
    exclude = pipeline.DEFAULT_CITY_EXCLUDE if city_exclude is None else city_exclude
    at = pipeline.air_tables(hourly, standard, exclude)
    result = report.annual_json(
        at.station_annual().to_pyarrow().to_pylist(), at.city_annual().to_pyarrow().to_pylist(), at.standard
    )
    last: dict[tuple[str, int], dt.date] = {}
    for daily in (at.city_daily, at.station_daily):
        t = daily.mutate(year=daily.date.year())
        for row in t.group_by(["station", "year"]).aggregate(last=t.date.max()).to_pyarrow().to_pylist():
            last[(_scope(row["station"], CITY), int(row["year"]))] = row["last"]
    src = f"{source} ({at.standard})"[:300]
    out: list[SeriesValue] = []
    for year, block in result.items():
        scopes = ([("city", block["city"])] if block["city"] else []) + list(block["stations"].items())
        for scope, b in scopes:
            as_of = last.get((scope, int(year)))
            if as_of is None:
                continue
            for pollutant, stats in AIR_STATISTICS.items():
                for stat in stats:
                    v = b[pollutant].get(stat)
                    if v is not None:
                        out.append(SeriesValue(f"air:{scope}:{pollutant}:{stat}", as_of, float(v), src))
            for count in AIR_COUNTS:
                if b.get(count) is not None:
                    out.append(SeriesValue(f"air:{scope}:{count}", as_of, float(b[count]), src))
    return out


def store_values(session: Session, values: Sequence[SeriesValue]) -> tuple[int, int]:
    """Upsert by (series, as_of): returns (inserted, updated); an unchanged value is left alone."""
    if not values:
        return 0, 0
    names = sorted({v.series for v in values})
    have: dict[tuple[str, dt.date], IndicatorValue] = {}
    for i in range(0, len(names), 500):
        for row in session.scalars(select(IndicatorValue).where(IndicatorValue.series.in_(names[i:i + 500]))):
            have[(row.series, row.as_of)] = row
    inserted = updated = 0
    for v in values:
        amount = Decimal(repr(v.value)).quantize(Decimal("0.000001"))
        row = have.get((v.series, v.as_of))
        if row is None:
            row = IndicatorValue(series=v.series, as_of=v.as_of, value=amount, source=v.source)
            session.add(row)
            have[(v.series, v.as_of)] = row
            inserted += 1
        elif Decimal(row.value) != amount:
            row.value, row.source = amount, v.source
            updated += 1
    session.flush()
    return inserted, updated


def load_series(
    session: Session,
    paths: Sequence[Path],
    *,
    standard: str = "auto",
    city_exclude: tuple[str, ...] | None = None,
) -> tuple[int, int]:
    """Compute the air series from monitoring files, or from a store folder, and upsert them."""
    paths = list(paths)
    if len(paths) == 1 and paths[0].is_dir():
        values = air_values(store=paths[0], standard=standard, city_exclude=city_exclude)
    elif not paths:
        values = air_values(standard=standard, city_exclude=city_exclude)
    else:
        values = air_values(paths, standard=standard, city_exclude=city_exclude)
    return store_values(session, values)
