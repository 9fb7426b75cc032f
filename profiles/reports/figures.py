"""The reports upward: monthly, quarterly and yearly tables for the organisation or one
党总支, from the reads of :mod:`profiles.reports.reads` (one statement per table, whatever
the number of branches).

A report is a list of :class:`Table` (Chinese headings, as the reports sent upward use;
plain values: text, whole numbers, money in fen, rates as fractions) that the renderers
(``reports/``) write as .xlsx sheets or PDF pages. Definitions, for the figures to be
checked by hand (docs/reports.md):

- a member belongs to their current branch; 已转出 members are out of every count
  except the membership changes;
- a meeting period is *owed* when it ends within the report's period, before today, and
  the branch (for 党小组会, the group) existed for all of it; it is *met* with a meeting
  of that kind (group) held in it; the cadences are the self-audit's;
- attendance counts the current members' rows of the meetings held in the period;
- dues: the recorded rows of each month (due, paid, settled rows); members in arrears at
  the end of a month and the months they owe by then are
  ``profiles.dues.arrears.arrears`` (the one arrears computation) with that month as the
  current one, over the months settled as the record stands;
- 民主评议: the year of the report's period, over the current members who had joined by
  its end;
- conversions: current 预备党员 whose probation ends by the period's end (overdue if it
  ended before today);
- membership changes: membership ranges begun (入党, 转入, moved in) and ended (moved out,
  转出) within the period, and conversions (转正) dated in it.

No table holds a private field (``core.changelog.PRIVATE_MEMBER_FIELDS``) or a member's
dues amount: money is summed per branch and month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from profiles.audit.checklist import AuditSettings, HeldMeeting
from profiles.dues.arrears import arrears, first_month_owed
from profiles.enums import EvaluationStage, MeetingKind, Rating
from profiles.labels import label
from profiles.members import reads as members_reads
from profiles.members.membership import MembershipEnd, MembershipStart
from profiles.members.rules import exempt_months, probation_end
from profiles.months import Period, month_range, period_of, periods_between, yyyymm
from profiles.org.reads import BranchScope
from profiles.org.rules import alive_through, before_committee, has_committee
from profiles.reports import reads
from profiles.reports.overview import BranchInfo, branch_infos, committees_from

PERIOD_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Money:
    """An amount in fen (written as yuan with two decimals)."""

    cents: int


@dataclass(frozen=True)
class Rate:
    """A share (written as a percentage); None when there is nothing to divide by."""

    part: int
    whole: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.part, self.whole) if self.whole else None


Cell = str | int | Money | Rate | None


@dataclass(frozen=True)
class Table:
    """One table of a report: one sheet of the .xlsx, one section of the PDF."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    organisation: str
    scope: str  # the organisation, or the 党总支's name
    period: Period
    made_on: dt.date
    tables: list[Table]


def period_label(period: Period) -> str:
    """2026年11月 / 2026年第4季度 / 2026年度."""
    if period.cadence == "month":
        return f"{period.year}年{period.number}月"
    if period.cadence == "quarter":
        return f"{period.year}年第{period.number}季度"
    return f"{period.year}年度"


def parse_period(kind: str, value: str) -> Period | None:
    """("month", "2026-11") / ("quarter", "2026-4") / ("year", "2026") → the period, or
    None for anything else (years 2000-2100)."""
    try:
        if kind == "year":
            year, number = int(value), 0
        else:
            year_text, number_text = value.split("-", 1)
            year, number = int(year_text), int(number_text)
    except ValueError:
        return None
    if not 2000 <= year <= 2100:
        return None
    if kind == "month" and 1 <= number <= 12:
        return Period(year, number, "month")
    if kind == "quarter" and 1 <= number <= 4:
        return Period(year, number, "quarter")
    if kind == "year":
        return Period(year, 0, "year")
    return None


def _branch_cells(info: BranchInfo) -> tuple[Cell, ...]:
    return (info.general_branch or "", info.code, info.name)


BRANCH_COLUMNS = ("党总支", "支部编号", "支部名称")


def build_report(scope: BranchScope, period: Period, today: dt.date, settings: AuditSettings,
                 organisation: str, scope_name: str) -> Report:
    """Every table of the report of ``period`` over the branches within ``scope``."""
    infos = branch_infos(scope)
    first, last = period.first_day, min(period.last_day, today)
    tables = [
        meetings_table(scope, infos, period, today, settings),
        attendance_table(scope, infos, first, last),
        dues_table(scope, infos, period, today),
        evaluation_table(scope, infos, period.year),
        conversion_table(scope, infos, period, today),
        changes_table(scope, infos, first, last),
    ]
    organisation = organisation or (infos[0].committee_name if infos else "")
    return Report(f"{scope_name or organisation}党建工作{_report_kind(period)}"
                  f"（{period_label(period)}）", organisation, scope_name or organisation,
                  period, today, tables)


def _report_kind(period: Period) -> str:
    return {"month": "月报", "quarter": "季报", "year": "年报"}[period.cadence]


def meetings_table(scope: BranchScope, infos: Sequence[BranchInfo], period: Period,
                   today: dt.date, settings: AuditSettings) -> Table:
    """Per branch and kind with a cadence: periods owed, met, and meetings held (a kind
    that owed nothing in the period and held nothing has no line)."""
    # Meetings from the start of the year of the period: a yearly period needs all of it.
    since = dt.date(period.year, 1, 1)
    until = min(period.last_day, today)
    held: dict[int, list[HeldMeeting]] = defaultdict(list)
    for branch_id, kind, held_on, group_id, _id, _minutes in reads.held_meetings(
            scope, since, until):
        held[branch_id].append(HeldMeeting(kind, held_on, group_id))
    groups: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = defaultdict(list)
    for branch_id, group_id, _name, founded, dissolved in reads.groups(scope):
        groups[branch_id].append((group_id, founded, dissolved))
    committees = committees_from(scope, infos)  # no 支委会 owed before the seventh
    rows: list[tuple[Cell, ...]] = []
    for info in infos:
        cadences = dict(settings.cadences)
        if not has_committee(info.full_members, info.committee_setting):
            cadences[MeetingKind.COMMITTEE] = None  # as branch_cadences: no 支委会 is due
        for kind in MeetingKind:
            cadence = cadences.get(kind)
            if cadence is None:
                continue
            owners: list[tuple[int, dt.date | None, dt.date | None] | None] = (
                list(groups[info.id]) if kind is MeetingKind.GROUP else [None])
            owed = met = 0
            for p in periods_between(period.first_day, period.last_day, cadence):
                if not (period.first_day <= p.last_day <= period.last_day and p.last_day < today
                        and alive_through(p.first_day, p.last_day, _audited_from(info),
                                          info.dissolved_on)):
                    continue
                if before_committee(kind is MeetingKind.COMMITTEE, p.first_day,
                                    committees.get(info.id)):
                    continue
                for owner in owners:
                    if owner is not None and not alive_through(p.first_day, p.last_day,
                                                               owner[1], owner[2]):
                        continue
                    owed += 1
                    met += any(m.kind is kind and p.contains(m.held_on)
                               and (owner is None or m.group_id == owner[0])
                               for m in held[info.id])
            count = sum(1 for m in held[info.id]
                        if m.kind is kind and period.first_day <= m.held_on <= until)
            if not owed and not count:
                continue  # nothing owed and nothing held: no line
            rows.append((*_branch_cells(info), label(kind, "zh"), owed, met, count,
                         Rate(met, owed)))
    return Table("meetings", "组织生活会议召开情况",
                 (*BRANCH_COLUMNS, "会议类型", "应开期数", "已开期数", "召开次数", "完成率"), rows)


def attendance_table(scope: BranchScope, infos: Sequence[BranchInfo], first: dt.date,
                     last: dt.date) -> Table:
    """Per branch: meetings held, attendance rows, present, excused, absent, rate."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for branch_id, _kind, meetings, present, excused, absent, total in reads.attendance(
            scope, first, last):
        for i, value in enumerate((meetings, total, present, excused, absent)):
            sums[branch_id][i] += int(value or 0)
    rows: list[tuple[Cell, ...]] = []
    for info in infos:
        meetings, total, present, excused, absent = sums[info.id]
        rows.append((*_branch_cells(info), meetings, total, present, excused, absent,
                     Rate(present, total)))
    return Table("attendance", "党员参加组织生活出勤情况",
                 (*BRANCH_COLUMNS, "会议次数", "应到人次", "出席人次", "请假人次", "缺席人次",
                  "出席率"), rows)


def dues_table(scope: BranchScope, infos: Sequence[BranchInfo], period: Period,
               today: dt.date) -> Table:
    """Per branch and month of the period up to this month: due, paid, settled rows, and
    the members in arrears at the end of the month with the months they owe."""
    months = [m for m in month_range(yyyymm(period.first_day), yyyymm(period.last_day))
              if m <= yyyymm(today)]
    recorded: dict[tuple[int, int], tuple[int, int, int]] = {}
    if months:
        for branch_id, month, due, paid, _rows, settled_rows in reads.dues_by_month(
                scope, months[0], months[-1]):
            recorded[(branch_id, month)] = (int(due or 0), int(paid or 0),
                                            int(settled_rows or 0))
    owing: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    tracked = {i.id: i.tracked_from for i in infos}
    periods = members_reads.all_standings()[0].periods
    for member, branch_id, _name, entered, settled_text in reads.settled_months(scope):
        paid_months = [int(m) for m in settled_text.split(",")] if settled_text else []
        start = first_month_owed(_as_date(entered), tracked.get(branch_id))
        exempt = exempt_months(periods.get(member, ()), start, months[-1]) if months else ()
        for month in months:
            if start > month:
                continue
            unpaid = arrears(start, month, paid_months, exempt).unpaid
            if unpaid:
                owing[(branch_id, month)][0] += 1
                owing[(branch_id, month)][1] += len(unpaid)
    rows: list[tuple[Cell, ...]] = []
    for info in infos:
        for month in months:
            due, paid, settled_rows = recorded.get((info.id, month), (0, 0, 0))
            members, owed_months = owing[(info.id, month)]
            rows.append((*_branch_cells(info), f"{month // 100}-{month % 100:02d}", Money(due),
                         Money(paid), settled_rows, members, owed_months))
    return Table("dues", "党费收缴情况",
                 (*BRANCH_COLUMNS, "月份", "已登记应缴金额（元）", "实缴金额（元）", "已缴清人数",
                  "月末欠缴人数", "月末欠缴月数"), rows)


STAGES = (None, EvaluationStage.SELF, EvaluationStage.PEER, EvaluationStage.ASSESSMENT,
          EvaluationStage.DECIDED)
RATINGS = (Rating.EXCELLENT, Rating.QUALIFIED, Rating.BASICALLY_QUALIFIED, Rating.UNQUALIFIED)


def evaluation_table(scope: BranchScope, infos: Sequence[BranchInfo], year: int) -> Table:
    """Per branch: the year's 民主评议, members eligible, per stage and per rating."""
    stages: dict[int, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    ratings: dict[int, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for branch_id, stage, rating, n in reads.evaluation_progress(scope, year):
        stages[branch_id][stage] += int(n)
        if rating is not None:
            ratings[branch_id][rating] += int(n)
    rows: list[tuple[Cell, ...]] = []
    for info in infos:
        eligible = sum(stages[info.id].values())
        rows.append((*_branch_cells(info), year, eligible,
                     *(stages[info.id][s] for s in STAGES),
                     *(ratings[info.id][r] for r in RATINGS),
                     Rate(stages[info.id][EvaluationStage.DECIDED], eligible)))
    return Table("evaluation", "民主评议党员进度及结果",
                 (*BRANCH_COLUMNS, "年度", "应参评人数", "未开始", "个人自评", "党员互评",
                  "民主测评", "支部评定", "优秀", "合格", "基本合格", "不合格", "完成率"), rows)


def conversion_table(scope: BranchScope, infos: Sequence[BranchInfo], period: Period,
                     today: dt.date) -> Table:
    """Every current 预备党员 whose probation ends by the end of the period."""
    by_id = {i.id: i for i in infos}
    rows: list[tuple[Cell, ...]] = []
    for _member, branch_id, name, joined, extension in reads.probationers(scope):
        ends = probation_end(joined, extension)
        info = by_id.get(branch_id)
        if info is None or ends > period.last_day:
            continue
        rows.append((*_branch_cells(info), name, joined.isoformat(), ends.isoformat(),
                     extension or 0, "逾期未转正" if ends < today else "到期待转正"))
    rows.sort(key=lambda r: (str(r[5]), str(r[1])))
    return Table("conversions", "预备党员到期转正情况",
                 (*BRANCH_COLUMNS, "姓名", "入党日期", "预备期满", "延长预备期（月）", "状态"),
                 rows)


def changes_table(scope: BranchScope, infos: Sequence[BranchInfo], first: dt.date,
                  last: dt.date) -> Table:
    """Per branch: admitted, converted, transferred in, moved in, moved out, transferred
    out, within the period."""
    starts: dict[int, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for branch_id, reason, n in reads.membership_starts(scope, first, last):
        starts[branch_id][reason] += int(n)
    ends: dict[int, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for branch_id, reason, n in reads.membership_ends(scope, first, last):
        ends[branch_id][reason] += int(n)
    converted: dict[int, int] = defaultdict(int)
    for _member, branch_id, _joined, _extension, _on in reads.conversions(scope, first, last):
        converted[branch_id] += 1
    end_reasons = [r for r in MembershipEnd if r not in (MembershipEnd.MOVED,
                                                          MembershipEnd.TRANSFERRED_OUT)]
    rows: list[tuple[Cell, ...]] = []
    for info in infos:
        s, e = starts[info.id], ends[info.id]
        rows.append((*_branch_cells(info), info.members, s[MembershipStart.JOINED],
                     converted[info.id], s[MembershipStart.TRANSFERRED_IN],
                     s[MembershipStart.MOVED], e[MembershipEnd.MOVED],
                     e[MembershipEnd.TRANSFERRED_OUT], *(e[r] for r in end_reasons)))
    return Table("changes", "党员队伍变动情况",
                 (*BRANCH_COLUMNS, "现有党员", "发展党员（入党）", "转正", "组织关系转入",
                  "内部调入", "内部调出", "组织关系转出",
                  *(_end_label(r) for r in end_reasons)), rows)


def _end_label(reason: Any) -> str:
    try:
        return label(reason, "zh")
    except KeyError:
        return str(reason)


def totals(table: Table) -> Mapping[str, int]:
    """Column → the sum of its whole numbers (tests and the PDF's last line)."""
    out: dict[str, int] = {}
    for i, column in enumerate(table.columns):
        values = [r[i] for r in table.rows]
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out[column] = sum(int(v) for v in values if isinstance(v, int))
        elif values and all(isinstance(v, Money) for v in values):
            out[column] = sum(v.cents for v in values if isinstance(v, Money))
    return out


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


__all__ = ["PERIOD_KINDS", "Cell", "Money", "Rate", "Report", "Table", "build_report",
           "parse_period", "period_label", "period_of", "totals"]


def _audited_from(info: BranchInfo) -> dt.date | None:
    """The later of the branch's founding and where the record begins: no period before
    it is owed (as ``profiles.audit.checklist.audited_from``)."""
    starts = [d for d in (info.founded_on, info.tracked_from) if d is not None]
    return max(starts) if starts else None
