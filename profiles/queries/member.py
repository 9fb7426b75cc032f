"""Everything the member page shows, in a fixed handful of statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, and_, bindparam, case, exists, func, or_, select

from core.db import run
from profiles.dues.arrears import arrears, first_month_owed
from profiles.enums import (
    Attendance,
    Category,
    EvaluationStage,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.meetings.attendees import Invitee, should_attend
from profiles.members.rules import full_years, probation_end
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    MemberPhoto,
    Membership,
    MembershipEnd,
    PartyGroup,
    PointsEntry,
)
from profiles.months import yyyymm

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
    in_organisation_since: dt.date  # the start of the member's history here
    left_on: dt.date | None  # the day they transferred out, if they have
    dues_tracked_from: dt.date | None


@dataclass(frozen=True)
class KindAttendance:
    """Attendance at one kind of meeting in one year: ``expected`` are the meetings the
    member should have attended (the should-attend rule, on the membership of each
    meeting's date), ``not_recorded`` those of them without an attendance row."""

    year: int
    kind: MeetingKind
    present: int
    excused: int
    expected: int
    not_recorded: int = 0


@dataclass(frozen=True)
class MeetingLine:
    """One meeting the member should have attended, and how they did."""

    held_on: dt.date
    kind: MeetingKind
    topic: str
    status: Attendance | None  # None: should have attended, nothing recorded


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
    """Dues paid-through month (prepaid months included) and the unpaid months (YYYYMM)
    up to now, with or without a row; no amounts."""

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
    attendance, latest = _meetings(header, years, today)
    return MemberPage(
        header=header,
        years=years,
        attendance=attendance,
        latest_meetings=latest,
        points=_points(member_id, header.branch_id, today),
        evaluations=_evaluations(member_id, today),
        dues=_dues(header, today),
    )


# The statements are built once at import, with bind parameters: building a statement
# costs several times more than running it on these indexed lookups (bench/pages.py).
_HEADER = (
    select(Member.id, Member.name, Member.branch_id, Branch.name, Branch.card_generation,
           PartyGroup.name, Member.category, Member.position, Member.status,
           Member.joined_on, Member.converted_on, Member.probation_extension_months,
           exists().where(MemberPhoto.member_id == Member.id).label("has_photo"),
           select(func.min(Membership.since)).where(Membership.member_id == Member.id)
           .scalar_subquery(),
           select(func.max(Membership.until)).where(
               Membership.member_id == Member.id,
               Membership.end_reason == MembershipEnd.TRANSFERRED_OUT).scalar_subquery(),
           Committee.dues_tracked_from)
    .join(Branch, Branch.id == Member.branch_id)
    .join(Committee, Committee.id == Branch.committee_id)
    .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
    .where(Member.id == bindparam("member"))
)

# Every meeting of the branches the member has been in, over the two years, with the
# member's attendance row (if any) and the membership range covering its date (if any).
# Which of them the member should have attended is profiles.meetings.attendees' rule, in Python.
_IN_RANGE = and_(Membership.member_id == bindparam("member"),
                 Membership.branch_id == Meeting.branch_id, Membership.since <= Meeting.held_on,
                 or_(Membership.until.is_(None), Membership.until > Meeting.held_on))
_MEETINGS = (
    select(Meeting.held_on, Meeting.kind, Meeting.group_id, Meeting.topic,
           AttendanceRecord.status, Membership.id, Membership.group_id)
    .outerjoin(AttendanceRecord, and_(AttendanceRecord.meeting_id == Meeting.id,
                                      AttendanceRecord.member_id == bindparam("member")))
    .outerjoin(Membership, _IN_RANGE)
    .where(Meeting.branch_id.in_(select(Membership.branch_id).where(
               Membership.member_id == bindparam("member")).scalar_subquery()),
           Meeting.held_on >= bindparam("last_start"), Meeting.held_on <= bindparam("today"),
           or_(AttendanceRecord.member_id.is_not(None), Membership.id.is_not(None)))
    .order_by(Meeting.held_on.desc(), Meeting.id.desc())
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

# The fully paid months from the first one owed, future ones included: paying ahead
# settles them, and "paid through" runs on past this month.
_DUES = (
    select(DuesRecord.month)
    .where(DuesRecord.member_id == bindparam("member"), DuesRecord.month >= bindparam("start"),
           DuesRecord.paid_cents >= DuesRecord.due_cents)
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
        in_organisation_since=_as_date(row[13]) if row[13] else row[9],
        left_on=(_as_date(row[14]) if row[14] else today)
        if row[8] is MemberStatus.TRANSFERRED_OUT else None,
        dues_tracked_from=row[15],
    )


def _as_date(value: dt.date | str) -> dt.date:
    # SQLite may hand an aggregated date back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _meetings(header: MemberHeader, years: tuple[int, int],
              today: dt.date) -> tuple[dict[int, list[KindAttendance]], list[MeetingLine]]:
    rows = run(_MEETINGS, {"member": header.id, "last_start": dt.date(years[1], 1, 1),
                           "today": today}).all()
    counts: dict[tuple[int, MeetingKind], list[int]] = {}
    latest: list[MeetingLine] = []
    for held_on, kind, group_id, topic, status, in_range, range_group in rows:
        if status is None:
            # No row: shown only if the rule says the member should have been there.
            invitee = Invitee(header.id, header.name, range_group, header.position,
                              MemberStatus.NORMAL, header.joined_on)
            if in_range is None or not should_attend(kind, group_id, held_on, [invitee]):
                continue
        tally = counts.setdefault((held_on.year, kind), [0, 0, 0, 0])
        tally[0] += status is Attendance.PRESENT
        tally[1] += status is Attendance.EXCUSED
        tally[2] += 1
        tally[3] += status is None
        if len(latest) < LATEST:
            latest.append(MeetingLine(held_on, kind, topic, status))
    out: dict[int, list[KindAttendance]] = {y: [] for y in years}
    order = list(MeetingKind)
    for (year, kind), (present, excused, expected, missing) in counts.items():
        out[year].append(KindAttendance(year, kind, present, excused, expected, missing))
    for lines in out.values():
        lines.sort(key=lambda line: order.index(line.kind))
    return out, latest


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


def _dues(header: MemberHeader, today: dt.date) -> DuesSummary:
    start = first_month_owed(header.in_organisation_since, header.dues_tracked_from)
    settled = run(_DUES, {"member": header.id, "start": start}).scalars().all()
    if header.left_on is not None:
        # Transferred out: the new organisation collects now, and old arrears no longer
        # count here; what was paid is still shown.
        return DuesSummary(arrears(start, start, settled).paid_through, [])
    state = arrears(start, yyyymm(today), settled)
    return DuesSummary(paid_through=state.paid_through, unpaid=state.unpaid)
