"""签到: checking a member in at a meeting, the one operation every way in calls."""

from __future__ import annotations

from core.changelog import Actor
from core.db import db
from profiles.enums import Attendance
from profiles.meetings.operations import set_attendance
from profiles.models import (
    AttendanceRecord,
    Meeting,
    Member,
)


def check_in(actor: Actor, meeting: Meeting, member: Member) -> bool:
    """Mark a member present (card scanned at the meeting); True if newly present.

    Scanning twice changes nothing and logs nothing.
    """
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    if record is not None and record.status is Attendance.PRESENT:
        return False
    set_attendance(actor, meeting, member, Attendance.PRESENT)
    return True
