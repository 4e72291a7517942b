"""`taizhang monitor load | air-daily | air-annual | water-annual` (registered on ``monitor_app``)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from taizhang.errors import InputError
from taizhang.files import write_text
from taizhang.monitor.engine.schema import (
    DEFAULT_CEILINGS,
    DEFAULT_CITY_EXCLUDE,
    DISPLAY_TO_CODE,
    POLLUTANTS,
    air_arrow_schema,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from taizhang.monitor.engine.load_air import AirOptions


def _lazy(name: str) -> ModuleType:
    """The module, loaded at its first attribute access: `taizhang --help` and the ledger commands
    do not pay for Ibis, DuckDB, pandas and Arrow (about 0.7 s) unless a monitor command runs."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


pipeline = _lazy("taizhang.monitor.engine.pipeline")
report = _lazy("taizhang.monitor.engine.report")
store_mod = _lazy("taizhang.monitor.engine.store")
load_air = _lazy("taizhang.monitor.engine.load_air")
load_water = _lazy("taizhang.monitor.engine.load_water")
readers = _lazy("taizhang.monitor.engine.readers")


Files = Annotated[
    list[Path] | None, typer.Argument(help="Input files (CSV, xlsx, Parquet) or water dataset folders.")
]
StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Parquet store folder [default: ./taizhang-data]")
]
UnitOpt = Annotated[
    list[str] | None,
    typer.Option("--unit", help="Declare a unit, e.g. --unit CO=mg/m3 or --unit CO=ug/m3 (repeatable)."),
]
HourOpt = Annotated[
    str,
    typer.Option(
        "--hour-label",
        help="What an hour label h means: start (h:00–h+1:00), end (Chinese 时: (h−1):00–h:00) or auto "
        "(end when labels run 1–24, else start).",
    ),
]
StandardOpt = Annotated[
    str, typer.Option("--standard", help="auto | HJ633-2012 | HJ633-2026 (auto: by data date).")
]
FormatOpt = Annotated[str, typer.Option("--format", help="json | table | xlsx")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write to this file instead of stdout (xlsx needs it).")
]
CityOpt = Annotated[
    str,
    typer.Option(
        "--city-exclude", help="Comma-separated stations that are not city assessment points ('' for none)."
    ),
]


def _code(name: str) -> str:
    key = name.strip()
    code = DISPLAY_TO_CODE.get(key.upper().replace("PM25", "PM2.5")) or (
        key.lower() if key.lower() in POLLUTANTS else None
    )
    if code is None:
        raise InputError(None, f"unknown pollutant {name!r}: use one of {', '.join(POLLUTANTS.values())}")
    return code


def _units(specs: list[str] | None) -> dict[str, str]:
    out = {}
    for spec in specs or []:
        name, _, unit = spec.partition("=")
        parsed = load_air.parse_unit(unit)
        if not parsed:
            raise InputError(None, f"--unit {spec!r}: expected POLLUTANT=mg/m3 or POLLUTANT=ug/m3")
        out[_code(name)] = parsed
    return out


def _ceilings(specs: list[str] | None) -> dict[str, float | None]:
    out: dict[str, float | None] = dict(DEFAULT_CEILINGS)
    for spec in specs or []:
        name, _, value = spec.partition("=")
        try:
            out[_code(name)] = None if value.strip().lower() in {"none", ""} else float(value)
        except ValueError:
            raise InputError(
                None, f"--ceiling {spec!r}: expected POLLUTANT=NUMBER or POLLUTANT=none"
            ) from None
    return out


def _air_options(unit, hour_label, station=None, ceiling=None) -> AirOptions:
    if hour_label not in {"auto", "start", "end"}:
        raise InputError(None, f"--hour-label {hour_label!r}: choose start, end or auto")
    return load_air.AirOptions(units=_units(unit), hour_label=hour_label, station=station, ceilings=_ceilings(ceiling))


def _is_water(path: Path, frame=None) -> bool:
    if path.is_dir() or load_water.is_mep_weekly(path):
        return True
    from taizhang.monitor.engine.load_air import _POLLUTANT_ALIASES, _split_header
    from taizhang.monitor.engine.load_water import _ITEM_ALIASES, _norm

    cols = [str(c) for c in frame.columns]
    air = any(_POLLUTANT_ALIASES.get(_split_header(c)[0]) for c in cols)
    water = any(_norm(c) in _ITEM_ALIASES for c in cols)
    return water and not air


def _read_air(files: list[Path], opts: AirOptions) -> list[tuple[Path, pa.Table, dict]]:
    import pyarrow as pa

    out = []
    for f in files:
        loaded = load_air.load_air_file(f, readers.read_table(f), opts)
        table = pa.Table.from_pandas(loaded.frame, schema=air_arrow_schema(), preserve_index=False)
        out.append((f, table, loaded.summary()))
    return out


def _read_water(files: list[Path]) -> list[tuple[Path, pa.Table, dict]]:
    import pyarrow as pa

    out = []
    for f in files:
        loaded = (
            load_water.load_mep_weekly(f) if (f.is_dir() or load_water.is_mep_weekly(f)) else load_water.load_water_table(f, readers.read_table(f))
        )
        table = pa.Table.from_pandas(loaded.frame, schema=load_water.water_arrow_schema(), preserve_index=False)
        out.append((f, table, loaded.summary()))
    return out


def load(
    files: Annotated[
        list[Path], typer.Argument(help="Air or water files (CSV/xlsx/Parquet) or a water dataset folder.")
    ],
    store: StoreOpt = None,
    kind: Annotated[str, typer.Option("--kind", help="auto | air | water")] = "auto",
    unit: UnitOpt = None,
    hour_label: HourOpt = "auto",
    station: Annotated[
        str | None, typer.Option("--station", help="Station name for a file without a station column.")
    ] = None,
    ceiling: Annotated[
        list[str] | None,
        typer.Option(
            "--ceiling", help="Instrument ceiling in canonical units, e.g. CO=10 or O3=none (repeatable)."
        ),
    ] = None,
) -> None:
    """Read monitoring files into the Parquet store (values flagged, never silently averaged)."""
    store = store or store_mod.DEFAULT_STORE
    opts = _air_options(unit, hour_label, station, ceiling)
    air_files, water_files = [], []
    for f in files:
        if not f.exists():
            raise InputError(f, "no such file or folder")
        if kind == "water" or (
            kind == "auto" and (f.is_dir() or _is_water(f, None if f.is_dir() else readers.read_table(f)))
        ):
            water_files.append(f)
        elif kind in {"air", "auto"}:
            air_files.append(f)
        else:
            raise InputError(None, f"--kind {kind!r}: choose auto, air or water")
    # Read and check everything before writing anything.
    air_parts, water_parts = _read_air(air_files, opts), _read_water(water_files)
    for kind_name, parts in (("air", air_parts), ("water", water_parts)):
        if parts:
            store_mod.write_parts(store, kind_name, parts)
    for _, table, summary in air_parts + water_parts:
        typer.echo(_summary_line(summary, table.num_rows))
    typer.echo(f"store: {store}")


def _summary_line(summary: dict, rows: int) -> str:
    flagged = {
        name: {k: v for k, v in counts.items() if k != "ok" and v}
        for name, counts in summary["values"].items()
        if any(v for k, v in counts.items() if k != "ok")
    }
    extra = ""
    if "units" in summary:
        extra = f"; hours labelled {summary['hour_label']}; units " + ", ".join(
            f"{k} {v}" for k, v in summary["units"].items()
        )
    return f"{summary['file']}: {rows} rows, {summary['first_day']}…{summary['last_day']}{extra}; flagged {json.dumps(flagged, ensure_ascii=False)}"


def _hourly(con, files: list[Path] | None, store: Path | None, opts: AirOptions):
    import pyarrow as pa

    if files:
        parts = _read_air(files, opts)
        return pipeline.hourly_from_arrow(con, pa.concat_tables([t for _, t, _ in parts]))
    return pipeline.hourly_from_store(con, store or store_mod.DEFAULT_STORE)


def _air_tables(files: list[Path] | None, store: Path | None, standard: str, city_exclude: str,
                unit: str | None, hour_label: str) -> pipeline.AirTables:
    """The daily and annual tables of the hourly data named on the command line, on embedded DuckDB."""
    hourly = _hourly(pipeline.connect(), files, store, _air_options(unit, hour_label))
    return pipeline.air_tables(hourly, standard, _exclude(city_exclude))


def _emit(
    data: Any, fmt: str, out: Path | None, rows: list[dict], title: str, sheets: dict | None = None
) -> None:
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
        if out:
            write_text(out, text + "\n")
        else:
            typer.echo(text)
    elif fmt == "table":
        report.print_table(rows, title)
    elif fmt == "xlsx":
        if not out:
            raise InputError(None, "--format xlsx needs --out FILE.xlsx")
        report.write_xlsx(out, sheets or {title: rows})
    else:
        raise InputError(None, f"--format {fmt!r}: choose json, table or xlsx")


def _exclude(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def air_annual(
    files: Files = None,
    store: StoreOpt = None,
    standard: StandardOpt = "auto",
    fmt: FormatOpt = "json",
    out: OutOpt = None,
    city_exclude: CityOpt = ",".join(DEFAULT_CITY_EXCLUDE),
    unit: UnitOpt = None,
    hour_label: HourOpt = "auto",
) -> None:
    """Annual statistics per year, for the city and each station (HJ 663; GB 3095 attainment)."""
    tables = _air_tables(files, store, standard, city_exclude, unit, hour_label)
    result = report.annual_json(
        tables.station_annual().to_pyarrow().to_pylist(),
        tables.city_annual().to_pyarrow().to_pylist(),
        tables.standard,
    )
    rows = report.annual_rows_flat(result)
    _emit(result, fmt, out, rows, f"Annual air statistics ({tables.standard})")


def air_daily(
    files: Files = None,
    store: StoreOpt = None,
    standard: StandardOpt = "auto",
    fmt: FormatOpt = "json",
    out: OutOpt = None,
    station: Annotated[
        list[str] | None, typer.Option("--station", help="Only these stations ('city' for the city).")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    city_exclude: CityOpt = ",".join(DEFAULT_CITY_EXCLUDE),
    unit: UnitOpt = None,
    hour_label: HourOpt = "auto",
) -> None:
    """Daily AQI, primary pollutant and level per station and for the city (HJ 633 daily report)."""
    import datetime as dt

    tables = _air_tables(files, store, standard, city_exclude, unit, hour_label)
    records = []
    for t in (tables.city_daily, tables.station_daily):
        if start:
            t = t.filter(t.date >= dt.date.fromisoformat(start))
        if end:
            t = t.filter(t.date <= dt.date.fromisoformat(end))
        records += [
            report.daily_record(r, tables.standard)
            for r in t.order_by(["date", "station"]).to_pyarrow().to_pylist()
        ]
    if station:
        wanted = set(station)
        records = [r for r in records if r["station"] in wanted]
    records.sort(key=lambda r: (r["date"], r["station"] != "city", r["station"]))
    flat = [{k: v for k, v in r.items() if k != "iaqi"} for r in records]
    _emit(records, fmt, out, flat, f"Daily AQI ({tables.standard})")


def water_annual(
    files: Files = None,
    store: StoreOpt = None,
    fmt: FormatOpt = "json",
    out: OutOpt = None,
) -> None:
    import pyarrow as pa

    """Annual section classes (GB 3838, mean of monthly means) and the share of class I–III sections."""
    from taizhang.monitor.engine.water import annual_water

    con = pipeline.connect()
    if files:
        table = pa.concat_tables([t for _, t, _ in _read_water(files)])
        samples = pipeline.hourly_from_arrow(con, table, name="water")
    else:
        samples = con.read_parquet(
            [str(p) for p in store_mod.parts(store or store_mod.DEFAULT_STORE, "water")]
        )
    result = annual_water(samples)
    rows = [
        {"year": y, "station": s, "basin": e["basin"], "class": e["class"], "months": e["months"]}
        | {item: v["annual_mean"] for item, v in e["items"].items()}
        for y, block in result.items()
        for s, e in block["sections"].items()
    ]
    summary = [{"year": y, "scope": "all"} | block["summary"] for y, block in result.items()]
    summary += [
        {"year": y, "scope": b} | s for y, block in result.items() for b, s in block["basins"].items()
    ]
    for r in summary:
        r["classes"] = " ".join(f"{k}:{v}" for k, v in r["classes"].items())
    if fmt == "table":
        report.print_table(summary, "Water: share of class I–III sections")
        return
    _emit(result, fmt, out, rows, "Water sections", {"summary": summary, "sections": rows})


def register(app: typer.Typer) -> None:
    """Add the engine's commands to ``taizhang monitor``."""
    app.command("load")(load)
    app.command("air-annual")(air_annual)
    app.command("air-daily")(air_daily)
    app.command("water-annual")(water_annual)
