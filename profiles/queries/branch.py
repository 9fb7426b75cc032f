"""Everything the branch page shows, and the plain data its self-audit reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from core.db import run
from profiles.audit.checklist import (
    AuditInput,
    EvaluationCounts,
    GroupRef,
    HeldMeeting,
    MemberAbsence,
    MemberArrears,
    Probationer,
)
from profiles.collation import name_key
from profiles.dues.reads import branch_arrears
from profiles.enums import (
    Attendance,
    Category,
    EvaluationStage,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.members.rules import probation_end
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    DuesRecord,
    Evaluation,
    GeneralBranch,
    Meeting,
    Member,
    PartyGroup,
    PointsEntry,
)
from profiles.months import add_months, yyyymm
from profiles.org.rules import has_committee

RANKING_SIZE = 10
ACTIVE = Member.status != MemberStatus.TRANSFERRED_OUT  # 已转出 members are out of every count


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
    dues_tracked_from: dt.date | None


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


def branch_page(branch_id: int, today: dt.date, lookback_months: int = 12) -> BranchPage | None:
    """Load the branch page, or None if there is no such branch."""
    header = _header(branch_id)
    if header is None:
        return None
    members = _members(branch_id)
    groups = _groups(branch_id)
    evaluation = _evaluation(branch_id, today.year - 1)
    # From 1 January of the year the audit window starts in: yearly kinds need the whole year.
    since = dt.date(add_months(today, -lookback_months).year, 1, 1)
    owing = branch_arrears(branch_id, today, header.dues_tracked_from)
    committee = has_committee(sum(1 for m in members if m.category is Category.FULL),
                              header.committee_setting)
    audit = AuditInput(
        founded_on=header.founded_on,
        dissolved_on=header.dissolved_on,
        has_committee=committee,
        groups=groups,
        meetings=_meetings(branch_id, since, today),
        arrears=[MemberArrears(o.name, len(o.arrears.unpaid), o.arrears.consecutive)
                 for o in owing if o.arrears.unpaid],
        probationers=[
            Probationer(m.name, joined, probation_end(joined, extension))
            for m, joined, extension in _probationers(branch_id)
        ],
        absences=_absences(branch_id, today),
        evaluation=EvaluationCounts(
            year=evaluation.year, eligible=evaluation.eligible,
            decided=evaluation.by_stage.get(EvaluationStage.DECIDED, 0),
            excellent=evaluation.by_rating.get(Rating.EXCELLENT, 0)),
    )
    return BranchPage(
        header=header,
        year=today.year,
        members=members,
        secretary=next((m for m in members if m.position is Position.SECRETARY), None),
        rates=_rates(branch_id, today),
        dues=_collection(branch_id, today,
                         sum(1 for o in owing if o.arrears.first_month <= o.arrears.current)),
        evaluation=evaluation,
        ranking=_ranking(branch_id, today),
        audit=audit,
        has_committee=committee,
    )


def _header(branch_id: int) -> BranchHeader | None:
    row = run(
        select(Branch.id, Branch.code, Branch.name, Committee.name, GeneralBranch.name,
               Branch.founded_on, Branch.dissolved_on, Branch.has_committee,
               Committee.dues_tracked_from)
        .join(Committee, Committee.id == Branch.committee_id)
        .outerjoin(GeneralBranch, GeneralBranch.id == Branch.general_branch_id)
        .where(Branch.id == branch_id)
    ).first()
    return BranchHeader(*row) if row else None


def _members(branch_id: int) -> list[MemberLine]:
    rows = run(
        select(Member.id, Member.name, Member.card_generation, Member.category, Member.position,
               Member.status, PartyGroup.name)
        .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
        .where(Member.branch_id == branch_id, ACTIVE)
    ).all()
    positions = list(Position)
    lines = [MemberLine(*row) for row in rows]
    # Committee first in protocol order, then everyone else by name.
    return sorted(lines, key=lambda m: (
        positions.index(m.position) if m.position else len(positions), name_key(m.name), m.id))


def _groups(branch_id: int) -> list[GroupRef]:
    rows = run(
        select(PartyGroup.id, PartyGroup.name, PartyGroup.founded_on, PartyGroup.dissolved_on)
        .where(PartyGroup.branch_id == branch_id)
        .order_by(PartyGroup.id)
    ).all()
    return [GroupRef(*row) for row in rows]


def _meetings(branch_id: int, since: dt.date, today: dt.date) -> list[HeldMeeting]:
    # One row per meeting in the window: bounded by the cadence, not by the branch's history.
    rows = run(
        select(Meeting.kind, Meeting.held_on, Meeting.group_id)
        .where(Meeting.branch_id == branch_id, Meeting.held_on >= since,
               Meeting.held_on <= today)
        .order_by(Meeting.held_on)
    ).all()
    return [HeldMeeting(*row) for row in rows]


def _rates(branch_id: int, today: dt.date) -> list[KindRate]:
    rows = run(
        select(Meeting.kind, func.count(func.distinct(Meeting.id)),
               func.sum(case((AttendanceRecord.status == Attendance.PRESENT, 1), else_=0)),
               func.sum(case((AttendanceRecord.status == Attendance.EXCUSED, 1), else_=0)),
               func.count(AttendanceRecord.member_id))
        .join(AttendanceRecord, AttendanceRecord.meeting_id == Meeting.id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .where(Meeting.branch_id == branch_id, ACTIVE,
               Meeting.held_on >= dt.date(today.year, 1, 1), Meeting.held_on <= today)
        .group_by(Meeting.kind)
    ).all()
    order = list(MeetingKind)
    rates = [KindRate(kind, int(n), int(p), int(e), int(x)) for kind, n, p, e, x in rows]
    return sorted(rates, key=lambda r: order.index(r.kind))


def _collection(branch_id: int, today: dt.date, members_due: int) -> DuesCollection:
    month = yyyymm(today)
    current = DuesRecord.month == month
    settled = DuesRecord.paid_cents >= DuesRecord.due_cents
    row = run(
        select(
            func.coalesce(func.sum(case((current, DuesRecord.due_cents), else_=0)), 0),
            func.coalesce(func.sum(case((current, DuesRecord.paid_cents), else_=0)), 0),
            func.coalesce(func.sum(case((and_(current, settled), 1), else_=0)), 0),
            func.coalesce(func.sum(DuesRecord.due_cents), 0),
            func.coalesce(func.sum(DuesRecord.paid_cents), 0),
        )
        .join(Member, Member.id == DuesRecord.member_id)
        .where(Member.branch_id == branch_id, ACTIVE,
               DuesRecord.month >= today.year * 100 + 1, DuesRecord.month <= month)
    ).one()
    month_due, month_paid, settled_count, year_due, year_paid = (int(v) for v in row)
    # Who owes this month comes from the membership, not from rows: a missing row is the
    # common case and must not make the branch look fully paid.
    return DuesCollection(month, month_due, month_paid, max(members_due, settled_count),
                          settled_count, year_due, year_paid)


def _probationers(branch_id: int) -> list[tuple[MemberLine, dt.date, int]]:
    rows = run(
        select(Member.id, Member.name, Member.card_generation, Member.category, Member.position,
               Member.status, PartyGroup.name, Member.joined_on,
               Member.probation_extension_months)
        .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
        .where(Member.branch_id == branch_id, ACTIVE, Member.category == Category.PROBATIONARY)
    ).all()
    return [(MemberLine(*row[:7]), row[7], row[8]) for row in rows]


def _absences(branch_id: int, today: dt.date) -> list[MemberAbsence]:
    """Per member, the first 缺席 after their last 出席 or 请假 (none if they never missed),
    in any branch of the organisation."""
    # Over the member's whole history in the organisation: taking part in the old
    # branch last month counts, so a member who moved here is not "absent for 20 months".
    took_part = (
        select(AttendanceRecord.member_id, func.max(Meeting.held_on).label("held_on"))
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .where(AttendanceRecord.status != Attendance.ABSENT, Member.branch_id == branch_id)
        .group_by(AttendanceRecord.member_id)
        .subquery()
    )
    rows = run(
        select(Member.name, func.min(Meeting.held_on))
        .join(AttendanceRecord, AttendanceRecord.member_id == Member.id)
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .outerjoin(took_part, took_part.c.member_id == Member.id)
        .where(Member.branch_id == branch_id, ACTIVE, Meeting.held_on <= today,
               AttendanceRecord.status == Attendance.ABSENT,
               or_(took_part.c.held_on.is_(None), Meeting.held_on > took_part.c.held_on))
        .group_by(Member.id, Member.name)
    ).all()
    return [MemberAbsence(name, since) for name, since in rows]


def _evaluation(branch_id: int, year: int) -> EvaluationProgress:
    rows = run(
        select(Evaluation.stage, Evaluation.rating, func.count(Member.id))
        .outerjoin(Evaluation, and_(Evaluation.member_id == Member.id, Evaluation.year == year))
        .where(Member.branch_id == branch_id, ACTIVE, Member.joined_on <= dt.date(year, 12, 31))
        .group_by(Evaluation.stage, Evaluation.rating)
    ).all()
    by_stage: dict[EvaluationStage | None, int] = {}
    by_rating: dict[Rating, int] = {}
    for stage, rating, n in rows:
        by_stage[stage] = by_stage.get(stage, 0) + int(n)
        if rating is not None:
            by_rating[rating] = by_rating.get(rating, 0) + int(n)
    return EvaluationProgress(year, sum(by_stage.values()), by_stage, by_rating)


def _ranking(branch_id: int, today: dt.date) -> list[RankLine]:
    total = func.sum(PointsEntry.points)
    rows = run(
        select(Member.id, Member.name, Member.card_generation, total)
        .join(PointsEntry, PointsEntry.member_id == Member.id)
        .where(Member.branch_id == branch_id, ACTIVE,
               PointsEntry.recorded_on >= dt.date(today.year, 1, 1),
               PointsEntry.recorded_on <= today)
        .group_by(Member.id, Member.name, Member.card_generation)
        .order_by(total.desc(), Member.name, Member.id)
        .limit(RANKING_SIZE)
    ).all()
    lines: list[RankLine] = []
    # Ties in pinyin order (SQL would give code-point order).
    rows = sorted(rows, key=lambda r: (-r[3], name_key(r[1]), r[0]))
    for member_id, name, generation, points in rows:
        # Equal points share a rank (1, 2, 2, 4).
        rank = lines[-1].rank if lines and lines[-1].points == points else len(lines) + 1
        lines.append(RankLine(rank, member_id, name, generation, int(points)))
    return lines
