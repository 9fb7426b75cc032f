"""The database itself refuses records that break the domain's rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from core.db import db
from profiles.enums import Attendance, Category, EvaluationStage, MeetingKind, Rating
from profiles.models import AttendanceRecord, DuesRecord, Evaluation, PartyGroup, PointsEntry


def refused(fn: Any) -> None:
    """Run a write and assert the database (not only Python) refuses it, then roll back."""
    with pytest.raises((IntegrityError, DBAPIError)):
        fn()
        db.session.flush()
    db.session.rollback()


def test_member_number_is_unique(make_member: Any) -> None:
    make_member(number="DY1")
    refused(lambda: make_member(number="DY1"))


def test_id_number_is_unique(make_member: Any) -> None:
    make_member(id_number="110105199001011234")
    refused(lambda: make_member(id_number="110105199001011234"))


def test_one_attendance_row_per_member_and_meeting(make_branch: Any, make_member: Any,
                                                   make_meeting: Any) -> None:
    branch = make_branch()
    member = make_member(branch)
    meeting = make_meeting(branch, attendance={member: Attendance.PRESENT})
    db.session.commit()
    refused(lambda: db.session.add(
        AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=Attendance.ABSENT)))


def test_rating_must_come_from_the_allowed_set(make_member: Any) -> None:
    member = make_member()
    db.session.commit()
    # Raw SQL: the ORM's enum validation would stop it before the database could.
    refused(lambda: db.session.execute(text(
        "INSERT INTO evaluation (member_id, year, stage, rating) "
        "VALUES (:m, 2025, 'decided', 'splendid')"), {"m": member.id}))


def test_orm_rejects_unknown_enum_values_too(make_member: Any) -> None:
    member = make_member()
    db.session.add(Evaluation(member_id=member.id, year=2025, stage="decided", rating="splendid"))
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()


def test_rating_only_once_decided(make_member: Any) -> None:
    member = make_member()
    refused(lambda: db.session.add(Evaluation(
        member_id=member.id, year=2025, stage=EvaluationStage.PEER, rating=Rating.QUALIFIED)))


def test_one_evaluation_per_member_and_year(make_member: Any) -> None:
    member = make_member()
    db.session.add(Evaluation(member_id=member.id, year=2025, stage=EvaluationStage.SELF))
    db.session.commit()
    refused(lambda: db.session.add(
        Evaluation(member_id=member.id, year=2025, stage=EvaluationStage.PEER)))


def test_group_must_belong_to_the_members_branch(make_branch: Any, make_member: Any) -> None:
    mine, other = make_branch(), make_branch()
    foreign_group = db.session.scalar(select(PartyGroup).where(PartyGroup.branch_id == other.id))
    assert foreign_group is not None
    refused(lambda: make_member(mine, group_id=foreign_group.id))


def test_group_meeting_needs_a_group_and_others_must_not_have_one(make_branch: Any,
                                                                  make_meeting: Any) -> None:
    branch = make_branch()
    db.session.commit()
    group_id = branch.groups[0].id
    refused(lambda: make_meeting(branch, kind=MeetingKind.GROUP))
    refused(lambda: make_meeting(branch, kind=MeetingKind.LECTURE, group_id=group_id))
    assert make_meeting(branch, kind=MeetingKind.GROUP, group_id=group_id).id


def test_probationary_member_cannot_have_a_conversion_date(make_member: Any) -> None:
    refused(lambda: make_member(category=Category.PROBATIONARY, converted_on=dt.date(2026, 1, 1)))


def test_probation_extension_is_zero_or_6_to_12_months(make_member: Any) -> None:
    refused(lambda: make_member(probation_extension_months=3))
    refused(lambda: make_member(probation_extension_months=13))
    assert make_member(probation_extension_months=6).id


def test_dues_paid_on_goes_with_a_payment(make_member: Any) -> None:
    member = make_member()
    refused(lambda: db.session.add(DuesRecord(
        member_id=member.id, month=202601, due_cents=100, paid_cents=100, paid_on=None)))
    member = make_member()
    refused(lambda: db.session.add(DuesRecord(
        member_id=member.id, month=202613, due_cents=100, paid_cents=0)))
    member = make_member()
    refused(lambda: db.session.add(DuesRecord(
        member_id=member.id, month=202601, due_cents=-1, paid_cents=0)))


def test_points_ledger_is_append_only(make_member: Any) -> None:
    member = make_member()
    entry = PointsEntry(member_id=member.id, recorded_on=dt.date(2026, 3, 1), points=2,
                        reason="参加组织生活", recorded_by="书记")
    db.session.add(entry)
    db.session.commit()
    entry_id = entry.id
    refused(lambda: db.session.execute(
        update(PointsEntry).where(PointsEntry.id == entry_id).values(points=5)))
    refused(lambda: db.session.execute(
        text("DELETE FROM points_entry WHERE id = :id"), {"id": entry_id}))
    assert db.session.get(PointsEntry, entry_id).points == 2
    refused(lambda: db.session.add(PointsEntry(
        member_id=member.id, recorded_on=dt.date(2026, 3, 1), points=0, reason="x",
        recorded_by="y")))
