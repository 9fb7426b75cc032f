"""The organisation home: every branch's open gaps by kind and severity, and the trend.

The gaps are the self-audit's own findings (``profiles.audit.checklist.run_audit``, the
branch page's and the console checklist's rules), run on each branch over data read for
all branches at once (:mod:`profiles.reports.reads`, a fixed number of statements).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from profiles.audit.checklist import (
    CRITICAL,
    AuditInput,
    AuditSettings,
    EvaluationCounts,
    Finding,
    GroupRef,
    HeldMeeting,
    MemberAbsence,
    MemberArrears,
    MemberStandingFact,
    Probationer,
    audited_from,
    branch_cadences,
    run_audit,
)
from profiles.audit.recruitment import OnTheWay, recruitment_findings
from profiles.dues.arrears import arrears, first_month_owed
from profiles.enums import EvaluationStage, MeetingKind, Rating
from profiles.members import reads as members_reads
from profiles.members.rules import exempt_months, probation_end
from profiles.months import (
    Cadence,
    Period,
    add_month,
    add_months,
    month_range,
    period_of,
    yyyymm,
)
from profiles.org.reads import BranchScope
from profiles.org.rules import (
    alive_through,
    before_committee,
    committee_from,
    full_here_since,
    has_committee,
)
from profiles.recruitment.reads import record_of
from profiles.reports import reads

# The kinds of gap, in the order the home shows them (the audit's rule names).
GAP_KINDS: tuple[str, ...] = ("meeting_missed", "dues_unpaid", "probation_overdue",
                              "evaluation_missing", "excellent_share", "absent",
                              "minutes_missing", "recruitment")
# The 发展党员 rules' findings (profiles.audit.recruitment) count as one kind on the home.
RECRUITMENT_RULES = frozenset({"talk_overdue", "activist_undecided", "notice_missing",
                               "approval_overdue"})
TREND_MONTHS = 12


@dataclass(frozen=True)
class BranchInfo:
    """A branch and where it sits."""

    id: int
    code: str
    name: str
    general_branch_id: int | None
    general_branch: str | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    committee_setting: bool | None
    members: int
    full_members: int
    tracked_from: dt.date | None
    committee_id: int
    committee_name: str


@dataclass(frozen=True)
class BranchGaps:
    """One branch's open gaps: per kind, per severity."""

    branch: BranchInfo
    by_kind: Mapping[str, int]
    critical: int
    warning: int

    @property
    def total(self) -> int:
        return self.critical + self.warning


@dataclass(frozen=True)
class TrendMonth:
    """One month of the organisation: meetings held, meeting periods ending that month
    owed and met, dues due and paid (fen, recorded rows of the month), and gaps opened
    (a period of the cadence ended unmet, a probation ran out unconverted) and closed (an
    overdue probation ended by conversion). Gaps of dues and absence are the home's
    current counts only: when a payment was recorded is not on record."""

    month: int
    meetings_held: int
    periods_owed: int
    periods_met: int
    dues_due: int
    dues_paid: int
    gaps_opened: int
    gaps_closed: int


@dataclass(frozen=True)
class Overview:
    branches: list[BranchGaps]
    trend: list[TrendMonth] = field(default_factory=list)


def branch_infos(scope: BranchScope) -> list[BranchInfo]:
    """The branches within ``scope`` (one statement)."""
    return [BranchInfo(*row) for row in reads.branches(scope)]


def committees_from(scope: BranchScope, infos: Sequence[BranchInfo]) -> dict[int, dt.date]:
    """branch id → from when it has had its 支部委员会 by the 7-member rule (branches with
    no such bound left out): ``profiles.org.rules.committee_from``, one statement."""
    full_since: dict[int, list[dt.date]] = defaultdict(list)
    for branch_id, joined, converted, here in reads.full_members_since(scope):
        full_since[branch_id].append(full_here_since(here, joined, converted))
    out = {}
    for info in infos:
        day = committee_from(full_since[info.id], info.committee_setting)
        if day is not None:
            out[info.id] = day
    return out


def audit_inputs(scope: BranchScope, infos: Sequence[BranchInfo], today: dt.date,
                 lookback_months: int) -> dict[int, AuditInput]:
    """branch id → the self-audit's input, as ``profiles.queries.branch_page`` builds it for
    one branch, from eight statements for all of them."""
    since = dt.date(add_months(today, -lookback_months).year, 1, 1)
    groups: dict[int, list[GroupRef]] = defaultdict(list)
    for branch_id, group_id, name, founded, dissolved in reads.groups(scope):
        groups[branch_id].append(GroupRef(group_id, name, founded, dissolved))
    meetings: dict[int, list[HeldMeeting]] = defaultdict(list)
    for branch_id, kind, held_on, meeting_group, meeting_id, minutes in reads.held_meetings(
            scope, since, today):
        meetings[branch_id].append(HeldMeeting(kind, held_on, meeting_group, meeting_id,
                                               bool(minutes)))
    tracked = {i.id: i.tracked_from for i in infos}
    owing: dict[int, list[MemberArrears]] = defaultdict(list)
    month = yyyymm(today)
    standings, standing_branch = members_reads.all_standings()
    for member, branch_id, name, entered, months in reads.settled_months(scope):
        settled = [int(m) for m in months.split(",")] if months else []
        start = first_month_owed(_as_date(entered), tracked.get(branch_id))
        owed = arrears(start, month, settled,
                       exempt_months(standings.periods.get(member, ()), start, month))
        if owed.unpaid:
            owing[branch_id].append(MemberArrears(name, len(owed.unpaid), owed.consecutive))
    probationers: dict[int, list[Probationer]] = defaultdict(list)
    for _member, branch_id, name, joined, extension in reads.probationers(scope):
        probationers[branch_id].append(Probationer(name, joined, probation_end(joined,
                                                                               extension)))
    absences: dict[int, list[MemberAbsence]] = defaultdict(list)
    for branch_id, name, day in reads.first_absences(scope, today):
        absences[branch_id].append(MemberAbsence(name, day))
    facts: dict[int, list[MemberStandingFact]] = defaultdict(list)
    for member, (name, period) in standings.current.items():
        facts[standing_branch[member]].append(
            MemberStandingFact(name, period.status, period.since, period.until))
    committees = committees_from(scope, infos)
    year = today.year - 1
    eligible: dict[int, int] = defaultdict(int)
    decided: dict[int, int] = defaultdict(int)
    excellent: dict[int, int] = defaultdict(int)
    for branch_id, stage, rating, n in reads.evaluation_progress(scope, year):
        eligible[branch_id] += int(n)
        if stage == EvaluationStage.DECIDED:
            decided[branch_id] += int(n)
        if rating == Rating.EXCELLENT:
            excellent[branch_id] += int(n)
    return {i.id: AuditInput(
        founded_on=i.founded_on, dissolved_on=i.dissolved_on,
        has_committee=has_committee(i.full_members, i.committee_setting),
        committee_from=committees.get(i.id),
        groups=groups[i.id], meetings=meetings[i.id], arrears=owing[i.id],
        probationers=probationers[i.id], absences=absences[i.id],
        evaluation=EvaluationCounts(year, eligible[i.id], decided[i.id], excellent[i.id]),
        records_from=i.tracked_from,
        standings=facts[i.id],
    ) for i in infos}


def count_gaps(info: BranchInfo, findings: Sequence[Finding]) -> BranchGaps:
    by_kind = dict.fromkeys(GAP_KINDS, 0)
    for f in findings:
        kind = "recruitment" if f.rule in RECRUITMENT_RULES else f.rule
        by_kind[kind] = by_kind.get(kind, 0) + 1
    critical = sum(1 for f in findings if f.severity == CRITICAL)
    return BranchGaps(info, by_kind, critical, len(findings) - critical)


def overview(scope: BranchScope, settings: AuditSettings, today: dt.date,
             trend: bool = True) -> Overview:
    """Every branch within ``scope`` with its gaps, and the trend of the last months."""
    infos = branch_infos(scope)
    inputs = audit_inputs(scope, infos, today, settings.lookback_months)
    recruits: dict[int, list[OnTheWay]] = defaultdict(list)
    for a in reads.applicants_on_the_way(scope):
        recruits[a.branch_id].append(OnTheWay(a.id, a.name, record_of(a)))
    gaps = [count_gaps(i, run_audit(inputs[i.id], settings, today)
                       + recruitment_findings(recruits[i.id], today)) for i in infos]
    if not trend:
        return Overview(gaps)
    first = add_month(yyyymm(today), -(TREND_MONTHS - 1))
    dues = reads.dues_by_month(scope, first, yyyymm(today))
    probationers = reads.probationers(scope)
    converted = reads.conversions(scope, dt.date(first // 100, first % 100, 1), today)
    return Overview(gaps, trend_months(infos, inputs, settings, today, dues, probationers,
                                       converted))


def held_periods(data: AuditInput, cadences: Mapping[MeetingKind, Cadence | None],
                 ) -> set[tuple[MeetingKind, int | None, Period]]:
    """(kind, group or None, period) of every period of the cadence that held a meeting."""
    held: set[tuple[MeetingKind, int | None, Period]] = set()
    for m in data.meetings:
        cadence = cadences.get(m.kind)
        if cadence is not None:
            held.add((m.kind, m.group_id if m.kind is MeetingKind.GROUP else None,
                      period_of(m.held_on, cadence)))
    return held


def owed_periods(data: AuditInput, cadences: Mapping[MeetingKind, Cadence | None],
                 month: int, held: set[tuple[MeetingKind, int | None, Period]] | None = None,
                 ) -> tuple[int, int]:
    """(periods owed, periods met) of a branch among the periods ending in ``month``:
    one per kind with a cadence (per living group for 党小组会), the branch (and group)
    alive for the whole period, as the self-audit's cadence rule counts them."""
    if held is None:
        held = held_periods(data, cadences)
    last_day = add_months(dt.date(month // 100, month % 100, 1), 1) - dt.timedelta(days=1)
    owed = met = 0
    for kind in MeetingKind:
        cadence = cadences.get(kind)
        if cadence is None:
            continue
        period = period_of(last_day, cadence)
        if period.last_day != last_day or not alive_through(
                period.first_day, period.last_day, audited_from(data), data.dissolved_on):
            continue
        if before_committee(kind is MeetingKind.COMMITTEE, period.first_day,
                            data.committee_from):
            continue  # as missed_meetings: before the branch's seventh full member
        owners: Sequence[GroupRef | None] = data.groups if kind is MeetingKind.GROUP \
            else [None]
        for owner in owners:
            if owner is not None and not alive_through(period.first_day, period.last_day,
                                                       owner.founded_on, owner.dissolved_on):
                continue
            owed += 1
            met += (kind, owner.id if owner else None, period) in held
    return owed, met


def trend_months(infos: Sequence[BranchInfo], inputs: Mapping[int, AuditInput],
                 settings: AuditSettings, today: dt.date,
                 dues: Sequence[tuple[int, int, int, int, int, int]],
                 probationers: Sequence[tuple[int, int, str, dt.date, int]],
                 converted: Sequence[tuple[int, int, dt.date, int, dt.date]],
                 ) -> list[TrendMonth]:
    """The last :data:`TREND_MONTHS` months, oldest first (the running month last)."""
    current = yyyymm(today)
    months = month_range(add_month(current, -(TREND_MONTHS - 1)), current)
    due: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    for _branch, month, d, p, _rows, _settled in dues:
        due[month] += int(d or 0)
        paid[month] += int(p or 0)
    held: dict[int, int] = defaultdict(int)
    for data in inputs.values():
        for meeting in data.meetings:
            held[yyyymm(meeting.held_on)] += 1
    overdue_from: dict[int, int] = defaultdict(int)
    for _member, _branch, _name, joined, extension in probationers:
        overdue_from[yyyymm(probation_end(joined, extension))] += 1
    closed: dict[int, int] = defaultdict(int)
    for _member, _branch, joined, extension, converted_on in converted:
        ended = probation_end(joined, extension)
        if converted_on > ended:  # the gap was open: it closed when they were converted
            overdue_from[yyyymm(ended)] += 1
            closed[yyyymm(converted_on)] += 1
    cadences = {i.id: branch_cadences(settings.cadences, inputs[i.id]) for i in infos}
    held_sets = {i.id: held_periods(inputs[i.id], cadences[i.id]) for i in infos}
    out = []
    for month in months:
        owed = met = 0
        if month < current:  # the running month's periods have not ended
            for i in infos:
                o, m = owed_periods(inputs[i.id], cadences[i.id], month, held_sets[i.id])
                owed += o
                met += m
        out.append(TrendMonth(month, held[month], owed, met, due[month], paid[month],
                              (owed - met) + overdue_from[month], closed[month]))
    return out


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
