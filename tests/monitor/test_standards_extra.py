"""`taizhang standards verify` on tests/monitor/vectors_extra.json: vectors written from the spec
(every breakpoint, the 2026 changes, rounding ties, validity edges, water/black-odorous/noise
boundaries, input spellings) in the public file's format; all must pass."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from taizhang.monitor.standards.vectors import FUNCTIONS
from taizhang.monitor.standards.verify import check_vector, failure_lines, load_vectors

EXTRA = Path(__file__).with_name("vectors_extra.json")
VECTORS = load_vectors(EXTRA)


def test_every_function_has_extra_vectors() -> None:
    counts = Counter(v["function"] for v in VECTORS)
    assert set(counts) == set(FUNCTIONS), set(FUNCTIONS) ^ set(counts)
    assert all(v.get("why") and v.get("spec_ref") for v in VECTORS)
    assert len({v["id"] for v in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_extra_vector(vector: dict) -> None:
    outcome = check_vector(vector)
    assert outcome.passed, "\n".join(failure_lines(outcome))


def test_cli_runs_the_extra_file() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "standards", "verify", str(EXTRA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    total = len(json.loads(EXTRA.read_text(encoding="utf-8"))["vectors"])
    assert proc.stdout.strip().splitlines()[-1] == f"{total} passed, 0 failed"


@pytest.mark.parametrize(
    ("function", "inp", "standard", "message"),
    [
        ("aqi_daily", {"concentrations": {"SO2_24H": "10", "PM3": "40"}}, "HJ 633-2012", "PM3"),
        ("aqi_daily", {"concentrations": {"SO2_24H": "10", "O3": "120"}}, "HJ 633-2012", "ambiguous"),
        ("aqi_hourly", {"concentrations": {"SO2_1H": "10", "PM2.5": "40"}}, "HJ 633-2012", "ambiguous"),
        ("iaqi", {"item": "O3", "concentration": "120"}, "HJ 633-2012", "averaging period"),
        (
            "city_mean",
            {"pollutant": "PM2.5", "stations": [{"type": "工业点", "value": "1"}]},
            None,
            "station type",
        ),
        ("black_odorous_indicator", {"indicator": "SD", "value": "1", "unit": "inch"}, None, "unit"),
        ("round_gbt8170", {"value": "1", "precision": "0.25"}, None, "1, 2 or 5 units"),
    ],
)
def test_unknown_input_is_a_clear_error(function: str, inp: dict, standard: str | None, message: str) -> None:
    outcome = check_vector(
        {"id": "E", "function": function, "standard": standard, "input": inp, "expected": {}}
    )
    assert not outcome.passed
    assert message in outcome.mismatches[0].note, outcome.mismatches[0].note
