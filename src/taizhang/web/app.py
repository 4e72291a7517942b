"""The FastAPI application: HTML pages (Jinja2 + htmx + ECharts) and the /api/v1 JSON API on one ledger."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from taizhang.errors import InputError
from taizhang.ledger.db import Ledger
from taizhang.web import api, pages
from taizhang.web.errors import Forbidden, NotSignedIn
from taizhang.web.problems import describe, listed
from taizhang.web.shared import SharedPages
from taizhang.web.templating import HERE, templates


def vendor_dir() -> Path | None:
    """node_modules installed by `npm ci` at set-up time (ECharts, htmx): beside the repo's package.json."""
    for base in (Path.cwd(), *HERE.parents):
        nm = base / "node_modules"
        if (nm / "echarts").is_dir():
            return nm
    return None


def create_app(ledger: Ledger, shared: SharedPages | None = None) -> FastAPI:
    """The app on `ledger`; `shared`: the page parts shared by the worker processes of one `serve`."""
    app = FastAPI(
        title="taizhang 台账 API",
        version="1",
        description="Plans, tasks, targets, progress reports, warnings, cases and scores of the ledger.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ledger = ledger
    app.state.shared = shared
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    nm = vendor_dir()
    if nm is not None:
        app.mount("/vendor/echarts", StaticFiles(directory=str(nm / "echarts" / "dist")), name="echarts")
        app.mount("/vendor/htmx", StaticFiles(directory=str(nm / "htmx.org" / "dist")), name="htmx")

    @app.exception_handler(NotSignedIn)
    async def _login(request: Request, exc: NotSignedIn):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "authentication required"}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc) or "forbidden"}, status_code=403)
        return HTMLResponse(templates.get_template("error.html").render(
            request=request, user=None, title="无权访问", message=str(exc) or "您没有访问此页面的权限。"),
            status_code=403)

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.line()}, status_code=422)
        return HTMLResponse(templates.get_template("error.html").render(
            request=request, user=None, title="输入有误", message=exc.line()), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        line = describe(exc.errors())
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": line, "errors": listed(exc.errors())}, status_code=422)
        return HTMLResponse(templates.get_template("error.html").render(
            request=request, user=None, title="输入有误", message=line), status_code=422)

    app.include_router(pages.router)  # matched first: the pages are most of the requests
    app.include_router(api.router)
    return app


def app_from_env() -> FastAPI:
    """The app on the ledger that TAIZHANG_DATABASE_URL names: the factory each `taizhang serve` worker
    process imports (`taizhang.web.app:app_from_env`). `serve` migrates the database before it starts
    the workers and sets the variable for them (a worker's own migration check is then a no-op)."""
    from taizhang.ledger.db import open_ledger

    if not os.environ.get("TAIZHANG_DATABASE_URL"):
        raise RuntimeError("TAIZHANG_DATABASE_URL is not set: start the app with `taizhang serve`")
    app = create_app(open_ledger(), SharedPages.from_env())
    for name in templates.env.list_templates():  # compiled here once, not by the first requests at once
        templates.get_template(name)
    gc.freeze()  # what the worker holds from its start on stays out of the cyclic collector's passes
    return app
