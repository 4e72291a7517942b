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
