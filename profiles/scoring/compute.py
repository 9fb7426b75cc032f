"""三级考核 of one month, computed from the record: every branch, party group and member
within a scope, each with its breakdown, in a fixed number of statements.

The measures (docs/scoring.md):

- branch ``meetings``: the meeting periods of the cadence ending in the month, met of owed
  (as the organisation home's trend counts them); ``attendance``: present of the current
  members' attendance rows at the month's meetings; ``dues``: members owing the month
  whose month is paid in full, of those owing it; ``gaps``: the self-audit's open gaps
  when the scores are computed (frozen when the month is closed);
- group ``meetings``: a 党小组会 held in the month (1 of 1); ``attendance``: its members'
  present of rows at the month's meetings (members by their current group);
- member ``attendance``: present of rows at the month's meetings; ``points``: the points
  recorded in the month against the rule's target; ``dues``: the month paid in full by
  its last day, when it is owed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from profiles.audit.checklist import (
    AuditInput,
    AuditSettings,
    EvaluationCounts,
    GroupRef,
    HeldMeeting,
    branch_cadences,
)
from profiles.dues.arrears import first_month_owed
from profiles.enums import MeetingKind
from profiles.members import reads as members_reads
from profiles.members.rules import exempt_months
from profiles.months import add_months, yyyymm
from profiles.org.reads import BranchScope
from profiles.org.rules import has_committee
from profiles.reports import reads
from profiles.reports.overview import BranchGaps, branch_infos, committees_from, owed_periods
from profiles.scoring.models import ScoreLevel
from profiles.scoring.rules import Measure, RuleSpec, ScoreResult, gaps_measure, score


@dataclass(frozen=True)
class Scored:
    """One score of the month: who, in which branch, and the result."""

    level: ScoreLevel
    subject_id: int
    branch_id: int
    name: str
    result: ScoreResult


def month_bounds(month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(month // 100, month % 100, 1)
    return first, add_months(first, 1) - dt.timedelta(days=1)


def compute_month(scope: BranchScope, month: int, rules: Sequence[RuleSpec],
                  settings: AuditSettings, gaps: Mapping[int, BranchGaps]) -> list[Scored]:
    """Every score of ``month`` within ``scope``: branches, then groups, then members."""
    first, last = month_bounds(month)
    by_level: dict[ScoreLevel, list[RuleSpec]] = defaultdict(list)
    for rule in rules:
        by_level[rule.level].append(rule)
    infos = branch_infos(scope)
    groups: dict[int, list[GroupRef]] = defaultdict(list)
    group_branch: dict[int, int] = {}
    for branch_id, group_id, name, founded, dissolved in reads.groups(scope):
        groups[branch_id].append(GroupRef(group_id, name, founded, dissolved))
        group_branch[group_id] = branch_id
    meetings: dict[int, list[HeldMeeting]] = defaultdict(list)
    for branch_id, kind, held_on, meeting_group, _id, _minutes in reads.held_meetings(
            scope, dt.date(first.year, 1, 1), last):
        meetings[branch_id].append(HeldMeeting(kind, held_on, meeting_group))
    attendance: dict[int, tuple[int, int]] = {}
    group_attendance: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    branch_attendance: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for member_id, branch_id, member_group, present, rows in reads.member_attendance(
            scope, first, last):
        attendance[member_id] = (int(present or 0), int(rows or 0))
        branch_attendance[branch_id][0] += int(present or 0)
        branch_attendance[branch_id][1] += int(rows or 0)
        if member_group is not None:
            group_attendance[member_group][0] += int(present or 0)
            group_attendance[member_group][1] += int(rows or 0)
    points = {member_id: int(n or 0) for member_id, n in reads.points_by_member(
        scope, first, last)}
    dues = {member_id: (int(due), int(paid), paid_on)
            for member_id, due, paid, paid_on in reads.month_dues(scope, month)}
    tracked = {i.id: i.tracked_from for i in infos}
    members = reads.scored_members(scope)

    out: list[Scored] = []
    branch_dues: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    member_scores: list[Scored] = []
    periods = members_reads.all_standings()[0].periods  # 停止党籍, 暂留: the month not owed
    for member_id, branch_id, _group_id, name, entered in members:
        start = first_month_owed(_as_date(entered), tracked.get(branch_id))
        owes = start <= month and month not in exempt_months(
            periods.get(member_id, ()), month, month)
        row = dues.get(member_id)
        settled = row is not None and row[1] >= row[0]
        on_time = settled and row is not None and row[2] is not None and row[2] <= last
        if owes:
            branch_dues[branch_id][1] += 1
            branch_dues[branch_id][0] += settled
        present, rows = attendance.get(member_id, (0, 0))
        measures = {"attendance": Measure(present, rows),
                    "points": Measure(points.get(member_id, 0), 1),
                    "dues": Measure(int(on_time), 1) if owes else Measure(0, 0)}
        member_scores.append(Scored(ScoreLevel.MEMBER, member_id, branch_id, name,
                                    score(by_level[ScoreLevel.MEMBER], measures)))
    committees = committees_from(scope, infos)
    for info in infos:
        data = AuditInput(founded_on=info.founded_on, dissolved_on=info.dissolved_on,
                          has_committee=has_committee(info.full_members,
                                                      info.committee_setting),
                          groups=groups[info.id], meetings=meetings[info.id], arrears=(),
                          probationers=(), absences=(),
                          evaluation=EvaluationCounts(first.year - 1, 0, 0, 0),
                          records_from=info.tracked_from,
                          committee_from=committees.get(info.id))
        owed, met = owed_periods(data, branch_cadences(settings.cadences, data), month)
        gap = gaps.get(info.id)
        measures = {"meetings": Measure(met, owed),
                    "attendance": Measure(*branch_attendance[info.id]),
                    "dues": Measure(*branch_dues[info.id]),
                    "gaps": gaps_measure(gap.critical, gap.total) if gap else Measure(0, 0)}
        out.append(Scored(ScoreLevel.BRANCH, info.id, info.id, info.name,
                          score(by_level[ScoreLevel.BRANCH], measures)))
    for info in infos:
        for group in groups[info.id]:
            if (group.founded_on and group.founded_on > last) or (
                    group.dissolved_on and group.dissolved_on <= first):
                continue
            held = any(m.kind is MeetingKind.GROUP and m.group_id == group.id
                       and first <= m.held_on <= last for m in meetings[info.id])
            measures = {"meetings": Measure(int(held), 1),
                        "attendance": Measure(*group_attendance[group.id])}
            out.append(Scored(ScoreLevel.GROUP, group.id, info.id, group.name,
                              score(by_level[ScoreLevel.GROUP], measures)))
    return out + member_scores


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


__all__ = ["Scored", "compute_month", "month_bounds", "yyyymm"]
