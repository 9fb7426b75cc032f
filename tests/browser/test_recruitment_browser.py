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
from profiles.enums import Category, MemberStatus, ReviewConclusion
from profiles.models import Applicant, Branch, Member
from profiles.recruitment import operations as ops
from profiles.recruitment.rules import Votes
from tests.browser.conftest import horizontal_overflow
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
        one, two = db.session.scalars(select(Member).where(
            Member.branch_id == branch.id, Member.category == Category.FULL,
            Member.status == MemberStatus.NORMAL).order_by(Member.number).limit(2))
        walked = ops.apply(who, branch=branch, name="王已批", applied_on=dt.date(2023, 3, 1),
                           birth_date=dt.date(1998, 2, 3))
        ops.record_talk(who, walked, talk_on=dt.date(2023, 3, 20), talk_by="支部书记")
        ops.make_activist(who, walked, decided_on=dt.date(2023, 5, 1),
                          filed_on=dt.date(2023, 5, 9), contacts=[one, two])
        ops.record_training(who, walked, completed_on=dt.date(2023, 7, 1), hours=32)
        ops.make_candidate(who, walked, opinions_on=dt.date(2024, 5, 10),
                           decided_on=dt.date(2024, 5, 20))
        ops.set_introducers(who, walked, [one, two])
        ops.record_review(who, walked, reviewed_on=dt.date(2024, 6, 1),
                          conclusion=ReviewConclusion.PASSED)
        ops.record_intensive(who, walked, completed_on=dt.date(2024, 6, 10), hours=24)
        ops.record_prereview(who, walked, prereviewed_on=dt.date(2024, 6, 20),
                             pledge_number="ZY2024-017")
        ops.record_notice(who, walked, notice_from=dt.date(2024, 6, 21),
                          notice_until=dt.date(2024, 6, 27))
        ops.record_admission_meeting(who, walked, meeting_on=dt.date(2024, 7, 1),
                                     votes=Votes(12, 11, 11, 0, 0))
        ops.approve_admission(who, walked, talk_on=dt.date(2024, 7, 10),
                              approved_on=dt.date(2024, 11, 5))  # late: more than 3 months
        db.session.commit()
        walked_id = walked.id
        person = db.session.scalar(select(Applicant.id).where(Applicant.name == "周新申"))
        db.session.remove()
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False, locale="zh-CN")
    page = context.new_page()

    def screen(name: str) -> None:
        assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at 360 px"
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
    page.goto(f"{live_server}/console/recruitment/{walked_id}")
    body = page.inner_text("main")
    assert "预备党员" in body and "逾期" in body and "ZY2024-017" in body
    screen("history")
    # 吴逾期 withdrew: the way ends (a reason from the list, the date), the overdue talk's
    # line leaves the branch's checklist, and the pipeline lists the person apart.
    page.goto(f"{live_server}/console/branches/ZB03")
    assert "吴逾期" in page.inner_text("main")
    page.goto(f"{live_server}/console/branches/ZB03/recruitment")
    page.click("text=吴逾期")
    page.click("a:has-text('终止发展')")
    page.fill("input[name=ended_on]", "2026-11-02")
    page.select_option("select[name=end_reason]", "withdrawn")
    screen("end-form")
    page.click("button:has-text('保存')")
    assert "终止发展" in page.inner_text("main") and "2026-11-02" in page.inner_text("main")
    page.goto(f"{live_server}/console/branches/ZB03/recruitment")
    ended = page.inner_text("ul.rows.ended")
    assert "吴逾期" in ended and "2026-11-02" in ended
    screen("pipeline-ended")
    page.goto(f"{live_server}/console/branches/ZB03")
    assert "吴逾期" not in page.inner_text("main")
    page.goto(f"{live_server}/console/branches/ZB03/recruitment?lang=en")
    assert "Probationary member" in page.inner_text("main")
    screen("pipeline-en")
    context.close()
