"""Build the demo ledger: the example plan imported, generated monitoring data bound to its air targets,
a few months of generated progress reports (some departments on time, some late), warnings recorded
and cases opened, and demo users — printed first, with their passwords.

    python examples/demo.py --db demo-ledger.db   # then: taizhang serve --db demo-ledger.db

Run again, it keeps a ledger that holds data (with what was uploaded to it) and says so; --rebuild
deletes it and builds the demo anew.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

USERS = (  # name, role, department, password
    ("admin", "admin", None, "taizhang-admin"),
    ("leader", "leader", None, "taizhang-leader"),
    ("sthj", "department", "县生态环境局", "taizhang-sthj"),
    ("zjj", "department", "县住房城乡建设局", "taizhang-zjj"),
    ("public", "public", None, "taizhang-public"),
)


def monitoring(session, as_of: dt.date) -> int:  # type: ignore[no-untyped-def]
    """Generate hourly air data for 8 stations from 2024-01-01 to as_of, store the annual series and the
    city's daily AQI, and bind the plan's PM2.5 and good-day targets to them."""
    from sqlalchemy import select

    from monitoring import write_parquet
    from taizhang.ledger.models import IndicatorValue, Target
    from taizhang.monitor.engine import pipeline
    from taizhang.track.indicators import air_values, bind, store_values

    start = dt.date(2024, 1, 1)
    # The generated data stop before HJ 633-2026 takes effect (2026-03-01), so one rule set (HJ 633-2012)
    # covers them all: the engine refuses to mix the two in one computation.
    end = min(as_of, dt.date(2026, 2, 28))
    days = (end - start).days + 1
    with tempfile.TemporaryDirectory() as tmp:
        path = write_parquet(Path(tmp) / "air.parquet", 8, days, start, 7)
        store = Path(tmp) / "store"
        import subprocess

        taizhang = Path(sys.executable).with_name("taizhang")
        subprocess.run([str(taizhang), "monitor", "load", str(path), "--store", str(store)], check=True,
                       stdout=subprocess.DEVNULL)
        values = air_values(store=store, standard="HJ633-2012")
        store_values(session, values)
        con = pipeline.connect()
        at = pipeline.air_tables(pipeline.hourly_from_store(con, store), "HJ633-2012",
                                 pipeline.DEFAULT_CITY_EXCLUDE)
        rows = at.city_daily.select("date", "aqi").to_pyarrow().to_pylist()
    from decimal import Decimal

    for r in rows:
        if r["aqi"] is not None:
            session.add(IndicatorValue(series="air:city:AQI", as_of=r["date"], value=Decimal(str(r["aqi"])),
                                       source="generated demo data"))
    for t in session.scalars(select(Target)):
        if "PM2.5" in t.indicator:
            bind(session, t.id, "air:city:PM2.5:annual_mean")
        elif "优良天数" in t.indicator:
            bind(session, t.id, "air:city:good_ratio")
    session.flush()
    return len(values) + len(rows)


def reports(session, as_of: dt.date, rng: random.Random) -> int:  # type: ignore[no-untyped-def]
    """Monthly reports from the plan's start: most departments report, some lag or stop reporting."""
    from sqlalchemy import select

    from taizhang.ledger.models import Target, Task
    from taizhang.track.reports import add_report

    n = 0
    months = []
    d = dt.date(2024, 3, 31)
    while d <= as_of:
        months.append(d)
        nxt = (d.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        d = (nxt + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    tasks = session.scalars(select(Task).where(~Task.removed)).all()
    for i, task in enumerate(tasks):
        lead = next((a.department_id for a in task.assignments if a.role == "lead"), None)
        pace = [1.25, 1.0, 0.8, 0.5][i % 4]  # ahead, on time, behind, far behind
        stop = len(months) - (i % 5 == 4) * 3  # every fifth task stopped reporting three months ago
        total = max(1, (task.deadline - dt.date(2024, 3, 1)).days) if task.deadline else 700
        for m in months[:stop]:
            share = min(100.0, 100.0 * pace * (m - dt.date(2024, 3, 1)).days / total + rng.uniform(-3, 3))
            add_report(session, task_id=task.id, as_of=m, percent=round(max(0.0, share), 1),
                       narrative=f"{m.month}月：按计划推进。", reporter="demo", department_id=lead)
            n += 1
    for t in session.scalars(select(Target).where(~Target.removed, Target.series.is_(None))):
        if t.kind in ("reduction", "increase") and t.task_id:
            goal = float(t.value)
            for k, m in enumerate(months):
                add_report(session, target_id=t.id, as_of=m, value=round(goal * (k + 1) / (len(months) + 6), 2),
                           reporter="demo", narrative="累计完成量")
                n += 1
    return n


def print_users() -> None:
    print("演示用户（用户名 / 初始密码 / 角色）：")
    for name, role, dept, password in USERS:
        print(f"  {name:8} {password:18} {role}{' ' + dept if dept else ''}")


def held(db: Path) -> dict[str, int] | None:
    """What an existing ledger file holds ('方案{}个' → plans, reports, users), or None when there is no file."""
    if not db.exists():
        return None
    from sqlalchemy import func, select

    from taizhang.ledger.db import open_ledger
    from taizhang.ledger.models import Plan, ProgressReport, User

    lg = open_ledger(db)
    try:
        with lg.session(write=False) as s:
            return {what: s.scalar(select(func.count()).select_from(model)) or 0
                    for what, model in (("方案{}个", Plan), ("进度报送{}条", ProgressReport), ("用户{}个", User))}
    finally:
        lg.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("demo-ledger.db"))
    ap.add_argument("--as-of", default=None, help="the demo's 'today' (default: today)")
    ap.add_argument("--rebuild", action="store_true",
                    help="delete an existing ledger at --db (with everything uploaded to it) and build the demo anew")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of) if a.as_of else dt.date.today()
    print_users()
    counts = None if a.rebuild else held(a.db)
    if counts and any(counts.values()):
        print(f"{a.db}：台账已存在，保留原有数据（" + "，".join(k.format(v) for k, v in counts.items())
              + f"），未重建。如需重建演示台账（删除其中全部数据）：python examples/demo.py --db {a.db} --rebuild")
        return
    for p in (a.db, a.db.with_name(a.db.name + "-wal"), a.db.with_name(a.db.name + "-shm")):
        p.unlink(missing_ok=True)

    from taizhang.ledger.cli import load_plan
    from taizhang.ledger.db import open_ledger
    from taizhang.ledger.importer import import_plan
    from taizhang.track.cases import record
    from taizhang.track.evaluate import evaluate
    from taizhang.web.auth import add_user

    lg = open_ledger(a.db)
    doc, cites = load_plan(HERE / "plan.txt")
    with lg.session("demo") as s:
        result = import_plan(s, doc, source="plan.txt", cites=cites)
        print(result.line())
        print(f"monitoring: {monitoring(s, as_of)} indicator values")
        print(f"reports: {reports(s, as_of, random.Random(1))}")
        r = record(s, evaluate(s, as_of), as_of, actor="demo")
        print(f"warnings: {r.warnings_new}, cases opened: {r.cases_opened}")
        for name, role, dept, password in USERS:
            add_user(s, name, password, role, dept)
    lg.close()
    print(f"demo ledger: {a.db}")


if __name__ == "__main__":
    main()
