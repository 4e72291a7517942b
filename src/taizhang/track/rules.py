"""The warning rules: one editable TOML file (defaults in `rules.toml` beside this module).

`load_rules(path)` reads the package defaults, then the user's file (`--rules FILE`, else the
TAIZHANG_RULES environment variable) over them: a key the user leaves out keeps its default. An
unknown key, a value of the wrong type or out of range is an InputError naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taizhang.errors import InputError

DEFAULTS = Path(__file__).with_name("rules.toml")
#: Reporting frequency → months per period (weeks are handled apart).
FREQUENCIES = {"weekly": 0, "monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Rules:
    frequency: str = "monthly"
    grace_days: int = 0
    lagging_points: float = 10.0
    white_behind: float = 10.0
    white_missing: int = 1
    yellow_behind: float = 20.0
    yellow_missing: int = 2
    yellow_deadline_days: int = 30
    red_deadline_passed: bool = True
    red_unresolved_days: int = 30
    escalation_checks: int = 2
    confidence: float = 0.90
    source: str = str(DEFAULTS)

    def escalation_dates(self, as_of: dt.date) -> list[dt.date]:
        """The earlier dates at which a yellow must also have stood for it to turn red (oldest last)."""
        if self.red_unresolved_days <= 0 or self.escalation_checks <= 0:
            return []
        n = self.escalation_checks
        return [as_of - dt.timedelta(days=round(self.red_unresolved_days * k / n)) for k in range(1, n + 1)]


#: (section, key) → (Rules field, type, minimum, maximum)
_SCHEMA: dict[tuple[str, str], tuple[str, type, float | None, float | None]] = {
    ("reporting", "frequency"): ("frequency", str, None, None),
    ("reporting", "grace_days"): ("grace_days", int, 0, 366),
    ("status", "lagging_points"): ("lagging_points", float, 0, 100),
    ("white", "behind_points"): ("white_behind", float, 0, 100),
    ("white", "missing_reports"): ("white_missing", int, 1, 1000),
    ("yellow", "behind_points"): ("yellow_behind", float, 0, 100),
    ("yellow", "missing_reports"): ("yellow_missing", int, 1, 1000),
    ("yellow", "deadline_within_days"): ("yellow_deadline_days", int, 0, 3660),
    ("red", "deadline_passed"): ("red_deadline_passed", bool, None, None),
    ("red", "yellow_unresolved_days"): ("red_unresolved_days", int, 0, 3660),
    ("red", "escalation_checks"): ("escalation_checks", int, 0, 30),
    ("forecast", "confidence"): ("confidence", float, 0.5, 0.999),
}


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(path, "no such rules file") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(path, f"not a valid TOML rules file ({e})") from None
    except OSError as e:
        raise InputError(path, f"cannot read the rules file ({e.strerror})") from None


def _apply(values: dict[str, Any], data: dict[str, Any], path: Path) -> None:
    for section, table in data.items():
        if not isinstance(table, dict):
            raise InputError(path, f"{section}: expected a [{section}] table of settings")
        for key, value in table.items():
            spec = _SCHEMA.get((section, key))
            if spec is None:
                known = ", ".join(f"{s}.{k}" for s, k in _SCHEMA)
                raise InputError(path, f"{section}.{key}: unknown setting (known: {known})")
            field, kind, lo, hi = spec
            where = f"{section}.{key}"
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise InputError(path, f"{where}: expected {kind.__name__}, not {value!r}")
            if lo is not None and not (lo <= value <= hi):  # type: ignore[operator]
                raise InputError(path, f"{where}: {value!r} is outside {lo}…{hi}")
            if field == "frequency" and value not in FREQUENCIES:
                raise InputError(path, f"{where}: {value!r} is not one of {', '.join(FREQUENCIES)}")
            values[field] = value


def load_rules(path: str | Path | None = None) -> Rules:
    """The package defaults, overlaid by `path` (else $TAIZHANG_RULES, if set)."""
    values: dict[str, Any] = {}
    _apply(values, _read(DEFAULTS), DEFAULTS)
    user = path if path is not None else os.environ.get("TAIZHANG_RULES") or None
    if user is not None:
        p = Path(user)
        _apply(values, _read(p), p)
        values["source"] = str(p)
    rules = Rules(**values)
    if rules.yellow_behind < rules.white_behind:
        raise InputError(values.get("source", DEFAULTS),
                         "yellow.behind_points: must not be below white.behind_points")
    if rules.yellow_missing < rules.white_missing:
        raise InputError(values.get("source", DEFAULTS),
                         "yellow.missing_reports: must not be below white.missing_reports")
    return rules
