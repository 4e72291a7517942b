"""Throughput of the extraction path on one core: decode, normalise, parse_plan.

The five seed plans (../shared/seeds beside the repo) are repeated until there is at least
--mb megabytes of text (UTF-8 size; default 20). Each repetition is one document, as the CLI sees it.
Stages are timed separately and together; figures are MB of UTF-8 text per second on one core.

    .venv/bin/python bench/extract.py            # 20 MB
    .venv/bin/python bench/extract.py --mb 5     # quicker

Goal: ≥ 2 MB/s per core for normalise + parse_plan.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
GOAL_MB_S = 2.0


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def timed(label: str, mb: float, fn: Callable[[], Any], rows: list[tuple[str, float, float]]) -> Any:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    dt = time.perf_counter() - t0
    rows.append((label, dt, mb / dt if dt > 0 else float("inf")))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="megabytes of text to process (default 20)")
    ap.add_argument("--seeds", type=Path, default=SEEDS, help="folder of seed plans (*.txt, UTF-8)")
    args = ap.parse_args()

    from taizhang.plan.parse import parse_plan
    from taizhang.text.decode import detect
    from taizhang.text.normalize import has_traditional, normalize

    seeds = sorted(args.seeds.glob("*.txt"))
    if not seeds:
        sys.exit(f"bench: no seed plans in {args.seeds}")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    seed_bytes = sum(len(t.encode("utf-8")) for t in texts)
    reps = max(1, int(args.mb * 1e6 // seed_bytes) + (1 if args.mb * 1e6 % seed_bytes else 0))
    docs = texts * reps
    total_mb = seed_bytes * reps / 1e6

    pinned = pin_one_core()
    print(f"taizhang extraction benchmark · Python {platform.python_version()} · {pinned}")
    print(f"input: {len(seeds)} seed plans × {reps} = {len(docs)} documents, {total_mb:.1f} MB of UTF-8 text")
    has_traditional("warm-up")  # builds the Traditional-only character set once (~50 ms)
    parse_plan(normalize(texts[0]))

    rows: list[tuple[str, float, float]] = []

    # Decode: the same documents as bytes in three encodings (Big5 only for the Traditional seed).
    utf8 = [t.encode("utf-8") for t in docs]
    timed("decode UTF-8", total_mb, lambda: [detect(b) for b in utf8], rows)
    utf8.clear()
    gb = [t.encode("gb18030") for t in docs]
    timed("decode GB18030", total_mb, lambda: [detect(b) for b in gb], rows)
    gb.clear()
    trad = [t for t in docs if has_traditional(t)]
    if trad:
        trad_mb = sum(len(t.encode("utf-8")) for t in trad) / 1e6
        big5 = [t.encode("big5", errors="replace") for t in trad]
        timed("decode Big5 (Traditional seeds)", trad_mb, lambda: [detect(b) for b in big5], rows)
        big5.clear()

    # Normalise, then parse: the two stages the CLI runs after decoding.
    clean = timed("normalize", total_mb, lambda: [normalize(t) for t in docs], rows)
    plans = timed("parse_plan", total_mb, lambda: [parse_plan(t) for t in clean], rows)
    n_tasks = sum(len(p.tasks) for p in plans)
    n_targets = sum(len(p.targets) for p in plans)
    clean.clear()
    plans.clear()
    gc.collect()

    full = timed("normalize + parse_plan", total_mb, lambda: [parse_plan(normalize(t)) for t in docs], rows)
    full.clear()

    # Peak Python-heap memory of one document through the path (tracemalloc slows it; not timed).
    biggest = max(texts, key=len)
    tracemalloc.start()
    parse_plan(normalize(biggest))
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'stage':<{width}}  {'seconds':>8}  {'MB/s/core':>9}")
    for label, dt, rate in rows:
        print(f"{label:<{width}}  {dt:8.2f}  {rate:9.2f}")
    rate = rows[-1][2]
    print()
    print(f"extracted {n_tasks} tasks and {n_targets} targets per pass")
    print(
        f"peak RSS: {peak_rss_mb():.0f} MB; peak Python heap for one {len(biggest.encode()) / 1e3:.0f} KB plan: "
        f"{heap_peak / 1e6:.1f} MB"
    )
    verdict = "meets" if rate >= GOAL_MB_S else "misses"
    print(f"normalize + parse_plan: {rate:.2f} MB/s per core ({verdict} the goal of {GOAL_MB_S} MB/s)")


if __name__ == "__main__":
    main()
