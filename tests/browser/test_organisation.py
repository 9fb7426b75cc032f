"""The organisation home and the reports as a supervisor at 360 px, JavaScript off: every
branch with its gaps, sorted, one tap into a branch, a report downloaded as .xlsx (opened
with openpyxl) and as PDF (turned into PNG with pdftoppm), the 三级考核 screen. Nothing
scrolls sideways; nothing is fetched from another host.

Screenshots go to ``$PARTYCARD_SHOTS`` when it is set, else tmp_path."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from openpyxl import load_workbook

from accounts.models import Role
from core.db import db
from tests.browser.conftest import horizontal_overflow
from tests.helpers.console import PASSWORD, make_account

pytestmark = pytest.mark.browser


def test_a_supervisor_sees_every_branch_and_downloads_a_report_from_a_phone(
        browser: Any, live_app: Flask, live_server: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("PARTYCARD_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with live_app.app_context():
        make_account("zzb", Role.SUPERVISOR)
        db.session.commit()
        db.session.remove()
    context = browser.new_context(viewport={"width": 360, "height": 800},
                                  java_script_enabled=False, locale="zh-CN",
                                  accept_downloads=True)
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    def screen(name: str) -> None:
        assert horizontal_overflow(page) <= 0, f"{page.url} scrolls sideways at 360 px"
        page.screenshot(path=str(shots / f"organisation-{name}.png"), full_page=True)

    page.goto(f"{live_server}/console/login")
    page.fill("input[name=username]", "zzb")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert urlsplit(page.url).path == "/console/"
    links = page.locator("a.branchlink")
    assert links.count() == 7  # the demo's branches (docs/demo.md)
    assert page.locator(".gaprows li.critical").count() >= 1
    screen("home")
    # Sort by code, ascending, with the form (no script).
    page.select_option("select[name=sort]", "code")
    page.select_option("select[name=order]", "asc")
    page.click("form.filters button[type=submit]")
    assert "sort=code" in page.url
    sections = page.locator("section.general")
    codes: list[str] = []
    for i in range(sections.count()):  # each 党总支 in order of code
        mine = [re.sub(r".*/branches/", "", h or "") for h in sections.nth(i).locator(
            "a.branchlink").evaluate_all("els => els.map(e => e.href)")]
        assert mine == sorted(mine)
        codes += mine
    assert len(codes) == 7
    screen("sorted")
    # One tap into the branch.
    page.locator("a.branchlink").first.click()
    assert urlsplit(page.url).path == f"/console/branches/{codes[0]}"
    screen("branch")
    # A monthly report as .xlsx, a yearly one as PDF.
    page.goto(f"{live_server}/console/reports")
    screen("reports")
    with page.expect_download() as xlsx_info:
        page.locator("form.report").nth(0).locator("button[value=xlsx]").click()
    xlsx_path = shots / "organisation-report.xlsx"
    xlsx_info.value.save_as(str(xlsx_path))
    book = load_workbook(xlsx_path)
    assert book.sheetnames == ["说明", "组织生活会议召开情况", "党员参加组织生活出勤情况",
                               "党费收缴情况", "民主评议党员进度及结果", "预备党员到期转正情况",
                               "党员队伍变动情况"]
    assert book["党费收缴情况"]["A2"].value == "党总支"
    assert book["党员参加组织生活出勤情况"].max_row == 2 + 7
    with page.expect_download() as pdf_info:
        page.locator("form.report").nth(2).locator("button[value=pdf]").click()
    pdf_path = shots / "organisation-report.pdf"
    pdf_info.value.save_as(str(pdf_path))
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf_path),
                        str(shots / "organisation-report")], check=True)
        assert list(shots.glob("organisation-report*.png"))
    # 三级考核: read-only for a supervisor (no close button).
    page.goto(f"{live_server}/console/scores?month=2026-10")
    assert page.locator("table.scores tbody tr").count() == 7
    assert page.locator("form[action$='/scores/close']").count() == 0
    screen("scores")
    host = urlsplit(live_server).netloc
    assert all(urlsplit(u).netloc == host for u in requests), requests
    context.close()
