"""The one 签到 operation: every eligibility rule, each refusal with its reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from core.changelog import Actor
from core.db import db
from profiles.enums import Attendance, MeetingKind
from profiles.meetings.checkin import CheckinRefused, Refusal, Scan, perform_checkin
from profiles.meetings.operations import check_out, set_attendance, undo_checkin
from profiles.members.operations import move_membership
from profiles.models import AttendanceRecord, Branch, Meeting, Member, PartyGroup, PointsEntry
from tests.helpers import factories

ACTOR = Actor("secretary", "test")
MOVED_ON = dt.date(2026, 9, 16)


def _refusal(meeting: Meeting, scan: Scan) -> Refusal:
    """Why the scan is refused; it writes nothing."""
    before = _attendance_rows()
    with pytest.raises(CheckinRefused) as info:
        perform_checkin(ACTOR, meeting, scan)
    assert _attendance_rows() == before and str(info.value)
    return info.value.reason


def _attendance_rows() -> int:
    return int(db.session.scalar(select(func.count()).select_from(AttendanceRecord)) or 0)


def test_each_refusal_names_its_reason(make_branch: Callable[..., Branch],
                                       make_member: Callable[..., Member]) -> None:
    branch = make_branch(code="QD01")
    member = make_member(branch, name="签到人")
    gone = make_member(branch, name="已转出")
    left_before = make_member(branch, name="早已转出")
    open_meeting = factories.make_meeting(branch, held_on=dt.date(2026, 11, 20),
                                          checkin_open=True)
    not_started = factories.make_meeting(branch, held_on=dt.date(2026, 11, 19))
    closed = factories.make_meeting(branch, held_on=dt.date(2026, 11, 18),
                                    checkin_opened_at=dt.datetime(2026, 11, 18, 9,
                                                                  tzinfo=dt.UTC))
    newcomer = make_member(branch, name="新党员", joined_on=dt.date(2026, 11, 25),
                           converted_on=None)
    move_membership(ACTOR, gone, branch=None, group=None, on=dt.date(2026, 11, 21))
    move_membership(ACTOR, left_before, branch=None, group=None, on=dt.date(2026, 10, 1))
    db.session.commit()
    assert _refusal(open_meeting, Scan(None, Refusal.UNKNOWN_CARD)) is Refusal.UNKNOWN_CARD
    assert _refusal(open_meeting, Scan(None, Refusal.REPLACED_CARD)) is Refusal.REPLACED_CARD
    assert _refusal(not_started, Scan(member)) is Refusal.NOT_OPEN
    assert _refusal(closed, Scan(member)) is Refusal.CLOSED
    # Joined after the meeting: refused with the reason (it was an uncaught 500).
    assert _refusal(open_meeting, Scan(newcomer)) is Refusal.NOT_YET_MEMBER
    assert _refusal(open_meeting, Scan(gone)) is Refusal.TRANSFERRED
    # Left before the meeting: still "transferred out", not "ask their branch".
    assert _refusal(open_meeting, Scan(left_before)) is Refusal.TRANSFERRED
    with pytest.raises(ValueError):
        Scan(None)  # a scan names a member or says why not


def test_the_branch_is_the_members_on_the_meetings_date(
        make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> None:
    old, new = make_branch(code="QD02"), make_branch(code="QD03")
    mover = make_member(old, name="调动")
    before = factories.make_meeting(old, held_on=MOVED_ON - dt.timedelta(days=2),
                                    checkin_open=True)
    new_before = factories.make_meeting(new, held_on=MOVED_ON - dt.timedelta(days=1),
                                        checkin_open=True)
    move_membership(ACTOR, mover, branch=new, group=None, on=MOVED_ON)
    db.session.commit()
    # Recorded late, after the move: the old branch's meeting was the mover's own.
    assert perform_checkin(ACTOR, before, Scan(mover)) is True
    assert perform_checkin(ACTOR, before, Scan(mover)) is False  # a second tap: nothing new
    assert _refusal(new_before, Scan(mover)) is Refusal.OTHER_BRANCH
    record = db.session.get(AttendanceRecord, (before.id, mover.id))
    assert record is not None and record.status is Attendance.PRESENT


def test_a_group_meeting_takes_its_own_group_only(make_branch: Callable[..., Branch],
                                                   make_member: Callable[..., Member]) -> None:
    branch = make_branch(code="QD04")
    first, second = sorted(branch_groups(branch), key=lambda g: g.id)
    mine = make_member(branch, name="本组", group_id=first.id)
    theirs = make_member(branch, name="他组", group_id=second.id)
    meeting = factories.make_meeting(branch, MeetingKind.GROUP, dt.date(2026, 11, 20),
                                     group_id=first.id, checkin_open=True)
    db.session.commit()
    assert _refusal(meeting, Scan(theirs)) is Refusal.OTHER_GROUP
    assert perform_checkin(ACTOR, meeting, Scan(mine)) is True


def test_a_recorded_absence_becomes_present_once_and_undo_corrects_the_points(
        make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> None:
    branch = make_branch(code="QD05")
    late = make_member(branch, name="迟到")
    meeting = factories.make_meeting(branch, held_on=dt.date(2026, 11, 20), checkin_open=True)
    set_attendance(ACTOR, meeting, late, Attendance.ABSENT)
    assert perform_checkin(ACTOR, meeting, Scan(late)) is True
    assert perform_checkin(ACTOR, meeting, Scan(late)) is False
    assert _points(late) == [-2, 4]
    assert undo_checkin(ACTOR, meeting, late) is True
    assert undo_checkin(ACTOR, meeting, late) is False  # a double tap on undo
    assert db.session.get(AttendanceRecord, (meeting.id, late.id)) is None
    assert sum(_points(late)) == 0
    assert perform_checkin(ACTOR, meeting, Scan(late)) is True
    assert check_out(ACTOR, meeting, late) is True
    assert check_out(ACTOR, meeting, late) is False  # the first time stays
    record = db.session.get(AttendanceRecord, (meeting.id, late.id))
    assert record is not None and record.checked_in_at and record.checked_out_at


def _points(member: Member) -> list[int]:
    return list(db.session.scalars(select(PointsEntry.points).where(
        PointsEntry.member_id == member.id).order_by(PointsEntry.id)))


def branch_groups(branch: Branch) -> list[PartyGroup]:
    return list(db.session.scalars(select(PartyGroup).where(PartyGroup.branch_id == branch.id)))
