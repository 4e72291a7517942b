"""Scale of the ledger: `status` over a generated ledger, and a full import of the five seed plans.

The generated ledger (taizhang.ledger.generate: 100 plans, 20,000 tasks, 100,000 progress reports by
default) is built once into bench/_data/ (gitignored) and reused while the generator and the sizes are
unchanged. Timed, each the median of --runs runs:

- evaluate: `taizhang.track.evaluate.evaluate(session, as_of)` in process, over the whole ledger;
- status CLI: `taizhang status --db FILE --as-of DATE --json --all` end to end (a fresh process: imports,
  opening the database, evaluation, JSON to a pipe);
- CLI start-up: `taizhang --help` (the fixed cost in the CLI figure);
- import: `taizhang ledger import` of the five seed plans (../shared/seeds) into a fresh SQLite file,
  and the same import again, which must change nothing (every plan "unchanged", same row counts).

Peak RSS is reported for this process (generation + in-process evaluation) and for the CLI runs.

    .venv/bin/python bench/ledger.py                 # the issue's sizes
    .venv/bin/python bench/ledger.py --tasks 2000 --reports 10000 --plans 10   # quicker

Goal: status ≤ 2 s on SQLite over the full-size ledger.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "bench" / "_data"
SEEDS = REPO.parent / "shared" / "seeds"
TAIZHANG = [sys.executable, "-m", "taizhang.cli"]
GOAL_S = 2.0


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def generated_db(plans: int, tasks: int, reports: int, seed: int, as_of: dt.date, fresh: bool) -> tuple[Path, str]:
    """The cached generated ledger for these sizes (built when missing or when the generator changed)."""
    from taizhang.ledger import generate as gen

    digest = hashlib.sha256(Path(gen.__file__).read_bytes()).hexdigest()[:12]
    path = DATA / f"ledger_{plans}p_{tasks}t_{reports}r_s{seed}_{as_of}_{digest}.db"
    if path.exists() and not fresh:
        return path, "reused"
    DATA.mkdir(parents=True, exist_ok=True)
    for old in DATA.glob(f"ledger_{plans}p_{tasks}t_{reports}r_s{seed}_*.db*"):
        old.unlink()
    from taizhang.ledger.db import open_ledger

    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    lg = open_ledger(tmp)
    result = gen.generate(lg, plans=plans, tasks=tasks, reports=reports, seed=seed, as_of=as_of)
    with lg.engine.connect() as c:  # fold the WAL back so the cached file stands alone
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    lg.close()
    tmp.rename(path)
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
    return path, f"built in {time.perf_counter() - t0:.1f} s ({counts})"


def median_time(fn, runs: int) -> tuple[float, list[float], object]:  # type: ignore[no-untyped-def]
    times = []
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def bench_evaluate(db: Path, as_of: dt.date, runs: int) -> dict[str, object]:
    try:
        from taizhang.track.evaluate import evaluate
    except ImportError as e:
        return {"error": f"taizhang.track.evaluate.evaluate is missing ({e}): in-process time not measured"}
    from taizhang.ledger.db import open_ledger

    lg = open_ledger(db)

    def once():  # type: ignore[no-untyped-def]
        with lg.session(write=False) as s:
            return evaluate(s, as_of)

    med, times, evals = median_time(once, runs)
    lg.close()
    colours = Counter(e.colour or "none" for e in evals)  # type: ignore[attr-defined, union-attr]
    statuses = Counter(e.status for e in evals)  # type: ignore[attr-defined, union-attr]
    return {"median": med, "times": times, "n": len(evals), "colours": dict(colours),  # type: ignore[arg-type]
            "statuses": dict(statuses)}


def bench_cli(db: Path, as_of: dt.date, runs: int, *, as_json: bool = True) -> dict[str, object]:
    """End to end in a fresh process: `--json --all` (every subject, with forecasts) or, with
    as_json=False, the supervision list as a user runs it (text, the subjects with a warning)."""
    cmd = [*TAIZHANG, "status", "--db", str(db), "--as-of", as_of.isoformat()]
    if as_json:
        cmd += ["--json", "--all"]
    times = []
    n = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            lines = [ln.strip(" │╭╮╰╯─") for ln in p.stderr.splitlines()]
            err = " ".join(ln for ln in lines if ln and not ln.startswith(("Usage:", "Try ", "Error")))
            return {"error": f"`taizhang status` failed (exit {p.returncode}): {err or '?'}"
                            " — end-to-end CLI time not measured"}
        n = len(json.loads(p.stdout)) if as_json else p.stdout.count("\n")
    return {"median": statistics.median(times), "times": times, "n": n, "rss": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def bench_startup(runs: int) -> float:
    """Median wall time of `taizhang --help`: the CLI's fixed cost (interpreter, imports)."""
    def once() -> None:
        subprocess.run([*TAIZHANG, "--help"], capture_output=True, check=True)

    return median_time(once, runs)[0]


def _row_counts(db: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(db) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def bench_import(seeds: Path) -> dict[str, object]:
    files = sorted(seeds.glob("*.txt"))
    if not files:
        return {"error": f"no seed plans in {seeds}"}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seeds.db"
        cmd = [*TAIZHANG, "ledger", "import", *map(str, files), "--db", str(db)]
        t0 = time.perf_counter()
        first = subprocess.run(cmd, capture_output=True, text=True)
        t_first = time.perf_counter() - t0
        if first.returncode != 0:
            return {"error": f"import failed: {first.stderr.strip()}"}
        before = _row_counts(db)
        t0 = time.perf_counter()
        again = subprocess.run(cmd, capture_output=True, text=True)
        t_again = time.perf_counter() - t0
        after = _row_counts(db)
        lines = again.stdout.strip().splitlines()
        unchanged = again.returncode == 0 and len(lines) == len(files) and all("unchanged" in ln for ln in lines)
        shutil.rmtree(tmp, ignore_errors=True)
    return {"files": len(files), "first": t_first, "again": t_again, "unchanged": unchanged and before == after,
            "tasks": before.get("task", 0), "targets": before.get("target", 0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=100)
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--reports", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="evaluation date (default: the "
                    "generator's as-of date)")
    ap.add_argument("--runs", type=int, default=5, help="runs per timing (median reported; default 5)")
    ap.add_argument("--fresh", action="store_true", help="rebuild the generated ledger even when cached")
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="folder of the seed plans (*.txt)")
    args = ap.parse_args()

    from taizhang.ledger.generate import DEFAULT_AS_OF

    as_of = args.as_of or DEFAULT_AS_OF
    print(f"taizhang ledger benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    db, how = generated_db(args.plans, args.tasks, args.reports, args.seed, as_of, args.fresh)
    size_mb = db.stat().st_size / 2**20
    print(f"generated ledger: {db.relative_to(REPO)} ({size_mb:.0f} MB), {how}")
    print(f"evaluation as of {as_of}, median of {args.runs} runs\n")

    ev = bench_evaluate(db, as_of, args.runs)
    cli = bench_cli(db, as_of, args.runs)
    startup = bench_startup(args.runs)
    imp = bench_import(args.seeds)

    def verdict(t: float) -> str:
        return f"{'meets' if t <= GOAL_S else 'MISSES'} the goal (x{t / GOAL_S:.2f})"

    rows = []
    if "error" in ev:
        print(f"!! {ev['error']}")
    else:
        rows.append(("status: evaluate() in process", ev["median"], f"≤ {GOAL_S:.0f} s", verdict(ev["median"])))
    if "error" in cli:
        print(f"!! {cli['error']}")
    else:
        rows.append(("status: `taizhang status --json` CLI", cli["median"], f"≤ {GOAL_S:.0f} s",
                     verdict(cli["median"])))
    text_cli = bench_cli(db, as_of, args.runs, as_json=False) if "error" not in cli else cli
    if "error" not in text_cli:
        rows.append(("status: `taizhang status` CLI (supervision list)", text_cli["median"], f"≤ {GOAL_S:.0f} s",
                     verdict(text_cli["median"])))
    rows.append(("  of which CLI start-up (`taizhang --help`)", startup, "", ""))
    if "error" in imp:
        print(f"!! {imp['error']}")
    else:
        rows.append((f"import of the {imp['files']} seed plans (fresh file)", imp["first"], "", ""))
        rows.append(("re-import of the same plans", imp["again"], "",
                     "changed nothing" if imp["unchanged"] else "CHANGED SOMETHING"))
    width = max(len(r[0]) for r in rows) if rows else 10
    print(f"{'measure':<{width}}  {'time':>8}  {'goal':>6}  verdict")
    for label, t, goal, v in rows:
        print(f"{label:<{width}}  {t:>7.3f}s  {goal:>6}  {v}")
    print()
    if "error" not in ev:
        print(f"evaluate: {ev['n']} subjects; runs {', '.join(f'{t:.2f}' for t in ev['times'])} s")  # type: ignore[union-attr]
        print(f"  colours {ev['colours']}; statuses {ev['statuses']}")
    if "error" not in cli:
        print(f"CLI: {cli['n']} subjects in the JSON; runs {', '.join(f'{t:.2f}' for t in cli['times'])} s; "  # type: ignore[union-attr]
              f"peak RSS of a CLI run {cli['rss']:.0f} MB")
    if "error" not in imp:
        print(f"import: {imp['tasks']} tasks, {imp['targets']} targets")
    print(f"peak RSS of this process (generation + in-process evaluation): {peak_rss_mb():.0f} MB")
    print("note: wall-clock figures on a shared machine; other processes running at the same time slow them.")


if __name__ == "__main__":
    main()
