"""At 360 px, the three-new-members roster of issue 18 previews its consequences before
anything is written: with no date, it adds nothing and asks when they came; with a date
too early, the accusations it would make (严重, in red); confirmed with the right as-of
date, no dues or evaluation line. Screenshots go to ``$PARTYCARD_SHOTS`` to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.clock import today
from core.db import db
from profiles.audit.checklist import run_audit, settings_from_config
from profiles.models import Branch, Member
from profiles.queries import branch_page
from tests.browser.conftest import horizontal_overflow
from tests.helpers.console import make_account

pytestmark = pytest.mark.browser
BRANCH = "ZB02"
NEWCOMERS = ("吴建国", "郑秀兰", "钱志强")


def _upload(page: Any, server: str, roster: Path, as_of: str = "") -> Any:
    page.goto(f"{server}/console/import")
    page.set_input_files("input[name=file]", str(roster))
    if as_of:
        page.fill("input[name=as_of]", as_of)
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("section.consequences")
    assert horizontal_overflow(page) <= 0  # nothing overflows sideways on a phone
    return page.locator("section.consequences")


def _newcomer_findings(app: Flask) -> list[str]:
    """The branch's self-audit lines that name a newcomer, as the branch page has them."""
    with app.app_context(), app.test_request_context():
        branch_id = db.session.scalar(select(Branch.id).where(Branch.code == BRANCH))
        data = branch_page(branch_id, _today(app))
        assert data is not None
        findings = run_audit(data.audit, settings_from_config(app.config), _today(app))
        return [f.rule for f in findings
                if f.params.get("name") in NEWCOMERS or f.rule == "evaluation_missing"]


def _today(app: Flask) -> dt.date:
    with app.app_context():
        return today()


def test_three_new_members_preview_their_consequences_at_360px(
        console_phone: Any, live_app: Flask, live_server: str, tmp_path: Path,
        shots: Path) -> None:
    with live_app.app_context():
        make_account("sec18", Role.SECRETARY, BRANCH)
        name = db.session.scalar(select(Branch.name).where(Branch.code == BRANCH))
        before = db.session.scalar(select(func.count(Member.id)))
        db.session.commit()
    evaluation_before = _newcomer_findings(live_app)
    roster = tmp_path / "新党员.csv"
    roster.write_text("姓名,性别,出生日期,入党日期,转正日期,人员类别,所在支部\n" + "".join(
        f"{n},男,1975/3/1,2000年7月1日,2001.07.01,正式党员,{name}\n" for n in NEWCOMERS),
        encoding="utf-8-sig")
    page = console_phone("sec18")

    # 1. No date anywhere: nothing is counted against them, and the preview asks.
    section = _upload(page, live_server, roster)
    page.screenshot(path=str(shots / "18-import-1-asked.png"), full_page=True)
    assert "不会给任何支部的自查清单新增问题" in section.inner_text()
    asked = page.locator("fieldset#as-of")
    assert all(n in asked.inner_text() for n in NEWCOMERS)
    assert asked.locator("input[name=as_of]").get_attribute("required") is not None

    # 2. A date too early (where the record begins): the accusations, first.
    section = _upload(page, live_server, roster, as_of="2025-01-01")
    page.screenshot(path=str(shots / "18-import-2-accusations.png"), full_page=True)
    assert "将新增" in section.inner_text()
    for newcomer in NEWCOMERS:
        line = section.locator("ul.added li", has_text=newcomer)
        assert line.count() == 1
        assert line.locator(".sev.critical").inner_text() == "严重"
        assert "rgb(204, 0, 0)" == line.evaluate(
            "e => getComputedStyle(e).borderLeftColor")
    with live_app.app_context():
        assert db.session.scalar(select(func.count(Member.id))) == before

    # 3. The day they came, as of: nothing added; confirmed, no dues or evaluation line.
    came = _today(live_app).replace(day=1).isoformat()
    section = _upload(page, live_server, roster, as_of=came)
    assert "不会给任何支部的自查清单新增问题" in section.inner_text()
    page.click("form[action$='/confirm'] button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=str(shots / "18-import-3-confirmed.png"), full_page=True)
    with live_app.app_context():
        assert db.session.scalar(select(func.count(Member.id))) == before + 3
    assert _newcomer_findings(live_app) == evaluation_before
