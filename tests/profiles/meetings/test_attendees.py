"""Who should attend a meeting (profiles/meetings/attendees.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from profiles.enums import MeetingKind, MemberStatus, Position
from profiles.meetings.attendees import Invitee, should_attend

DAY = dt.date(2026, 5, 10)
SECRETARY = Invitee(1, "书记", 10, Position.SECRETARY, MemberStatus.NORMAL, dt.date(2000, 7, 1))
PLAIN = Invitee(2, "党员甲", 10, None, MemberStatus.NORMAL, dt.date(2010, 7, 1))
OTHER_GROUP = Invitee(3, "党员乙", 11, None, MemberStatus.NORMAL, dt.date(2010, 7, 1))
AWAY = Invitee(4, "流动党员", None, None, MemberStatus.AWAY, dt.date(2010, 7, 1))
GONE = Invitee(5, "已转出", 10, Position.YOUTH, MemberStatus.TRANSFERRED_OUT, dt.date(2010, 7, 1))
NEWCOMER = Invitee(6, "新党员", 10, None, MemberStatus.NORMAL, DAY + dt.timedelta(days=1))
EVERYONE = [SECRETARY, PLAIN, OTHER_GROUP, AWAY, GONE, NEWCOMER]


def _ids(kind: MeetingKind, group: int | None = None, day: dt.date = DAY) -> list[int]:
    return [m.id for m in should_attend(kind, group, day, EVERYONE)]


@pytest.mark.parametrize("kind", [MeetingKind.GENERAL, MeetingKind.LECTURE,
                                  MeetingKind.THEME_DAY, MeetingKind.LIFE,
                                  MeetingKind.EVALUATION])
def test_branch_wide_meetings_expect_every_member(kind: MeetingKind) -> None:
    assert _ids(kind) == [1, 2, 3, 4]


def test_committee_meeting_expects_the_committee_only() -> None:
    assert _ids(MeetingKind.COMMITTEE) == [1]


def test_group_meeting_expects_that_group_only() -> None:
    assert _ids(MeetingKind.GROUP, 10) == [1, 2]
    assert _ids(MeetingKind.GROUP, 11) == [3]


def test_members_are_expected_from_the_day_they_join() -> None:
    assert 6 in _ids(MeetingKind.GENERAL, day=NEWCOMER.joined_on)
