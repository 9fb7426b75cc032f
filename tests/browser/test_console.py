"""The console in headless Chromium at 360 px with JavaScript off: log in, see the
checklist, follow a member, reveal, edit, reissue a card (the old code then answers 410),
log out. No screen scrolls sideways; nothing is fetched from another host.

Screenshots go to ``$PARTYCARD_SHOTS`` when it is set (to look at them), else tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from accounts.models import Role
from core.db import db
from profiles.models import Member
from qr.links import card_url
from tests.browser.conftest import horizontal_overflow
from tests.helpers.console import PASSWORD, make_account

pytestmark = pytest.mark.browser


def test_a_secretary_keeps_the_record_from_a_phone(
        browser: Any, live_app: Flask, live_server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("PARTYCARD_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        make_account("zb05", Role.SECRETARY, "ZB05")
        db.session.commit()
        member = db.session.scalar(select(Member).join(Member.branch).where(
            Member.branch.has(code="ZB05")).order_by(Member.number).limit(1))
        assert member is not None
        number, member_id, name = member.number, member.id, member.name
        old_url = card_url(live_app.config["BASE_URL"], live_app.config["SIGNING_KEYS"],
                           "member", member_id, member.card_generation)
        db.session.remove()
    old_path = "/" + old_url.split("/", 3)[3]

    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False, locale="zh-CN")
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    def screen(name: str) -> None:
        assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at 360 px"
        page.screenshot(path=str(shots / f"console-{name}.png"), full_page=True)

    page.goto(f"{live_server}/console/")
    assert "/console/login" in page.url  # not logged in: the login page
    screen("login")
    page.fill("input[name=username]", "zb05")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert urlsplit(page.url).path == "/console/"
    checklist = page.locator(".checklist li a")
    assert checklist.count() >= 1  # ZB05 has gaps in the demo (docs/demo.md)
    assert "/console/branches/ZB05/" in (checklist.first.get_attribute("href") or "")
    screen("home")

    page.goto(f"{live_server}/console/members?q={number}")
    page.click(f"text={name}")
    assert urlsplit(page.url).path == f"/console/members/{number}"
    screen("member")
    page.click("text=显示隐私信息")
    assert page.locator(".private").count() == 1
    screen("member-revealed")

    page.goto(f"{live_server}/console/members/{number}/edit")
    screen("edit")
    page.fill("input[name=ethnicity]", "满族")
    page.click("button:has-text('保存')")
    assert urlsplit(page.url).path == f"/console/members/{number}"
    assert "已保存" in page.content() and "满族" in page.content()

    page.goto(f"{live_server}/console/members/{number}/transfer")
    screen("transfer")

    page.goto(f"{live_server}/console/members/{number}/reissue")
    screen("reissue")
    page.check("input[name=reason][value=lost]")
    page.click("button:has-text('确认补发')")
    assert urlsplit(page.url).path == f"/console/members/{number}"
    assert "第 2 版" in page.content()
    screen("reissued")
    with page.expect_download(timeout=180_000) as download:  # WeasyPrint, on a busy machine
        page.click(f"a[href='/console/members/{number}/card.pdf']")
    assert download.value.suggested_filename == f"card-{number}-2.pdf"
    old = page.goto(f"{live_server}{old_path}")
    assert old is not None and old.status == 410

    page.goto(f"{live_server}/console/history")
    screen("history")
    page.click("header summary")  # the menu (a <details>: opens without JavaScript)
    page.click("text=退出")
    assert "/console/login" in page.url
    page.goto(f"{live_server}/console/")
    assert "/console/login" in page.url

    hosts = {urlsplit(url).netloc for url in requests if not url.startswith("data:")}
    assert hosts == {urlsplit(live_server).netloc}
    context.close()
