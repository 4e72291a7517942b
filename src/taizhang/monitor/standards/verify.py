"""`taizhang standards verify FILE.json`: run test vectors against this package.

A vector file is {"meta": …, "vectors": [{"id", "function", "standard", "input", "expected", …}]}.
Every key of `expected` except "why" is checked (numbers exactly unless a "tolerance" is given);
an unknown function or expected key is a failure. Prints each failure and `N passed, M failed`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import typer

from taizhang.errors import InputError
from taizhang.monitor.standards.compare import Mismatch, compare_result
from taizhang.monitor.standards.exact import to_fraction
from taizhang.monitor.standards.vectors import FUNCTIONS, run_vector


@dataclass
class VectorOutcome:
    id: str
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def load_vectors(path: Path) -> list[dict[str, Any]]:
    """The vectors of a file; InputError naming the file when it is not a vector file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("vectors"), list):
        raise InputError(path, 'not a vector file: expected an object with a "vectors" list')
    vectors = data["vectors"]
    for i, v in enumerate(vectors):
        if not isinstance(v, Mapping):
            raise InputError(path, f"vector {i} is not an object")
        for key in ("function", "input", "expected"):
            if key not in v:
                raise InputError(path, f"vector {v.get('id', i)!s} has no {key!r}")
        if not isinstance(v["expected"], Mapping) or not isinstance(v["input"], Mapping):
            raise InputError(path, f"vector {v.get('id', i)!s}: input and expected must be objects")
    return list(vectors)


def _tolerance(vector: Mapping[str, Any]) -> Fraction | None:
    tol = vector.get("tolerance", vector["expected"].get("tolerance"))
    return None if tol is None else abs(to_fraction(tol))


def check_vector(vector: Mapping[str, Any], index: int = 0) -> VectorOutcome:
    """Run one vector and compare its result with `expected`."""
    vid = str(vector.get("id", f"#{index}"))
    function = vector["function"]
    if function not in FUNCTIONS:
        return VectorOutcome(vid, [Mismatch("function", None, function, "unknown function")])
    try:
        got = run_vector(function, vector["input"], vector.get("standard"))
    except Exception as e:  # a vector that breaks the code is a failure, not a crash
        return VectorOutcome(vid, [Mismatch("input", None, None, f"{type(e).__name__}: {e}")])
    return VectorOutcome(vid, compare_result(vector["expected"], got, _tolerance(vector)))


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return (
        json.dumps(value, ensure_ascii=False)
        if isinstance(value, str | bool) or value is None
        else str(value)
    )


def failure_lines(outcome: VectorOutcome) -> list[str]:
    lines = []
    for m in outcome.mismatches:
        note = f" ({m.note})" if m.note else ""
        if m.path in ("function", "input"):
            lines.append(f"FAIL {outcome.id} {m.path}: {m.note or _show(m.got)}")
        else:
            lines.append(f"FAIL {outcome.id} {m.path}: expected {_show(m.expected)} got {_show(m.got)}{note}")
    return lines


def verify_file(path: Path) -> tuple[list[VectorOutcome], list[str]]:
    """All outcomes and the lines to print (failures, then `N passed, M failed`)."""
    outcomes = [check_vector(v, i) for i, v in enumerate(load_vectors(path))]
    lines = [line for o in outcomes for line in failure_lines(o)]
    passed = sum(1 for o in outcomes if o.passed)
    lines.append(f"{passed} passed, {len(outcomes) - passed} failed")
    return outcomes, lines


def verify(file: Path = typer.Argument(..., help="test-vector JSON file")) -> None:
    """Check every test vector in FILE against the standards implementation."""
    outcomes, lines = verify_file(file)
    for line in lines:
        typer.echo(line)
    if not all(o.passed for o in outcomes):
        raise typer.Exit(1)
