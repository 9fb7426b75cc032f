"""A live server on loopback and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.helpers.app import make_app, release_db

CHROMIUM = os.environ.get("PARTYCARD_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium phones home at start-up; this suite must see no foreign request.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session; skipped (with the reason) where none is installed."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path: Path, sqlite_templates: dict[str, Path]) -> Iterator[Flask]:
    """The demo organisation on SQLite: layout does not depend on the database backend."""
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_templates["demo"], path)
    app = make_app(f"sqlite:///{path}", tmp_path / "instance")
    yield app
    release_db(app)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """The demo app served on 127.0.0.1 at a free port, for the length of one test."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than its viewport (0 = no sideways scroll).
    Measured once the page has loaded: right after a click that navigates, the old
    document may be gone and the new one have no body yet (a CI run read a null body)."""
    page.wait_for_load_state()
    width: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return width - int(page.viewport_size["width"])


class PageVisit:
    """A page opened in a fresh context, with every request the browser made."""

    def __init__(self, browser: Any, url: str, width: int, javascript: bool = True) -> None:
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 800},
                                           java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.response = self.page.goto(url, wait_until="load")

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than the viewport (0 = no sideways scroll)."""
        return horizontal_overflow(self.page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    """``visit(url, width, javascript=True)`` → a :class:`PageVisit`, closed after the test."""
    visits: list[PageVisit] = []

    def _visit(url: str, width: int = 360, javascript: bool = True) -> PageVisit:
        v = PageVisit(browser, url, width, javascript)
        visits.append(v)
        return v

    yield _visit
    for v in visits:
        v.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where a test's screenshots go: ``$PARTYCARD_SHOTS`` when set (for a person to look
    at), else the test's own folder."""
    folder = Path(os.environ.get("PARTYCARD_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def console_phone(browser: Any, live_server: str) -> Iterator[Any]:
    """``console_phone(username, javascript=True)`` → a page on a 360 px phone, signed in
    to the console (password ``tests.helpers.console.PASSWORD``); closed after the test."""
    from tests.helpers.console import PASSWORD

    contexts: list[Any] = []

    def _open(username: str, javascript: bool = True) -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 800},
                                      java_script_enabled=javascript, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/console/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/console/")
        return page

    yield _open
    for context in contexts:
        context.close()
