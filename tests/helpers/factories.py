"""Small builders for test data; each flushes so ids are available at once."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import select

from core.db import db
from profiles.enums import Attendance, Category, DuesBasis, MeetingKind
from profiles.members.operations import open_first_membership
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    Meeting,
    Member,
    PartyGroup,
)

_numbers = itertools.count(1)


def committee() -> Committee:
    """The one committee tests share (created on first use)."""
    found = db.session.scalar(select(Committee).limit(1))
    if found is None:
        found = Committee(name="测试机关党委")
        db.session.add(found)
        db.session.flush()
    return found


def make_branch(code: str | None = None, name: str = "测试党支部", groups: int = 2,
                **fields: Any) -> Branch:
    """A branch with ``groups`` party groups."""
    n = next(_numbers)
    branch = Branch(code=code or f"T{n:03d}", name=name, committee_id=committee().id, **fields)
    db.session.add(branch)
    db.session.flush()
    for g in range(groups):
        db.session.add(PartyGroup(branch_id=branch.id, name=f"第{g + 1}小组"))
    db.session.flush()
    return branch


def make_member(branch: Branch | None = None, **fields: Any) -> Member:
    """A full member with a wage basis; any field can be overridden."""
    branch = branch or make_branch()
    n = next(_numbers)
    values: dict[str, Any] = {
        "number": f"T{n:06d}",
        "name": f"成员{n}",
        "branch_id": branch.id,
        "category": Category.FULL,
        "joined_on": dt.date(2010, 7, 1),
        "converted_on": dt.date(2011, 7, 1),
        "dues_basis": DuesBasis.WAGE,
        "dues_base_cents": 600_000,
    }
    values.update(fields)
    member = Member(**values)
    db.session.add(member)
    db.session.flush()
    if member.joined_on is not None:
        open_first_membership(member)
    return member


def make_meeting(branch: Branch, kind: MeetingKind = MeetingKind.GENERAL,
                 held_on: dt.date = dt.date(2026, 5, 10),
                 attendance: dict[Member, Attendance] | None = None, **fields: Any) -> Meeting:
    """A meeting with one attendance row per given member (``checkin_open=True``: 签到
    opened, as the console does, so it has started)."""
    if fields.get("checkin_open"):
        fields.setdefault("checkin_opened_at", dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC))
    meeting = Meeting(branch_id=branch.id, kind=kind, held_on=held_on, **fields)
    db.session.add(meeting)
    db.session.flush()
    for member, status in (attendance or {}).items():
        db.session.add(AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=status))
    db.session.flush()
    return meeting
