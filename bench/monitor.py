"""Benchmark: the indicator engine on one synthetic national year, against a bare scan and pandas.

    .venv/bin/python bench/monitor.py                      # 1,700 stations × 8,760 hours × 6 pollutants
    .venv/bin/python bench/monitor.py --stations 50 --hours 2160

Three stages, each in its own process so that its peak RSS is its own, on the same cached Parquet file
(bench/_data/, generated once with examples/monitoring.py):
- pipeline: the engine (DuckDB) — station days with AQI, city days with AQI, station and city annual
  statistics (means, percentiles, validity, good/heavy days), results fetched to Python;
- bare scan: DuckDB computing only the daily means of the six pollutants (GROUP BY station, date);
- pandas: a straightforward pandas/numpy implementation of the same outputs.
Goals: pipeline ≤ 2 × bare scan, ≥ 10 × faster than pandas, peak ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
POLL = ("pm25", "pm10", "so2", "no2", "co", "o3")


def _generator():
    spec = importlib.util.spec_from_file_location("monitoring", HERE.parent / "examples" / "monitoring.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    return mod


def dataset(stations: int, hours: int, seed: int) -> Path:
    path = DATA / f"air-{stations}x{hours}-s{seed}.parquet"
    if not path.exists():
        t = time.perf_counter()
        _generator().write_parquet(path, stations, hours // 24, dt.date(2023, 1, 1), seed)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def _cpu() -> float:
    """CPU seconds of this process, all threads (user + system): the work, whatever else runs."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------- stages
def stage_pipeline(path: Path) -> dict:
    # Module imports stay outside the clock, as `import duckdb` / `import pandas` do for the other stages.
    import ibis.backends.duckdb  # noqa: F401
    import ibis.backends.duckdb.converter  # noqa: F401  (imports pandas on the first result fetched)
    import ibis.backends.sql.compilers.duckdb  # noqa: F401

    from taizhang.monitor.engine import pipeline, report

    t, c0 = time.perf_counter(), _cpu()
    con = pipeline.connect()
    at = pipeline.air_tables(con.read_parquet(str(path)), "HJ633-2012", ())
    result = report.annual_json(
        at.station_annual().to_pyarrow().to_pylist(), at.city_annual().to_pyarrow().to_pylist(), at.standard
    )
    n_days = at.station_daily.count().to_pyarrow().as_py()
    seconds, cpu = time.perf_counter() - t, _cpu() - c0
    city = result["2023"]["city"]
    return {"seconds": seconds, "cpu": cpu, "station_days": n_days, "city": _digest(city)}


def stage_bare(path: Path) -> dict:
    import duckdb

    t, c0 = time.perf_counter(), _cpu()
    avgs = ", ".join(f"avg({p}) AS {p}" for p in POLL)
    rel = duckdb.sql(f"SELECT station, date, {avgs} FROM read_parquet('{path}') GROUP BY station, date")
    rows = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    return {"seconds": time.perf_counter() - t, "cpu": _cpu() - c0, "station_days": rows.num_rows}


def _digest(city: dict) -> dict:
    return {
        "PM2.5": city["PM2.5"]["annual_mean"],
        "PM2.5 p95": city["PM2.5"]["p95"],
        "CO p95": city["CO"]["p95"],
        "O3 p90": city["O3"]["p90_mda8"],
        "good_days": city["good_days"],
        "heavy_days": city["heavy_days"],
    }


def _round_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    a, b = num * 2 + den, den * 2
    q = a // b
    return q - ((a % b == 0) & (q % 2 == 1))


def _iaqi(conc: np.ndarray, item: str) -> np.ndarray:
    from taizhang.monitor.standards import tables as T

    bps, scale = T.IAQI_BREAKPOINTS["HJ633-2012"][item], 10 if item.startswith("CO") else 1
    out = np.full(conc.shape, np.nan)
    c = np.nan_to_num(conc, nan=-1).astype(np.int64)
    done = c < 0
    for i in range(len(bps) - 1):
        lo, hi = bps[i], bps[i + 1]
        if hi is None:
            break
        seg = ~done & (c <= hi * scale)
        num = (c[seg] - lo * scale) * (T.IAQI_LEVELS[i + 1] - T.IAQI_LEVELS[i])
        den = (hi - lo) * scale
        out[seg] = T.IAQI_LEVELS[i] + -(-num // den)
        done |= seg
    rest = ~done
    out[rest] = np.nan if item == "O3_8H" else 500
    return out


def _daily_aqi(d):
    items = {"so2": "SO2_24H", "no2": "NO2_24H", "pm10": "PM10_24H", "co": "CO_24H", "pm25": "PM25_24H", "o3_1h": "O3_1H", "o3_8h": "O3_8H"}
    subs = np.column_stack([_iaqi(d[c].to_numpy(dtype=float), item) for c, item in items.items()])
    with np.errstate(all="ignore"):
        d["aqi"] = np.where(np.isnan(subs).all(axis=1), np.nan, np.nanmax(np.where(np.isnan(subs), -1, subs), axis=1))
    return d


def stage_pandas(path: Path) -> dict:
    import pandas as pd

    t, c0 = time.perf_counter(), _cpu()
    df = pd.read_parquet(path, columns=["station", "date", "hour", *POLL])
    for p in POLL:
        df[p] = np.round(df[p].to_numpy() * 10_000)  # exact integer units (as float64, exact below 2**53)
    g = df.groupby(["station", "date"], sort=False)
    sums, counts = g[list(POLL[:5])].sum(), g[list(POLL[:5])].count()
    daily = pd.DataFrame(index=sums.index)
    for p in POLL[:5]:
        unit = 1000 if p == "co" else 10_000
        n = counts[p].to_numpy()
        v = _round_div(sums[p].to_numpy().astype(np.int64), np.maximum(n, 1) * unit).astype(float)
        daily[p] = np.where(n >= 20, v, np.nan)
    o3 = df.pivot_table(index=["station", "date"], columns="hour", values="o3", aggfunc="max").reindex(columns=range(24))
    o3 = o3.reindex(daily.index)
    h = o3.to_numpy()
    hr = np.where(np.isnan(h), np.nan, _round_div(np.nan_to_num(h).astype(np.int64), np.full(h.shape, 10_000)))
    daily["o3_1h"] = np.nanmax(np.where(np.isnan(hr), -1, hr), axis=1)
    daily.loc[daily["o3_1h"] < 0, "o3_1h"] = np.nan
    windows = []
    for s in range(17):
        block = h[:, s : s + 8]
        n = (~np.isnan(block)).sum(axis=1)
        tot = np.nansum(block, axis=1).astype(np.int64)
        windows.append(np.where(n >= 6, _round_div(tot, np.maximum(n, 1) * 10_000), np.nan))
    w = np.column_stack(windows)
    nw = (~np.isnan(w)).sum(axis=1)
    mda8 = np.nanmax(np.where(np.isnan(w), -1, w), axis=1)
    daily["o3_8h"] = np.where((nw >= 14) | (mda8 > 160), np.where(mda8 < 0, np.nan, mda8), np.nan)
    daily = _daily_aqi(daily.reset_index())
    # City days: mean of station daily values (rounded), per date.
    cg = daily.groupby("date")
    city = pd.DataFrame({"date": sorted(daily["date"].unique())}).set_index("date")
    for p in POLL[:5]:
        s, n = cg[p].sum(), cg[p].count()
        city[p] = np.where(n > 0, _round_div(s.to_numpy().astype(np.int64), np.maximum(n.to_numpy(), 1)), np.nan)
    # City O3: mean over stations of each hour / window, then the daily max (as in the engine).
    keys = daily["date"].to_numpy()
    hours_mean = pd.DataFrame(hr).groupby(keys).agg(["sum", "count"])
    win_mean = pd.DataFrame(w).groupby(keys).agg(["sum", "count"])

    def _cmax(m):
        s = m.xs("sum", axis=1, level=1).to_numpy()
        n = m.xs("count", axis=1, level=1).to_numpy()
        v = np.where(n > 0, _round_div(s.astype(np.int64), np.maximum(n, 1)), -1)
        return v.max(axis=1), (n > 0).sum(axis=1)

    city["o3_1h"] = np.where((c := _cmax(hours_mean))[0] < 0, np.nan, c[0])
    wm, wn = _cmax(win_mean)
    city["o3_8h"] = np.where(((wn >= 14) | (wm > 160)) & (wm >= 0), wm, np.nan)
    city = _daily_aqi(city.reset_index())
    annual = {}
    for name, frame in (("city", city), ("stations", daily)):
        frame["year"] = pd.to_datetime(frame["date"]).dt.year
        keys = ["year"] if name == "city" else ["station", "year"]
        ag = frame.groupby(keys)
        res = pd.DataFrame({"pm25_mean": ag["pm25"].mean().round()})
        for c, p in (("pm25", 95), ("pm10", 95), ("so2", 98), ("no2", 98), ("co", 95), ("o3_8h", 90)):
            res[f"{c}_p{p}"] = ag[c].quantile(p / 100, interpolation="linear").round()
        res["good_days"] = ag["aqi"].apply(lambda a: int((a <= 100).sum()))
        res["heavy_days"] = ag["aqi"].apply(lambda a: int((a > 200).sum()))
        annual[name] = res
    seconds, cpu = time.perf_counter() - t, _cpu() - c0
    c = annual["city"].iloc[0]
    digest = {
        "PM2.5": int(c["pm25_mean"]),
        "PM2.5 p95": int(c["pm25_p95"]),
        "CO p95": c["co_p95"] / 10,
        "O3 p90": int(c["o3_8h_p90"]),
        "good_days": int(c["good_days"]),
        "heavy_days": int(c["heavy_days"]),
    }
    return {"seconds": seconds, "cpu": cpu, "station_days": len(daily), "city": digest}


STAGES = {"pipeline": stage_pipeline, "bare": stage_bare, "pandas": stage_pandas}


def run_stage(name: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--stage", name, "--data", str(path)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description="indicator-engine benchmark")
    ap.add_argument("--stations", type=int, default=1700)
    ap.add_argument("--hours", type=int, default=8760, help="a multiple of 24 (8760 = one year)")
    ap.add_argument("--seed", type=int, default=2013)
    ap.add_argument("--repeat", type=int, default=1, help="runs per stage; the best time is kept")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.stage:
        out = STAGES[a.stage](a.data)
        out["peak_rss_mb"] = round(_peak_mb())
        print(json.dumps(out))
        return
    if a.hours % 24:
        raise SystemExit("--hours must be a multiple of 24")
    path = dataset(a.stations, a.hours, a.seed)
    rows = a.stations * a.hours
    print(f"data: {a.stations} stations × {a.hours} hours × 6 pollutants = {rows:,} station-hours ({path.stat().st_size / 1e6:.0f} MB Parquet)")
    results = {}
    for name in ("bare", "pipeline", *(() if a.skip_pandas else ("pandas",))):
        runs = [run_stage(name, path) for _ in range(a.repeat)]
        results[name] = min(runs, key=lambda r: r["seconds"])
        r = results[name]
        print(
            f"{name:9s} {r['seconds']:8.2f} s  (CPU {r['cpu']:6.2f} s)   peak RSS {r['peak_rss_mb']:6d} MB"
            f"   station-days {r['station_days']:,}"
        )
    p, b = results["pipeline"], results["bare"]
    print(f"pipeline / bare scan : {p['seconds'] / b['seconds']:.2f} × (goal ≤ 2; CPU time {p['cpu'] / b['cpu']:.2f} ×)")
    if "pandas" in results:
        q = results["pandas"]
        print(
            f"pandas / pipeline    : {q['seconds'] / p['seconds']:.1f} × faster (goal ≥ 10; CPU time {q['cpu'] / p['cpu']:.1f} ×)"
        )
        same = q["city"] == p["city"]
        print(f"city results agree   : {same}  engine {p['city']}" + ("" if same else f"  pandas {q['city']}"))
    print(f"peak RSS (pipeline)  : {p['peak_rss_mb']} MB (goal ≤ 4096)")


if __name__ == "__main__":
    main()
