"""/api/v1: the ledger as JSON for scripts and other platforms (token auth: `Authorization: Bearer …`).

Reads need any signed-in role but public; writes follow the same rules as the pages (a department
user writes only its own department's reports and cases; acceptance and return are the bureau's).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.ledger.models import Case, Department, Plan, ProgressReport, Score, Target, Task
from taizhang.track import inputs
from taizhang.web import queries
from taizhang.web.deps import Viewer, db, reader, writer


class Problem(BaseModel):
    """An error body: a one-line problem, or FastAPI's list of request validation errors."""

    detail: str | list[dict[str, Any]]


def _err(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


bearer = HTTPBearer(auto_error=False, description="An API token from `taizhang user token NAME`.")
router = APIRouter(prefix="/api/v1", tags=["ledger"], dependencies=[Depends(bearer)],
                   responses={401: _err("no or unknown API token"), 403: _err("not allowed for this role"),
                              422: _err("invalid request")})
PAGE = Annotated[int, Query(ge=1, le=1000)]
OFFSET = Annotated[int, Query(ge=0, le=10_000_000)]
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]  # a row id as a filter: beyond it nothing matches
YearFilter = Annotated[int | None, Query(ge=inputs.QUERY_EARLIEST.year, le=inputs.QUERY_LATEST.year)]
# models.CASE_STATES
CaseState = Literal["assigned", "rectifying", "pending_acceptance", "closed", "returned"]


class PlanOut(BaseModel):
    id: int
    key: str
    title: str | None
    region: str | None
    issuer: str | None
    period: list[int] | None
    versions: list[dict[str, object]]


class AssignmentOut(BaseModel):
    department_id: int
    department: str
    role: Literal["lead", "support", "implementer"]


class TaskOut(BaseModel):
    id: int
    plan_id: int
    key: str
    section: str | None
    text: str
    deadline: dt.date | None
    deadline_defaulted: bool
    assignments: list[AssignmentOut]


class TargetOut(BaseModel):
    id: int
    plan_id: int
    task_id: int | None
    indicator: str
    scope: str | None
    op: str
    value: float
    unit: str | None
    kind: str
    baseline_year: int | None
    deadline: dt.date | None
    deadline_defaulted: bool
    series: str | None


class ReportIn(BaseModel):
    """A report; its reporter and department are the caller's (a body naming them is refused). The
    limits are those of `track/inputs.toml`, checked again with every other entry path's in `add_report`."""

    model_config = ConfigDict(extra="forbid")
    task_id: DbId | None = None
    target_id: DbId | None = None
    as_of: dt.date
    value: float | None = Field(default=None, allow_inf_nan=False, gt=-inputs.VALUE_MAX_ABS, lt=inputs.VALUE_MAX_ABS)
    percent: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    narrative: str = Field(default="", max_length=inputs.NARRATIVE_MAX, pattern=inputs.NO_CONTROL)
    uid: str | None = Field(default=None, min_length=1, max_length=inputs.UID_MAX, pattern=inputs.UID_PATTERN)


class ReportOut(BaseModel):
    id: int
    uid: str
    task_id: int | None
    target_id: int | None
    department_id: int | None
    as_of: dt.date
    value: float | None
    percent: float | None
    narrative: str
    reporter: str
    evidence: list[dict[str, object]]
    created: bool = False


class WarningOut(BaseModel):
    subject_type: str
    subject_id: int
    plan_id: int
    label: str
    lead: list[int]
    deadline: dt.date | None
    expected: float | None
    actual: float | None
    gap: float | None
    status: str
    colour: str | None
    reasons: list[str]


class CaseOut(BaseModel):
    id: int
    subject_type: str
    subject_id: int
    department_id: int | None
    title: str
    state: str
    opened_on: dt.date
    due: dt.date
    closed_on: dt.date | None
    events: list[dict[str, object]]


class AdvanceIn(BaseModel):
    to: Literal["rectifying", "pending_acceptance", "closed", "returned"]
    reason: str = Field(default="", max_length=inputs.REASON_MAX, pattern=inputs.NO_CONTROL)
    on: dt.date | None = None


class ScoreOut(BaseModel):
    year: int
    department_id: int
    department: str
    total: float
    vetoed: bool
    breakdown: list[dict[str, object]]


def _plan(p: Plan) -> PlanOut:
    return PlanOut(id=p.id, key=p.key, title=p.title, region=p.region, issuer=p.issuer,
                   period=[p.period_start, p.period_end] if p.period_start else None,
                   versions=[{"number": v.number, "status": v.status, "source": v.source,
                              "imported_at": v.imported_at.isoformat()} for v in p.versions])


def _task(t: Task) -> TaskOut:
    return TaskOut(id=t.id, plan_id=t.plan_id, key=t.key, section=t.section_key, text=t.text, deadline=t.deadline,
                   deadline_defaulted=t.deadline_defaulted,
                   assignments=[AssignmentOut(department_id=a.department_id, department=a.department.name,
                                              role=a.role) for a in t.assignments])  # type: ignore[arg-type]


def _target(t: Target) -> TargetOut:
    return TargetOut(id=t.id, plan_id=t.plan_id, task_id=t.task_id, indicator=t.indicator, scope=t.scope, op=t.op,
                     value=float(t.value), unit=t.unit, kind=t.kind, baseline_year=t.baseline_year,
                     deadline=t.deadline, deadline_defaulted=t.deadline_defaulted, series=t.series)


def _report(r: ProgressReport, created: bool = False) -> ReportOut:
    return ReportOut(id=r.id, uid=r.uid, task_id=r.task_id, target_id=r.target_id, department_id=r.department_id,
                     as_of=r.as_of, value=float(r.value) if r.value is not None else None,
                     percent=float(r.percent) if r.percent is not None else None, narrative=r.narrative,
                     reporter=r.reporter, created=created,
                     evidence=[{"id": e.id, "filename": e.filename, "sha256": e.sha256, "size": e.size}
                               for e in r.evidence])


def _case(c: Case) -> CaseOut:
    return CaseOut(id=c.id, subject_type=c.subject_type, subject_id=c.subject_id, department_id=c.department_id,
                   title=c.title, state=c.state, opened_on=c.opened_on, due=c.due, closed_on=c.closed_on,
                   events=[{"from": e.from_state, "to": e.to_state, "actor": e.actor, "on": e.on.isoformat(),
                            "reason": e.reason} for e in c.events])


_NAMES = {"plan": "规划", "task": "任务", "target": "指标", "case": "督办事项"}


def _404(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"没有这个{_NAMES[what]}")


@router.get("/plans", response_model=list[PlanOut])
def list_plans(v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[PlanOut]:
    return [_plan(p) for p in s.scalars(select(Plan).order_by(Plan.id))]


@router.get("/plans/{plan_id}", response_model=PlanOut, responses={404: _err("not found")})
def get_plan(plan_id: int, v: Viewer = Depends(reader), s: Session = Depends(db)) -> PlanOut:
    p = s.get(Plan, plan_id) if 0 < plan_id < 2**31 else None
    if p is None:
        raise _404("plan")
    return _plan(p)


@router.get("/tasks", response_model=list[TaskOut])
def list_tasks(plan_id: IdFilter = None, limit: PAGE = 200, offset: OFFSET = 0,
               v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[TaskOut]:
    q = select(Task).where(~Task.removed).order_by(Task.id).limit(limit).offset(offset)
    if plan_id is not None:
        q = q.where(Task.plan_id == plan_id)
    return [_task(t) for t in s.scalars(q)]


@router.get("/tasks/{task_id}", response_model=TaskOut, responses={404: _err("not found")})
def get_task(task_id: int, v: Viewer = Depends(reader), s: Session = Depends(db)) -> TaskOut:
    t = s.get(Task, task_id) if 0 < task_id < 2**31 else None
    if t is None:
        raise _404("task")
    return _task(t)


@router.get("/targets", response_model=list[TargetOut])
def list_targets(plan_id: IdFilter = None, limit: PAGE = 200, offset: OFFSET = 0,
                 v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[TargetOut]:
    q = select(Target).where(~Target.removed).order_by(Target.id).limit(limit).offset(offset)
    if plan_id is not None:
        q = q.where(Target.plan_id == plan_id)
    return [_target(t) for t in s.scalars(q)]


@router.get("/targets/{target_id}", response_model=TargetOut, responses={404: _err("not found")})
def get_target(target_id: int, v: Viewer = Depends(reader), s: Session = Depends(db)) -> TargetOut:
    t = s.get(Target, target_id) if 0 < target_id < 2**31 else None
    if t is None:
        raise _404("target")
    return _target(t)


@router.get("/reports", response_model=list[ReportOut])
def list_reports(task_id: IdFilter = None, target_id: IdFilter = None, limit: PAGE = 200, offset: OFFSET = 0,
                 v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[ReportOut]:
    q = select(ProgressReport).order_by(ProgressReport.id).limit(limit).offset(offset)
    if task_id is not None:
        q = q.where(ProgressReport.task_id == task_id)
    if target_id is not None:
        q = q.where(ProgressReport.target_id == target_id)
    return [_report(r) for r in s.scalars(q)]


@router.post("/reports", response_model=ReportOut, status_code=201,
             responses={403: _err("not your department"), 404: _err("no such subject"),
                        409: _err("the uid was used for a report with other content"),
                        422: _err("invalid report")})
def create_report(body: ReportIn, v: Viewer = Depends(writer), s: Session = Depends(db)) -> ReportOut:
    from taizhang.errors import Conflict
    from taizhang.track.reports import add_report

    if (body.task_id is None) == (body.target_id is None):
        raise HTTPException(status_code=422, detail="task_id 和 target_id 须给出且只给出一个")
    if body.target_id is not None and s.get(Target, body.target_id) is None:
        raise _404("target")
    task = queries.report_task(s, "task" if body.task_id is not None else "target",
                               body.task_id or body.target_id or 0)
    if task is None:
        raise _404("task")
    if not v.may_report(task):
        raise HTTPException(status_code=403, detail="只有承担该任务的部门可以填报")
    try:
        r, created = add_report(s, task_id=body.task_id, target_id=body.target_id, as_of=body.as_of,
                                value=body.value, percent=body.percent, narrative=body.narrative,
                                reporter=v.user.username if v.user else "api",
                                department_id=v.report_department(task), uid=body.uid)
    except Conflict as e:
        raise HTTPException(status_code=409, detail=e.problem) from None
    return _report(r, created)


@router.get("/warnings", response_model=list[WarningOut])
def list_warnings(as_of: dt.date | None = None, colour: Literal["red", "yellow", "white"] | None = None,
                  v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[WarningOut]:
    from taizhang.web.queries import evaluations

    day = as_of or dt.date.today()
    if not inputs.QUERY_EARLIEST <= day <= inputs.QUERY_LATEST:
        raise HTTPException(status_code=422, detail=f"as_of 应在 {inputs.QUERY_EARLIEST} 到 {inputs.QUERY_LATEST} 之间")
    evs = [e for e in evaluations(s, day) if e.colour and (colour is None or e.colour == colour)]
    evs.sort(key=lambda e: (-e.rank, -(e.gap or 0)))
    return [WarningOut(**{k: getattr(e, k) for k in WarningOut.model_fields}) for e in evs]


@router.get("/cases", response_model=list[CaseOut])
def list_cases(state: CaseState | None = None, v: Viewer = Depends(reader),
               s: Session = Depends(db)) -> list[CaseOut]:
    q = select(Case).order_by(Case.id)
    if state is not None:
        q = q.where(Case.state == state)
    return [_case(c) for c in s.scalars(q)]


@router.post("/cases/{case_id}/advance", response_model=CaseOut,
             responses={403: _err("not allowed"), 404: _err("no such case"), 422: _err("invalid step")})
def advance_case(case_id: int, body: AdvanceIn, v: Viewer = Depends(writer), s: Session = Depends(db)) -> CaseOut:
    from taizhang.errors import InputError
    from taizhang.track.cases import advance

    c = s.get(Case, case_id) if 0 < case_id < 2**31 else None
    if c is None:
        raise _404("case")
    refusal = v.case_refusal(c, body.to)
    if refusal is not None:
        raise HTTPException(status_code=403, detail={"department": "只能办理本部门的督办事项",
                                                     "bureau": "验收销号或退回由牵头单位办理"}[refusal])
    try:
        c = advance(s, case_id, body.to, actor=v.user.username if v.user else "api", reason=body.reason,
                    on=body.on or dt.date.today())
    except InputError as e:
        raise HTTPException(status_code=422, detail=e.line()) from None
    return _case(c)


@router.get("/scores", response_model=list[ScoreOut])
def list_scores(year: YearFilter = None, v: Viewer = Depends(reader), s: Session = Depends(db)) -> list[ScoreOut]:
    q = select(Score).order_by(Score.year, Score.total.desc())
    if year is not None:
        q = q.where(Score.year == year)
    names = dict(s.execute(select(Department.id, Department.name)).all())
    return [ScoreOut(year=x.year, department_id=x.department_id, department=names.get(x.department_id, ""),
                     total=float(x.total), vetoed=x.vetoed, breakdown=x.breakdown) for x in s.scalars(q)]
