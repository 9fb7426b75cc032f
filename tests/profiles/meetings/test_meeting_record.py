"""The meeting's record (痕迹管理) as written by the operations: the record's fields logged,
线上参加 counted as attended, 补学 taking a 缺席 out of the absence rule (the 缺席 kept),
and evidence files within their caps and the organisation's quota, deleted by a logged
operation whose stored bytes go only once it commits."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from core.blobs import FileStore
from core.changelog import newest_id
from core.db import db
from profiles.audit.checklist import run_audit, settings_from_config
from profiles.enums import Attendance, MeetingKind
from profiles.meetings import operations as meeting_ops
from profiles.meetings.evidence import EvidenceLimits, EvidenceRefused, prepare
from profiles.models import AttendanceRecord, ChangeLog, MeetingFile, PointsEntry
from profiles.queries.branch import branch_page
from profiles.queries.member import member_page
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.operations import ACTOR, DAY, logged, refused


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL of its own
def test_the_record_is_kept_tidy_and_each_edit_logged(org: dict[str, Any]) -> None:
    with logged(1) as rows:
        meeting = meeting_ops.record_meeting(
            ACTOR, branch=org["branch"], kind=MeetingKind.GENERAL, held_on=DAY, topic="学习",
            host="  李娜 ", minutes="第一段\r\n第二行  \r\n\r\n\r\n\r\n第二段\n")
    assert meeting.host == "李娜" and meeting.minutes == "第一段\n第二行\n\n第二段"
    assert json.loads(rows[0].changes)["minutes"] == [None, "第一段\n第二行\n\n第二段"]
    with logged(1) as rows:
        meeting_ops.edit_meeting(ACTOR, meeting, recorder="王芳", resolutions="同意。",
                                 guests="区委组织部 张三")
    assert json.loads(rows[0].changes) == {"recorder": ["", "王芳"],
                                           "resolutions": ["", "同意。"],
                                           "guests": ["", "区委组织部 张三"]}
    with refused("minutes"):
        meeting_ops.edit_meeting(ACTOR, meeting, minutes="很" * 20_001)
    with refused("minutes"):
        meeting_ops.edit_meeting(ACTOR, meeting, minutes="纪要\x00")


def _absences(branch_id: int) -> list[str]:
    config = {"ABSENCE_WARN_MONTHS": 3}
    page = branch_page(branch_id, TODAY)
    assert page is not None
    return [f.params["name"] for f in run_audit(page.audit, settings_from_config(config), TODAY)
            if f.rule == "absent"]


@pytest.fixture
def away(ctx: None) -> dict[str, Any]:
    """A member (流动党员) who missed September's and October's meetings; the rule warns
    at 3 months, counted from September (Sep, Oct, Nov): over the threshold."""
    branch = factories.make_branch("ZB05", "第五党支部")
    member = factories.make_member(branch, name="赵流动", joined_on=dt.date(2010, 1, 1))
    sept = factories.make_meeting(branch, held_on=dt.date(2026, 9, 10),
                                  attendance={member: Attendance.ABSENT})
    factories.make_meeting(branch, held_on=dt.date(2026, 10, 10),
                           attendance={member: Attendance.ABSENT})
    db.session.commit()
    return {"branch": branch, "member": member, "sept": sept}


def test_both_absences_cross_the_threshold(away: dict[str, Any]) -> None:
    assert _absences(away["branch"].id) == ["赵流动"]


def test_online_attendance_counts_as_attended(away: dict[str, Any]) -> None:
    member, sept = away["member"], away["sept"]
    meeting_ops.set_attendance(ACTOR, sept, member, Attendance.ONLINE)
    db.session.commit()
    # Absent only since October: 2 months, under the threshold.
    assert _absences(away["branch"].id) == []
    credited = db.session.scalar(select(func.sum(PointsEntry.points))
                                 .where(PointsEntry.meeting_id == sept.id))
    assert credited == 2  # the 出席 rule, not the 缺席 one (-2) it replaced
    page = branch_page(away["branch"].id, TODAY)
    assert page is not None and page.rates[0].present == 1  # in the attendance rate
    mine = member_page(member.id, TODAY)
    assert mine is not None
    assert sum(k.present for k in mine.attendance[2026]) == 1


def test_a_made_up_absence_stops_counting_but_stays_a_kushi(away: dict[str, Any]) -> None:
    member, sept = away["member"], away["sept"]
    with logged(1) as rows:  # (rolled back after)
        meeting_ops.record_make_up(ACTOR, sept, member, dt.date(2026, 9, 20), "学习了会议纪要",
                                   today=TODAY)
    meeting_ops.record_make_up(ACTOR, sept, member, dt.date(2026, 9, 20), "学习了会议纪要",
                               today=TODAY)
    db.session.commit()
    assert json.loads(rows[0].changes) == {"made_up_on": [None, "2026-09-20"],
                                           "made_up_note": [None, "学习了会议纪要"]}
    record = db.session.get(AttendanceRecord, (sept.id, member.id))
    assert record is not None and record.status is Attendance.ABSENT  # never rewritten
    assert _absences(away["branch"].id) == []  # October alone: under the threshold
    lines = member_page(member.id, TODAY).latest_meetings  # type: ignore[union-attr]
    assert [(line.status, line.made_up_on) for line in lines] == [
        (Attendance.ABSENT, None), (Attendance.ABSENT, dt.date(2026, 9, 20))]
    # Withdrawn (recorded by mistake): the rule counts it again.
    meeting_ops.record_make_up(ACTOR, sept, member, None, today=TODAY)
    db.session.commit()
    assert _absences(away["branch"].id) == ["赵流动"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL of its own
def test_only_a_kushi_is_made_up_and_on_a_day_that_makes_sense(away: dict[str, Any]) -> None:
    member, sept = away["member"], away["sept"]
    with refused("made_up_on"):
        meeting_ops.record_make_up(ACTOR, sept, member, dt.date(2026, 9, 1), today=TODAY)
    with refused("made_up_on"):
        meeting_ops.record_make_up(ACTOR, sept, member, TODAY + dt.timedelta(days=1),
                                   today=TODAY)
    meeting_ops.set_attendance(ACTOR, sept, member, Attendance.EXCUSED)
    with refused("made_up_on"):
        meeting_ops.record_make_up(ACTOR, sept, member, dt.date(2026, 9, 20), today=TODAY)
    stranger = factories.make_member(away["branch"], name="钱新")
    with refused("made_up_on"):
        meeting_ops.record_make_up(ACTOR, sept, stranger, dt.date(2026, 9, 20), today=TODAY)


def test_a_changed_status_clears_its_make_up(away: dict[str, Any]) -> None:
    member, sept = away["member"], away["sept"]
    meeting_ops.record_make_up(ACTOR, sept, member, dt.date(2026, 9, 20), today=TODAY)
    meeting_ops.set_attendance(ACTOR, sept, member, Attendance.PRESENT)
    db.session.commit()
    record = db.session.get(AttendanceRecord, (sept.id, member.id))
    assert record is not None and record.made_up_on is None and record.made_up_note is None


def _photo() -> bytes:
    body = io.BytesIO()
    Image.new("RGB", (300, 200), (120, 10, 10)).save(body, "JPEG")
    return body.getvalue()


@pytest.fixture
def store(app: Flask, tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "evidence")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL of its own
def test_files_within_the_count_cap_and_the_quota(org: dict[str, Any], store: FileStore) -> None:
    meeting = factories.make_meeting(org["branch"])
    other = factories.make_meeting(org["other"], held_on=dt.date(2026, 6, 1))
    photo = _photo()
    limits = EvidenceLimits(max_files_per_meeting=2)
    prepared = prepare("a.jpg", photo, limits)
    for name in ("a.jpg", "b.jpg"):
        meeting_ops.attach_file(ACTOR, meeting, name, prepared, store, limits)
    with pytest.raises(EvidenceRefused, match="已达上限"):
        meeting_ops.attach_file(ACTOR, meeting, "c.jpg", prepared, store, limits)
    size = len(prepared.data)
    # The quota is the organisation's: another branch's meeting shares it.
    quota = EvidenceLimits(quota_bytes=3 * size)
    meeting_ops.attach_file(ACTOR, other, "d.jpg", prepared, store, quota)
    with pytest.raises(EvidenceRefused, match="存储空间已满"):
        meeting_ops.attach_file(ACTOR, other, "e.jpg", prepared, store, quota)
    db.session.commit()
    assert db.session.scalar(select(func.count(MeetingFile.id))) == 3
    assert meeting_ops.committee_usage(org["branch"].committee_id) == 3 * size


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL of its own
def test_deleting_a_file_is_logged_and_its_bytes_go_on_commit(org: dict[str, Any],
                                                               store: FileStore) -> None:
    meeting = factories.make_meeting(org["branch"])
    limits = EvidenceLimits()
    row = meeting_ops.attach_file(ACTOR, meeting, "合影.jpg", prepare("合影.jpg", _photo(),
                                                                     limits), store, limits)
    db.session.commit()
    keys = sorted(store.keys())
    assert len(keys) == 2  # the photo and its thumbnail
    before = newest_id()
    meeting_ops.delete_file(ACTOR, meeting, row, store)
    log = db.session.scalars(select(ChangeLog).where(ChangeLog.id > before)).all()
    assert [(r.action, r.table_name, r.actor) for r in log] == [
        ("delete", "meeting_file", "secretary1")]
    assert log[0].record_key.endswith("合影.jpg")
    db.session.rollback()
    assert sorted(store.keys()) == keys  # rolled back: the file is still there
    row = db.session.get(MeetingFile, row.id)
    assert row is not None
    meeting_ops.delete_file(ACTOR, meeting, row, store)
    db.session.commit()
    assert list(store.keys()) == []


def test_a_meeting_without_minutes_warns_after_the_days_given() -> None:
    from profiles.audit.checklist import HeldMeeting, minutes_missing

    held = [HeldMeeting(MeetingKind.GENERAL, TODAY - dt.timedelta(days=8), None, 1, False),
            HeldMeeting(MeetingKind.LECTURE, TODAY - dt.timedelta(days=7), None, 2, False),
            HeldMeeting(MeetingKind.THEME_DAY, TODAY - dt.timedelta(days=30), None, 3, True)]
    found = minutes_missing(held, TODAY, 7, TODAY - dt.timedelta(days=365))
    assert [(f.params["meeting_id"], f.severity) for f in found] == [(1, "warning")]
    assert minutes_missing(held, TODAY, 10, TODAY - dt.timedelta(days=365)) == []
