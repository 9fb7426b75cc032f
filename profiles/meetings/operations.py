"""Writes to meetings and attendance: record and edit a meeting, set a member's
attendance, open and close 签到."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.changelog import Actor, log_change
from core.db import db
from core.problems import Problem, problem
from profiles.enums import Attendance, MeetingKind
from profiles.labels import label
from profiles.meetings.attendance_points import settle
from profiles.meetings.rules import attendee_problems, meeting_problems
from profiles.members.history import membership_on
from profiles.models import (
    AttendanceRecord,
    Branch,
    Meeting,
    Member,
    PartyGroup,
)
from profiles.text_rules import length_problems, text_problems
from profiles.writes import apply_values, changed_values, check, lifespan_of

MEETING_FIELDS = frozenset({"kind", "held_on", "topic", "group", "place"})


# -- meetings and attendance ------------------------------------------------------------

def meeting_key(branch_code: str, kind: MeetingKind, held_on: dt.date, group: str = "") -> str:
    """How the log names a meeting: "ZB01 2026-05-10 支部党员大会" (+ the group)."""
    return " ".join(filter(None, (branch_code, held_on.isoformat(), label(kind), group)))


def meeting_key_of(meeting: Meeting) -> str:
    group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    return meeting_key(meeting.branch.code, meeting.kind, meeting.held_on,
                       group.name if group else "")


def _group_of(group: PartyGroup | None, branch: Branch) -> list[Problem]:
    if group is not None and group.branch_id != branch.id:
        return [problem("group", "That party group belongs to another branch.")]
    return []


def record_meeting(actor: Actor, *, branch: Branch, kind: MeetingKind, held_on: dt.date,
                   topic: str = "", group: PartyGroup | None = None,
                   place: str = "") -> Meeting:
    """Record a meeting a branch (or, for a 党小组会, one of its groups) held."""
    check(meeting_problems(kind, has_group=group is not None, held_on=held_on,
                           branch=lifespan_of(branch), topic=topic)
          + _group_of(group, branch) + length_problems("place", place, 200)
          + text_problems({"topic": topic, "place": place}))
    meeting = Meeting(branch_id=branch.id, kind=kind, held_on=held_on, topic=topic,
                      group_id=group.id if group else None, place=place)
    meeting.branch = branch
    db.session.add(meeting)
    db.session.flush()
    fields: dict[str, tuple[Any, Any]] = {"topic": (None, topic)}
    if place:
        fields["place"] = (None, place)
    log_change(actor, "insert", "meeting",
               meeting_key(branch.code, kind, held_on, group.name if group else ""), fields)
    return meeting


def edit_meeting(actor: Actor, meeting: Meeting, **fields: Any) -> Meeting:
    """Change a meeting's kind, date, topic, place or group (``group=None`` clears it)."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"edit_meeting cannot change {', '.join(sorted(unknown))}")
    branch = meeting.branch
    old_group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    group: PartyGroup | None = fields.pop("group", old_group)
    values = {"kind": meeting.kind, "held_on": meeting.held_on, "topic": meeting.topic,
              "place": meeting.place, **fields}
    check(meeting_problems(values["kind"], has_group=group is not None,
                           held_on=values["held_on"], branch=lifespan_of(branch),
                           topic=values["topic"])
          + _group_of(group, branch) + length_problems("place", values["place"], 200)
          + text_problems({"topic": values["topic"], "place": values["place"]}))
    key = meeting_key_of(meeting)
    changed = changed_values(meeting, values)
    if (group.id if group else None) != meeting.group_id:
        changed["group_id"] = (meeting.group_id, group.id if group else None)
    if not changed:
        return meeting
    apply_values(meeting, changed)
    db.session.flush()
    logged = {k: v for k, v in changed.items() if k != "group_id"}
    if "group_id" in changed:
        logged["group"] = (old_group.name if old_group else None, group.name if group else None)
    log_change(actor, "update", "meeting", key, logged)
    return meeting


def set_attendance(actor: Actor, meeting: Meeting, member: Member,
                   status: Attendance) -> AttendanceRecord:
    """Record whether a member was present, excused or absent at a meeting."""
    # The branch the member was in on the meeting's date: a meeting held days before a
    # transfer is the old branch's, and the new one cannot claim it.
    span = membership_on(member.id, meeting.held_on)
    check(attendee_problems(member_name=member.name,
                            member_branch_id=span.branch_id if span else None,
                            meeting_branch_id=meeting.branch_id))
    return record_attendance(actor, meeting, member, status)


def record_attendance(actor: Actor, meeting: Meeting, member: Member,
                      status: Attendance) -> AttendanceRecord:
    """The write of :func:`set_attendance`, for a caller that has checked already that the
    member was in the meeting's branch on its date (``perform_checkin`` does, with the
    rest of 签到's rules): the branch is not read twice. Logs and settles the points."""
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    key = f"{member.number} {meeting_key_of(meeting)}"
    if record is None:
        record = AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=status)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "attendance", key, {"attendance": (None, status)})
        settle(actor, meeting, member, status)
    elif record.status != status:
        old = record.status
        record.status = status
        db.session.flush()
        log_change(actor, "update", "attendance", key, {"attendance": (old, status)})
        settle(actor, meeting, member, status)
    return record


# -- check-in (签到) ----------------------------------------------------------------------

def set_checkin(actor: Actor, meeting: Meeting, *, open_: bool) -> Meeting:
    """Open or close 签到 for a meeting: while open, scanning a card checks its member in."""
    if meeting.checkin_open == open_:
        return meeting
    meeting.checkin_open = open_
    db.session.flush()
    log_change(actor, "update", "meeting", meeting_key_of(meeting),
               {"checkin_open": (not open_, open_)})
    return meeting
