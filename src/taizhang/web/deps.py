"""Request dependencies: one database transaction per request, the signed-in user, role checks, CSRF."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from taizhang.ledger.models import Case, Task, User, UserSession
from taizhang.track.cases import BUREAU_ONLY
from taizhang.web import auth
from taizhang.web.errors import Forbidden, NotSignedIn

READ_ROLES = ("admin", "department", "leader")


async def _transaction(request: Request) -> AsyncIterator[Session]:
    """The request's transaction: reads take no write lock; a failed write stores nothing.

    The worker thread that opens the transaction also identifies the caller (`_identify`), so a
    request makes one thread-pool hop before its endpoint instead of one per dependency.

    On SQLite, writing requests queue on an asyncio lock in the event loop, one at a time per process:
    waiting in worker threads (BEGIN IMMEDIATE's busy wait) would fill the thread pool, and the request
    holding the lock could then not get a thread to commit (a deadlock until busy_timeout). Across
    worker processes, BEGIN IMMEDIATE and SQLite's busy timeout queue the writers (ledger/db.py)."""
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    ledger = request.app.state.ledger
    gate = None
    if write and ledger.engine.dialect.name == "sqlite":
        gate = getattr(request.app.state, "write_gate", None)
        if gate is None:
            gate = request.app.state.write_gate = asyncio.Lock()
        await gate.acquire()
    try:
        cm = ledger.session("web", write=write)

        def begin() -> Session:
            s = cm.__enter__()
            try:
                request.state.viewer = _identify(request, s)
            except BaseException as e:
                cm.__exit__(type(e), e, e.__traceback__)
                raise
            return s

        s = await run_in_threadpool(begin)
        try:
            yield s
        except BaseException as e:
            await run_in_threadpool(cm.__exit__, type(e), e, e.__traceback__)
            raise
        await run_in_threadpool(cm.__exit__, None, None, None)
    finally:
        if gate is not None:
            gate.release()


async def db(s: Session = Depends(_transaction, scope="function")) -> Session:
    """The request's transaction, committed before the response is sent (scope "function"): a browser
    following the redirect after a sign-in or a report must find it stored."""
    return s


@dataclass
class Viewer:
    user: User | None
    web_session: UserSession | None

    @property
    def role(self) -> str:
        return self.user.role if self.user else "anonymous"

    @property
    def csrf(self) -> str:
        return self.web_session.csrf if self.web_session else ""

    def can_write_for(self, department_id: int | None) -> bool:
        """Admins write for anyone; a department user only for its own department."""
        if self.user is None:
            return False
        if self.user.role == "admin":
            return True
        return self.user.role == "department" and department_id is not None \
            and department_id == self.user.department_id

    # The write rules of the pages and the API, in one place.
    def may_report(self, task: Task) -> bool:
        """Admins report on any task; a department user on the tasks its department is assigned to."""
        return self.role == "admin" or any(self.can_write_for(a.department_id) for a in task.assignments)

    def report_department(self, task: Task) -> int | None:
        """The department a report is filed under: a department user's own, else the task's lead (or
        its first assigned department)."""
        if self.role == "department" and self.user is not None:
            return self.user.department_id
        lead = [a.department_id for a in task.assignments if a.role == "lead"]
        return (lead or [a.department_id for a in task.assignments] or [None])[0]

    def case_refusal(self, case: Case, to_state: str) -> str | None:
        """Why this viewer may not make this step of a case ("department" or "bureau"), or None."""
        if not self.can_write_for(case.department_id):
            return "department"
        if (case.state, to_state) in BUREAU_ONLY and self.role != "admin":
            return "bureau"
        return None


def _identify(request: Request, s: Session) -> Viewer | None:
    """Who is calling: an API token's user, a signed-in session's user, or nobody (Viewer(None, None));
    None for a bearer token that matches no user. The audit trail records the user as the actor."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.token_user(s, header[7:].strip())
        if user is None:
            return None
        s.info["actor"] = user.username
        return Viewer(user, None)
    found = auth.session_user(s, request.cookies.get(auth.SESSION_COOKIE))
    if found is None:
        return Viewer(None, None)
    s.info["actor"] = found[0].username
    return Viewer(found[0], found[1])


async def viewer(request: Request, s: Session = Depends(db)) -> Viewer:
    """The caller, identified when the request's transaction began."""
    v: Viewer | None = request.state.viewer
    if v is None:
        raise NotSignedIn()
    return v


async def reader(v: Viewer = Depends(viewer)) -> Viewer:
    """Bureau, department users and leaders read everything; the public only /public."""
    if v.user is None:
        raise NotSignedIn()
    if v.role not in READ_ROLES:
        raise Forbidden("公众账号只能查看信息公开页面。")
    return v


async def admin(v: Viewer = Depends(reader)) -> Viewer:
    if v.role != "admin":
        raise Forbidden("此操作仅限牵头单位管理员。")
    return v


async def writer(v: Viewer = Depends(reader)) -> Viewer:
    """Admins and department users may write (what exactly is checked per object)."""
    if v.role not in ("admin", "department"):
        raise Forbidden("领导账号为只读。")
    return v


async def check_csrf(request: Request, v: Viewer = Depends(viewer)) -> None:
    """Every form POST from a browser session must carry the session's CSRF token."""
    if v.web_session is None:  # token-authenticated API calls carry no cookie, so no CSRF risk
        return
    form = await request.form()
    given = form.get("csrf") or request.headers.get("x-csrf-token")
    if not auth.csrf_ok(v.web_session.csrf, str(given) if given else None):
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
