"""The extraction scored against the hand-made reference answers, through the real command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BOUNDS = {"target_value_f1": 0.95, "target_full_f1": 0.85, "assign_f1": 0.95}


def test_extraction_meets_the_scorer_bounds(shared: Path) -> None:
    exe = Path(sys.executable).parent / "taizhang"
    cmd = [
        sys.executable, str(shared / "tools" / "score_extraction.py"),
        "--gold", str(shared / "gold"), "--docs", str(shared / "seeds"),
        "--cmd", f"{exe} extract {{file}} --format json",
        "--min-target-f1", str(BOUNDS["target_value_f1"]),
        "--min-full-f1", str(BOUNDS["target_full_f1"]),
        "--min-assign-f1", str(BOUNDS["assign_f1"]),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    total = next((ln for ln in out.stdout.splitlines() if ln.startswith("TOTAL")), "")
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", total)}
    assert "no prediction" not in out.stderr, out.stderr
    for key, bound in BOUNDS.items():
        assert figures.get(key, 0.0) >= bound, f"{key} below {bound}:\n{out.stdout}"
    assert out.returncode == 0, out.stdout + out.stderr
