"""签到 by scanning the card: the card page is unchanged for everyone else; a secretary with
签到 open gets the check-in; every bad path says what happened and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.cards import reissue_card
from profiles.enums import Attendance, MeetingKind
from profiles.meetings.operations import set_attendance
from profiles.models import AttendanceRecord, ChangeLog, Member, PointsEntry
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.console import AuthActions, make_account
from tests.helpers.pages import count_statements, path


@dataclass
class Hall:
    """Branch A with a meeting and members; branch B with one member."""

    meeting_id: int
    members: list[int]
    names: list[str]
    other: int
    code: str


@pytest.fixture
def cached_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The page cache on, as in production."""
    app = make_app(database_url, tmp_path / "instance", CACHE_TYPE="SimpleCache")
    yield app
    from core.cache import cache

    with app.app_context():
        cache.clear()
    release_db(app)


def _hall(app: Flask, size: int = 3) -> Hall:
    with app.app_context():
        a = factories.make_branch(code="QDA01", name="签到甲支部")
        b = factories.make_branch(code="QDB02", name="签到乙支部")
        people = [factories.make_member(a, name=f"到会{i}") for i in range(size)]
        other = factories.make_member(b, name="外支部人")
        meeting = factories.make_meeting(a, MeetingKind.THEME_DAY, dt.date(2026, 11, 20),
                                         topic="学习")
        make_account("sec_a", Role.SECRETARY, "QDA01")
        make_account("sec_b", Role.SECRETARY, "QDB02")
        db.session.commit()
        return Hall(meeting.id, [m.id for m in people], [m.name for m in people], other.id,
                    "QDA01")


def _open(auth: AuthActions, meeting_id: int) -> None:
    response = auth.post(f"/console/meetings/{meeting_id}/checkin/open")
    assert response.status_code == 303


def test_the_card_page_is_unchanged_for_everyone_but_a_scanning_secretary(
        cached_app: Flask) -> None:
    hall = _hall(cached_app)
    card = path(cached_app, "member", hall.members[0])
    anonymous = cached_app.test_client().get(card)
    assert anonymous.status_code == 200
    assert "Cookie" in anonymous.headers["Vary"]
    body = anonymous.get_data()

    # Signed in, managing the branch, but no 签到 open: the same page, byte for byte.
    sec = AuthActions(cached_app.test_client())
    sec.login("sec_a")
    assert sec.client.get(card).get_data() == body
    # Another branch's secretary, with 签到 open for their own meeting... of no meeting here:
    other = AuthActions(cached_app.test_client())
    other.login("sec_b")
    assert other.client.get(card).get_data() == body

    _open(sec, hall.meeting_id)
    scanned = sec.client.get(card)
    assert scanned.status_code == 303
    assert scanned.headers["Location"].startswith(f"/console/meetings/{hall.meeting_id}/checkin/")
    assert scanned.headers["Cache-Control"] == "private, no-store"
    # While the secretary scans, everyone else still gets the page unchanged.
    assert cached_app.test_client().get(card).get_data() == body
    assert other.client.get(card).get_data() == body
    # "?card" opens the card itself, for the secretary too.
    assert sec.client.get(card + "?card=1").get_data() == body


def test_one_tap_checks_in_once_with_points(app: Flask) -> None:
    hall = _hall(app)
    sec = AuthActions(app.test_client())
    sec.login("sec_a")
    _open(sec, hall.meeting_id)
    confirm_url = sec.client.get(path(app, "member", hall.members[0])).headers["Location"]
    page = sec.client.get(confirm_url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"签到：{hall.names[0]} → 主题党日 2026-11-20" in text
    assert "<script" not in text

    done = sec.post(confirm_url)
    assert done.status_code == 303
    assert "✓" in sec.client.get(done.headers["Location"]).get_data(as_text=True)
    again = sec.post(confirm_url)  # a double scan and tap
    assert again.status_code == 303 and "done=1" in done.headers["Location"]
    assert "done=1" not in again.headers["Location"]
    with app.app_context():
        record = db.session.get(AttendanceRecord, (hall.meeting_id, hall.members[0]))
        assert record is not None and record.status is Attendance.PRESENT
        points = db.session.scalars(select(PointsEntry.points).where(
            PointsEntry.member_id == hall.members[0])).all()
        assert points == [2]  # once, by the seeded rule 出席 +2
        logged = db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "attendance"))
        assert logged == 1
    # Scanning the same card again shows "checked in already", no button.
    text = sec.client.get(confirm_url).get_data(as_text=True)
    assert "已签到" in text
    assert 'type="submit">签到' not in text


def test_the_screen_shows_who_is_in_and_refreshes(app: Flask) -> None:
    hall = _hall(app)
    sec = AuthActions(app.test_client())
    sec.login("sec_a")
    _open(sec, hall.meeting_id)
    confirm_url = sec.client.get(path(app, "member", hall.members[1])).headers["Location"]
    sec.post(confirm_url)
    screen = sec.client.get(f"/console/meetings/{hall.meeting_id}/checkin")
    assert screen.headers["Refresh"] == "5"
    text = screen.get_data(as_text=True)
    present, waiting = text.split('id="present"')[1].split('id="waiting"')
    assert hall.names[1] in present and hall.names[0] not in present
    assert hall.names[0] in waiting and hall.names[1] not in waiting


def test_replaced_card_other_branch_and_closed_meeting_write_nothing(app: Flask) -> None:
    hall = _hall(app)
    old_card = path(app, "member", hall.members[2])
    with app.app_context():
        reissue_card(Actor("test", "test"), db.session.get(Member, hall.members[2]))
        db.session.commit()
    sec = AuthActions(app.test_client())
    sec.login("sec_a")
    _open(sec, hall.meeting_id)

    replaced = sec.client.get(sec.client.get(old_card).headers["Location"])
    assert replaced.status_code == 410
    assert "此卡已被换发，请使用新卡" in replaced.get_data(as_text=True)
    assert sec.post(sec.client.get(old_card).headers["Location"]).status_code == 410

    foreign_url = sec.client.get(path(app, "member", hall.other)).headers["Location"]
    foreign = sec.client.get(foreign_url)
    assert foreign.status_code == 409
    assert "外支部人" not in foreign.get_data(as_text=True)  # not a member sec_a may see
    assert sec.post(foreign_url).status_code == 409

    forged = sec.client.get(f"/console/meetings/{hall.meeting_id}/checkin/AAAAAAAAAAAAAAAA")
    assert forged.status_code == 404

    assert sec.post(f"/console/meetings/{hall.meeting_id}/checkin/close").status_code == 303
    # The session still names the closed meeting until the next scan tells it so.
    url = path(app, "member", hall.members[0])
    closed_url = f"/console/meetings/{hall.meeting_id}/checkin/{url.split('/')[-1]}"
    closed = sec.client.get(closed_url)
    assert closed.status_code == 409
    assert sec.post(closed_url).status_code == 409
    # ... and then the card opens its page again.
    assert sec.client.get(url).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 0
        assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 0


def test_nobody_else_can_check_in(app: Flask) -> None:
    hall = _hall(app)
    sec = AuthActions(app.test_client())
    sec.login("sec_a")
    _open(sec, hall.meeting_id)
    confirm_url = sec.client.get(path(app, "member", hall.members[0])).headers["Location"]
    other = AuthActions(app.test_client())
    other.login("sec_b")
    assert other.post(confirm_url).status_code == 404
    anonymous = app.test_client().post(confirm_url)
    assert anonymous.status_code in (302, 400)  # the login page (or the missing CSRF token)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 0


def test_changing_attendance_appends_a_correcting_entry(app: Flask) -> None:
    hall = _hall(app)
    with app.app_context():
        from profiles.models import Meeting

        meeting = db.session.get(Meeting, hall.meeting_id)
        member = db.session.get(Member, hall.members[0])
        actor = Actor("test", "test")
        set_attendance(actor, meeting, member, Attendance.PRESENT)
        set_attendance(actor, meeting, member, Attendance.ABSENT)
        set_attendance(actor, meeting, member, Attendance.EXCUSED)
        set_attendance(actor, meeting, member, Attendance.EXCUSED)  # no change, no entry
        db.session.commit()
        rows = db.session.execute(select(PointsEntry.points, PointsEntry.reason).where(
            PointsEntry.member_id == member.id).order_by(PointsEntry.id)).all()
        assert [p for p, _ in rows] == [2, -4, 2]
        assert rows[1][1].startswith("更正")
        assert sum(p for p, _ in rows) == 0


def _statements_for_one_check_in(app: Flask, code: str, size: int) -> int:
    with app.app_context():
        branch = factories.make_branch(code=code, name=f"规模{size}支部")
        people = [factories.make_member(branch) for _ in range(size)]
        meeting = factories.make_meeting(branch, MeetingKind.GENERAL, dt.date(2026, 11, 20))
        make_account(f"sec_{code.lower()}", Role.SECRETARY, code)
        db.session.commit()
        meeting_id, member_id = meeting.id, people[-1].id
    sec = AuthActions(app.test_client())
    sec.login(f"sec_{code.lower()}")
    _open(sec, meeting_id)
    card = path(app, "member", member_id)
    token = sec.csrf()
    with count_statements(app) as statements:
        confirm_url = sec.client.get(card).headers["Location"]
        assert sec.client.get(confirm_url).status_code == 200
        assert sec.client.post(confirm_url, data={"csrf_token": token}).status_code == 303
    return len(statements)


def test_check_in_statements_do_not_grow_with_the_branch(app: Flask) -> None:
    with app.app_context():  # the points rules exist already (the first use seeds them)
        from profiles.meetings.attendance_points import ATTENDED, rule_for

        rule_for(factories.committee().id, ATTENDED)
        db.session.commit()
    small = _statements_for_one_check_in(app, "SMALL", 3)
    large = _statements_for_one_check_in(app, "LARGE", 80)
    assert small == large


def test_the_camera_scanner_is_the_apps_own_script_on_a_console_page_only(app: Flask) -> None:
    hall = _hall(app)
    sec = AuthActions(app.test_client())
    sec.login("sec_a")
    _open(sec, hall.meeting_id)
    screen = sec.client.get(f"/console/meetings/{hall.meeting_id}/checkin")
    assert f"/console/meetings/{hall.meeting_id}/checkin/camera" in screen.get_data(as_text=True)
    camera = sec.client.get(f"/console/meetings/{hall.meeting_id}/checkin/camera")
    text = camera.get_data(as_text=True)
    assert camera.status_code == 200 and "Refresh" not in camera.headers
    assert '<script src="/static/console/scan.js"></script>' in text
    assert "script-src 'self'" in camera.headers["Content-Security-Policy"]
    script = sec.client.get("/static/console/scan.js")
    assert "BarcodeDetector" in script.get_data(as_text=True)
    script.close()
    card = sec.client.get(path(app, "member", hall.members[0]) + "?card=1")
    assert "<script" not in card.get_data(as_text=True)
    assert "script-src" not in card.headers["Content-Security-Policy"]
