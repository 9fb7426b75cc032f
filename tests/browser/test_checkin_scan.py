"""签到 at 360 px in a real browser, the two ways a WeChat or iOS phone gets in: the page's
own camera view scanning a card (Chromium's fake camera plays a video made from a real
rendered card; headless Chromium on Linux has no BarcodeDetector, so the frames are
decoded on the server, as in Safari and WeChat), and, with JavaScript off, a photo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.db import db
from profiles.enums import Attendance, MeetingKind, MemberStatus
from profiles.models import AttendanceRecord, Branch, Member
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import factories
from tests.helpers.console import PASSWORD, make_account
from tests.helpers.dates import TODAY
from tests.helpers.photos import card_png, photographed, y4m

SHOTS = Path("/work/shots/19") if Path("/work").is_dir() else Path("/tmp/partycard-shots-19")
PHONE = {"viewport": {"width": 360, "height": 780}, "locale": "zh-CN"}


def _setup(app: Flask) -> dict[str, Any]:
    """A demo branch's meeting with 签到 open, its secretary, two of its members."""
    with app.app_context():
        active = Member.status != MemberStatus.TRANSFERRED_OUT
        code = db.session.scalar(
            select(Branch.code).join(Member, Member.branch_id == Branch.id).where(active)
            .group_by(Branch.code).having(func.count() >= 3).order_by(Branch.code).limit(1))
        branch = db.session.scalars(select(Branch).where(Branch.code == code)).one()
        people = list(db.session.scalars(select(Member).where(
            Member.branch_id == branch.id, active, Member.joined_on <= TODAY)
            .order_by(Member.number).limit(2)))
        meeting = factories.make_meeting(branch, MeetingKind.THEME_DAY, TODAY,
                                         topic="扫码签到", checkin_open=True)
        make_account("sec_scan", Role.SECRETARY, branch.code)
        db.session.commit()
        keys = list(app.config["SIGNING_KEYS"])
        cards = [card_png(m.id, m.name, m.card_generation, keys=keys, branch=branch.name)
                 for m in people]
        return {"meeting": meeting.id, "ids": [m.id for m in people],
                "names": [m.name for m in people], "cards": cards}


def _login(page: Any, server: str) -> None:
    page.goto(f"{server}/console/login")
    page.fill("input[name=username]", "sec_scan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _present(app: Flask, meeting_id: int, member_id: int) -> bool:
    with app.app_context():
        record = db.session.get(AttendanceRecord, (meeting_id, member_id))
        return record is not None and record.status is Attendance.PRESENT


@pytest.fixture
def scene(live_app: Flask, tmp_path: Path) -> Iterator[dict[str, Any]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    data = _setup(live_app)
    video = tmp_path / "card.y4m"
    y4m(data["cards"][0], str(video))
    data["video"] = video
    yield data


def test_the_page_camera_scans_a_card_and_a_photo_works_without_javascript(
        browser: Any, live_app: Flask, live_server: str, scene: dict[str, Any],
        tmp_path: Path) -> None:
    camera = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={scene['video']}"])
    foreign: list[str] = []
    try:
        context = camera.new_context(**PHONE)
        context.on("request", lambda r: foreign.append(r.url)
                   if not r.url.startswith(live_server) else None)
        page = context.new_page()
        _login(page, live_server)
        page.goto(f"{live_server}/console/meetings/{scene['meeting']}/checkin/camera")
        page.screenshot(path=str(SHOTS / "scan-1-camera-page.png"), full_page=True)
        page.click("#camera-start")
        result = page.locator("#result.good")
        result.wait_for(state="visible", timeout=15_000)
        assert scene["names"][0] in result.inner_text()
        assert "已到 1/" in result.inner_text()
        assert page.locator("#result .result-undo").is_visible()
        page.screenshot(path=str(SHOTS / "scan-2-green-result.png"))
        assert _present(live_app, scene["meeting"], scene["ids"][0])
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert not foreign
        context.close()
    finally:
        camera.close()

    # JavaScript off: the photo field on the 签到 screen.
    photo = tmp_path / "IMG_2046.jpg"
    photo.write_bytes(photographed(scene["cards"][1]))
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        _login(page, live_server)
        page.goto(f"{live_server}/console/meetings/{scene['meeting']}/checkin")
        field = page.locator("#photo-file")
        assert field.get_attribute("accept") == "image/*"
        assert field.get_attribute("capture") == "environment"
        page.screenshot(path=str(SHOTS / "photo-1-screen-no-js.png"), full_page=True)
        field.set_input_files(str(photo))
        page.click("#photo button[type=submit]")
        assert f"✓ {scene['names'][1]} 已签到" in page.content()
        page.screenshot(path=str(SHOTS / "photo-2-checked-in-no-js.png"), full_page=True)
        assert _present(live_app, scene["meeting"], scene["ids"][1])
        page.goto(f"{live_server}/console/meetings/{scene['meeting']}/checkin")
        assert "已到 2/" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(SHOTS / "photo-3-screen-after.png"), full_page=True)
    finally:
        context.close()
