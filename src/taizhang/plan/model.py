"""The plan as data: the `Plan` model and its `plan.json` form (see shared/spec/plan-json.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Section:
    id: str
    number: str
    title: str
    level: int
    parent: str | None


@dataclass
class Task:
    id: str
    section: str | None
    text: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)


@dataclass
class Target:
    id: str
    task: str | None
    indicator: str
    scope: str | None
    op: str
    value: float | int
    unit: str | None
    kind: str
    baseline_year: int | None
    deadline: str | None
    text: str


@dataclass
class Plan:
    title: str | None = None
    region: str | None = None
    issuer: str | None = None
    issued: str | None = None
    status: str = "final"
    period: list[int] | None = None
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The plan.json object, keys in the spec's order."""
        return {
            "title": self.title,
            "region": self.region,
            "issuer": self.issuer,
            "issued": self.issued,
            "status": self.status,
            "period": list(self.period) if self.period else None,
            "sections": [asdict(s) for s in self.sections],
            "tasks": [asdict(t) for t in self.tasks],
            "targets": [asdict(t) for t in self.targets],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        return cls(
            title=d.get("title"),
            region=d.get("region"),
            issuer=d.get("issuer"),
            issued=d.get("issued"),
            status=d.get("status") or "final",
            period=d.get("period"),
            sections=[Section(**s) for s in d.get("sections") or []],
            tasks=[Task(**t) for t in d.get("tasks") or []],
            targets=[Target(**t) for t in d.get("targets") or []],
        )
