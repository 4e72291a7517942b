"""Assessment (考核): each department's yearly score on an editable rubric (百分制), with its breakdown.

A department answers for what it leads (牵头). As of the year's end (or an earlier as-of date):
- deductions per missed target (deadline within the year passed unmet), per red and yellow warning
  (recorded during the year or standing at the as-of date; one per subject and colour), per overdue
  supervision case, per missing progress report;
- bonus per target met before its deadline;
- veto items (一票否决): a missed target on a veto indicator, or a case left open far past its due date,
  make the grade 不合格 whatever the points.
The rubric is a TOML file (defaults in rubric.toml beside this module).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import Case, Department, Score, Warning
from taizhang.track.cases import OPEN_STATES, overdue
from taizhang.track.model import Evaluation

DEFAULT_RUBRIC = Path(__file__).with_name("rubric.toml")
ITEMS = ("missed_target", "red_warning", "yellow_warning", "overdue_case", "missing_report")


def load_rubric(path: str | Path | None = None) -> dict[str, Any]:
    """The rubric: the defaults, overlaid item by item with the user's file."""
    rubric = tomllib.loads(DEFAULT_RUBRIC.read_text(encoding="utf-8"))
    if path is None:
        return rubric
    p = Path(path)
    try:
        user = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, "no such rubric file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(p, f"not a valid TOML rubric ({e})") from None
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(rubric.get(key), dict):
            for k2, v2 in value.items():
                if isinstance(v2, dict) and isinstance(rubric[key].get(k2), dict):
                    rubric[key][k2] = {**rubric[key][k2], **v2}
                else:
                    rubric[key][k2] = v2
        else:
            rubric[key] = value
    _validate(rubric, p)
    return rubric


def _validate(rubric: dict[str, Any], path: Path) -> None:
    for section in ("deductions", "bonus"):
        for name, item in (rubric.get(section) or {}).items():
            for k in ("points", "cap"):
                v = item.get(k)
                if v is not None and (not isinstance(v, int | float) or v < 0):
                    raise InputError(path, f"{section}.{name}.{k} must be a number ≥ 0, not {v!r}")
    if not isinstance(rubric.get("full"), int | float):
        raise InputError(path, "full must be a number")
    grades = rubric.get("grades") or {}
    if not grades or not all(isinstance(v, int | float) for v in grades.values()):
        raise InputError(path, "grades must map each grade to its lowest score")


@dataclass
class Item:
    key: str
    label: str
    kind: str  # deduction | bonus | veto
    count: int
    points: float  # signed: negative for deductions
    subjects: list[str] = field(default_factory=list)


@dataclass
class DepartmentScore:
    department_id: int
    department: str
    total: float
    grade: str
    vetoed: bool
    items: list[Item]

    def to_dict(self) -> dict[str, Any]:
        return {
            "department": self.department, "total": self.total, "grade": self.grade, "vetoed": self.vetoed,
            "items": [vars(i) for i in self.items],
        }


def _grade(total: float, grades: dict[str, float]) -> str:
    for name, low in sorted(grades.items(), key=lambda kv: -kv[1]):
        if total >= low:
            return name
    return min(grades.items(), key=lambda kv: kv[1])[0]


def _points(item: dict[str, Any], count: int) -> float:
    pts = float(item.get("points", 0)) * count
    cap = item.get("cap")
    return min(pts, float(cap)) if cap is not None else pts


def score_year(
    session: Session,
    evaluations: list[Evaluation],
    year: int,
    *,
    as_of: dt.date | None = None,
    rubric: dict[str, Any] | None = None,
) -> list[DepartmentScore]:
    """Score every department that leads something, from evaluations made as of `as_of` (year end)."""
    rubric = rubric or load_rubric()
    as_of = as_of or dt.date(year, 12, 31)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    hits: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    veto_words = [w for w in (rubric.get("veto") or {}).get("indicators", [])]
    veto_days = (rubric.get("veto") or {}).get("case_overdue_days")
    by_subject: dict[tuple[str, int], Evaluation] = {}
    colours: dict[int, dict[str, set[tuple[str, int]]]] = defaultdict(lambda: defaultdict(set))

    for ev in evaluations:
        by_subject[(ev.subject_type, ev.subject_id)] = ev
        for dept in ev.lead:
            hits[dept]  # every lead department is scored, even with nothing against it
            if ev.subject_type == "target" and ev.status == "overdue" and ev.deadline and start <= ev.deadline <= end:
                hits[dept]["missed_target"].append(ev.label)
                if any(w in ev.label for w in veto_words):
                    hits[dept]["veto"].append(f"目标未完成：{ev.label}")
            if ev.colour in ("red", "yellow"):
                colours[dept][ev.colour].add((ev.subject_type, ev.subject_id))
            if ev.missing_reports:
                hits[dept]["missing_report"].extend([ev.label] * ev.missing_reports)
            if (ev.subject_type == "target" and ev.deadline and ev.deadline > as_of
                    and ev.actual is not None and ev.actual >= 100 and ev.status in ("done", "on_track")):
                hits[dept]["target_met_early"].append(ev.label)

    # Warnings recorded during the year count too (a red that was resolved in June still counts).
    for w in session.scalars(select(Warning).where(Warning.first_seen <= min(end, as_of))).all():
        if w.resolved_on is not None and w.resolved_on < start:
            continue
        ev = by_subject.get((w.subject_type, w.subject_id))
        if ev is None or w.colour not in ("red", "yellow"):
            continue
        for dept in ev.lead:
            colours[dept][w.colour].add((w.subject_type, w.subject_id))
    for dept, cs in colours.items():
        for colour, subjects in cs.items():
            labels = [by_subject[s].label for s in sorted(subjects) if s in by_subject]
            hits[dept][f"{colour}_warning"].extend(labels)

    for case in session.scalars(select(Case).where(Case.opened_on <= as_of)).all():
        if case.department_id is None or not (start <= case.due <= end or case.state in OPEN_STATES):
            continue
        if overdue(case, as_of) and case.due <= as_of:
            hits[case.department_id]["overdue_case"].append(case.title)
            still_open = case.closed_on is None or case.closed_on > as_of
            if veto_days is not None and still_open and (as_of - case.due).days > veto_days:
                hits[case.department_id]["veto"].append(f"督办事项超期{(as_of - case.due).days}天未销号：{case.title}")

    names = dict(session.execute(select(Department.id, Department.name)).all())
    out = []
    for dept, found in hits.items():
        items: list[Item] = []
        total = float(rubric["full"])
        for key, spec in (rubric.get("deductions") or {}).items():
            subjects = found.get(key, [])
            if subjects:
                pts = _points(spec, len(subjects))
                total -= pts
                items.append(Item(key, spec.get("label", key), "deduction", len(subjects), -pts, subjects))
        for key, spec in (rubric.get("bonus") or {}).items():
            subjects = found.get(key, [])
            if subjects:
                pts = _points(spec, len(subjects))
                total += pts
                items.append(Item(key, spec.get("label", key), "bonus", len(subjects), pts, subjects))
        vetoes = found.get("veto", [])
        if vetoes:
            items.append(Item("veto", (rubric.get("veto") or {}).get("label", "一票否决"), "veto",
                              len(vetoes), 0.0, vetoes))
        total = max(float(rubric.get("floor", 0)), min(total, float(rubric["full"]) + _bonus_cap(rubric)))
        total = round(total, 2)
        grades = rubric["grades"]
        grade = min(grades.items(), key=lambda kv: kv[1])[0] if vetoes else _grade(total, grades)
        out.append(DepartmentScore(dept, names.get(dept, str(dept)), total, grade, bool(vetoes), items))
    out.sort(key=lambda s: (-s.total, s.department))
    return out


def _bonus_cap(rubric: dict[str, Any]) -> float:
    return sum(float(b.get("cap", b.get("points", 0))) for b in (rubric.get("bonus") or {}).values())


def save_scores(session: Session, year: int, scores: list[DepartmentScore]) -> None:
    """Store (or replace) the year's Score rows."""
    existing = {s.department_id: s for s in session.scalars(select(Score).where(Score.year == year)).all()}
    for sc in scores:
        row = existing.get(sc.department_id) or Score(year=year, department_id=sc.department_id)
        row.total = Decimal(str(sc.total))
        row.vetoed = sc.vetoed
        row.breakdown = [vars(i) for i in sc.items]
        if row.id is None:
            session.add(row)
    session.flush()
