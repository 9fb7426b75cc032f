"""Member and branch pages in headless Chromium over real HTTP on loopback.

At phone (360x800) and desktop (1280x800) width, in Chinese and English, with
JavaScript off: no horizontal scroll, the name and every section visible, readable
type, and not one request to any other host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Branch, Member
from tests.helpers.pages import path

pytestmark = pytest.mark.browser

WIDTHS = [360, 1280]


def _paths(app: Flask) -> tuple[str, str]:
    with app.app_context():
        member_id = db.session.scalar(select(Member.id).where(Member.name == "王芳"))
        branch_id = db.session.scalar(select(Branch.id).where(Branch.code == "ZB04"))
        db.session.remove()
    assert member_id and branch_id
    return path(app, "member", member_id), path(app, "branch", branch_id)


def _check(v: Any, server: str, width: int) -> None:
    assert v.response.status == 200
    assert v.horizontal_overflow() <= 0, f"{v.page.url} scrolls sideways at {width}px"
    font = float(v.page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px"))
    assert font >= 14
    hosts = {urlsplit(url).netloc for url in v.requests}
    assert hosts == {urlsplit(server).netloc}, v.requests


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_member_page(live_server: str, live_app: Flask, visit: Any, width: int,
                     lang: str) -> None:
    member_path, _ = _paths(live_app)
    v = visit(f"{live_server}{member_path}?lang={lang}", width=width, javascript=False)
    _check(v, live_server, width)
    assert v.page.locator("h1").inner_text().strip() == "王芳"
    headings = [h.strip() for h in v.page.locator("h2").all_inner_texts()]
    expected = (["组织生活", "党员积分", "民主评议党员", "党费"] if lang == "zh"
                else ["Organisational life", "Points", "Democratic evaluation", "Party dues"])
    for heading in expected:
        assert heading in headings, headings
        assert v.page.get_by_role("heading", name=heading).is_visible()
    assert v.page.locator("img").first.is_visible()  # the code, served from the same host


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_branch_page(live_server: str, live_app: Flask, visit: Any, width: int,
                     lang: str) -> None:
    _, branch_path = _paths(live_app)
    v = visit(f"{live_server}{branch_path}?lang={lang}", width=width, javascript=False)
    _check(v, live_server, width)
    assert v.page.locator("h1").inner_text().strip() == "社区服务党支部"
    checklist = v.page.locator(".checklist, #audit, section").first
    assert checklist.is_visible()
    text = v.page.locator("body").inner_text()
    assert "王芳" in text  # the overdue probation shows up in the self-audit
    # Every member link stays on this host and opens with a 200.
    href = v.page.locator("a[href^='/M/']").first.get_attribute("href")
    assert href is not None
    second = visit(live_server + href, width=width, javascript=False)
    assert second.response.status == 200
