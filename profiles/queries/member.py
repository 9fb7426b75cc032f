"""Everything the member page shows, in a fixed handful of statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, and_, bindparam, case, exists, func, select

from profiles.enums import (
    Attendance,
    Category,
    EvaluationStage,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.models import (
    AttendanceRecord,
    Branch,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    MemberPhoto,
    PartyGroup,
    PointsEntry,
)
from profiles.periods import full_years, probation_end, yyyymm
from profiles.queries.run import run

LATEST = 5  # latest meetings and points entries shown


@dataclass(frozen=True)
class MemberHeader:
    """Who the member is, without any private field."""

    id: int
    name: str
    branch_id: int
    branch_name: str
    branch_generation: int
    group_name: str | None
    category: Category
    position: Position | None
    status: MemberStatus
    joined_on: dt.date
    converted_on: dt.date | None
    probation_ends: dt.date | None
    years_of_membership: int
    has_photo: bool


@dataclass(frozen=True)
class KindAttendance:
    """Attendance at one kind of meeting in one year."""

    year: int
    kind: MeetingKind
    present: int
    excused: int
    expected: int


@dataclass(frozen=True)
class MeetingLine:
    """One meeting the member should have attended, and how they did."""

    held_on: dt.date
    kind: MeetingKind
    topic: str
    status: Attendance


@dataclass(frozen=True)
class PointsLine:
    """One points ledger entry."""

    recorded_on: dt.date
    points: int
    reason: str


@dataclass(frozen=True)
class PointsSummary:
    """Points this and last year, rank in the branch this year, latest entries."""

    this_year: int
    last_year: int
    rank: int
    ranked: int
    latest: list[PointsLine]


@dataclass(frozen=True)
class EvaluationLine:
    """The member's 民主评议 for one year."""

    year: int
    stage: EvaluationStage
    rating: Rating | None


@dataclass(frozen=True)
class DuesSummary:
    """Dues paid-through month and the unpaid months (YYYYMM), no amounts."""

    paid_through: int | None
    unpaid: list[int]


@dataclass(frozen=True)
class MemberPage:
    """The member page's data."""

    header: MemberHeader
    years: tuple[int, int]
    attendance: dict[int, list[KindAttendance]]
    latest_meetings: list[MeetingLine]
    points: PointsSummary
    evaluations: list[EvaluationLine]
    dues: DuesSummary


def member_page(member_id: int, today: dt.date) -> MemberPage | None:
    """Load the member page, or None if there is no such member."""
    header = _header(member_id, today)
    if header is None:
        return None
    years = (today.year, today.year - 1)
    return MemberPage(
        header=header,
        years=years,
        attendance=_attendance(member_id, years),
        latest_meetings=_latest_meetings(member_id),
        points=_points(member_id, header.branch_id, today),
        evaluations=_evaluations(member_id, today),
        dues=_dues(member_id, today),
    )


# The statements are built once at import, with bind parameters: building a statement
# costs several times more than running it on these indexed lookups (bench/pages.py).
_HEADER = (
    select(Member.id, Member.name, Member.branch_id, Branch.name, Branch.card_generation,
           PartyGroup.name, Member.category, Member.position, Member.status,
           Member.joined_on, Member.converted_on, Member.probation_extension_months,
           exists().where(MemberPhoto.member_id == Member.id).label("has_photo"))
    .join(Branch, Branch.id == Member.branch_id)
    .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
    .where(Member.id == bindparam("member"))
)

_YEAR = case((Meeting.held_on >= bindparam("this_start"), bindparam("this_year")),
             else_=bindparam("last_year"))
_ATTENDANCE = (
    select(_YEAR.label("year"), Meeting.kind,
           func.sum(case((AttendanceRecord.status == Attendance.PRESENT, 1), else_=0)),
           func.sum(case((AttendanceRecord.status == Attendance.EXCUSED, 1), else_=0)),
           func.count())
    .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
    .where(AttendanceRecord.member_id == bindparam("member"),
           Meeting.held_on >= bindparam("last_start"),
           Meeting.held_on <= bindparam("this_end"))
    .group_by(_YEAR, Meeting.kind)
)

_LATEST_MEETINGS = (
    select(Meeting.held_on, Meeting.kind, Meeting.topic, AttendanceRecord.status)
    .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
    .where(AttendanceRecord.member_id == bindparam("member"))
    .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    .limit(LATEST)
)

_THIS_YEAR_POINTS = func.coalesce(func.sum(case(
    (PointsEntry.recorded_on >= bindparam("this_start"), PointsEntry.points), else_=0)), 0)
_LAST_YEAR_POINTS = func.coalesce(func.sum(case(
    (PointsEntry.recorded_on < bindparam("this_start"), PointsEntry.points), else_=0)), 0)
# Only this year's entries count for the ranking; the member's own last year is read too.
# The range starts per row, so the covering index (member, date, points) answers it all.
_POINTS_FROM = case((Member.id == bindparam("member"), bindparam("last_start", type_=Date)),
                    else_=bindparam("this_start", type_=Date))
# Every active member of the branch, with their totals (0 without entries), one statement.
_POINTS_TOTALS = (
    select(Member.id, _THIS_YEAR_POINTS, _LAST_YEAR_POINTS)
    .outerjoin(PointsEntry, and_(PointsEntry.member_id == Member.id,
                                 PointsEntry.recorded_on >= _POINTS_FROM,
                                 PointsEntry.recorded_on <= bindparam("today")))
    .where(Member.branch_id == bindparam("branch"),
           (Member.status != MemberStatus.TRANSFERRED_OUT) | (Member.id == bindparam("member")))
    .group_by(Member.id)
)
_LATEST_POINTS = (
    select(PointsEntry.recorded_on, PointsEntry.points, PointsEntry.reason)
    .where(PointsEntry.member_id == bindparam("member"),
           PointsEntry.recorded_on <= bindparam("today"))
    .order_by(PointsEntry.recorded_on.desc(), PointsEntry.id.desc())
    .limit(LATEST)
)

_EVALUATIONS = (
    select(Evaluation.year, Evaluation.stage, Evaluation.rating)
    .where(Evaluation.member_id == bindparam("member"), Evaluation.year >= bindparam("since"))
    .order_by(Evaluation.year.desc())
)

# Months up to now only; a secretary may record next month's due in advance.
_DUES = (
    select(DuesRecord.month, DuesRecord.paid_cents >= DuesRecord.due_cents)
    .where(DuesRecord.member_id == bindparam("member"), DuesRecord.month <= bindparam("month"))
    .order_by(DuesRecord.month)
)


def _header(member_id: int, today: dt.date) -> MemberHeader | None:
    row = run(_HEADER, {"member": member_id}).first()
    if row is None:
        return None
    probationary = row.category is Category.PROBATIONARY
    return MemberHeader(
        id=row[0], name=row[1], branch_id=row[2], branch_name=row[3], branch_generation=row[4],
        group_name=row[5], category=row[6], position=row[7], status=row[8], joined_on=row[9],
        converted_on=row[10],
        probation_ends=probation_end(row[9], row[11]) if probationary else None,
        years_of_membership=full_years(row[9], today), has_photo=bool(row[12]),
    )


def _attendance(member_id: int, years: tuple[int, int]) -> dict[int, list[KindAttendance]]:
    rows = run(_ATTENDANCE, {
        "member": member_id, "this_start": dt.date(years[0], 1, 1), "this_year": years[0],
        "last_year": years[1], "last_start": dt.date(years[1], 1, 1),
        "this_end": dt.date(years[0], 12, 31),
    }).all()
    out: dict[int, list[KindAttendance]] = {y: [] for y in years}
    order = list(MeetingKind)
    for y, kind, present, excused, expected in rows:
        out[int(y)].append(KindAttendance(int(y), kind, int(present), int(excused),
                                          int(expected)))
    for lines in out.values():
        lines.sort(key=lambda line: order.index(line.kind))
    return out


def _latest_meetings(member_id: int) -> list[MeetingLine]:
    rows = run(_LATEST_MEETINGS, {"member": member_id}).all()
    return [MeetingLine(*row) for row in rows]


def _points(member_id: int, branch_id: int, today: dt.date) -> PointsSummary:
    this_start, last_start = dt.date(today.year, 1, 1), dt.date(today.year - 1, 1, 1)
    totals = run(_POINTS_TOTALS, {
        "member": member_id, "branch": branch_id, "this_start": this_start,
        "last_start": last_start, "today": today,
    }).all()
    mine = next((int(this), int(last)) for i, this, last in totals if i == member_id)
    rank = 1 + sum(1 for i, t, _ in totals if i != member_id and int(t) > mine[0])
    latest = run(_LATEST_POINTS, {"member": member_id, "today": today}).all()
    return PointsSummary(mine[0], mine[1], rank, len(totals),
                         [PointsLine(*row) for row in latest])


def _evaluations(member_id: int, today: dt.date) -> list[EvaluationLine]:
    rows = run(_EVALUATIONS, {"member": member_id, "since": today.year - 2}).all()
    return [EvaluationLine(*row) for row in rows]


def _dues(member_id: int, today: dt.date) -> DuesSummary:
    rows = run(_DUES, {"member": member_id, "month": yyyymm(today)}).all()
    unpaid = [month for month, settled in rows if not settled]
    settled = [month for month, ok in rows if ok and (not unpaid or month < unpaid[0])]
    return DuesSummary(paid_through=settled[-1] if settled else None, unpaid=unpaid)
