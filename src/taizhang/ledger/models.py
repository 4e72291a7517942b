"""The ledger's tables (SQLAlchemy 2). One class per noun of DESIGN.md; Alembic migrations create them.

Identity: a Plan is keyed by its `key` (region + normalised title), so a draft and the final text of the
same plan are one Plan with two PlanVersions. Tasks and Targets belong to the Plan (not to a version)
and are keyed by stable keys derived from the plan.json ids, so progress reports stay attached when a
revised version is imported; each PlanVersion keeps its whole plan.json for diffs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Assignment roles, statuses, warning colours and case states: one spelling each, everywhere.
ROLES = ("lead", "support", "implementer")
STATUSES = ("done", "on_track", "lagging", "overdue", "no_data")
COLOURS = ("white", "yellow", "red")
CASE_STATES = ("assigned", "rectifying", "pending_acceptance", "closed", "returned")
USER_ROLES = ("admin", "department", "leader", "public")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    webhook: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    aliases: Mapped[list[DepartmentAlias]] = relationship(
        back_populates="department", cascade="all, delete-orphan"
    )


class DepartmentAlias(Base):
    __tablename__ = "department_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)
    department: Mapped[Department] = relationship(back_populates="aliases")


class Plan(Base):
    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    current_version_id: Mapped[int | None] = mapped_column(Integer)  # PlanVersion.id (no FK: a cycle)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", foreign_keys="PlanVersion.plan_id", order_by="PlanVersion.number"
    )


class PlanVersion(Base):
    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"), UniqueConstraint("plan_id", "checksum"))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # draft | final
    issued: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical plan.json
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole plan.json of this version
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    plan: Mapped[Plan] = relationship(back_populates="versions", foreign_keys=[plan_id])


class PlanLink(Base):
    """A plan implements another (its preamble cites it: 根据《…》). The parent may not be imported yet."""

    __tablename__ = "plan_link"
    __table_args__ = (UniqueConstraint("child_id", "cited_title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    cited_title: Mapped[str] = mapped_column(String(300))


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    number: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int] = mapped_column(Integer)
    parent_key: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    section_key: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    deadline_defaulted: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Assignment.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="Milestone.due"
    )


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("task_id", "department_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))  # lead | support | implementer
    written_as: Mapped[str] = mapped_column(String(200))
    task: Mapped[Task] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()


class Milestone(Base):
    __tablename__ = "milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    due: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    task: Mapped[Task] = relationship(back_populates="milestones")


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(300))
    scope: Mapped[str | None] = mapped_column(String(300))
    op: Mapped[str] = mapped_column(String(2))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    unit: Mapped[str | None] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(10))  # level | reduction | increase
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    start: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    deadline_defaulted: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    series: Mapped[str | None] = mapped_column(String(200))  # bound indicator series, if any
    position: Mapped[int] = mapped_column(Integer)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    task: Mapped[Task | None] = relationship()


class ProgressReport(Base):
    __tablename__ = "progress_report"
    __table_args__ = (Index("ix_report_task_asof", "task_id", "as_of"), Index("ix_report_target_asof", "target_id", "as_of"))
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), index=True)  # a department's idempotency key (see below)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("target.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    narrative: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    evidence: Mapped[list[Evidence]] = relationship(back_populates="report", cascade="all, delete-orphan")


# One report per uid and department (reports under no department share one scope): a department's
# uid never takes another's, and a retry finds its own report.
Index("uq_progress_report_department_uid", func.coalesce(ProgressReport.department_id, 0), ProgressReport.uid,
      unique=True)


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when read
    report: Mapped[ProgressReport] = relationship(back_populates="evidence")


class IndicatorValue(Base):
    """A value of an indicator series computed from monitoring data (e.g. city PM2.5 annual mean)."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("series", "as_of"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(200), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    source: Mapped[str] = mapped_column(String(300), default="")


class Warning(Base):
    """A colour warning as recorded when the evaluation was saved (the evaluation itself is stateless)."""

    __tablename__ = "warning"
    __table_args__ = (Index("ix_warning_subject", "subject_type", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(10))  # task | target
    subject_id: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(6))
    reason: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.date] = mapped_column(Date)
    last_seen: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)


class Case(Base):
    """A supervision item (督办): 交办 → 整改中 → 待验收 → 销号, or 退回 back to 整改中."""

    __tablename__ = "supervision_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warning.id"))
    subject_type: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="assigned")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseEvent.id"
    )


class CaseEvent(Base):
    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("supervision_case.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    case: Mapped[Case] = relationship(back_populates="events")


class Score(Base):
    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("year", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    total: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    breakdown: Mapped[list[Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))  # admin | department | leader | public
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """Append-only: the code has no update or delete path, and database triggers refuse both."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class UserSession(Base):
    """A signed-in browser session (stored in the database, so any app worker can serve it)."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ApiToken(Base):
    """A token for scripts calling /api/v1 (only its hash is stored)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginAttempt(Base):
    """Failed sign-ins, for rate limiting across workers."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # username and client address
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
