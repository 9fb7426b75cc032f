"""What the record-keeping screens share: the actor, loading a meeting, the people who
should attend it, showing a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash
from flask_login import current_user
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from core.errors import UserError
from profiles.enums import Attendance
from profiles.meetings.attendees import Invitee, should_attend
from profiles.members import reads as members_reads
from profiles.members.history import in_branch_on
from profiles.models import AttendanceRecord, Meeting, Member, Membership


def actor() -> Actor:
    """The signed-in account, writing from the console."""
    return Actor(str(current_user.username), "console")


def meeting_by_id(value: Any) -> tuple[Meeting, int] | None:
    """The loader for ``record_access``: a meeting and the branch it belongs to."""
    try:
        meeting_id = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < meeting_id < 2**31:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    return (meeting, meeting.branch_id) if meeting is not None else None


def refuse(error: UserError) -> None:
    """Show a refusal: every problem of a rule violation on its own line."""
    problems = getattr(error, "problems", None)
    if problems:
        for p in problems:
            flash(str(p), "error")
    else:
        flash(error.message if hasattr(error, "message") else str(error), "error")


def meeting_members(meeting: Meeting) -> list[Member]:
    """The members of the meeting's branch on the meeting's date: whom its attendance
    list and 签到 are about (profiles.members.reads)."""
    return members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)


def expected_ids(meeting: Meeting, members: list[Member]) -> set[int]:
    """Who should attend ``meeting`` (profiles.attendees), as member ids, by the party
    group each was in on the meeting's date."""
    groups = dict(db.session.execute(
        select(Membership.member_id, Membership.group_id)
        .where(in_branch_on(meeting.branch_id, meeting.held_on))).all())
    invitees = [Invitee(m.id, m.name, groups[m.id], m.position, m.status, m.joined_on)
                for m in members if m.id in groups]
    return {i.id for i in should_attend(meeting.kind, meeting.group_id, meeting.held_on,
                                        invitees)}


def attendance_of(meeting: Meeting) -> dict[int, Attendance]:
    """member id → the attendance recorded at ``meeting``."""
    rows = db.session.execute(
        select(AttendanceRecord.member_id, AttendanceRecord.status)
        .where(AttendanceRecord.meeting_id == meeting.id)).all()
    return {member_id: status for member_id, status in rows}


def parse_date(text: str) -> dt.date | None:
    """An ISO date from a form (the date input sends yyyy-mm-dd), or None."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
