"""Everything the branch page shows, and the plain data its self-audit reads.

The page's assembler: each concept's read module (``profiles/<concept>/reads.py``) runs
the statements, the same ones the page has always run, and this module turns their rows
into the template's dataclasses and the self-audit's input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from profiles.audit.checklist import (
    AuditInput,
    EvaluationCounts,
    GroupRef,
    HeldMeeting,
    MemberAbsence,
    MemberArrears,
    MemberStandingFact,
    Probationer,
)
from profiles.collation import name_key
from profiles.dues import reads as dues_reads
from profiles.dues.reads import MemberDues
from profiles.enums import Category, EvaluationStage, MeetingKind, MemberStatus, Position, Rating
from profiles.evaluations import reads as evaluations_reads
from profiles.meetings import reads as meetings_reads
from profiles.members import reads as members_reads
from profiles.members.rules import PoliticalBirthday, political_birthdays, probation_end
from profiles.months import add_months, yyyymm
from profiles.org import reads as org_reads
from profiles.org.rules import committee_from, full_here_since, has_committee
from profiles.points import reads as points_reads

RANKING_SIZE = 10
EVIDENCE_MONTHS, EVIDENCE_SHOWN = 12, 12  # the latest meetings whose record the page notes


@dataclass(frozen=True)
class BranchHeader:
    """The branch and where it sits in the organisation."""

    id: int
    code: str
    name: str
    committee_name: str
    general_branch_name: str | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    committee_setting: bool | None  # Branch.has_committee: None means "by the 7-member rule"
    records_from: dt.date | None
    rankings_enabled: bool = True  # the organisation's choice (issue 22): off, no ranking


@dataclass(frozen=True)
class MemberLine:
    """A member in the branch's list (enough to link to their page)."""

    id: int
    name: str
    generation: int
    category: Category
    position: Position | None
    status: MemberStatus
    group_name: str | None
    joined_on: dt.date | None = None
    converted_on: dt.date | None = None
    here_since: dt.date | None = None  # the open membership range's start


@dataclass(frozen=True)
class MeetingEvidence:
    """What the page says of a meeting's record: only that minutes and photos exist, and
    how many; never the minutes, never a photo."""

    held_on: dt.date
    kind: MeetingKind
    topic: str
    has_minutes: bool
    photos: int
    documents: int


@dataclass(frozen=True)
class KindRate:
    """Attendance at one kind of meeting this year, over everyone who should attend."""

    kind: MeetingKind
    meetings: int
    present: int
    excused: int
    expected: int


@dataclass(frozen=True)
class DuesCollection:
    """Dues collected this month and this year, in fen (recorded rows); ``members_due``
    counts every member who owes this month, with a row or not."""

    month: int
    month_due: int
    month_paid: int
    members_due: int
    members_settled: int
    year_due: int
    year_paid: int
    # This year's months owed by the current members and those of them settled, rows or
    # no rows: the page's rate. The amounts above cover recorded months only, so a new
    # member's unrecorded months made a branch look 98 % paid while it owed them.
    year_months_owed: int = 0
    year_months_paid: int = 0


@dataclass(frozen=True)
class EvaluationProgress:
    """Last year's 民主评议: counts per stage and per rating, among eligible members."""

    year: int
    eligible: int
    by_stage: dict[EvaluationStage | None, int]
    by_rating: dict[Rating, int]


@dataclass(frozen=True)
class RankLine:
    """A member's points this year and their rank."""

    rank: int
    member_id: int
    name: str
    generation: int
    points: int


@dataclass(frozen=True)
class BranchPage:
    """The branch page's data."""

    header: BranchHeader
    year: int
    members: list[MemberLine]
    secretary: MemberLine | None
    rates: list[KindRate]
    dues: DuesCollection
    evaluation: EvaluationProgress
    ranking: list[RankLine]
    audit: AuditInput
    has_committee: bool
    evidence: list[MeetingEvidence]
    birthdays: list[PoliticalBirthday]


def branch_page(branch_id: int, today: dt.date, lookback_months: int = 12) -> BranchPage | None:
    """Load the branch page, or None if there is no such branch."""
    header = _header(branch_id)
    if header is None:
        return None
    members = _members(branch_id)
    groups = [GroupRef(*row) for row in org_reads.branch_groups(branch_id)]
    evaluation = _evaluation(branch_id, today.year - 1)
    # From 1 January of the year the audit window starts in: yearly kinds need the whole year.
    since = dt.date(add_months(today, -lookback_months).year, 1, 1)
    held = meetings_reads.held_meetings(branch_id, since, today)
    standings = members_reads.branch_standings(branch_id)
    owing = dues_reads.branch_arrears(branch_id, today, header.records_from, standings.periods)
    committee = has_committee(sum(1 for m in members if m.category is Category.FULL),
                              header.committee_setting)
    audit = AuditInput(
        founded_on=header.founded_on,
        dissolved_on=header.dissolved_on,
        has_committee=committee,
        committee_from=committee_from(
            (full_here_since(m.here_since, m.joined_on, m.converted_on) for m in members
             if m.category is Category.FULL and m.joined_on is not None),
            header.committee_setting),
        groups=groups,
        meetings=[HeldMeeting(*row[:5]) for row in held],
        arrears=[MemberArrears(o.name, len(o.arrears.unpaid), o.arrears.consecutive)
                 for o in owing if o.arrears.unpaid],
        probationers=[  # (… name …, joined on, extension in months)
            Probationer(row[1], row[7], probation_end(row[7], row[8]))
            for row in members_reads.branch_probationers(branch_id)
        ],
        absences=[MemberAbsence(name, day)
                  for name, day in meetings_reads.first_absences(branch_id, today,
                                                                 header.records_from)],
        evaluation=EvaluationCounts(
            year=evaluation.year, eligible=evaluation.eligible,
            decided=evaluation.by_stage.get(EvaluationStage.DECIDED, 0),
            excellent=evaluation.by_rating.get(Rating.EXCELLENT, 0)),
        records_from=header.records_from,
        standings=[MemberStandingFact(name, s.status, s.since, s.until)
                   for name, s in standings.current.values()],
    )
    return BranchPage(
        header=header,
        year=today.year,
        members=members,
        secretary=next((m for m in members if m.position is Position.SECRETARY), None),
        rates=_rates(branch_id, today),
        dues=_collection(branch_id, today, owing),
        evaluation=evaluation,
        ranking=_ranking(branch_id, today),
        audit=audit,
        has_committee=committee,
        evidence=[MeetingEvidence(held_on, kind, topic, bool(minutes), int(photos), int(docs))
                  for kind, held_on, _, _, minutes, topic, photos, docs in reversed(held)
                  if held_on >= add_months(today, -EVIDENCE_MONTHS)][:EVIDENCE_SHOWN],
        birthdays=political_birthdays(((m.id, m.name, m.joined_on) for m in members
                                       if m.joined_on is not None), today.year, today.month),
    )


def _header(branch_id: int) -> BranchHeader | None:
    row = org_reads.branch_header(branch_id)
    return BranchHeader(*row) if row else None


def _members(branch_id: int) -> list[MemberLine]:
    positions = list(Position)
    lines = [MemberLine(*row) for row in members_reads.branch_member_lines(branch_id)]
    # Committee first in protocol order, then everyone else by name.
    return sorted(lines, key=lambda m: (
        positions.index(m.position) if m.position else len(positions), name_key(m.name), m.id))


def _rates(branch_id: int, today: dt.date) -> list[KindRate]:
    order = list(MeetingKind)
    rates = [KindRate(kind, int(n), int(p), int(e), int(x))
             for kind, n, p, e, x in meetings_reads.attendance_by_kind(branch_id, today)]
    return sorted(rates, key=lambda r: order.index(r.kind))


def _collection(branch_id: int, today: dt.date,
                owing: Sequence[MemberDues]) -> DuesCollection:
    row = dues_reads.branch_collection(branch_id, today)
    month_due, month_paid, settled_count, year_due, year_paid = (int(v) for v in row)
    # Who owes comes from the membership, not from rows: a missing row is the common case
    # and must not make the branch look fully paid.
    members_due = sum(1 for o in owing if o.arrears.first_month <= o.arrears.current)
    year = [o.arrears.owed_and_unpaid_from(today.year * 100 + 1) for o in owing]
    owed, unpaid = sum(o for o, _ in year), sum(u for _, u in year)
    return DuesCollection(yyyymm(today), month_due, month_paid,
                          max(members_due, settled_count), settled_count, year_due, year_paid,
                          owed, owed - unpaid)


def _evaluation(branch_id: int, year: int) -> EvaluationProgress:
    by_stage: dict[EvaluationStage | None, int] = {}
    by_rating: dict[Rating, int] = {}
    for stage, rating, n in evaluations_reads.branch_progress(branch_id, year):
        by_stage[stage] = by_stage.get(stage, 0) + int(n)
        if rating is not None:
            by_rating[rating] = by_rating.get(rating, 0) + int(n)
    return EvaluationProgress(year, sum(by_stage.values()), by_stage, by_rating)


def _ranking(branch_id: int, today: dt.date) -> list[RankLine]:
    rows = points_reads.branch_ranking(branch_id, today, RANKING_SIZE)
    lines: list[RankLine] = []
    # Ties in pinyin order (SQL would give code-point order).
    for member_id, name, generation, points in sorted(
            rows, key=lambda r: (-r[3], name_key(r[1]), r[0])):
        # Equal points share a rank (1, 2, 2, 4).
        rank = lines[-1].rank if lines and lines[-1].points == points else len(lines) + 1
        lines.append(RankLine(rank, member_id, name, generation, int(points)))
    return lines
