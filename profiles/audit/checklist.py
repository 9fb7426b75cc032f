"""The branch self-audit: one pure function per rule, over plain data, no database.

Each rule returns :class:`Finding` values; ``profiles.audit.wording`` turns them into the
checklist lines. Cadences and thresholds come from :class:`AuditSettings` (app config).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from profiles.collation import name_key
from profiles.enums import MeetingKind, MemberStatus
from profiles.evaluations.rules import excellent_over_share
from profiles.meetings.rules import minutes_overdue
from profiles.members.rules import LOST_CONTACT_DECISION_MONTHS, months_lost
from profiles.months import Cadence, Period, add_months, months_since, period_of, periods_between
from profiles.org.rules import alive_through, before_committee

DEFAULT_CADENCES: dict[str, Cadence | None] = {
    MeetingKind.GENERAL.value: "quarter",
    MeetingKind.COMMITTEE.value: "month",
    MeetingKind.GROUP.value: "month",
    MeetingKind.LECTURE.value: "quarter",
    MeetingKind.THEME_DAY.value: "month",
    MeetingKind.LIFE.value: "year",
    MeetingKind.EVALUATION.value: "year",
}

# Config keys and their defaults; registered in app.py so instance config can override them.
CONFIG_DEFAULTS: dict[str, Any] = {
    "AUDIT_CADENCES": DEFAULT_CADENCES,  # kind -> "month" | "quarter" | "year" | None (off)
    "AUDIT_LOOKBACK_MONTHS": 12,  # complete periods ending this many months back are checked
    "DUES_WARN_MONTHS": 3,
    "DUES_CRITICAL_MONTHS": 6,  # 自行脱党 (Party Constitution art. 9)
    "ABSENCE_WARN_MONTHS": 3,
    "EXCELLENT_MAX_SHARE": "1/3",  # 优秀 normally at most a third of the branch
    "EVALUATION_DUE_MONTH": 3,  # year Y's 民主评议 must be decided by the end of this month of Y+1
    "MINUTES_DUE_DAYS": 7,  # a held meeting without minutes after this many days warns; None: off
}

WARNING, CRITICAL = "warning", "critical"


@dataclass(frozen=True)
class AuditSettings:
    """Cadences per meeting kind and the thresholds the rules use."""

    cadences: Mapping[MeetingKind, Cadence | None]
    lookback_months: int = 12
    dues_warn_months: int = 3
    dues_critical_months: int = 6
    absence_warn_months: int = 3
    excellent_max_share: Fraction = Fraction(1, 3)
    evaluation_due_month: int = 3
    minutes_due_days: int | None = 7  # None: the rule is off


def settings_from_config(config: Mapping[str, Any]) -> AuditSettings:
    """Read the audit settings from app config, falling back to the defaults."""
    def get(key: str) -> Any:
        return config.get(key, CONFIG_DEFAULTS[key])

    cadences = {**DEFAULT_CADENCES, **get("AUDIT_CADENCES")}
    return AuditSettings(
        cadences={MeetingKind(k): v for k, v in cadences.items()},
        lookback_months=int(get("AUDIT_LOOKBACK_MONTHS")),
        dues_warn_months=int(get("DUES_WARN_MONTHS")),
        dues_critical_months=int(get("DUES_CRITICAL_MONTHS")),
        absence_warn_months=int(get("ABSENCE_WARN_MONTHS")),
        excellent_max_share=Fraction(str(get("EXCELLENT_MAX_SHARE"))),
        evaluation_due_month=int(get("EVALUATION_DUE_MONTH")),
        minutes_due_days=None if get("MINUTES_DUE_DAYS") is None
        else int(get("MINUTES_DUE_DAYS")),
    )


@dataclass(frozen=True)
class Finding:
    """One checklist line: which rule, how serious, and the values the line shows."""

    rule: str
    severity: str
    params: Mapping[str, Any] = field(default_factory=dict)


# -- the plain data the rules read ------------------------------------------------------


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting that took place (group meetings carry their group)."""

    kind: MeetingKind
    held_on: dt.date
    group_id: int | None = None
    id: int | None = None
    has_minutes: bool = True


@dataclass(frozen=True)
class GroupRef:
    """A party group of the branch, and its lifetime (None: not on record)."""

    id: int
    name: str
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None


@dataclass(frozen=True)
class MemberArrears:
    """Dues months owed up to the current month and not fully paid (with a row or not):
    all of them, and the run of them ending at the current month."""

    name: str
    unpaid_months: int
    consecutive: int | None = None  # None: the same as unpaid_months


@dataclass(frozen=True)
class Probationer:
    """A probationary member not yet converted."""

    name: str
    joined_on: dt.date
    probation_ends: dt.date


@dataclass(frozen=True)
class MemberAbsence:
    """The first meeting a member missed (缺席) after last attending or being excused."""

    name: str
    absent_since: dt.date


@dataclass(frozen=True)
class MemberStandingFact:
    """A current member's standing other than 正常 today (流动, 失联, 停止党籍, 暂留):
    since when and, for 暂留, up to when (``profiles.members.rules.Standing``)."""

    name: str
    status: MemberStatus
    since: dt.date
    until: dt.date | None = None


@dataclass(frozen=True)
class EvaluationCounts:
    """Last year's evaluation: members who should be evaluated, decided, rated 优秀."""

    year: int
    eligible: int
    decided: int
    excellent: int


@dataclass(frozen=True)
class AuditInput:
    """Everything the audit of one branch needs (active members only)."""

    founded_on: dt.date | None
    groups: Sequence[GroupRef]
    meetings: Sequence[HeldMeeting]
    arrears: Sequence[MemberArrears]
    probationers: Sequence[Probationer]
    absences: Sequence[MemberAbsence]
    evaluation: EvaluationCounts
    dissolved_on: dt.date | None = None
    has_committee: bool = True  # profiles.org.rules.has_committee; else no 支委会 is due
    # Where the organisation's record begins (``Committee.records_from``; None: not set).
    # No rule looks before it: periods, absences, minutes and evaluation years before it
    # are never owed, as if the branch did not exist yet.
    records_from: dt.date | None = None
    standings: Sequence[MemberStandingFact] = ()  # the life of a membership (issue 18)
    # From when the branch has had a committee by the 7-member rule
    # (profiles.org.rules.committee_from; None: no bound): no 支委会 is owed before it.
    committee_from: dt.date | None = None


def audited_from(data: AuditInput) -> dt.date | None:
    """The first day the branch's record is audited: the later of its founding and where
    the organisation's record begins (None: neither is on record)."""
    starts = [d for d in (data.founded_on, data.records_from) if d is not None]
    return max(starts) if starts else None


def branch_cadences(cadences: Mapping[MeetingKind, Cadence | None],
                    data: AuditInput) -> dict[MeetingKind, Cadence | None]:
    """The cadences that bind this branch: a branch without a committee holds no 支委会."""
    out = dict(cadences)
    if not data.has_committee:
        out[MeetingKind.COMMITTEE] = None
    return out


# -- the rules ----------------------------------------------------------------------


def audit_window(today: dt.date, lookback_months: int) -> tuple[dt.date, dt.date]:
    """Complete periods ending in this window are checked; the running one never is."""
    return add_months(today, -lookback_months), today - dt.timedelta(days=1)


def complete_periods(cadence: Cadence, today: dt.date, lookback_months: int,
                     founded_on: dt.date | None = None,
                     dissolved_on: dt.date | None = None) -> list[Period]:
    """Periods that have ended within the look-back window, wholly inside the unit's life."""
    start, end = audit_window(today, lookback_months)
    return [p for p in periods_between(start, end, cadence)
            if start <= p.last_day <= end
            and alive_through(p.first_day, p.last_day, founded_on, dissolved_on)]


def missed_meetings(meetings: Iterable[HeldMeeting], groups: Sequence[GroupRef],
                    cadences: Mapping[MeetingKind, Cadence | None], today: dt.date,
                    lookback_months: int, founded_on: dt.date | None = None,
                    dissolved_on: dt.date | None = None,
                    committee_from: dt.date | None = None) -> list[Finding]:
    """Each complete period in which a kind (党小组会: a group) held no meeting.

    A period is checked only if the branch (and, for 党小组会, the group) existed for all
    of it: a group founded in August owes nothing for July, nor a dissolved one after.
    """
    # Which (kind, group, period) held a meeting: one pass, then set lookups.
    held: set[tuple[MeetingKind, int | None, Period]] = set()
    for m in meetings:
        kind_cadence = cadences.get(m.kind)
        if kind_cadence is not None:
            group_id = m.group_id if m.kind is MeetingKind.GROUP else None
            held.add((m.kind, group_id, period_of(m.held_on, kind_cadence)))
    findings = []
    for kind in MeetingKind:
        cadence = cadences.get(kind)
        if cadence is None:
            continue
        owners: Sequence[GroupRef | None] = groups if kind is MeetingKind.GROUP else [None]
        for period in complete_periods(cadence, today, lookback_months, founded_on,
                                       dissolved_on):
            if before_committee(kind is MeetingKind.COMMITTEE, period.first_day,
                                committee_from):
                continue  # the branch had not yet its seven full members
            for owner in owners:
                if owner is not None and not alive_through(
                        period.first_day, period.last_day, owner.founded_on,
                        owner.dissolved_on):
                    continue
                if (kind, owner.id if owner else None, period) not in held:
                    params: dict[str, Any] = {"kind": kind, "period": period}
                    if owner is not None:
                        params["group"] = owner.name
                    findings.append(Finding("meeting_missed", WARNING, params))
    return findings


def dues_arrears(arrears: Iterable[MemberArrears], warn_months: int,
                 critical_months: int) -> list[Finding]:
    """Members owing ``warn_months``+ months in all; critical when ``critical_months`` of
    them run unbroken to the current month (自行脱党, Party Constitution art. 9)."""
    findings = []
    for a in sorted(arrears, key=lambda a: (-a.unpaid_months, name_key(a.name))):
        run = a.unpaid_months if a.consecutive is None else a.consecutive
        if a.unpaid_months >= warn_months:
            severity = CRITICAL if run >= critical_months else WARNING
            findings.append(Finding("dues_unpaid", severity, {
                "name": a.name, "months": a.unpaid_months, "consecutive": run,
                "limit": critical_months}))
    return findings


def probation_overdue(probationers: Iterable[Probationer], today: dt.date) -> list[Finding]:
    """Probationary members whose probation (with any extension) has ended unconverted."""
    return [Finding("probation_overdue", WARNING, {"name": p.name, "ended": p.probation_ends})
            for p in sorted(probationers, key=lambda p: (p.probation_ends, name_key(p.name)))
            if p.probation_ends < today]


def evaluation_missing(counts: EvaluationCounts, today: dt.date,
                       due_month: int = 12) -> list[Finding]:
    """Members not rated (stage short of 支部评定) in last year's 民主评议, once it is due."""
    missing = counts.eligible - counts.decided
    if missing <= 0 or (today.year, today.month) <= (counts.year + 1, due_month):
        return []
    return [Finding("evaluation_missing", WARNING, {"year": counts.year, "count": missing})]


def absent_from_life(absences: Iterable[MemberAbsence], today: dt.date,
                     warn_months: int, critical_months: int,
                     records_from: dt.date | None = None) -> list[Finding]:
    """Members absent (缺席, not 请假) from every meeting for ``warn_months``+ months; never
    counted from before ``records_from`` (where the record begins)."""
    findings = []
    for a in sorted(absences, key=lambda a: (a.absent_since, name_key(a.name))):
        since = a.absent_since if records_from is None else max(a.absent_since, records_from)
        months = months_since(since, today)
        if months >= warn_months:
            severity = CRITICAL if months >= critical_months else WARNING
            findings.append(Finding("absent", severity, {
                "name": a.name, "months": months, "limit": critical_months}))
    return findings


def minutes_missing(meetings: Iterable[HeldMeeting], today: dt.date, after_days: int,
                    since: dt.date) -> list[Finding]:
    """Meetings held on or after ``since`` still without minutes ``after_days`` days later:
    a warning each, never critical (the minutes may be on paper, waiting to be typed)."""
    return [Finding("minutes_missing", WARNING, {
                "kind": m.kind, "held_on": m.held_on, "meeting_id": m.id,
                "days": (today - m.held_on).days})
            for m in meetings
            if m.id is not None and m.held_on >= since
            and minutes_overdue(m.held_on, m.has_minutes, today, after_days)]


def too_many_excellent(counts: EvaluationCounts, max_share: Fraction) -> list[Finding]:
    """More than ``max_share`` of the branch rated 优秀 last year."""
    if excellent_over_share(counts.excellent, counts.eligible, max_share):
        return [Finding("excellent_share", WARNING, {
            "year": counts.year, "count": counts.excellent, "total": counts.eligible})]
    return []


def standing_findings(standings: Iterable[MemberStandingFact], today: dt.date,
                      decision_months: int = LOST_CONTACT_DECISION_MONTHS) -> list[Finding]:
    """失联 members: "失联n个月", and from ``decision_months`` on the 停止党籍 decision is
    proposed; an 出国（境）暂留 whose approved end has passed: 恢复 or 停止党籍 is due; one
    recorded without its end date (from a roster): the date is asked for."""
    findings = []
    for s in sorted(standings, key=lambda s: (s.since, name_key(s.name))):
        if s.status is MemberStatus.LOST_CONTACT:
            months = months_lost(s.since, today)
            if months >= decision_months:
                findings.append(Finding("lost_contact_decide", CRITICAL, {
                    "name": s.name, "months": months, "limit": decision_months}))
            else:
                findings.append(Finding("lost_contact", WARNING, {
                    "name": s.name, "months": months}))
        elif s.status is MemberStatus.ABROAD and s.until is None:
            findings.append(Finding("abroad_undated", WARNING, {
                "name": s.name, "since": s.since}))
        elif s.status is MemberStatus.ABROAD and s.until is not None and s.until <= today:
            findings.append(Finding("abroad_expired", WARNING, {
                "name": s.name, "until": s.until}))
    return findings


def _standing_filtered(data: AuditInput,
                       today: dt.date) -> tuple[list[MemberArrears], list[MemberAbsence]]:
    """The dues and absence lines a member's standing replaces: none for a 失联 member
    (the 失联 line says it); no absence line for one away (流动: organisational life may be
    elsewhere), suspended, or abroad up to the approved end (after it, owed again)."""
    lost = {s.name for s in data.standings if s.status is MemberStatus.LOST_CONTACT}
    excused = {s.name for s in data.standings
               if not (s.status is MemberStatus.ABROAD and s.until is not None
                       and s.until <= today)}
    return ([a for a in data.arrears if a.name not in lost],
            [a for a in data.absences if a.name not in excused])


def run_audit(data: AuditInput, settings: AuditSettings, today: dt.date) -> list[Finding]:
    """Every rule over one branch, critical findings first. Nothing before the branch's
    founding or where the record begins is owed (:func:`audited_from`)."""
    start = audited_from(data)
    look_from = add_months(today, -settings.lookback_months)
    arrears, absences = _standing_filtered(data, today)
    findings = [
        *standing_findings(data.standings, today),
        *missed_meetings(data.meetings, data.groups, branch_cadences(settings.cadences, data),
                         today, settings.lookback_months, start, data.dissolved_on,
                         data.committee_from),
        *dues_arrears(arrears, settings.dues_warn_months, settings.dues_critical_months),
        *probation_overdue(data.probationers, today),
        # A year's 民主评议 is owed only by a branch that existed all that year, and only
        # if the record begins on or before 1 January of it.
        *(evaluation_missing(data.evaluation, today, settings.evaluation_due_month)
          + too_many_excellent(data.evaluation, settings.excellent_max_share)
          if alive_through(dt.date(data.evaluation.year, 1, 1),
                           dt.date(data.evaluation.year, 12, 31), start,
                           data.dissolved_on) else []),
        *absent_from_life(absences, today, settings.absence_warn_months,
                          settings.dues_critical_months, data.records_from),
        *(minutes_missing(data.meetings, today, settings.minutes_due_days,
                          max(look_from, data.records_from or look_from))
          if settings.minutes_due_days is not None else []),
    ]
    return sorted(findings, key=lambda f: f.severity != CRITICAL)


@dataclass(frozen=True)
class CadenceCell:
    """How many meetings a period saw; ``complete`` is False for the running period;
    ``alive`` is False when the unit did not exist for the whole period (never missed)."""

    period: Period
    held: int
    complete: bool
    alive: bool = True


@dataclass(frozen=True)
class CadenceRow:
    """One kind (or, for 党小组会, one group) against its cadence this year."""

    kind: MeetingKind
    cadence: Cadence
    group: str | None
    cells: list[CadenceCell]

    @property
    def missed(self) -> int:
        """Complete periods without a meeting."""
        return sum(1 for c in self.cells if c.complete and c.alive and not c.held)


def cadence_table(meetings: Iterable[HeldMeeting], groups: Sequence[GroupRef],
                  cadences: Mapping[MeetingKind, Cadence | None],
                  today: dt.date, founded_on: dt.date | None = None,
                  dissolved_on: dt.date | None = None,
                  committee_from: dt.date | None = None) -> list[CadenceRow]:
    """Meetings held this year per kind and period, up to the running period.

    A group that did not exist at any time this year has no row; periods outside the
    branch's or the group's life are marked, never shown as missed.
    """
    held = [m for m in meetings if m.held_on.year == today.year and m.held_on <= today]
    year_start = dt.date(today.year, 1, 1)
    rows = []
    for kind in MeetingKind:
        cadence = cadences.get(kind)
        if cadence is None:
            continue
        owners: Sequence[GroupRef | None] = groups if kind is MeetingKind.GROUP else [None]
        periods = periods_between(year_start, today, cadence)
        for owner in owners:
            if owner is not None and not _lived_between(owner, year_start, today):
                continue
            mine = [m for m in held if m.kind is kind
                    and (owner is None or m.group_id == owner.id)]
            cells = [CadenceCell(p, sum(1 for m in mine if p.contains(m.held_on)),
                                 p.last_day < today,
                                 alive_through(p.first_day, p.last_day, founded_on, dissolved_on)
                                 and (owner is None or alive_through(
                                     p.first_day, p.last_day, owner.founded_on,
                                     owner.dissolved_on))
                                 and not before_committee(kind is MeetingKind.COMMITTEE,
                                                          p.first_day, committee_from))
                     for p in periods]
            rows.append(CadenceRow(kind, cadence, owner.name if owner else None, cells))
    return rows


def _lived_between(group: GroupRef, start: dt.date, end: dt.date) -> bool:
    return ((group.founded_on is None or group.founded_on <= end)
            and (group.dissolved_on is None or group.dissolved_on > start))


def branch_cadence_table(data: AuditInput, settings: AuditSettings,
                         today: dt.date) -> list[CadenceRow]:
    """The branch page's table: this branch's cadences, over its own and its groups' lives;
    periods before the record begins are marked like those before the founding."""
    return cadence_table(data.meetings, data.groups, branch_cadences(settings.cadences, data),
                         today, audited_from(data), data.dissolved_on, data.committee_from)
