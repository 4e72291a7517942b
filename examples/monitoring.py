"""Generate realistic synthetic hourly air-monitoring data (for the demo, the tests and the benchmark).

Each station gets its own base level; on top of it:
- seasons: PM2.5, PM10, SO2, CO peak in the heating season, O3 in summer;
- a day's rhythm: NO2/CO rush-hour peaks, O3 an afternoon peak, PM a night-time build-up;
- regional winter PM2.5 episodes: multi-day AR(1) surges shared by the stations of a region;
- gaps: scattered missing hours and multi-day outages; a few bad values (negative, at the ceiling).

Usage:
    python examples/monitoring.py --stations 20 --days 365 --out out/demo --format csv
        → one CSV per station in the UCI layout (year, month, day, hour, …, CO in µg/m³, `NA` tokens),
          which `taizhang monitor load` reads as is
    python examples/monitoring.py --stations 1700 --days 365 --out out/national.parquet --format parquet
        → one Parquet file in the store's canonical layout (see taizhang.monitor.engine.schema)
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
CEILINGS = {"pm25": 999.0, "pm10": 999.0, "co": 10.0}


def _schema() -> pa.Schema:
    fields = [pa.field("station", pa.string()), pa.field("date", pa.date32()), pa.field("hour", pa.int8())]
    fields += [pa.field(p, pa.float64()) for p in POLLUTANTS]
    fields += [pa.field(f"{p}_flag", pa.int8()) for p in POLLUTANTS]
    return pa.schema(fields)


def _episodes(rng: np.random.Generator, days: int, regions: int, start: dt.date) -> np.ndarray:
    """(regions, days) multiplicative PM factor: AR(1) in log space, stronger in winter."""
    doy = (np.arange(days) + start.timetuple().tm_yday - 1) % 365
    winter = 0.5 + 0.5 * np.cos(2 * np.pi * (doy - 15) / 365)  # 1 in mid-January, 0 in mid-July
    z = np.zeros((regions, days))
    eps = rng.normal(0, 0.35, size=(regions, days))
    for d in range(1, days):
        z[:, d] = 0.75 * z[:, d - 1] + eps[:, d]
    return np.exp(z * (0.4 + 0.9 * winter))


def generate(
    stations: int, days: int, start: dt.date = dt.date(2023, 1, 1), seed: int = 2013, chunk: int = 100
) -> Iterator[pa.RecordBatch]:
    """Yield record batches (canonical layout, ``chunk`` stations each) of ``stations`` × ``days`` × 24 hours."""
    rng = np.random.default_rng(seed)
    regions = max(1, stations // 40)
    episode = _episodes(rng, days, regions, start)
    hours = days * 24
    t = np.arange(hours)
    hod = t % 24
    doy = (t // 24 + start.timetuple().tm_yday - 1) % 365
    season = np.cos(2 * np.pi * (doy - 15) / 365)  # +1 winter, −1 summer
    dates = np.array([start + dt.timedelta(days=int(d)) for d in range(days)], dtype="datetime64[D]").repeat(24)
    rush = np.exp(-((hod - 8) ** 2) / 4) + np.exp(-((hod - 19) ** 2) / 6)
    sun = np.clip(np.sin(np.pi * (hod - 7) / 13), 0, None)  # 7:00–20:00, peak 13:30
    night = 1 + 0.25 * np.cos(2 * np.pi * (hod - 23) / 24)
    schema = _schema()
    for first in range(0, stations, chunk):
        n = min(chunk, stations - first)
        idx = np.arange(first, first + n)
        base = rng.lognormal(np.log(38), 0.35, size=(n, 1))
        ep = episode[idx * regions // stations].repeat(24, axis=1)
        noise = rng.lognormal(0, 0.25, size=(n, hours))
        pm25 = base * (1 + 0.45 * season) * night * ep * noise
        pm10 = pm25 * rng.uniform(1.3, 1.9, size=(n, 1)) * rng.lognormal(0, 0.12, size=(n, hours))
        so2 = rng.lognormal(np.log(9), 0.4, size=(n, 1)) * (1 + 0.8 * np.clip(season, 0, None)) * rng.lognormal(0, 0.3, (n, hours))
        no2 = rng.lognormal(np.log(30), 0.3, size=(n, 1)) * (0.7 + 0.6 * rush) * (1 + 0.2 * season) * rng.lognormal(0, 0.25, (n, hours))
        co = 0.35 + pm25 / 90 * rng.lognormal(0, 0.2, size=(n, hours))
        o3 = (20 + rng.uniform(80, 150, size=(n, 1)) * sun * (0.55 - 0.45 * season)) * rng.lognormal(0, 0.2, (n, hours))
        values = {
            "pm25": np.round(pm25),
            "pm10": np.round(pm10),
            "so2": np.round(so2, 1),
            "no2": np.round(no2, 1),
            "co": np.round(co, 2),
            "o3": np.round(o3),
        }
        flags = {p: np.zeros((n, hours), dtype=np.int8) for p in POLLUTANTS}
        gap = rng.random((n, hours)) < 0.015  # scattered missing hours (all pollutants)
        for s in range(n):  # one outage of 1–4 days for a third of the stations
            if rng.random() < 0.33:
                a = rng.integers(0, max(1, hours - 96))
                gap[s, a : a + rng.integers(24, 97)] = True
        for p in POLLUTANTS:
            v, f = values[p], flags[p]
            miss = gap | (rng.random((n, hours)) < 0.005)
            neg = rng.random((n, hours)) < 0.0002
            f[miss], f[neg & ~miss] = 1, 2
            if p in CEILINGS:
                hit = v >= CEILINGS[p]
                v[hit] = CEILINGS[p]
                f[hit & (f == 0)] = 3
            v[f != 0] = np.nan
        names = np.array([f"S{i:04d}" for i in idx]).repeat(hours)
        cols = [pa.array(names), pa.array(np.tile(dates, n)), pa.array(np.tile(hod, n).astype(np.int8))]
        cols += [pa.array(values[p].ravel(), from_pandas=True) for p in POLLUTANTS]
        cols += [pa.array(flags[p].ravel()) for p in POLLUTANTS]
        yield pa.RecordBatch.from_arrays(cols, schema=schema)


def write_parquet(path: Path, stations: int, days: int, start: dt.date, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, _schema(), compression="zstd") as w:
        for batch in generate(stations, days, start, seed):
            w.write_batch(batch, row_group_size=1_000_000)
    tmp.replace(path)
    return path


def write_csv(folder: Path, stations: int, days: int, start: dt.date, seed: int) -> list[Path]:
    """One UCI-style CSV per station: CO in µg/m³, `NA` for gaps, raw negative and ceiling values kept."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for batch in generate(stations, days, start, seed, chunk=1 if stations < 100 else 100):
        frame = batch.to_pandas()
        for station, g in frame.groupby("station", sort=True):
            d = pd.to_datetime(g["date"])
            raw = pd.DataFrame({"No": range(1, len(g) + 1), "year": d.dt.year, "month": d.dt.month, "day": d.dt.day, "hour": g["hour"]})
            for p, name in zip(POLLUTANTS, ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3"), strict=True):
                v = g[p] * (1000 if p == "co" else 1)
                v = v.where(g[f"{p}_flag"] != 2, -v.abs().fillna(3))  # put the negative readings back
                if p in CEILINGS:
                    v = v.where(g[f"{p}_flag"] != 3, CEILINGS[p] * (1000 if p == "co" else 1))
                raw[name] = v.map(lambda x: "NA" if pd.isna(x) else f"{x:g}")
            raw["station"] = station
            path = folder / f"{station}.csv"
            raw.to_csv(path, index=False)
            out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=12)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--start", default="2023-01-01")
    ap.add_argument("--seed", type=int, default=2013)
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--out", type=Path, default=Path("out/monitoring"))
    a = ap.parse_args()
    start = dt.date.fromisoformat(a.start)
    if a.format == "parquet":
        print(write_parquet(a.out, a.stations, a.days, start, a.seed))
    else:
        print(f"{len(write_csv(a.out, a.stations, a.days, start, a.seed))} files in {a.out}")


if __name__ == "__main__":
    main()
