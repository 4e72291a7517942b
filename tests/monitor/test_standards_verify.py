"""`taizhang standards verify`: the public vectors pass; wrong values and unknown keys fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from taizhang.monitor.cli import standards_app

# the `standards` group as `taizhang` mounts it, without importing the other areas' commands
cli = typer.Typer()
cli.add_typer(standards_app, name="standards")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "standards", "verify", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_public_vectors_all_pass(shared: Path) -> None:
    path = shared / "spec" / "env-vectors-public.json"
    total = len(json.loads(path.read_text(encoding="utf-8"))["vectors"])
    proc = _run(str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"{total} passed, 0 failed"


def _vectors(tmp_path: Path, *vectors: dict) -> Path:
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"meta": {}, "vectors": list(vectors)}, ensure_ascii=False), encoding="utf-8")
    return path


GOOD = {"id": "G", "function": "iaqi", "standard": "HJ 633-2012",
        "input": {"item": "CO_24H", "concentration": "2.2", "unit": "mg/m3"},
        "expected": {"iaqi": 55, "exact": "55", "why": "float trap"}}  # fmt: skip


def test_wrong_value_and_unknown_key_fail(tmp_path: Path) -> None:
    wrong = {**GOOD, "id": "WRONG", "expected": {"iaqi": 56}}
    unknown = {**GOOD, "id": "UNKNOWN", "expected": {"iaqi": 55, "no_such_key": 1}}
    bad_fn = {**GOOD, "id": "FN", "function": "no_such_function"}
    result = CliRunner().invoke(cli, ["standards", "verify", str(_vectors(tmp_path, GOOD, wrong, unknown, bad_fn))])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "1 passed, 3 failed"
    assert any("WRONG" in line and "iaqi" in line and "56" in line and "55" in line for line in lines)
    assert any("UNKNOWN" in line and "no_such_key" in line for line in lines)
    assert any("FN" in line and "unknown function" in line for line in lines)


def test_exact_rational_comparison(tmp_path: Path) -> None:
    near = {**GOOD, "id": "NEAR", "input": {"item": "PM25_24H", "concentration": "36"},
            "expected": {"iaqi": 52, "exact": 51.25000000000001}}  # fmt: skip
    tol = {**near, "id": "TOL", "tolerance": 1e-9}
    result = CliRunner().invoke(cli, ["standards", "verify", str(_vectors(tmp_path, near, tol))])
    assert result.output.strip().splitlines()[-1] == "1 passed, 1 failed"
    assert "NEAR" in result.output and "TOL" not in result.output


def test_malformed_file_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = _run(str(bad))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and str(bad) in proc.stderr
    proc = _run(str(_vectors(tmp_path, {"id": "X", "function": "iaqi"})))
    assert proc.returncode == 2 and "v.json" in proc.stderr
