"""The HTML pages (Simplified Chinese): 总览, 规划, 任务/指标, 部门工作台, 督办, 考核, 监测, 公开."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.errors import Conflict, InputError
from taizhang.ledger.models import (
    Case,
    Department,
    Evidence,
    IndicatorValue,
    Plan,
    PlanLink,
    Section,
    Target,
    Task,
)
from taizhang.track import inputs
from taizhang.web import auth, queries, subjects
from taizhang.web.deps import Viewer, admin, check_csrf, db, reader, viewer, writer
from taizhang.web.errors import Forbidden
from taizhang.web.templating import templates

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, v: Viewer | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.setdefault("title", "")
    html = templates.get_template(name).render(
        request=request, user=v.user if v else None, csrf=v.csrf if v else "", role_labels=auth.ROLE_LABELS,
        status_labels=queries.STATUS_LABELS, colour_labels=queries.COLOUR_LABELS, **ctx)
    return HTMLResponse(html, status_code=status)


def as_of_param(request: Request) -> dt.date:
    """?as_of= (a date from 2000 to 2100, track/inputs.toml), else today."""
    return inputs.query_date(request.query_params.get("as_of")) or dt.date.today()


def upload_name(file: UploadFile, default: str) -> str:
    """An uploaded file's own name (no folders); a name that is no file name (`.`, `..`) is refused."""
    raw = file.filename or default
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", "..") or inputs.CONTROL.search(name) or len(name.encode()) > 255:
        raise InputError("file", f"上传的文件名无效：{raw[:60]!r}")
    return name


@contextmanager
def uploaded_as(name: str) -> Iterator[None]:
    """Errors about an upload name the file as the user named it, never its server-side temporary path."""
    try:
        yield
    except InputError as e:
        raise InputError(name, e.problem) from None


# ---- sign in / out -------------------------------------------------------------------------------

@router.get("/login")
def login_form(request: Request, v: Viewer = Depends(viewer)) -> Response:
    return render(request, "login.html", None, title="登录", next=request.query_params.get("next", "/"))


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), next: str = Form("/"),
          s: Session = Depends(db)) -> Response:
    client = request.client.host if request.client else "?"
    try:
        user = auth.authenticate(s, username, password, client)
    except PermissionError:
        return render(request, "login.html", None, status=429, title="登录", next=next,
                      error="登录失败次数过多，请15分钟后再试。")
    if user is None:
        return render(request, "login.html", None, status=401, title="登录", next=next, error="用户名或密码错误。")
    token = auth.start_session(s, user)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    if user.role == "public":
        target = "/public"
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(auth.SESSION_COOKIE, token, httponly=True, samesite="lax", max_age=auth.SESSION_DAYS * 86400)
    return resp


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, s: Session = Depends(db)) -> Response:
    auth.end_session(s, request.cookies.get(auth.SESSION_COOKIE))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(auth.SESSION_COOKIE)
    return resp


# ---- 总览 -------------------------------------------------------------------------------------------

@router.get("/")
def dashboard(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    as_of = as_of_param(request)

    def body() -> str:
        """The page body: the same for every reader, so rendered once per ledger state and date."""
        evs = queries.evaluations(s, as_of)
        ov = queries.overview(s, evs, as_of)
        html = templates.get_template("dashboard_body.html").render(
            request=request, status_labels=queries.STATUS_LABELS, colour_labels=queries.COLOUR_LABELS,
            as_of=as_of, ov=ov, counts=queries.counts(s), depts=queries.dept_names(s),
            plans=queries.plan_names(s), trends=queries.indicator_trends(s),
            chart=json.dumps({"departments": ov["departments"][:20], "by_colour": ov["by_colour"],
                              "by_status": ov["by_status"]}, ensure_ascii=False))
        return html

    part = queries.shared_part(s, request.app.state.shared, ("dashboard-body", as_of), body)
    return render(request, "dashboard.html", v, title="总览", body=Markup(part))


# ---- 规划 -------------------------------------------------------------------------------------------

@router.get("/plans")
def plans(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    rows = s.scalars(select(Plan).order_by(Plan.id)).all()
    return render(request, "plans.html", v, title="规划", plans=rows)


@router.get("/plans/{plan_id}")
def plan_page(plan_id: int, request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    from taizhang.ledger.versions import diff

    plan = s.get(Plan, plan_id) if inputs.valid_id(plan_id) else None
    if plan is None:
        return render(request, "error.html", v, status=404, title="未找到", message="没有这个规划。")
    sections = s.scalars(select(Section).where(Section.plan_id == plan_id, ~Section.removed)
                         .order_by(Section.position)).all()
    tasks = s.scalars(select(Task).where(Task.plan_id == plan_id, ~Task.removed).order_by(Task.position)).all()
    targets = s.scalars(select(Target).where(Target.plan_id == plan_id, ~Target.removed)
                        .order_by(Target.position)).all()
    changes = None
    if len(plan.versions) >= 2:
        changes = diff(s, plan)[2]
    links = s.scalars(select(PlanLink).where(PlanLink.child_id == plan_id)).all()
    check = None
    parent = next((lk.parent_id for lk in links if lk.parent_id), None)
    if parent is not None:
        from taizhang.ledger.check import compare

        check = compare(s, plan, s.get(Plan, parent))
    return render(request, "plan.html", v, title=plan.title or plan.key, plan=plan, sections=sections,
                  tasks=tasks, targets=targets, changes=changes, links=links, check=check)


@router.post("/plans/upload", dependencies=[Depends(check_csrf)])
async def plan_upload(request: Request, file: UploadFile = File(...), v: Viewer = Depends(admin)) -> Response:
    """Extraction preview: every target and clause highlighted on the source text, editable in place."""
    import tempfile
    from pathlib import Path

    from taizhang.ledger.links import cited_plans
    from taizhang.plan.parse import parse_plan
    from taizhang.text.read import read_document
    from taizhang.web.highlight import highlight

    data = await file.read()
    name = upload_name(file, "plan.txt")
    with tempfile.TemporaryDirectory() as tmp, uploaded_as(name):
        path = Path(tmp) / name
        path.write_bytes(data)
        text = read_document(path)
    doc = parse_plan(text)
    if not doc.tasks and not doc.targets:
        raise InputError(name, "no tasks or targets found: is this a plan document?")
    content = doc.to_dict()
    content["cites"] = cited_plans(text, doc.title)
    return render(request, "plan_preview.html", v, title="提取预览", source=name, doc=content,
                  marked=highlight(text, content), payload=json.dumps(content, ensure_ascii=False))


@router.post("/plans/confirm", dependencies=[Depends(check_csrf)])
async def plan_confirm(request: Request, v: Viewer = Depends(admin), s: Session = Depends(db)) -> Response:
    """Apply the corrections made on the preview, keep them with the version, import into the ledger."""
    from taizhang.ledger.importer import import_plan
    from taizhang.web.confirm import checked_plan, cites, parse_payload, source_name
    from taizhang.web.highlight import apply_corrections

    form = await request.form()
    content = parse_payload(str(form.get("payload") or "{}"))
    checked_plan(content)  # before the corrections, which find tasks and targets by id
    corrections = apply_corrections(content, {k: str(val) for k, val in form.items()})
    result = import_plan(s, checked_plan(content), source=source_name(str(form.get("source") or "upload")),
                         cites=cites(content), extra={"corrections": corrections} if corrections else None)
    return RedirectResponse(f"/plans/{result.plan_id}?imported={result.version}", status_code=303)


# ---- 任务 / 指标 ------------------------------------------------------------------------------------

@router.get("/tasks/{task_id}")
def task_page(task_id: int, request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    task = subjects.task_view(s, task_id) if inputs.valid_id(task_id) else None
    if task is None:
        return render(request, "error.html", v, status=404, title="未找到", message="没有这个任务。")
    as_of = as_of_param(request)
    ev = queries.evaluation(s, "task", task_id, as_of, plan_id=task.plan.id)
    reports = subjects.reports(s, "task", task_id)
    lead_ids = [a.department_id for a in task.assignments if a.role == "lead"]
    can_report = any(v.can_write_for(a.department_id) for a in task.assignments)
    return render(request, "subject.html", v, title="任务", kind="task", subject=task, ev=ev, reports=reports,
                  targets=task.targets, plan=task.plan, lead_ids=lead_ids, can_report=can_report,
                  as_of=as_of, chart=json.dumps(_chart(ev, reports, "task", task.deadline), ensure_ascii=False))


@router.get("/targets/{target_id}")
def target_page(target_id: int, request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    t = s.get(Target, target_id) if inputs.valid_id(target_id) else None
    if t is None:
        return render(request, "error.html", v, status=404, title="未找到", message="没有这个指标。")
    as_of = as_of_param(request)
    ev = queries.evaluation(s, "target", target_id, as_of, plan_id=t.plan_id)
    reports = subjects.reports(s, "target", target_id)
    task = s.get(Task, t.task_id) if t.task_id else None
    depts = [a.department_id for a in task.assignments] if task else []
    values = []
    if t.series:
        values = s.execute(select(IndicatorValue.as_of, IndicatorValue.value)
                           .where(IndicatorValue.series == t.series).order_by(IndicatorValue.as_of)).all()
    chart = _chart(ev, reports, "target", t.deadline, goal=float(t.value), series=values)
    return render(request, "subject.html", v, title="指标", kind="target", subject=t, ev=ev, reports=reports,
                  targets=[], plan=s.get(Plan, t.plan_id), task=task, lead_ids=[],
                  can_report=any(v.can_write_for(d) for d in depts) and not t.series, as_of=as_of,
                  chart=json.dumps(chart, ensure_ascii=False))


def _chart(ev, reports, kind: str, deadline, goal: float | None = None, series=()):  # type: ignore[no-untyped-def]
    """Data for the progress chart: reported points, the expected line, the forecast and its band."""
    pts = []
    for r in reports:
        y = r.percent if kind == "task" else r.value
        if y is not None:
            pts.append([r.as_of.isoformat(), float(y)])
    for d, val in series:
        pts.append([d.isoformat(), float(val)])
    pts.sort(key=lambda pt: pt[0])  # reports and the bound series, oldest first
    out: dict[str, Any] = {"points": pts, "goal": 100.0 if kind == "task" else goal,
                           "deadline": deadline.isoformat() if deadline else None}
    if ev is not None and ev.forecast is not None and deadline is not None:
        f = ev.forecast
        out["forecast"] = {"value": f.value, "low": f.low, "high": f.high}
    if ev is not None:
        out["expected"] = ev.expected
        out["actual"] = ev.actual
    return out


@router.get("/evidence/{evidence_id}")
def evidence(evidence_id: int, request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    ev = s.get(Evidence, evidence_id) if inputs.valid_id(evidence_id) else None
    if ev is None:
        return render(request, "error.html", v, status=404, title="未找到", message="没有这个佐证材料。")
    from urllib.parse import quote

    return Response(ev.content, media_type=ev.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(ev.filename)}",
        "X-Content-SHA256": ev.sha256})


# ---- 部门工作台 ----------------------------------------------------------------------------------------

def _workbench_dept(request: Request, v: Viewer, s: Session) -> Department:
    if v.role == "department":
        dept = s.get(Department, v.user.department_id) if v.user else None
    else:
        ident = inputs.query_id(request.query_params.get("dept"), "dept")
        dept = s.get(Department, ident) if ident else None
        if ident and dept is None:
            raise InputError("dept", f"没有编号为 {ident} 的部门")
    if dept is None:
        raise Forbidden("请选择部门。") if v.role == "department" else InputError("dept", "请选择部门（?dept=编号）")
    return dept


@router.get("/dept")
def workbench(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    from taizhang.ledger.departments import listing
    from taizhang.track.cases import STATE_LABELS

    if v.role != "department" and not request.query_params.get("dept"):
        depts = [d for d, _al, n in listing(s) if n]
        return render(request, "dept_pick.html", v, title="部门工作台", depts=depts)
    dept = _workbench_dept(request, v, s)
    as_of = as_of_param(request)
    tasks, targets = queries.dept_subjects(s, dept.id)
    ids = {("task", t.id) for t in tasks} | {("target", t.id) for t in targets}
    evs = {(e.subject_type, e.subject_id): e for e in queries.evaluations(s, as_of) if (e.subject_type, e.subject_id) in ids}
    cases = s.scalars(select(Case).where(Case.department_id == dept.id).order_by(Case.due)).all()
    return render(request, "dept.html", v, title=f"部门工作台 · {dept.name}", dept=dept, tasks=tasks,
                  targets=targets, evs=evs, cases=cases, as_of=as_of, can_write=v.can_write_for(dept.id),
                  errors=None, message=request.query_params.get("msg"),
                  case_labels=STATE_LABELS)


@router.post("/reports", dependencies=[Depends(check_csrf)])
async def submit_report(
    request: Request,
    subject: str = Form(...),
    as_of: str = Form(...),
    value: str = Form(""),
    percent: str = Form(""),
    narrative: str = Form(""),
    uid: str = Form(""),
    files: list[UploadFile] = File(default=[]),
    v: Viewer = Depends(writer),
    s: Session = Depends(db),
) -> Response:
    from taizhang.track.reports import EvidenceFile, add_report

    kind, _, raw_id = subject.partition(":")
    sid = inputs.query_id(raw_id, "subject") if kind in ("task", "target") else None
    if sid is None:
        raise InputError("subject", f"应为 task:编号 或 target:编号：{subject[:40]!r}")
    task = queries.report_task(s, kind, sid)
    if task is None:
        raise InputError("subject", "没有这个任务或指标")
    if not v.may_report(task):
        raise Forbidden("只能填报本部门承担的任务。")
    day = inputs.parse_day(as_of, "as_of")
    evidence = [EvidenceFile(f.filename or "file", await f.read(), f.content_type) for f in files if f.filename]
    try:
        add_report(s, task_id=sid if kind == "task" else None, target_id=sid if kind == "target" else None,
                   as_of=day, value=value or None, percent=percent or None, narrative=narrative,
                   reporter=v.user.username if v.user else "web", department_id=v.report_department(task),
                   uid=uid or None, evidence=evidence)
    except Conflict as e:
        return render(request, "error.html", v, status=409, title="重复的 uid", message=e.problem)
    back = request.headers.get("referer") or f"/{kind}s/{sid}"
    return RedirectResponse(back, status_code=303)


@router.get("/dept/template.xlsx")
def dept_template(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    import tempfile
    from pathlib import Path

    from taizhang.track.workbook import write_template

    dept = _workbench_dept(request, v, s)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_template(s, dept.name, path, as_of=as_of_param(request))
        data = path.read_bytes()
    from urllib.parse import quote

    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(dept.name)}-进度填报.xlsx"})


@router.post("/dept/import", dependencies=[Depends(check_csrf)])
async def dept_import(request: Request, file: UploadFile = File(...), v: Viewer = Depends(writer),
                      s: Session = Depends(db)) -> Response:
    import tempfile
    from pathlib import Path

    from taizhang.track.workbook import import_workbook

    dept = _workbench_dept(request, v, s)
    if not v.can_write_for(dept.id):
        raise Forbidden("只能导入本部门的填报表。")
    name = upload_name(file, "upload.xlsx")
    with tempfile.TemporaryDirectory() as tmp, uploaded_as(name):
        path = Path(tmp) / name
        path.write_bytes(await file.read())
        summary = import_workbook(s, path, department=dept, reporter=v.user.username if v.user else "web")
    errors = [f"第 {e.row} 行：{e.reason}" for e in summary.errors]
    if errors:
        s.rollback()
        as_of = as_of_param(request)
        tasks, targets = queries.dept_subjects(s, dept.id)
        return render(request, "dept.html", v, status=422, title=f"部门工作台 · {dept.name}", dept=dept,
                      tasks=tasks, targets=targets, evs={}, cases=[], as_of=as_of, can_write=True,
                      errors=errors, message=None)
    msg = f"导入完成：新增 {summary.stored} 条，已存在 {summary.already} 条"
    return RedirectResponse(f"/dept?dept={dept.id}&msg={msg}", status_code=303)


# ---- 督办 / 考核 ------------------------------------------------------------------------------------

@router.get("/cases")
def cases_board(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    from taizhang.track.cases import STATE_LABELS, TRANSITIONS, on_schedule, schedule_rate

    as_of = as_of_param(request)
    rows = s.scalars(select(Case).order_by(Case.due)).all()
    board = {st: [c for c in rows if c.state == st] for st in STATE_LABELS}
    return render(request, "cases.html", v, title="督办", board=board, labels=STATE_LABELS,
                  transitions=TRANSITIONS, on_schedule=lambda c: on_schedule(c, as_of),
                  rate=schedule_rate(s, as_of), depts=queries.dept_names(s), as_of=as_of)


@router.post("/cases/{case_id}/advance", dependencies=[Depends(check_csrf)])
def case_advance(case_id: int, to: str = Form(...), reason: str = Form(""), v: Viewer = Depends(writer),
                 s: Session = Depends(db)) -> Response:
    from taizhang.track.cases import advance, state_of

    case = s.get(Case, case_id) if inputs.valid_id(case_id) else None
    if case is None:
        raise InputError("case", f"没有编号为 {case_id} 的督办事项")
    refusal = v.case_refusal(case, state_of(to))
    if refusal is not None:
        raise Forbidden({"department": "只能办理本部门的督办事项。", "bureau": "验收销号或退回由牵头单位办理。"}[refusal])
    advance(s, case_id, to, actor=v.user.username if v.user else "web", reason=reason, on=dt.date.today())
    return RedirectResponse("/cases", status_code=303)


@router.get("/assess")
def assess_page(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    from taizhang.track.assess import score_year

    year = inputs.query_year(request.query_params.get("year")) or dt.date.today().year
    as_of = min(dt.date(year, 12, 31), as_of_param(request))
    scores = score_year(s, queries.evaluations(s, as_of), year, as_of=as_of)
    return render(request, "assess.html", v, title="考核", scores=scores, year=year, as_of=as_of)


# ---- 监测 -------------------------------------------------------------------------------------------

@router.get("/monitor")
def monitor_page(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    from taizhang.web.monitoring import monitor_view

    return render(request, "monitor.html", v, title="监测", **monitor_view(s, request.query_params))


# ---- 公开 -------------------------------------------------------------------------------------------

@router.get("/public")
def public_page(request: Request, v: Viewer = Depends(viewer), s: Session = Depends(db)) -> Response:
    """信息公开: published targets and their progress; no login, no departments' internal notes."""
    as_of = as_of_param(request)
    evs = {e.subject_id: e for e in queries.evaluations(s, as_of) if e.subject_type == "target"}
    rows = []
    plans = queries.plan_names(s)
    for t in s.scalars(select(Target).where(~Target.removed).order_by(Target.plan_id, Target.position)):
        e = evs.get(t.id)
        rows.append({"plan": plans.get(t.plan_id, ""), "indicator": t.indicator, "scope": t.scope or "",
                     "goal": f"{t.op} {float(t.value):g}{t.unit or ''}", "deadline": t.deadline,
                     "status": queries.STATUS_LABELS.get(e.status, "") if e else "",
                     "progress": e.actual if e else None, "current": e.current if e else None})
    return render(request, "public.html", v, title="信息公开", rows=rows, as_of=as_of)


# ---- 导出 -------------------------------------------------------------------------------------------

_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _download(data: bytes, name: str, ext: str) -> Response:
    from urllib.parse import quote

    return Response(data, media_type=_MEDIA[ext],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.{ext}"})


@router.get("/export/ledger.xlsx")
def export_ledger(request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    """The Excel ledger (任务/指标/责任单位/进度)."""
    import tempfile
    from pathlib import Path

    from taizhang.report.ledger_xlsx import write_ledger

    as_of = as_of_param(request)
    with tempfile.TemporaryDirectory() as tmp:
        out = write_ledger(s, Path(tmp) / "ledger.xlsx", as_of)
        return _download(out.read_bytes(), f"台账-{as_of}", "xlsx")


@router.get("/export/bulletin.{ext}")
def export_bulletin(ext: str, request: Request, v: Viewer = Depends(reader), s: Session = Depends(db)) -> Response:
    """The monthly 调度通报 as Word or PDF (?month=YYYY-MM, default the current month)."""
    import tempfile
    from pathlib import Path

    from taizhang.report.bulletin import build_bulletin

    if ext not in ("docx", "pdf"):
        return Response("unknown format", status_code=404)
    month = inputs.query_month(request.query_params.get("month")) or dt.date.today().strftime("%Y-%m")
    bulletin = build_bulletin(s, month)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"bulletin.{ext}"
        if ext == "docx":
            from taizhang.report.bulletin_docx import write_docx

            write_docx(bulletin, out)
        else:
            from taizhang.report.bulletin_pdf import write_pdf

            write_pdf(bulletin, out)
        return _download(out.read_bytes(), f"调度通报-{month}", ext)
