"""Reads over many branches at once: the organisation home and the reports upward.

Every read here is ONE statement over all the branches within a scope (a
:data:`profiles.org.reads.BranchScope`, the account's own clause builder), grouped or keyed
by branch: the number of statements is constant in the number of branches
(``tests/profiles/test_reports.py`` counts them on an organisation of many branches). They
are the organisation-wide twins of the branch page's reads (``profiles/<concept>/reads.py``)
and apply the same definitions: 已转出 members are out of every count, a member belongs to
their current branch, the months owed start where ``profiles.dues.reads.branch_arrears``
starts them. No read selects a private column (``core.changelog.PRIVATE_MEMBER_FIELDS``):
the reports are sent upward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    text,
    true,
)

from core.db import run
from profiles.dues.models import DuesRecord
from profiles.enums import ATTENDED, ENDED, Attendance, Category
from profiles.evaluations.models import Evaluation
from profiles.meetings.models import AttendanceRecord, Meeting
from profiles.members.membership import Membership
from profiles.members.models import Member
from profiles.members.reads import HERE_SINCE
from profiles.org.models import Branch, Committee, GeneralBranch, PartyGroup
from profiles.org.reads import BranchScope
from profiles.points.models import PointsEntry

_CURRENT = Member.status.not_in(ENDED)


def within(scope: BranchScope, general_branch_id: int | None) -> BranchScope:
    """``scope`` narrowed to the branches of one 党总支 (None: not narrowed)."""
    if general_branch_id is None:
        return scope

    def clause(column: Any) -> ColumnElement[bool]:
        return and_(scope(column), column.in_(
            select(Branch.id).where(Branch.general_branch_id == general_branch_id)
            .scalar_subquery()))

    return clause


def branches(scope: BranchScope) -> Sequence[Row[*tuple[Any, ...]]]:
    """(id, code, name, general branch id, general branch name, founded on, dissolved on,
    ``has_committee`` setting, current members, current full members, the committee's
    ``records_from``, the committee id, the committee's name) of every branch within
    ``scope``, by code."""
    counts = (
        select(Member.branch_id.label("branch_id"), func.count().label("members"),
               func.sum(case((Member.category == Category.FULL, 1), else_=0)).label("full"))
        .where(_CURRENT).group_by(Member.branch_id).subquery())
    return run(
        select(Branch.id, Branch.code, Branch.name, Branch.general_branch_id, GeneralBranch.name,
               Branch.founded_on, Branch.dissolved_on, Branch.has_committee,
               func.coalesce(counts.c.members, 0), func.coalesce(counts.c.full, 0),
               Committee.records_from, Committee.id, Committee.name)
        .join(Committee, Committee.id == Branch.committee_id)
        .outerjoin(GeneralBranch, GeneralBranch.id == Branch.general_branch_id)
        .outerjoin(counts, counts.c.branch_id == Branch.id)
        .where(scope(Branch.id))
        .order_by(Branch.code)
    ).all()


def general_branches(scope: BranchScope) -> Sequence[Row[int, str]]:
    """(id, name) of the 党总支 with a branch within ``scope``, by name."""
    return run(
        select(GeneralBranch.id, GeneralBranch.name)
        .where(GeneralBranch.id.in_(select(Branch.general_branch_id)
                                    .where(scope(Branch.id)).scalar_subquery()))
        .order_by(GeneralBranch.name)
    ).all()


def groups(scope: BranchScope) -> Sequence[Row[int, int, str, dt.date | None, dt.date | None]]:
    """(branch id, group id, name, founded on, dissolved on) of every party group."""
    return run(
        select(PartyGroup.branch_id, PartyGroup.id, PartyGroup.name, PartyGroup.founded_on,
               PartyGroup.dissolved_on)
        .where(scope(PartyGroup.branch_id)).order_by(PartyGroup.branch_id, PartyGroup.id)
    ).all()


def held_meetings(scope: BranchScope, since: dt.date, until: dt.date,
                  ) -> Sequence[Row[int, Any, dt.date, int | None, int, bool]]:
    """(branch id, kind, held on, group id, meeting id, has minutes) of the meetings held
    ``since``..``until`` (the self-audit checks the cadences and the minutes)."""
    return run(
        select(Meeting.branch_id, Meeting.kind, Meeting.held_on, Meeting.group_id, Meeting.id,
               Meeting.minutes != "")
        .where(scope(Meeting.branch_id), Meeting.held_on >= since, Meeting.held_on <= until)
        .order_by(Meeting.held_on)
    ).all()


def attendance(scope: BranchScope, since: dt.date,
               until: dt.date) -> Sequence[Row[int, Any, int, int, int, int, int]]:
    """Per branch and kind of meeting held ``since``..``until``: (branch id, kind,
    meetings, attended (出席 or 线上参加), excused, absent, rows), over the current members'
    rows (as the branch page's attendance rates)."""
    return run(
        select(Meeting.branch_id, Meeting.kind, func.count(func.distinct(Meeting.id)),
               func.sum(case((AttendanceRecord.status.in_(ATTENDED), 1), else_=0)),
               func.sum(case((AttendanceRecord.status == Attendance.EXCUSED, 1), else_=0)),
               func.sum(case((AttendanceRecord.status == Attendance.ABSENT, 1), else_=0)),
               func.count(AttendanceRecord.member_id))
        .join(AttendanceRecord, AttendanceRecord.meeting_id == Meeting.id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .where(scope(Meeting.branch_id), _CURRENT, Meeting.held_on >= since,
               Meeting.held_on <= until)
        .group_by(Meeting.branch_id, Meeting.kind)
    ).all()


def member_attendance(scope: BranchScope, since: dt.date,
                      until: dt.date) -> Sequence[Row[int, int, int | None, int, int]]:
    """Per current member with attendance rows for meetings ``since``..``until``: (member
    id, branch id, group id, attended (出席 or 线上参加), rows), the member by their current
    branch."""
    return run(
        select(Member.id, Member.branch_id, Member.group_id,
               func.sum(case((AttendanceRecord.status.in_(ATTENDED), 1), else_=0)),
               func.count(AttendanceRecord.member_id))
        .join(AttendanceRecord, AttendanceRecord.member_id == Member.id)
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .where(scope(Member.branch_id), _CURRENT, Meeting.held_on >= since,
               Meeting.held_on <= until)
        .group_by(Member.id, Member.branch_id, Member.group_id)
    ).all()


def settled_months(scope: BranchScope) -> Sequence[Row[int, int, str, Any, str | None]]:
    """(member id, branch id, name, when they entered the organisation, the fully paid
    months as one comma-separated text) of every current member: what
    ``profiles.dues.arrears.arrears`` needs, as ``branch_arrears`` reads it for one branch."""
    first = (select(func.min(Membership.since)).where(Membership.member_id == Member.id)
             .correlate(Member).scalar_subquery())
    since = func.coalesce(first, Member.joined_on)
    return run(
        select(Member.id, Member.branch_id, Member.name, since,
               func.aggregate_strings(cast(DuesRecord.month, String), ","))
        .outerjoin(DuesRecord, and_(DuesRecord.member_id == Member.id,
                                    DuesRecord.paid_cents >= DuesRecord.due_cents))
        .where(scope(Member.branch_id), _CURRENT)
        .group_by(Member.id, Member.branch_id, Member.name, since)
    ).all()


def dues_by_month(scope: BranchScope, first: int,
                  last: int) -> Sequence[Row[int, int, int, int, int, int]]:
    """Per branch and recorded month ``first``..``last`` (YYYYMM): (branch id, month, due,
    paid, rows, settled rows), money in fen, over the current members' rows."""
    return run(
        select(Member.branch_id, DuesRecord.month, func.sum(DuesRecord.due_cents),
               func.sum(DuesRecord.paid_cents), func.count(),
               func.sum(case((DuesRecord.paid_cents >= DuesRecord.due_cents, 1), else_=0)))
        .join(Member, Member.id == DuesRecord.member_id)
        .where(scope(Member.branch_id), _CURRENT, DuesRecord.month >= first,
               DuesRecord.month <= last)
        .group_by(Member.branch_id, DuesRecord.month)
    ).all()


def member_dues(scope: BranchScope, first: int,
                last: int) -> Sequence[Row[int, int, int, int]]:
    """Per current member with dues rows ``first``..``last``: (member id, rows, rows
    settled, rows paid by the end of their month): 三级考核's "dues on time"."""
    return run(
        select(Member.id, func.count(),
               func.sum(case((DuesRecord.paid_cents >= DuesRecord.due_cents, 1), else_=0)),
               func.sum(case((and_(DuesRecord.paid_cents >= DuesRecord.due_cents,
                                   DuesRecord.paid_on.is_not(None)), 1), else_=0)))
        .join(Member, Member.id == DuesRecord.member_id)
        .where(scope(Member.branch_id), _CURRENT, DuesRecord.month >= first,
               DuesRecord.month <= last)
        .group_by(Member.id)
    ).all()


def full_members_since(scope: BranchScope) -> Sequence[Row[int, dt.date, dt.date | None,
                                                         dt.date | None]]:
    """(branch id, joined on, converted on, start of the open membership range) of every
    current 正式党员: when the branch reached seven (profiles.org.rules.committee_from)."""
    return run(
        select(Member.branch_id, Member.joined_on, Member.converted_on, HERE_SINCE)
        .where(scope(Member.branch_id), _CURRENT, Member.category == Category.FULL)
    ).all()


def probationers(scope: BranchScope) -> Sequence[Row[int, int, str, dt.date, int]]:
    """(member id, branch id, name, joined on, extension months) of the current 预备党员."""
    return run(
        select(Member.id, Member.branch_id, Member.name, Member.joined_on,
               Member.probation_extension_months)
        .where(scope(Member.branch_id), _CURRENT, Member.category == Category.PROBATIONARY)
        .order_by(Member.joined_on, Member.id)
    ).all()


def first_absences(scope: BranchScope, today: dt.date) -> Sequence[Row[int, str, dt.date]]:
    """(branch id, name, day) per current member: the first 缺席 not made up (补学) after
    their last 出席, 线上参加, 请假 or made-up 缺席, as
    ``profiles.meetings.reads.first_absences`` for every branch at once.

    Only members with an absence at all are looked at (the partial index
    ``ix_attendance_absent`` finds them), so the statement does not read every attendance
    row of the organisation."""
    # A literal, not a bound parameter: SQLite uses a partial index only for a WHERE term
    # written as its own.
    is_absent = text("attendance.status = 'absent'")
    absent = select(AttendanceRecord.member_id).where(is_absent)
    took_part = (
        select(AttendanceRecord.member_id, func.max(Meeting.held_on).label("held_on"))
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .where(or_(AttendanceRecord.status != Attendance.ABSENT,
                   AttendanceRecord.made_up_on.is_not(None)),
               AttendanceRecord.member_id.in_(absent))
        .group_by(AttendanceRecord.member_id)
        .subquery()
    )
    return run(
        select(Member.branch_id, Member.name, func.min(Meeting.held_on))
        .select_from(AttendanceRecord)
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .outerjoin(took_part, took_part.c.member_id == AttendanceRecord.member_id)
        # A 缺席 before where the record begins does not count (the branch's committee).
        .join(Branch, Branch.id == Member.branch_id)
        .join(Committee, Committee.id == Branch.committee_id)
        .where(or_(Committee.records_from.is_(None), Meeting.held_on >= Committee.records_from))
        .where(scope(Member.branch_id), _CURRENT, Meeting.held_on <= today, is_absent,
               AttendanceRecord.made_up_on.is_(None),
               or_(took_part.c.held_on.is_(None), Meeting.held_on > took_part.c.held_on))
        .group_by(Member.id, Member.branch_id, Member.name)
    ).all()


def evaluation_progress(scope: BranchScope,
                        year: int) -> Sequence[Row[int, Any, Any, int]]:
    """(branch id, stage, rating, members) over the current members who had joined by the
    end of ``year`` and were in their branch during it, with or without a record (as
    ``branch_progress``, every branch)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    here = exists().where(Membership.member_id == Member.id,
                          Membership.branch_id == Member.branch_id, Membership.since <= last,
                          or_(Membership.until.is_(None), Membership.until > first))
    return run(
        select(Member.branch_id, Evaluation.stage, Evaluation.rating, func.count(Member.id))
        .outerjoin(Evaluation, and_(Evaluation.member_id == Member.id, Evaluation.year == year))
        .where(scope(Member.branch_id), _CURRENT, Member.joined_on <= last, here)
        .group_by(Member.branch_id, Evaluation.stage, Evaluation.rating)
    ).all()


def conversions(scope: BranchScope, since: dt.date,
                until: dt.date) -> Sequence[Row[int, int, dt.date, int, dt.date]]:
    """(member id, branch id, joined on, extension months, converted on) of the members
    converted (转正) ``since``..``until``, by their current branch."""
    return run(
        select(Member.id, Member.branch_id, Member.joined_on,
               Member.probation_extension_months, Member.converted_on)
        .where(scope(Member.branch_id), Member.converted_on >= since,
               Member.converted_on <= until)
    ).all()


def membership_starts(scope: BranchScope, since: dt.date,
                      until: dt.date) -> Sequence[Row[int, Any, int]]:
    """(branch id, start reason, ranges) of the membership ranges begun ``since``..``until``
    in a branch within ``scope``."""
    return run(
        select(Membership.branch_id, Membership.start_reason, func.count())
        .where(scope(Membership.branch_id), Membership.since >= since,
               Membership.since <= until)
        .group_by(Membership.branch_id, Membership.start_reason)
    ).all()


def membership_ends(scope: BranchScope, since: dt.date,
                    until: dt.date) -> Sequence[Row[int, Any, int]]:
    """(branch id, end reason, ranges) of the membership ranges ended ``since``..``until``
    (``until`` is the first day away, so a range ended on day D counts in D's period)."""
    return run(
        select(Membership.branch_id, Membership.end_reason, func.count())
        .where(scope(Membership.branch_id), Membership.until >= since,
               Membership.until <= until, Membership.end_reason.is_not(None))
        .group_by(Membership.branch_id, Membership.end_reason)
    ).all()


def everything(column: Any) -> ColumnElement[bool]:
    """A scope of every branch (commands and tests)."""
    return true()


def scored_members(scope: BranchScope) -> Sequence[Row[int, int, int | None, str, Any]]:
    """(member id, branch id, group id, name, when they entered the organisation) of every
    current member: the members 三级考核 scores."""
    first = (select(func.min(Membership.since)).where(Membership.member_id == Member.id)
             .correlate(Member).scalar_subquery())
    return run(
        select(Member.id, Member.branch_id, Member.group_id, Member.name,
               func.coalesce(first, Member.joined_on))
        .where(scope(Member.branch_id), _CURRENT)
        .order_by(Member.branch_id, Member.id)
    ).all()


def month_dues(scope: BranchScope,
               month: int) -> Sequence[Row[int, int, int, dt.date | None]]:
    """(member id, due, paid, paid on) of the current members' rows of one month."""
    return run(
        select(DuesRecord.member_id, DuesRecord.due_cents, DuesRecord.paid_cents,
               DuesRecord.paid_on)
        .join(Member, Member.id == DuesRecord.member_id)
        .where(scope(Member.branch_id), _CURRENT, DuesRecord.month == month)
    ).all()


def points_by_member(scope: BranchScope, since: dt.date,
                     until: dt.date) -> Sequence[Row[int, int]]:
    """(member id, points recorded ``since``..``until``) of the current members."""
    return run(
        select(PointsEntry.member_id, func.sum(PointsEntry.points))
        .join(Member, Member.id == PointsEntry.member_id)
        .where(scope(Member.branch_id), _CURRENT, PointsEntry.recorded_on >= since,
               PointsEntry.recorded_on <= until)
        .group_by(PointsEntry.member_id)
    ).all()


def applicants_on_the_way(scope: BranchScope) -> list[Any]:
    """Every 发展党员 record still on the way: not yet at full membership and not ended
    (ORM rows: the recruitment rules read them through
    ``profiles.recruitment.reads.record_of``), for the home's gaps."""
    from core.db import db
    from profiles.enums import RecruitStage
    from profiles.recruitment.models import Applicant

    return list(db.session.scalars(
        select(Applicant).where(scope(Applicant.branch_id), Applicant.stage != RecruitStage.FULL,
                                Applicant.ended_on.is_(None))
        .order_by(Applicant.branch_id, Applicant.id)))
