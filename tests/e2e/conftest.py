"""Browser tests: the demo ledger served by `taizhang serve`, driven by Playwright on Debian's Chromium.

Skipped (with the reason) when /usr/bin/chromium or the playwright package is missing — except under CI
(env CI set), where a missing browser is a failure. Screenshots go to out/e2e/<test>-<step>.png.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TAIZHANG_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
SHOTS = ROOT / "out" / "e2e"
AS_OF = "2025-10-31"  # the demo's "today": every page is asked for this date
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USERS = {"admin": "taizhang-admin", "sthj": "taizhang-sthj", "leader": "taizhang-leader",
         "public": "taizhang-public"}


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    for old in SHOTS.glob("*.png"):  # the screenshots of this run only
        old.unlink()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"taizhang serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"taizhang serve did not answer at {url} within {seconds:g} s")


@pytest.fixture(scope="session")
def server(browser, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo ledger (examples/demo.py, as of AS_OF) served on a free port; yields the base URL."""
    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "demo.db"
    bindir = Path(sys.executable).parent
    subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py"), "--db", str(db), "--as-of", AS_OF],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    port = _free_port()
    taizhang = shutil.which("taizhang", path=str(bindir)) or "taizhang"
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([taizhang, "serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/login", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    served = (tmp / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in served, f"the server raised while serving the browser tests:\n{served[-4000:]}"


class Page:
    """A browser page with its JS errors collected and a screenshot helper named by test and step."""

    def __init__(self, page, base: str, test: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.base = base
        self.test = test
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", self._console)

    def _console(self, msg) -> None:  # type: ignore[no-untyped-def]
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def goto(self, path: str):  # type: ignore[no-untyped-def]
        resp = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return resp

    def shot(self, step: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.test}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, user: str) -> None:
        self.goto("/login")
        self.page.fill("input[name=username]", user)
        self.page.fill("input[name=password]", USERS[user])
        with self.page.expect_navigation():
            self.page.click("form[action='/login'] button[type=submit]")
        assert "/login" not in self.page.url, f"login of {user} failed: {self.page.url}"


@pytest.fixture
def open_page(browser, server, request) -> Iterator[Callable[[], Page]]:  # type: ignore[no-untyped-def]
    """A factory of fresh pages, each in its own browser context (own cookies)."""
    contexts = []
    test = re.sub(r"[^\w-]+", "_", request.node.name.removeprefix("test_")).strip("_")

    def make() -> Page:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
        contexts.append(ctx)
        return Page(ctx.new_page(), server, test)

    yield make
    for ctx in contexts:
        ctx.close()
