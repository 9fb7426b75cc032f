"""发展党员 at 360 px without JavaScript: the pipeline screen and one step's form (a
refusal naming its rule, then the step saved). Screenshots to ``$PARTYCARD_SHOTS``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.models import Applicant, Branch
from profiles.recruitment import operations as ops
from tests.helpers.console import PASSWORD, make_account

pytestmark = pytest.mark.browser


def test_the_pipeline_and_a_step_form_at_360_px(browser: Any, live_app: Flask,
                                                live_server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("PARTYCARD_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        make_account("zb03", Role.SECRETARY, "ZB03")
        branch = db.session.scalar(select(Branch).where(Branch.code == "ZB03"))
        who = Actor("test", "test")
        for name, applied in (("周新申", dt.date(2026, 10, 2)), ("吴逾期", dt.date(2026, 8, 1)),
                              ("郑积极", dt.date(2025, 3, 1))):
            a = ops.apply(who, branch=branch, name=name, applied_on=applied,
                          birth_date=dt.date(2000, 6, 1), phone="13700001111")
            if name == "郑积极":
                ops.record_talk(who, a, talk_on=dt.date(2025, 3, 10))
        db.session.commit()
        person = db.session.scalar(select(Applicant.id).where(Applicant.name == "周新申"))
        db.session.remove()
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False, locale="zh-CN")
    page = context.new_page()

    def screen(name: str) -> None:
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, "
                              "document.body.scrollWidth)")
        assert width <= 360, f"{page.url} scrolls sideways at 360 px"
        page.screenshot(path=str(shots / f"recruitment-{name}.png"), full_page=True)

    page.goto(f"{live_server}/console/login")
    page.fill("input[name=username]", "zb03")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/console/branches/ZB03")
    page.click("text=发展党员")
    assert page.url.endswith("/console/branches/ZB03/recruitment")
    body = page.inner_text("main")
    assert "入党申请人" in body and "吴逾期" in body and "已于 2026-09-01 逾期" in body
    assert "13700001111" not in page.content()
    screen("pipeline")
    page.click("text=周新申")
    page.click("a:has-text('申请后谈话')")
    page.fill("input[name=talk_on]", "2026-10-01")  # before the application
    page.click("button:has-text('保存')")
    assert "规则「按程序逐步进行」" in page.inner_text("main")
    screen("step-refused")
    page.fill("input[name=talk_on]", "2026-10-20")
    page.fill("input[name=talk_by]", "支部书记")
    page.click("button:has-text('保存')")
    assert page.url.endswith(f"/console/recruitment/{person}")
    assert "已保存" in page.inner_text("main") and "2026-10-20" in page.inner_text("main")
    screen("person")
    context.close()
