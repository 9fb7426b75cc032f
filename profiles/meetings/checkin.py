"""签到: checking a member in at a meeting, the one operation every way in calls.

As pretix's ``perform_checkin``: the card URL, the console's camera page and any later way
in resolve what was scanned to a :class:`Scan` and call :func:`perform_checkin`, which
owns every eligibility rule and refuses with one error type, :class:`CheckinRefused`,
whose ``reason`` says why:

- the card is unknown (forged, garbled, no such record) or replaced (an older generation);
- 签到 is not open for the meeting;
- the member was not in the meeting's branch **on the meeting's date** (the membership
  history: a meeting held days before a transfer is the old branch's);
- the member has transferred out of the organisation.

A member checked in already is no refusal: a second scan or a double tap records nothing
and logs nothing (``perform_checkin`` returns False).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.changelog import Actor
from core.db import db
from core.problems import problem
from profiles.enums import Attendance, MemberStatus
from profiles.meetings.models import AttendanceRecord, Meeting
from profiles.meetings.operations import record_attendance
from profiles.members.history import membership_on
from profiles.members.models import Member
from profiles.writes import RuleViolation


class Refusal(enum.StrEnum):
    """Why a scan does not check a member in (the console's screens are named so)."""

    UNKNOWN_CARD = "unknown"
    REPLACED_CARD = "replaced"
    CLOSED = "closed"
    OTHER_BRANCH = "other_branch"
    TRANSFERRED = "transferred"


# The field each refusal concerns and what to do about it (English msgids).
_MESSAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.UNKNOWN_CARD: ("card", "This card is not known."),
    Refusal.REPLACED_CARD: ("card", "This card has been replaced by a new one; use the new "
                            "card."),
    Refusal.CLOSED: ("checkin", "签到 is not open for this meeting."),
    Refusal.OTHER_BRANCH: ("name", "%(value)s is a member of another branch."),
    Refusal.TRANSFERRED: ("status", "%(name)s has transferred out of the organisation."),
}


class CheckinRefused(RuleViolation):
    """A scan that checks nobody in; ``reason`` says why, ``member`` whom it named (None
    for an unknown or replaced card). Nothing was written."""

    def __init__(self, reason: Refusal, member: Member | None = None) -> None:
        field, message = _MESSAGES[reason]
        name = member.name if member is not None else ""
        super().__init__([problem(field, message, value=name, name=name)])
        self.reason = reason
        self.member = member


@dataclass(frozen=True)
class Scan:
    """What a scanned card named: its member, or why none (an unknown or replaced card)."""

    member: Member | None
    card_refusal: Refusal | None = None

    def __post_init__(self) -> None:
        if (self.member is None) == (self.card_refusal is None):
            raise ValueError("a scan names a member or says why not, not both")


def check_eligible(meeting: Meeting, scan: Scan) -> Member:
    """The member the scan checks in, or :class:`CheckinRefused` with the reason."""
    if scan.member is None:
        raise CheckinRefused(scan.card_refusal or Refusal.UNKNOWN_CARD)
    member = scan.member
    if not meeting.checkin_open:
        raise CheckinRefused(Refusal.CLOSED, member)
    left = member.status is MemberStatus.TRANSFERRED_OUT
    span = membership_on(member.id, meeting.held_on)
    if span is None or span.branch_id != meeting.branch_id:
        # One who left this branch's organisation is told so, whatever the meeting's date
        # (asking "their branch" to record it would be the wrong advice).
        raise CheckinRefused(Refusal.TRANSFERRED if left and member.branch_id ==
                             meeting.branch_id else Refusal.OTHER_BRANCH, member)
    if left:
        raise CheckinRefused(Refusal.TRANSFERRED, member)
    return member


def is_checked_in(meeting: Meeting, member: Member) -> bool:
    """Whether the member is recorded present at the meeting."""
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    return record is not None and record.status is Attendance.PRESENT


def perform_checkin(actor: Actor, meeting: Meeting, scan: Scan) -> bool:
    """Check the scanned member in: True if newly present, False if present already.

    Refuses with :class:`CheckinRefused` (nothing written). Flushes, never commits.
    """
    member = check_eligible(meeting, scan)
    if is_checked_in(meeting, member):
        return False
    record_attendance(actor, meeting, member, Attendance.PRESENT)  # the branch is checked
    return True
