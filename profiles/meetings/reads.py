"""Reads of meetings: one meeting, a branch's list, a meeting's attendance and who should
attend it.

The console's meeting, attendance and 签到 screens read here, each in one statement
whatever the branch's size (``test_check_in_statements_do_not_grow_with_the_branch``).
Who should attend is :mod:`profiles.meetings.attendees`' rule, applied to the party group
each member was in on the meeting's date (the membership history), not today's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from core.db import MAX_ID, db
from profiles.enums import Attendance
from profiles.meetings.attendees import Invitee, should_attend
from profiles.meetings.models import AttendanceRecord, Meeting
from profiles.members.history import groups_on
from profiles.members.models import Member


def meeting_by_id(meeting_id: int) -> Meeting | None:
    """The meeting with this id (None: there is none). Access is the caller's."""
    if not 0 < meeting_id <= MAX_ID:
        return None
    return db.session.get(Meeting, meeting_id)


def branch_meetings(branch_id: int, since: dt.date) -> list[Meeting]:
    """The branch's meetings held on or after ``since``, newest first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.branch_id == branch_id, Meeting.held_on >= since)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def attendance_of(meeting: Meeting) -> dict[int, Attendance]:
    """member id → the attendance recorded at ``meeting``."""
    rows = db.session.execute(
        select(AttendanceRecord.member_id, AttendanceRecord.status)
        .where(AttendanceRecord.meeting_id == meeting.id)).all()
    return {member_id: status for member_id, status in rows}


def expected_ids(meeting: Meeting, members: Iterable[Member]) -> set[int]:
    """Who of ``members`` should attend ``meeting`` (profiles.meetings.attendees), as member
    ids, by the party group each was in on the meeting's date; one statement."""
    groups = groups_on(meeting.branch_id, meeting.held_on)
    invitees = [Invitee(m.id, m.name, groups[m.id], m.position, m.status, m.joined_on)
                for m in members if m.id in groups]
    return {i.id for i in should_attend(meeting.kind, meeting.group_id, meeting.held_on,
                                        invitees)}
