"""Progress reports: stored exactly once, with their evidence files and checksums.

`add_report` is the one way a report enters the ledger (CLI, Excel import, web form and API all call
it). Each report carries a `uid` (the client's idempotency key; derived from the content when the
client gives none): submitting the same uid twice stores one report, so retries after a timeout never
duplicate anything. Evidence bytes are stored in the database with their SHA-256, in the same
transaction as the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taizhang.errors import InputError
from taizhang.ledger.models import Department, Evidence, ProgressReport, Target, Task

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


@dataclass
class EvidenceFile:
    filename: str
    content: bytes
    media_type: str | None = None


def _decimal(x: object, what: str) -> Decimal | None:
    if x is None or x == "":
        return None
    try:
        d = Decimal(str(x).strip().rstrip("%"))
    except InvalidOperation:
        raise InputError(what, f"not a number: {x!r}") from None
    if not d.is_finite():
        raise InputError(what, f"not a finite number: {x!r}")
    return d


def content_uid(subject: str, as_of: dt.date, value: object, percent: object, narrative: str, reporter: str) -> str:
    raw = "\x1f".join(str(p) for p in (subject, as_of.isoformat(), value, percent, narrative, reporter))
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def add_report(
    session: Session,
    *,
    task_id: int | None = None,
    target_id: int | None = None,
    as_of: dt.date,
    value: object = None,
    percent: object = None,
    narrative: str = "",
    reporter: str,
    department_id: int | None = None,
    uid: str | None = None,
    evidence: list[EvidenceFile] | None = None,
) -> tuple[ProgressReport, bool]:
    """Store one report (or find the one already stored under its uid). Returns (report, created)."""
    if (task_id is None) == (target_id is None):
        raise InputError("report", "a report is about exactly one task or one target")
    subject: Task | Target | None = session.get(Task, task_id) if task_id else session.get(Target, target_id)
    if subject is None:
        raise InputError("report", f"no {'task' if task_id else 'target'} with id {task_id or target_id}")
    v = _decimal(value, "value")
    p = _decimal(percent, "percent")
    if v is None and p is None and not narrative.strip():
        raise InputError("report", "a report needs a value, a percent done or a narrative")
    if p is not None and not (0 <= p <= 100):
        raise InputError("report", f"percent done must be between 0 and 100, not {p}")
    if department_id is not None and session.get(Department, department_id) is None:
        raise InputError("report", f"no department with id {department_id}")
    for f in evidence or []:
        if len(f.content) > MAX_EVIDENCE_BYTES:
            raise InputError(f.filename, f"evidence file larger than {MAX_EVIDENCE_BYTES // 2**20} MB")
    if uid is None:
        uid = content_uid(f"{'task' if task_id else 'target'}:{subject.id}", as_of, v, p, narrative, reporter)
    existing = session.scalar(select(ProgressReport).where(ProgressReport.uid == uid))
    if existing is not None:
        return existing, False
    report = ProgressReport(
        uid=uid, task_id=task_id, target_id=target_id, department_id=department_id, as_of=as_of,
        value=v, percent=p, narrative=narrative, reporter=reporter,
    )
    for f in evidence or []:
        report.evidence.append(Evidence(
            filename=f.filename,
            media_type=f.media_type or mimetypes.guess_type(f.filename)[0] or "application/octet-stream",
            sha256=hashlib.sha256(f.content).hexdigest(), size=len(f.content), content=f.content,
        ))
    # A concurrent writer may store the same uid between our check and our insert: the unique
    # constraint decides, inside a savepoint so the caller's transaction survives.
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(ProgressReport).where(ProgressReport.uid == uid))
        if existing is None:
            raise
        return existing, False
    return report, True


def verify_evidence(ev: Evidence) -> bool:
    """The stored bytes still match their checksum."""
    return hashlib.sha256(ev.content).hexdigest() == ev.sha256
