"""Progress reports: stored exactly once, with their evidence files and checksums.

`add_report` is the one way a report enters the ledger (CLI, Excel import, web form and API all call
it), and it checks every report with the one rule of `track/inputs.py`. Each report carries a `uid`
(the client's idempotency key; derived from the content when the client gives none), scoped to the
reporting department: the same uid again from the same department with the same content returns the
stored report, so retries after a timeout never duplicate anything; with other content it is refused
(`Conflict`, HTTP 409), never silently dropped. Another department's uid is another key. Evidence
bytes are stored in the database with their SHA-256, in the same transaction as the report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from taizhang.errors import Conflict, InputError
from taizhang.ledger.models import Department, Evidence, ProgressReport, Target, Task
from taizhang.track.inputs import ReportInput, check_report, same_number

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


@dataclass
class EvidenceFile:
    filename: str
    content: bytes
    media_type: str | None = None


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
    """Store one report (or find the one this department already stored under its uid).
    Returns (report, created); a uid reused with other content raises `Conflict`."""
    if (task_id is None) == (target_id is None):
        raise InputError("report", "一份进展只能针对一项任务或一项指标")
    subject: Task | Target | None = session.get(Task, task_id) if task_id else session.get(Target, target_id)
    if subject is None:
        raise InputError("report", f"没有编号为 {task_id or target_id} 的{'任务' if task_id else '指标'}")
    kind = "task" if task_id else "target"
    checked = check_report(kind=kind, as_of=as_of, value=value, percent=percent, narrative=narrative,
                           reporter=reporter, uid_=uid)
    v, p, narrative, reporter = checked.value, checked.percent, checked.narrative, checked.reporter
    if department_id is not None and session.get(Department, department_id) is None:
        raise InputError("report", f"没有编号为 {department_id} 的部门")
    for f in evidence or []:
        if len(f.content) > MAX_EVIDENCE_BYTES:
            raise InputError(f.filename, f"佐证材料超过 {MAX_EVIDENCE_BYTES // 2**20} MB")
    uid = checked.uid or content_uid(f"{kind}:{subject.id}", as_of, v, p, narrative, reporter)
    sums = sorted(hashlib.sha256(f.content).hexdigest() for f in evidence or [])
    existing = _stored(session, department_id, uid)
    if existing is not None:
        return _same_or_conflict(existing, task_id, target_id, checked, sums), False
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
        existing = _stored(session, department_id, uid)
        if existing is None:
            raise
        return _same_or_conflict(existing, task_id, target_id, checked, sums), False
    return report, True


def _stored(session: Session, department_id: int | None, uid: str) -> ProgressReport | None:
    """The report stored under `uid` by this department (or, without one, by no department)."""
    dept = ProgressReport.department_id.is_(None) if department_id is None \
        else ProgressReport.department_id == department_id
    return session.scalar(select(ProgressReport).where(ProgressReport.uid == uid, dept))


def _same_or_conflict(stored: ProgressReport, task_id: int | None, target_id: int | None, new: ReportInput,
                      sums: list[str]) -> ProgressReport:
    """A resubmission: the stored report when it says the same, else a `Conflict`."""
    same = (stored.task_id == task_id and stored.target_id == target_id and stored.as_of == new.as_of
            and same_number(stored.value, new.value, "value") and same_number(stored.percent, new.percent, "percent")
            and stored.narrative == new.narrative and stored.reporter == new.reporter
            and sorted(e.sha256 for e in stored.evidence) == sums)
    if not same:
        raise Conflict("uid", f"uid {stored.uid!r} 已用于本部门另一份内容不同的进展（编号 {stored.id}，"
                              f"{stored.as_of.isoformat()}）：重新提交须内容相同，新的进展请换一个 uid")
    return stored


def verify_evidence(ev: Evidence) -> bool:
    """The stored bytes still match their checksum."""
    return hashlib.sha256(ev.content).hexdigest() == ev.sha256
