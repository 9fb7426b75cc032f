"""At 360 px, the three-new-members roster of issue 18 previews its consequences: the
checklist lines it would add to the branch (serious ones marked 严重, in red), before
anything is written. Screenshots go to ``$PARTYCARD_SHOTS`` for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.db import db
from profiles.models import Branch, Member
from tests.helpers.console import PASSWORD, make_account

pytestmark = pytest.mark.browser
BRANCH = "ZB02"
NEWCOMERS = ("吴建国", "郑秀兰", "钱志强")


def test_three_new_members_preview_their_consequences_at_360px(
        browser: Any, live_app: Flask, live_server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("PARTYCARD_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        make_account("sec18", Role.SECRETARY, BRANCH)
        name = db.session.scalar(select(Branch.name).where(Branch.code == BRANCH))
        before = db.session.scalar(select(func.count(Member.id)))
        db.session.commit()
    roster = tmp_path / "新党员.csv"
    roster.write_text("姓名,性别,出生日期,入党日期,转正日期,人员类别,所在支部\n" + "".join(
        f"{n},男,1975/3/1,2000年7月1日,2001.07.01,正式党员,{name}\n" for n in NEWCOMERS),
        encoding="utf-8-sig")
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/console/login")
        page.fill("input[name=username]", "sec18")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/console/")
        page.goto(f"{live_server}/console/import")
        page.set_input_files("input[name=file]", str(roster))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("section.consequences")
        page.screenshot(path=str(shots / "18-import-consequences.png"), full_page=True)
        section = page.locator("section.consequences")
        assert "将新增" in section.inner_text()
        for newcomer in NEWCOMERS:
            line = section.locator("ul.added li", has_text=newcomer)
            assert line.count() == 1
            # On the dating of this branch (before the as-of date), each is accused at
            # once; the preview shows it as serious, in red, before anything is written.
            assert line.locator(".sev.critical").inner_text() == "严重"
            assert "rgb(204, 0, 0)" == line.evaluate(
                "e => getComputedStyle(e).borderLeftColor")
        width = page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= 360
        with live_app.app_context():
            assert db.session.scalar(select(func.count(Member.id))) == before
    finally:
        context.close()
