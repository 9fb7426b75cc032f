"""签到: checking a member in at a meeting, the one operation every way in calls.

As pretix's ``perform_checkin``: the card URL, the console's camera page and any later way
in resolve what was scanned to a :class:`Scan` and call :func:`perform_checkin`, which
owns every eligibility rule and refuses with one error type, :class:`CheckinRefused`,
whose ``reason`` says why:

- the card is unknown (forged, garbled, no such record) or replaced (an older generation;
  the scan still names whose card it was, for a secretary who manages them);
- 签到 has not started yet, or is closed;
- the member had not joined the party on the meeting's date;
- the member was not in the meeting's branch **on the meeting's date** (the membership
  history: a meeting held days before a transfer is the old branch's);
- at a 党小组会, the member was in another party group of the branch that day;
- the member has transferred out of the organisation.

A member checked in already is no refusal: a second scan, a double tap, two phones or two
secretaries at once record one attendance and one points entry between them, and the
others are told "已签到" (``perform_checkin`` returns False; the write,
``operations.mark_present``, is an INSERT … ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.changelog import Actor
from core.db import db
from core.problems import problem
from profiles.enums import ATTENDED, ENDED
from profiles.meetings.models import AttendanceRecord, Meeting
from profiles.meetings.operations import mark_present
from profiles.members.history import membership_on
from profiles.members.models import Member
from profiles.writes import RuleViolation


class Refusal(enum.StrEnum):
    """Why a scan does not check a member in (the console's screens are named so)."""

    UNKNOWN_CARD = "unknown"
    REPLACED_CARD = "replaced"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    NOT_YET_MEMBER = "not_yet_member"
    OTHER_BRANCH = "other_branch"
    OTHER_GROUP = "other_group"
    TRANSFERRED = "transferred"


# The field each refusal concerns and what to do about it (English msgids). None names
# the member: the console adds the name where the reader may see it.
_MESSAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.UNKNOWN_CARD: ("card", "This card is not known."),
    Refusal.REPLACED_CARD: ("card", "This card has been replaced by a new one; use the new "
                            "card."),
    Refusal.NOT_OPEN: ("checkin", "签到 has not started for this meeting; open 签到 first."),
    Refusal.CLOSED: ("checkin", "签到 is not open for this meeting."),
    Refusal.NOT_YET_MEMBER: ("joined_on", "This member had not joined the party on the "
                             "meeting's date; check the meeting's date."),
    Refusal.OTHER_BRANCH: ("name", "This member is not in the branch that holds the "
                           "meeting; their own branch records their attendance."),
    Refusal.OTHER_GROUP: ("group", "This member is in another party group; a 党小组会 "
                          "records its own group's members only."),
    Refusal.TRANSFERRED: ("status", "This member has transferred out of the "
                          "organisation."),
}


class CheckinRefused(RuleViolation):
    """A scan that checks nobody in; ``reason`` says why, ``member`` whom it named (None
    for an unknown or replaced card). Nothing was written."""

    def __init__(self, reason: Refusal, member: Member | None = None) -> None:
        field, message = _MESSAGES[reason]
        super().__init__([problem(field, message)])
        self.reason = reason
        self.member = member


@dataclass(frozen=True)
class Scan:
    """What a scanned card named: its member, or why none (an unknown or replaced card).
    ``replaced``: whose replaced card it was (shown only to who manages them)."""

    member: Member | None
    card_refusal: Refusal | None = None
    replaced: Member | None = None

    def __post_init__(self) -> None:
        if (self.member is None) == (self.card_refusal is None):
            raise ValueError("a scan names a member or says why not, not both")


def state_refusal(meeting: Meeting) -> Refusal | None:
    """Whether 签到 takes scans now: None while open, else not started or closed."""
    if meeting.checkin_open:
        return None
    return Refusal.NOT_OPEN if meeting.checkin_opened_at is None else Refusal.CLOSED


def check_eligible(meeting: Meeting, scan: Scan) -> Member:
    """The member the scan checks in, or :class:`CheckinRefused` with the reason."""
    if scan.member is None:
        raise CheckinRefused(scan.card_refusal or Refusal.UNKNOWN_CARD, scan.replaced)
    member = scan.member
    closed = state_refusal(meeting)
    if closed is not None:
        raise CheckinRefused(closed, member)
    left = member.status in ENDED
    span = membership_on(member.id, meeting.held_on)
    if span is None or span.branch_id != meeting.branch_id:
        # One who left this branch's organisation is told so, whatever the meeting's date
        # (asking "their branch" to record it would be the wrong advice).
        if left and member.branch_id == meeting.branch_id:
            raise CheckinRefused(Refusal.TRANSFERRED, member)
        if member.branch_id == meeting.branch_id and member.joined_on > meeting.held_on:
            raise CheckinRefused(Refusal.NOT_YET_MEMBER, member)
        raise CheckinRefused(Refusal.OTHER_BRANCH, member)
    if left:
        raise CheckinRefused(Refusal.TRANSFERRED, member)
    if member.joined_on > meeting.held_on:
        raise CheckinRefused(Refusal.NOT_YET_MEMBER, member)
    if meeting.group_id is not None and span.group_id != meeting.group_id:
        raise CheckinRefused(Refusal.OTHER_GROUP, member)
    return member


def is_checked_in(meeting: Meeting, member: Member) -> bool:
    """Whether the member is recorded present at the meeting."""
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    return record is not None and record.status in ATTENDED  # 出席, or 线上参加


def perform_checkin(actor: Actor, meeting: Meeting, scan: Scan) -> bool:
    """Check the scanned member in: True if newly present, False if present already
    (also when another request recorded it a moment ago: never an error).

    Refuses with :class:`CheckinRefused` (nothing written). Flushes, never commits.
    """
    member = check_eligible(meeting, scan)
    return mark_present(actor, meeting, member)  # the branch is checked
