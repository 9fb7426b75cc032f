"""The console's evidence screens as a client sends them: upload (multipart, CSRF), the
photo served without its location, refusals that say what to do, a double tap on delete,
the record's fields edited, a 补学 recorded; and the branch page reached by a code, which
notes only that minutes and photos exist (or nothing, when the organisation hides it)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from core.db import db
from profiles.enums import Attendance
from profiles.models import AttendanceRecord, Branch, ChangeLog, Meeting, MeetingFile, Member
from tests.helpers.console import PASSWORD, AuthActions, World
from tests.helpers.pages import path

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}
    body = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 40, 40)).save(body, "JPEG", exif=exif)
    return body.getvalue()


def _upload(auth: AuthActions, meeting_id: int, **files: tuple[bytes, str]) -> Any:
    data: dict[str, Any] = {"csrf_token": auth.csrf()}
    for field, (body, name) in files.items():
        data[field.rstrip("0123456789")] = data.get(field.rstrip("0123456789"), []) + [
            (io.BytesIO(body), name)]
    return auth.client.post(f"/console/meetings/{meeting_id}/files", data=data,
                            content_type="multipart/form-data", follow_redirects=True)


def test_upload_view_and_delete_as_the_branch_secretary(app: Flask, world: World,
                                                        auth: AuthActions) -> None:
    auth.login("sec_a", PASSWORD)
    meeting_id = world.a.meeting_id
    page = _upload(auth, meeting_id, photos=(_jpeg(), "合影.jpg"),
                   documents=(b"%PDF-1.4\n%%EOF\n", "签到表.pdf"),
                   documents2=(_jpeg(), "纪要.docx"))  # a photo called .docx
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "纪要.docx" in html and "内容与文件名不符" in html  # refused, saying what to do
    assert html.count("/thumb") == 1 and "签到表.pdf" in html
    with app.app_context():
        rows = db.session.scalars(select(MeetingFile).order_by(MeetingFile.id)).all()
        photo, document = rows[-2], rows[-1]
    shown = auth.client.get(f"/console/meetings/{meeting_id}/files/{photo.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(shown.data)).getexif()  # no location
    got = auth.client.get(f"/console/meetings/{meeting_id}/files/{document.id}")
    assert got.data == b"%PDF-1.4\n%%EOF\n" and "attachment" in got.headers["Content-Disposition"]
    # another meeting's URL does not open the file
    with app.app_context():
        other = db.session.scalar(select(Meeting.id).where(Meeting.id != meeting_id))
    assert auth.client.get(f"/console/meetings/{other}/files/{photo.id}").status_code == 404
    # delete, twice (a double tap): the second says it is gone
    for expected in ("已删除", "该文件已被删除"):
        answer = auth.client.post(f"/console/meetings/{meeting_id}/files/delete",
                                  data={"file": str(photo.id), "csrf_token": auth.csrf()},
                                  follow_redirects=True)
        assert expected in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MeetingFile, photo.id) is None
        log = db.session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "meeting_file", ChangeLog.action == "delete")).all()
        assert [r.actor for r in log] == ["sec_a"]
    # without the CSRF token nothing is kept
    before = _count(app)
    auth.client.post(f"/console/meetings/{meeting_id}/files",
                     data={"photos": (io.BytesIO(_jpeg()), "x.jpg")},
                     content_type="multipart/form-data")
    assert _count(app) == before


def _count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(MeetingFile.id)).all())


def test_a_supervisor_sees_but_cannot_upload(app: Flask, world: World,
                                             auth: AuthActions) -> None:
    auth.login("super", PASSWORD)
    page = auth.client.get(f"/console/meetings/{world.a.meeting_id}")
    assert page.status_code == 200 and 'name="photos"' not in page.get_data(as_text=True)
    answer = _upload(auth, world.a.meeting_id, photos=(_jpeg(), "a.jpg"))
    assert answer.status_code == 403 and _count(app) == 0


def test_the_record_and_a_make_up_from_the_meeting_screen(app: Flask, world: World,
                                                          auth: AuthActions) -> None:
    auth.login("sec_a", PASSWORD)
    meeting_id = world.a.meeting_id
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None
        form = {"kind": meeting.kind.value, "held_on": meeting.held_on.isoformat(),
                "topic": "学习", "place": ""}
        member = db.session.scalar(select(Member).where(
            Member.number == world.a.member_numbers[0]))
        assert member is not None
        member_id = member.id
    answer = auth.post(f"/console/meetings/{meeting_id}", **form, host="甲成员一",
                       minutes="第一段\r\n\r\n第二段", resolutions="同意")
    assert answer.status_code == 303
    page = auth.client.get(f"/console/meetings/{meeting_id}").get_data(as_text=True)
    assert "第一段" in page and "第二段" in page and "甲成员一" in page
    auth.post(f"/console/meetings/{meeting_id}/attendance", **{f"status-{member_id}": "absent"})
    with app.app_context():
        held_on = db.session.get(Meeting, meeting_id).held_on  # type: ignore[union-attr]
    answer = auth.client.post(f"/console/meetings/{meeting_id}/make-up", data={
        "member": str(member_id), "made_up_on": held_on.isoformat(), "note": "自学纪要",
        "csrf_token": auth.csrf()}, follow_redirects=True)
    assert "已补学" in answer.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(AttendanceRecord, (meeting_id, member_id))
        assert row is not None and row.status is Attendance.ABSENT and row.made_up_on == held_on
    pdf = auth.client.get(f"/console/meetings/{meeting_id}/record.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_branch_page_notes_records_and_hides_them_by_config(app: Flask, world: World,
                                                                auth: AuthActions) -> None:
    auth.login("sec_a", PASSWORD)
    _upload(auth, world.a.meeting_id, photos=(_jpeg(), "合影.jpg"))
    with app.app_context():
        branch_id = db.session.scalar(select(Branch.id).where(Branch.code == world.a.code))
    page = app.test_client().get(path(app, "branch", branch_id)).get_data(as_text=True)
    assert "1 张照片" in page and "无纪要" in page
    assert "/files/" not in page and "合影" not in page  # never the photo, nor its name
    app.config["HIDDEN_SECTIONS"] = ["evidence"]
    page = app.test_client().get(path(app, "branch", branch_id)).get_data(as_text=True)
    assert "张照片" not in page
    assert "<h2>会议记录</h2>" not in page and "无纪要" not in page


def test_a_meeting_without_minutes_is_a_warning_linking_to_its_screen(app: Flask) -> None:
    import datetime as dt

    from console.links import finding_url
    from profiles.audit.checklist import Finding
    from profiles.enums import MeetingKind

    finding = Finding("minutes_missing", "warning", {
        "kind": MeetingKind.GENERAL, "held_on": dt.date(2026, 11, 1), "meeting_id": 42,
        "days": 20})
    with app.test_request_context("/console/"):
        assert finding_url("ZB01", finding, {}, 202611) == "/console/meetings/42"


def test_a_body_over_the_app_cap_is_refused_unread_with_or_without_a_length(
        app: Flask, world: World, auth: AuthActions) -> None:
    from console.evidence import largest_upload

    # The default cap is the largest form the console takes: 12 files of 20 MB and 1 MB.
    assert app.config["MAX_CONTENT_LENGTH"] == largest_upload(app.config) == 241 * 2**20
    auth.login("sec_a", PASSWORD)
    meeting_id = world.a.meeting_id
    before = _count(app)
    # A deployment's smaller cap; the bodies stay under the 500 kB the test client would
    # spool to a temporary file.
    app.config["MAX_CONTENT_LENGTH"] = 300 * 1024
    try:
        big = _jpeg() + b"\0" * (300 * 1024)
        answer = _upload(auth, meeting_id, photos=(big, "大.jpg"))
        assert answer.status_code == 413
        assert "超过 0.3 MB，未被接收" in answer.get_data(as_text=True)
        # A body sent with no Content-Length (chunked) is cut off at the cap as it streams.
        # (A form, not multipart: werkzeug spools a multipart body of unknown length to a
        # temporary file, which the cut leaves to the garbage collector.)
        chunked = auth.client.post(
            f"/console/meetings/{meeting_id}/files",
            input_stream=io.BytesIO(b"file=" + b"1" * (300 * 1024)),
            content_type="application/x-www-form-urlencoded",
            environ_overrides={"wsgi.input_terminated": True})
        assert chunked.status_code == 413
        # Under the cap the same form is taken as before.
        assert _upload(auth, meeting_id, photos=(_jpeg(), "小.jpg")).status_code == 200
    finally:
        app.config["MAX_CONTENT_LENGTH"] = largest_upload(app.config)
    assert _count(app) == before + 1  # only the small photo was kept
