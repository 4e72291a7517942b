"""Web speed: `taizhang serve` on the generated 20,000-task ledger (SQLite), measured over HTTP.

The generated ledger is the one bench/ledger.py caches in bench/_data/ (built when missing); this
benchmark works on a copy of it (users, tokens and the submitted reports never touch the cache).

1. pages: `taizhang serve` runs as a subprocess, as a user starts it (its default worker processes,
   one per core; --workers N passes `--workers N`); an admin signs in; --clients concurrent clients
   (threads, each with its own httpx client and the admin's session cookie) fetch the dashboard `/`
   and then task pages `/tasks/{id}` (random ids), --requests of each. Reported: the first (cold)
   dashboard, p50 / p95 / p99 latency and requests/s. Goal: p95 ≤ 150 ms.
2. writes: --submissions progress reports POSTed at once to /api/v1/reports (asyncio, one connection
   each, every one with its own uid) with a department user's API token on that department's tasks.
   All must answer 201 and be stored (rows counted afterwards in the database); the wall time is
   reported.
3. mixed: --readers readers (default 8) fetch the dashboard and random task pages for --mixed-seconds,
   first alone (read-only), then while one report a second arrives (POSTed to /api/v1/reports with
   the department's token, as a client would); p50 / p95 of each page side by side and the ratio.
   Goal: dashboard p95 under writes ≤ 2× its read-only p95 and ≤ 150 ms.
4. memory: the peak RSS (VmHWM) of the server's processes at the end: uvicorn's supervisor and its
   workers (one process when it runs one worker).
5. `taizhang status` over the whole ledger (a fresh process, as a user runs it). Goal: ≤ 2 s.

    .venv/bin/python bench/web.py
    .venv/bin/python bench/web.py --requests 100 --clients 10     # quicker
    .venv/bin/python bench/web.py --only-mixed                     # the mixed phase and status only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.util
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
GOAL_P95_MS = 150.0
GOAL_MIXED_RATIO = 2.0
GOAL_STATUS_S = 2.0
PASSWORD = "bench-password-1"


def _bench_ledger():  # type: ignore[no-untyped-def]
    """bench/ledger.py as a module (it builds and caches the generated ledger)."""
    spec = importlib.util.spec_from_file_location("bench_ledger", HERE / "ledger.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(db: Path) -> tuple[str, list[int], list[int]]:
    """Admin and department users on the copy; the department's API token, its tasks, all task ids."""
    from sqlalchemy import func, select

    from taizhang.ledger.db import open_ledger
    from taizhang.ledger.models import Assignment, Department, Task
    from taizhang.web.auth import add_user, new_api_token

    lg = open_ledger(db)
    with lg.session("bench") as s:
        dept_id, _ = s.execute(select(Assignment.department_id, func.count()).where(Assignment.role == "lead")
                               .group_by(Assignment.department_id).order_by(func.count().desc())).first()
        add_user(s, "admin", PASSWORD, "admin")
        add_user(s, "dept", PASSWORD, "department", s.get(Department, dept_id).name)
        token = new_api_token(s, "dept", "bench")
        own = list(s.scalars(select(Task.id).join(Assignment).where(
            Assignment.department_id == dept_id, Assignment.role == "lead", ~Task.removed)))
        every = list(s.scalars(select(Task.id).where(~Task.removed)))
    lg.close()
    return token, own, every


@contextlib.contextmanager
def server(db: Path, port: int, log: Path, workers: int | None) -> Iterator[subprocess.Popen[bytes]]:
    """`taizhang serve` on db; its stderr goes to `log` (a pipe nobody reads would stall it)."""
    cmd = [sys.executable, "-m", "taizhang.cli", "serve", "--db", str(db), "--port", str(port)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    with log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"taizhang serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("taizhang serve did not answer within 60 s")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def workers_of(pid: int) -> list[int]:
    """The processes serving requests: uvicorn's spawned workers, else the server process itself."""
    spawned = [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return spawned or [pid]


def cpu_seconds(pids: list[int]) -> tuple[float, float, float]:
    """(CPU time the whole machine has been busy, this process's, the given processes'), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    machine = (sum(v) - v[3] - v[4]) / tick  # all but idle and iowait
    procs = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            procs += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return machine, time.process_time(), procs


def sign_in(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as c:
        r = c.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
        if r.status_code != 303:
            raise RuntimeError(f"sign-in failed: {r.status_code}")
        return c.cookies


def load(base: str, cookies: httpx.Cookies, paths: Callable[[int], str], n: int, clients: int) -> dict[str, object]:
    """n GETs spread over `clients` threads; latencies (ms) of the 200 answers, failures counted."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def worker() -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                path = paths(i)
                t0 = time.perf_counter()
                try:
                    r = c.get(path)
                    ok, why = r.status_code == 200, f"{path}: {r.status_code}"
                except httpx.HTTPError as e:
                    ok, why = False, f"{path}: {e!r}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    (latencies.append(ms) if ok else failures.append(why))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"lat": latencies, "failures": failures, "wall": wall, "rps": n / wall}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


async def submit(base: str, token: str, tasks: list[int], n: int, as_of: dt.date, run: str) -> dict[str, object]:
    """n reports POSTed at once (one connection each), each with its own uid."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    rng = random.Random(7)
    bodies = [{"task_id": rng.choice(tasks), "as_of": as_of.isoformat(), "percent": round(rng.uniform(0, 100), 1),
               "narrative": f"bench 并发报送 {i}", "uid": f"bench-{run}-{i}"} for i in range(n)]
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as c:
        async def one(body: dict[str, object]) -> tuple[int, float]:
            t0 = time.perf_counter()
            r = await c.post("/api/v1/reports", json=body)
            return r.status_code, (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        results = await asyncio.gather(*(one(b) for b in bodies), return_exceptions=True)
        wall = time.perf_counter() - t0
    codes: dict[str, int] = {}
    lat = []
    for res in results:
        key = type(res).__name__ if isinstance(res, BaseException) else str(res[0])
        codes[key] = codes.get(key, 0) + 1
        if not isinstance(res, BaseException):
            lat.append(res[1])
    return {"wall": wall, "codes": codes, "lat": lat, "uids": [b["uid"] for b in bodies]}


def mixed(base: str, cookies: httpx.Cookies, token: str, tasks: list[int], every: list[int], q: str,
          as_of: dt.date, readers: int, seconds: float, writes_per_s: float, run: str) -> dict[str, object]:
    """`readers` threads fetch the dashboard and random task pages (alternately) for `seconds`; with
    writes_per_s > 0 a writer POSTs that many reports a second meanwhile. Latencies (ms) by page."""
    stop = time.monotonic() + seconds
    lat: dict[str, list[float]] = {"dashboard": [], "task": [], "write": []}
    failures: list[str] = []
    lock = threading.Lock()
    uids: list[str] = []

    def reader(i: int) -> None:
        rng = random.Random(i)
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
            n = i
            while time.monotonic() < stop:
                page = "dashboard" if n % 2 == 0 else "task"
                n += 1
                path = "/" + q if page == "dashboard" else f"/tasks/{rng.choice(every)}{q}"
                t0 = time.perf_counter()
                try:
                    r = c.get(path)
                    ok, why = r.status_code == 200, f"{path}: {r.status_code}"
                except httpx.HTTPError as e:
                    ok, why = False, f"{path}: {e!r}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    (lat[page].append(ms) if ok else failures.append(why))

    def writer() -> None:
        rng = random.Random(11)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            k = 0
            start = time.monotonic()
            while True:
                due = start + k / writes_per_s
                if due >= stop:
                    return
                time.sleep(max(0.0, due - time.monotonic()))
                uid = f"bench-mixed-{run}-{k}"
                body = {"task_id": rng.choice(tasks), "as_of": as_of.isoformat(),
                        "percent": round(rng.uniform(0, 100), 1), "narrative": f"bench 调度 {k}", "uid": uid}
                t0 = time.perf_counter()
                try:
                    r = c.post("/api/v1/reports", json=body)
                    ok, why = r.status_code == 201, f"POST /api/v1/reports: {r.status_code}"
                except httpx.HTTPError as e:
                    ok, why = False, f"POST /api/v1/reports: {e!r}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    (lat["write"].append(ms) if ok else failures.append(why))
                    uids.append(uid)
                k += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    if writes_per_s > 0:
        threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"lat": lat, "failures": failures, "uids": uids}


def status_seconds(db: Path, as_of: dt.date) -> tuple[float, float, str]:
    """Wall and CPU time of `taizhang status` over the whole ledger, and its first line."""
    import resource

    cmd = [sys.executable, "-m", "taizhang.cli", "status", "--db", str(db), "--as-of", as_of.isoformat()]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, out.splitlines()[0] if out else ""


def print_mixed(alone: dict[str, object], busy: dict[str, object], readers: int, seconds: float) -> bool:
    a, b = alone["lat"], busy["lat"]
    print(f"\nmixed: {readers} readers (dashboard and task pages alternately), {seconds:.0f} s read-only, "
          f"then {seconds:.0f} s with one report a second ({len(b['write'])} POSTed; "  # type: ignore[index]
          f"p50 {pct(b['write'], 50):.0f} ms, max {max(b['write'], default=0):.0f} ms)\n")  # type: ignore[index]
    print(f"{'page':<14}{'n':>6}{'p50':>7}{'p95':>7}   {'n':>6}{'p50':>7}{'p95':>7}   {'p95 ratio':>9}")
    print(f"{'':<14}{'read-only (ms)':>20}   {'under writes (ms)':>20}")
    met = True
    for page in ("dashboard", "task"):
        ra, rb = a[page], b[page]  # type: ignore[index]
        ratio = pct(rb, 95) / pct(ra, 95)
        print(f"{page:<14}{len(ra):>6}{pct(ra, 50):>7.0f}{pct(ra, 95):>7.0f}   {len(rb):>6}{pct(rb, 50):>7.0f}"
              f"{pct(rb, 95):>7.0f}   {ratio:>9.2f}")
        if page == "dashboard":
            met = ratio <= GOAL_MIXED_RATIO and pct(rb, 95) <= GOAL_P95_MS
            print(f"{'':<14}goal: under writes ≤ {GOAL_MIXED_RATIO:g}× read-only and ≤ {GOAL_P95_MS:.0f} ms — "
                  f"{'meets' if met else 'MISSES'}")
    for f in [*alone["failures"], *busy["failures"]][:3]:  # type: ignore[misc]
        print(f"    failed: {f}")
    return met and not alone["failures"] and not busy["failures"]


def stored(db: Path, uids: list[str]) -> int:
    with contextlib.closing(sqlite3.connect(db)) as c:
        c.execute("CREATE TEMP TABLE want(uid TEXT)")
        c.executemany("INSERT INTO want VALUES (?)", [(u,) for u in uids])
        return int(c.execute("SELECT count(*) FROM progress_report WHERE uid IN (SELECT uid FROM want)").fetchone()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=100)
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--reports", type=int, default=100000)
    ap.add_argument("--requests", type=int, default=400, help="requests per page kind (default 400)")
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    ap.add_argument("--submissions", type=int, default=200, help="parallel report submissions (default 200)")
    ap.add_argument("--workers", type=int, default=None,
                    help="pass --workers N to taizhang serve (default: serve's own default)")
    ap.add_argument("--readers", type=int, default=8, help="readers of the mixed phase (default 8)")
    ap.add_argument("--mixed-seconds", type=float, default=30.0,
                    help="length of each half of the mixed phase (default 30 s; 0 skips it)")
    ap.add_argument("--only-mixed", action="store_true", help="only the mixed phase and status")
    args = ap.parse_args()

    from taizhang.ledger.generate import DEFAULT_AS_OF

    bl = _bench_ledger()
    as_of = DEFAULT_AS_OF
    print(f"taizhang web benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    cached, how = bl.generated_db(args.plans, args.tasks, args.reports, 0, as_of, False)
    print(f"generated ledger: {cached.relative_to(bl.REPO)}, {how}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web.db"
        shutil.copyfile(cached, db)
        token, own, every = prepare(db)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        q = f"?as_of={as_of.isoformat()}"
        log = Path(tmp) / "serve.log"
        with server(db, port, log, args.workers) as proc:
            cookies = sign_in(base)
            with httpx.Client(base_url=base, cookies=cookies, timeout=120) as c:
                t0 = time.perf_counter()
                cold = c.get("/" + q)
                cold_ms = (time.perf_counter() - t0) * 1000
                if cold.status_code != 200:
                    raise RuntimeError(f"dashboard answered {cold.status_code}")
            rng = random.Random(1)
            ids = [rng.choice(every) for _ in range(args.requests)]
            tree = [proc.pid, *children(proc.pid)]
            if not args.only_mixed:
                before = cpu_seconds(tree)
                dash = load(base, cookies, lambda i: "/" + q, args.requests, args.clients)
                task = load(base, cookies, lambda i: f"/tasks/{ids[i]}{q}", args.requests, args.clients)
                machine, client, served = (b - a for a, b in zip(before, cpu_seconds(tree), strict=True))
                sub = asyncio.run(submit(base, token, own, args.submissions, as_of, str(os.getpid())))
            if args.mixed_seconds > 0:
                run = str(os.getpid())
                alone = mixed(base, cookies, token, own, every, q, as_of, args.readers, args.mixed_seconds, 0, run)
                busy = mixed(base, cookies, token, own, every, q, as_of, args.readers, args.mixed_seconds, 1, run)
            workers = workers_of(proc.pid)
            rss = {p: peak_rss_mb(p) for p in [proc.pid, *children(proc.pid)]}
        errors = [ln for ln in log.read_text(errors="replace").splitlines()
                  if ln.startswith(("sqlalchemy.", "Exception", "TimeoutError")) or "Error:" in ln]
        ok = True
        if not args.only_mixed:
            n_stored = stored(db, sub["uids"])  # type: ignore[arg-type]
        if args.mixed_seconds > 0:
            mixed_stored = stored(db, busy["uids"])  # type: ignore[arg-type]
        status_s, status_cpu, status_line = status_seconds(db, as_of)

    serve = "taizhang serve" + (f" --workers {args.workers}" if args.workers is not None else "")
    print(f"\n{serve}: {len(workers)} worker process{'es' if len(workers) > 1 else ''}; "
          f"first dashboard (cold, one worker): {cold_ms:.0f} ms (as of {as_of})")
    if not args.only_mixed:
        print(f"\n{args.clients} concurrent clients, {args.requests} requests per page\n")
        print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}{'errors':>8}   goal p95 ≤ 150 ms")
        for name, r in (("dashboard /", dash), ("task /tasks/{id}", task)):
            lat: list[float] = r["lat"]  # type: ignore[assignment]
            p95 = pct(lat, 95)
            verdict = f"{'meets' if p95 <= GOAL_P95_MS else 'MISSES'} (x{p95 / GOAL_P95_MS:.2f})"
            print(f"{name:<22}{pct(lat, 50):>9.0f}{p95:>9.0f}{pct(lat, 99):>9.0f}{r['rps']:>8.1f}"
                  f"{len(r['failures']):>8}   {verdict}")  # type: ignore[arg-type]
            for f in r["failures"][:3]:  # type: ignore[index]
                print(f"    failed: {f}")
        n = 2 * args.requests
        print(f"\nCPU while the pages were fetched: server {served:.1f} s ({served / n * 1000:.1f} ms per request), "
              f"this client {client:.1f} s ({client / n * 1000:.1f} ms per request), other processes "
              f"{max(0.0, machine - served - client):.1f} s (figures are comparable only when that is near 0)")
        lat = sub["lat"]  # type: ignore[assignment]
        ok = n_stored == args.submissions and sub["codes"] == {"201": args.submissions}
        print(f"\nreports: {args.submissions} parallel POST /api/v1/reports in {sub['wall']:.2f} s "
              f"({args.submissions / sub['wall']:.0f}/s; p50 {pct(lat, 50):.0f} ms, max {max(lat, default=0):.0f} ms); "
              f"answers {sub['codes']}; stored {n_stored}/{args.submissions}   "
              f"goal: all stored — {'meets' if ok else 'MISSES'}")
    if args.mixed_seconds > 0:
        ok = print_mixed(alone, busy, args.readers, args.mixed_seconds) and ok
        posted = len(busy["uids"])  # type: ignore[arg-type]
        print(f"{'':<14}reports stored {mixed_stored}/{posted}")
        ok = ok and mixed_stored == posted
    print(f"\ntaizhang status over the whole ledger: {status_s:.2f} s ({status_cpu:.2f} s CPU; {status_line}) — "
          f"goal ≤ {GOAL_STATUS_S:g} s: {'meets' if status_s <= GOAL_STATUS_S else 'MISSES'}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (figures are comparable only on an idle machine)")
    known = [v for v in rss.values() if v is not None]
    per = ", ".join(f"{'worker' if p in workers else 'server' if p == proc.pid else 'helper'} {v:.0f}"
                    for p, v in rss.items() if v is not None)
    print(f"server peak RSS: {sum(known):.0f} MB in {len(known)} processes ({per})" if known
          else "server peak RSS: unknown")
    if errors:
        print(f"server errors logged: {len(errors)}, e.g. " + " | ".join(sorted(set(errors))[:3]))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
