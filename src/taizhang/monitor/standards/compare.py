"""Compare an expected test-vector value with a computed one, exactly.

Numbers compare as exact rationals parsed from their text (JSON numbers are read as Decimal, strings
such as "205/4" or "44.4" as fractions), or within a tolerance when one is given. A string compares
with a string by equality, and with a computed number by value. Booleans never equal numbers.
Nested dicts must match key for key (a key absent on one side matches only a null on the other).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from taizhang.monitor.standards.exact import to_fraction

#: Lists whose order carries no meaning (sets of names).
UNORDERED_KEYS = frozenset({"primary", "exceeding", "excluded", "deciding_items", "missing", "short_months"})


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: Any
    got: Any
    note: str = ""


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | Decimal | Fraction) and not isinstance(x, bool)


def _as_fraction(x: Any) -> Fraction | None:
    try:
        return to_fraction(x)
    except (ValueError, TypeError):
        return None


def _numbers_equal(expected: Any, got: Any, tolerance: Fraction | None) -> bool:
    e, g = _as_fraction(expected), _as_fraction(got)
    if e is None or g is None:
        return False
    return e == g if tolerance is None else abs(e - g) <= tolerance


def compare(expected: Any, got: Any, path: str, tolerance: Fraction | None = None) -> list[Mismatch]:
    """Every difference between `expected` and `got` under `path`."""
    if expected is None:
        return [] if got is None else [Mismatch(path, expected, got)]
    if isinstance(expected, bool):
        return [] if isinstance(got, bool) and got == expected else [Mismatch(path, expected, got)]
    if _is_number(expected):
        ok = _is_number(got) or isinstance(got, str)
        return [] if ok and _numbers_equal(expected, got, tolerance) else [Mismatch(path, expected, got)]
    if isinstance(expected, str):
        if isinstance(got, str):
            return [] if got == expected else [Mismatch(path, expected, got)]
        if _is_number(got) and _numbers_equal(expected, got, tolerance):
            return []
        return [Mismatch(path, expected, got)]
    if isinstance(expected, Mapping):
        return _compare_dicts(expected, got, path, tolerance)
    if isinstance(expected, Sequence):
        return _compare_lists(expected, got, path, tolerance)
    return [Mismatch(path, expected, got, "unsupported expected value")]


def _compare_dicts(
    expected: Mapping[str, Any], got: Any, path: str, tolerance: Fraction | None
) -> list[Mismatch]:
    if not isinstance(got, Mapping):
        return [Mismatch(path, expected, got)]
    out: list[Mismatch] = []
    for key, value in expected.items():
        sub = f"{path}.{key}"
        if key not in got:
            if value is not None:
                out.append(Mismatch(sub, value, None, "missing"))
            continue
        out.extend(_compare_keyed(key, value, got[key], sub, tolerance))
    for key, value in got.items():
        if key not in expected and value is not None:
            out.append(Mismatch(f"{path}.{key}", None, value, "unexpected"))
    return out


def _compare_keyed(
    key: str, expected: Any, got: Any, path: str, tolerance: Fraction | None
) -> list[Mismatch]:
    if key in UNORDERED_KEYS and isinstance(expected, list) and isinstance(got, list | tuple):
        return _compare_unordered(expected, list(got), path, tolerance)
    return compare(expected, got, path, tolerance)


def _compare_lists(
    expected: Sequence[Any], got: Any, path: str, tolerance: Fraction | None
) -> list[Mismatch]:
    if not isinstance(got, list | tuple) or len(got) != len(expected):
        return [Mismatch(path, expected, got)]
    out: list[Mismatch] = []
    for i, (e, g) in enumerate(zip(expected, got, strict=True)):
        out.extend(compare(e, g, f"{path}[{i}]", tolerance))
    return out


def _compare_unordered(
    expected: list[Any], got: list[Any], path: str, tolerance: Fraction | None
) -> list[Mismatch]:
    if len(got) != len(expected):
        return [Mismatch(path, expected, got)]
    remaining = list(got)
    for e in expected:
        match = next((i for i, g in enumerate(remaining) if not compare(e, g, path, tolerance)), None)
        if match is None:
            return [Mismatch(path, expected, got)]
        remaining.pop(match)
    return []


def compare_result(
    expected: Mapping[str, Any], got: Mapping[str, Any], tolerance: Fraction | None = None
) -> list[Mismatch]:
    """Check every key of a vector's `expected` (except "why" and "tolerance") against the result.
    A key the computation does not produce is a failure ("unknown expected key")."""
    out: list[Mismatch] = []
    for key, value in expected.items():
        if key in ("why", "tolerance"):
            continue
        if key not in got:
            out.append(Mismatch(key, value, None, "unknown expected key"))
            continue
        out.extend(_compare_keyed(key, value, got[key], key, tolerance))
    return out
