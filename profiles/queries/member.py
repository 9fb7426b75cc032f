"""Everything the member page shows, in a fixed handful of statements.

The page's assembler: each concept's read module (``profiles/<concept>/reads.py``) runs
the statements (built once at import, with bind parameters), the same ones the page has
always run, and this module turns their rows into the template's dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from profiles.dues import reads as dues_reads
from profiles.dues.arrears import arrears, first_month_owed
from profiles.enums import (
    ATTENDED,
    ENDED,
    Attendance,
    Category,
    EvaluationStage,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.evaluations import reads as evaluations_reads
from profiles.meetings import reads as meetings_reads
from profiles.meetings.attendees import Invitee, should_attend
from profiles.members import reads as members_reads
from profiles.members.rules import Standing, exempt_months, full_years, probation_end
from profiles.months import yyyymm
from profiles.points import reads as points_reads

LATEST = points_reads.LATEST_ENTRIES  # latest meetings (and points entries) shown


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
    records_from: dt.date | None
    rankings_enabled: bool = True  # the organisation's choice (三级考核, issue 22)
    own_score_centi: int | None = None  # the latest closed month's score, if it is shown
    own_score_month: int | None = None


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
    made_up_on: dt.date | None = None  # a 缺席 made up (已补学) on this day


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
    standings = members_reads.member_standings(member_id)
    attendance, latest = _meetings(header, years, today, standings)
    return MemberPage(
        header=header,
        years=years,
        attendance=attendance,
        latest_meetings=latest,
        points=_points(member_id, header.branch_id, today),
        evaluations=_evaluations(member_id, today),
        dues=_dues(header, today, standings),
    )


def _header(member_id: int, today: dt.date) -> MemberHeader | None:
    row = members_reads.member_header(member_id)
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
        if row[8] in ENDED else None,
        records_from=row[15],
        rankings_enabled=bool(row[16]),
        own_score_centi=int(row[18]) if row[17] and row[18] is not None else None,
        own_score_month=int(row[19]) if row[17] and row[19] is not None else None,
    )


def _as_date(value: dt.date | str) -> dt.date:
    # SQLite may hand an aggregated date back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _meetings(header: MemberHeader, years: tuple[int, int], today: dt.date,
              standings: Sequence[Standing] = (),
              ) -> tuple[dict[int, list[KindAttendance]], list[MeetingLine]]:
    rows = meetings_reads.member_meetings(header.id, dt.date(years[1], 1, 1), today)
    counts: dict[tuple[int, MeetingKind], list[int]] = {}
    latest: list[MeetingLine] = []
    for held_on, kind, group_id, topic, status, in_range, range_group, made_up_on in rows:
        if status is None:
            # No row: shown only if the rule says the member should have been there, and
            # never before the record begins (no rule looks there: the meeting may be in the
            # files while its attendance was never kept).
            if header.records_from is not None and held_on < header.records_from:
                continue
            invitee = Invitee(header.id, header.name, range_group, header.position,
                              MemberStatus.NORMAL, header.joined_on, tuple(standings))
            if in_range is None or not should_attend(kind, group_id, held_on, [invitee]):
                continue
        tally = counts.setdefault((held_on.year, kind), [0, 0, 0, 0])
        tally[0] += status in ATTENDED  # 出席 or 线上参加
        tally[1] += status is Attendance.EXCUSED
        tally[2] += 1
        tally[3] += status is None
        if len(latest) < LATEST:
            latest.append(MeetingLine(held_on, kind, topic, status, _as_date(made_up_on)
                                      if made_up_on else None))
    out: dict[int, list[KindAttendance]] = {y: [] for y in years}
    order = list(MeetingKind)
    for (year, kind), (present, excused, expected, missing) in counts.items():
        out[year].append(KindAttendance(year, kind, present, excused, expected, missing))
    for lines in out.values():
        lines.sort(key=lambda line: order.index(line.kind))
    return out, latest


def _points(member_id: int, branch_id: int, today: dt.date) -> PointsSummary:
    totals = points_reads.member_and_branch_totals(member_id, branch_id, today)
    mine = next((int(this), int(last)) for i, this, last in totals if i == member_id)
    rank = 1 + sum(1 for i, t, _ in totals if i != member_id and int(t) > mine[0])
    latest = points_reads.latest_entries(member_id, today)
    return PointsSummary(mine[0], mine[1], rank, len(totals),
                         [PointsLine(*row) for row in latest])


def _evaluations(member_id: int, today: dt.date) -> list[EvaluationLine]:
    return [EvaluationLine(*row)
            for row in evaluations_reads.member_evaluations(member_id, today.year - 2)]


def _dues(header: MemberHeader, today: dt.date,
          standings: Sequence[Standing] = ()) -> DuesSummary:
    start = first_month_owed(header.in_organisation_since, header.records_from)
    settled = dues_reads.settled_months(header.id, start)
    if header.left_on is not None:
        # Transferred out: the new organisation collects now, and old arrears no longer
        # count here; what was paid is still shown.
        return DuesSummary(arrears(start, start, settled).paid_through, [])
    exempt = exempt_months(standings, start, yyyymm(today))
    state = arrears(start, yyyymm(today), settled, exempt)
    return DuesSummary(paid_through=state.paid_through, unpaid=state.unpaid)
