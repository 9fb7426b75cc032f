"""Operations on meetings and attendance: each write validates, logs one change-log row
per changed record, flushes and leaves the commit to the caller."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select

from core.changelog import newest_id
from core.db import db
from profiles.enums import Attendance, MeetingKind
from profiles.meetings import checkin
from profiles.meetings import operations as meeting_ops
from profiles.models import (
    AttendanceRecord,
    Meeting,
)
from tests.helpers import factories
from tests.helpers.operations import ACTOR, DAY, logged, refused


def test_record_meeting_and_attendance_land_in_one_transaction(org: dict[str, Any]) -> None:
    li, wang = org["members"]
    with logged(5) as rows:
        meeting = meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GENERAL,
                                             held_on=DAY, topic="学习党章", place="三楼会议室")
        meeting_ops.set_attendance(ACTOR, meeting, li, Attendance.PRESENT)
        meeting_ops.set_attendance(ACTOR, meeting, wang, Attendance.EXCUSED)
        assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 2
    # 出席 credits the organisation's rule (seeded on first use) in the same transaction.
    assert [r.table_name for r in rows] == ["meeting", "attendance", "points_rule",
                                            "points_entry", "attendance"]
    assert rows[0].record_key == "ZB01 2026-05-10 支部党员大会"
    assert json.loads(rows[0].changes)["place"] == [None, "三楼会议室"]
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0  # rolled back


def test_record_meeting_refuses_a_group_outside_a_group_meeting(org: dict[str, Any]) -> None:
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GROUP, held_on=DAY)
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.LECTURE,
                                   held_on=DAY, group=org["groups"][0])
    foreign = org["other"].groups[0]
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GROUP, held_on=DAY,
                                   group=foreign)


def test_record_meeting_refuses_a_date_before_the_branch_was_founded(org: dict[str, Any],
                                                                     ) -> None:
    org["branch"].founded_on = dt.date(2020, 1, 1)
    db.session.commit()
    with refused("held_on"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GENERAL,
                                   held_on=dt.date(2019, 12, 31))


def test_edit_meeting_logs_the_changed_fields_only(org: dict[str, Any]) -> None:
    meeting = factories.make_meeting(org["branch"], MeetingKind.LECTURE, DAY, topic="旧")
    db.session.commit()
    with logged() as rows:
        meeting_ops.edit_meeting(ACTOR, meeting, topic="新", held_on=DAY)
    assert json.loads(rows[0].changes) == {"topic": ["旧", "新"]}
    with logged() as rows:
        meeting_ops.edit_meeting(ACTOR, meeting, kind=MeetingKind.GROUP, group=org["groups"][1])
    assert json.loads(rows[0].changes)["group"] == [None, org["groups"][1].name]
    before = newest_id()
    meeting_ops.edit_meeting(ACTOR, meeting, topic="旧")  # no change: nothing logged
    assert newest_id() == before
    with refused("group"):
        meeting_ops.edit_meeting(ACTOR, meeting, kind=MeetingKind.GROUP)


def test_set_attendance_updates_and_refuses_a_member_of_another_branch(org: dict[str, Any],
                                                                       ) -> None:
    li = org["members"][0]
    meeting = factories.make_meeting(org["branch"], attendance={li: Attendance.ABSENT})
    db.session.commit()
    with logged() as rows:
        record = meeting_ops.set_attendance(ACTOR, meeting, li, Attendance.EXCUSED)
        assert record.status is Attendance.EXCUSED
    assert rows[0].action == "update"
    assert json.loads(rows[0].changes) == {"attendance": ["absent", "excused"]}
    with refused("name"):
        meeting_ops.set_attendance(ACTOR, meeting, org["stranger"], Attendance.PRESENT)


def test_check_in_is_idempotent(org: dict[str, Any]) -> None:
    li = org["members"][0]
    meeting = factories.make_meeting(org["branch"], checkin_open=True)
    db.session.commit()
    with logged(3) as rows:  # the attendance, and its points (the rule seeded on first use)
        assert checkin.perform_checkin(ACTOR, meeting, checkin.Scan(li)) is True
        # second scan: nothing logged
        assert checkin.perform_checkin(ACTOR, meeting, checkin.Scan(li)) is False
    assert [r.table_name for r in rows] == ["attendance", "points_rule", "points_entry"]
    with refused("name"):
        checkin.perform_checkin(ACTOR, meeting, checkin.Scan(org["stranger"]))
