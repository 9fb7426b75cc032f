"""Where the record begins, in headless Chromium at 360 px with JavaScript off: an
administrator opens the setting from the home page, saves a month, and the home page
says 记录自…起 (the range is the server's to refuse: tests/console). Nothing scrolls sideways.

Screenshots go to ``$PARTYCARD_SHOTS`` when it is set (the ``shots`` fixture)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from accounts.models import Role
from core.db import db
from profiles.models import Branch, Committee
from tests.browser.conftest import horizontal_overflow
from tests.helpers.console import make_account

pytestmark = pytest.mark.browser


def test_an_administrator_sets_where_the_record_begins(
        console_phone: Any, live_app: Flask, live_server: str, shots: Path) -> None:
    with live_app.app_context():
        make_account("boss", Role.ADMIN)
        db.session.commit()
        db.session.remove()
    page = console_phone("boss", javascript=False)

    def screen(name: str) -> None:
        assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at 360 px"
        page.screenshot(path=str(shots / f"record-start-{name}.png"), full_page=True)

    assert page.locator(".record-since").count() == 1  # the demo's record has a start
    page.click(".record-since a")
    assert page.url.endswith("/console/settings/record")
    screen("settings")
    page.fill("input[name=records_from]", "2025-01")
    page.click("form.stack button[type=submit]")
    assert page.url.endswith("/console/settings/record")
    assert "记录起点已保存：2025年1月" in page.content()
    screen("saved")
    page.goto(f"{live_server}/console/")
    assert "记录自2025年1月起" in page.locator(".record-since").inner_text()
    screen("home")


def test_the_first_import_proposes_it_in_the_preview(
        console_phone: Any, live_app: Flask, live_server: str, tmp_path: Path,
        shots: Path) -> None:
    with live_app.app_context():
        make_account("boss", Role.ADMIN)
        for committee in db.session.scalars(select(Committee)):
            committee.records_from = None  # an organisation whose start is not set yet
        name = db.session.scalar(select(Branch.name).where(Branch.code == "ZB01"))
        db.session.commit()
        db.session.remove()
    roster = tmp_path / "新党员.csv"
    roster.write_text("姓名,性别,入党日期,人员类别,所在支部\n"
                      f"浏览器新成员,女,2020年7月1日,正式党员,{name}\n", encoding="utf-8-sig")
    page = console_phone("boss", javascript=False)
    assert page.locator(".record-unset").count() == 1  # told it is not set
    page.goto(f"{live_server}/console/import")
    page.set_input_files("input[name=file]", str(roster))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("text=浏览器新成员")
    assert "记录起点：将设为2026年11月（导入当月）" in page.content()
    assert horizontal_overflow(page) <= 0
    page.screenshot(path=str(shots / "record-start-import-preview.png"), full_page=True)
    page.fill("input[name=records_from]", "2025-01")
    page.click("text=导入以上更改")
    page.wait_for_selector("text=已导入")
    assert "记录起点：已设为2025年1月（所给的月份）" in page.content()
    page.screenshot(path=str(shots / "record-start-import-report.png"), full_page=True)
    with live_app.app_context():
        assert {c.records_from for c in db.session.scalars(select(Committee))} == {
            dt.date(2025, 1, 1)}
        db.session.remove()
