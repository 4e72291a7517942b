"""The README's main job: the demo ledger builds for any 'today', also after HJ 633-2026 took effect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taizhang.ledger.db import open_ledger
from taizhang.ledger.models import IndicatorValue, ProgressReport, Target, User

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


@pytest.mark.slow
def test_demo_builds_after_the_2026_standard_change(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    p = subprocess.run([sys.executable, str(DEMO), "--db", str(db), "--as-of", "2026-06-30"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "taizhang-admin" in p.stdout
    lg = open_ledger(db)
    with lg.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 5
        assert s.scalar(select(func.count()).select_from(ProgressReport)) > 100
        assert s.scalar(select(func.count()).select_from(IndicatorValue).where(
            IndicatorValue.series == "air:city:AQI")) > 700
        assert s.scalar(select(func.count()).select_from(Target).where(Target.series.is_not(None))) >= 2
    lg.close()


def _demo(db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([sys.executable, str(DEMO), "--db", str(db), "--as-of", "2024-04-30", *extra],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    return p


def _reports(db: Path) -> int:
    lg = open_ledger(db)
    with lg.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(ProgressReport)) or 0
    lg.close()
    return n


@pytest.mark.slow
def test_demo_run_again_keeps_the_ledger_and_rebuilds_only_when_asked(tmp_path: Path) -> None:
    import datetime as dt

    from taizhang.track.reports import add_report

    db = tmp_path / "demo.db"
    first = _demo(db).stdout.splitlines()
    # the users and passwords come first, as the README says
    assert "taizhang-admin" in first[1] and first[0].startswith("演示用户")
    built = _reports(db)
    lg = open_ledger(db)
    with lg.session("test") as s:
        task = s.scalar(select(ProgressReport.task_id).where(ProgressReport.task_id.is_not(None)))
        add_report(s, task_id=task, as_of=dt.date(2024, 4, 30), percent=50, reporter="用户上传")
    lg.close()

    again = _demo(db).stdout
    assert _reports(db) == built + 1  # what the user uploaded is still there
    assert f"{db}：台账已存在，保留原有数据" in again and "--rebuild" in again
    assert "taizhang-admin" in again.splitlines()[1]

    _demo(db, "--rebuild")
    assert _reports(db) == built
