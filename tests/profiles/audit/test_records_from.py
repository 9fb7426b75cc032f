"""No rule looks before where the record begins (``AuditInput.records_from``, issue 18):
each rule on both sides of the boundary, over plain data."""

from __future__ import annotations

import datetime as dt

from profiles.audit.checklist import (
    AuditInput,
    EvaluationCounts,
    HeldMeeting,
    MemberAbsence,
    audited_from,
    branch_cadence_table,
    run_audit,
    settings_from_config,
)
from profiles.enums import MeetingKind
from profiles.months import Period
from profiles.reports.overview import owed_periods
from tests.helpers.dates import TODAY  # 2026-11-21

OFF = {k.value: None for k in MeetingKind}
NO_EVALUATION = EvaluationCounts(2025, 0, 0, 0)


def _settings(**cadences: str) -> object:
    return settings_from_config({"AUDIT_CADENCES": {**OFF, **cadences},
                                 "MINUTES_DUE_DAYS": None})


def _data(records_from: dt.date | None, *, meetings: tuple[HeldMeeting, ...] = (),
          absences: tuple[MemberAbsence, ...] = (),
          evaluation: EvaluationCounts = NO_EVALUATION,
          founded_on: dt.date | None = None) -> AuditInput:
    return AuditInput(founded_on, [], list(meetings), [], [], list(absences), evaluation,
                      records_from=records_from)


def _missed(data: AuditInput, **cadences: str) -> list[Period]:
    return [f.params["period"] for f in run_audit(data, _settings(**cadences), TODAY)
            if f.rule == "meeting_missed"]


def test_audited_from_is_the_later_of_founding_and_the_record() -> None:
    assert audited_from(_data(None)) is None
    assert audited_from(_data(dt.date(2026, 1, 1))) == dt.date(2026, 1, 1)
    assert audited_from(_data(dt.date(2026, 1, 1), founded_on=dt.date(2026, 3, 5))) == \
        dt.date(2026, 3, 5)
    assert audited_from(_data(dt.date(2026, 3, 1), founded_on=dt.date(2020, 1, 1))) == \
        dt.date(2026, 3, 1)


def test_no_month_before_the_record_is_missed() -> None:
    # The window checks 2025-11 … 2026-10; the record begins in March 2026.
    missed = _missed(_data(dt.date(2026, 3, 1)), theme_day="month")
    assert missed[0] == Period(2026, 3, "month") and len(missed) == 8
    # A month later, and March is no longer owed; without a start, all twelve are.
    assert _missed(_data(dt.date(2026, 4, 1)), theme_day="month")[0] == Period(2026, 4,
                                                                               "month")
    assert len(_missed(_data(None), theme_day="month")) == 12


def test_a_quarter_is_owed_only_if_the_record_covers_all_of_it() -> None:
    # Begins on the quarter's first day: owed; a month into it: not.
    assert Period(2026, 2, "quarter") in _missed(_data(dt.date(2026, 4, 1)), lecture="quarter")
    assert Period(2026, 2, "quarter") not in _missed(_data(dt.date(2026, 5, 1)),
                                                     lecture="quarter")


def test_absence_is_not_counted_from_before_the_record() -> None:
    absent = (MemberAbsence("刘洋", dt.date(2024, 3, 9)),)
    settings = _settings()

    def months(records_from: dt.date | None) -> list[int]:
        return [f.params["months"] for f in run_audit(_data(records_from, absences=absent),
                                                      settings, TODAY) if f.rule == "absent"]

    assert months(None) == [33]
    assert months(dt.date(2026, 6, 1)) == [6]  # counted from June 2026 only
    assert months(dt.date(2026, 9, 1)) == [3]  # three months: the warning
    assert months(dt.date(2026, 10, 1)) == []  # two: below it


def test_evaluation_owed_only_if_the_record_begins_by_1_january() -> None:
    undecided = EvaluationCounts(2025, 10, 0, 0)
    settings = _settings()

    def owed(records_from: dt.date | None) -> bool:
        return any(f.rule == "evaluation_missing" for f in run_audit(
            _data(records_from, evaluation=undecided), settings, TODAY))

    assert owed(None) and owed(dt.date(2025, 1, 1))
    assert not owed(dt.date(2025, 2, 1))


def test_minutes_are_not_asked_of_meetings_before_the_record() -> None:
    settings = settings_from_config({"AUDIT_CADENCES": OFF, "MINUTES_DUE_DAYS": 7})
    held = (HeldMeeting(MeetingKind.THEME_DAY, dt.date(2026, 5, 20), id=1, has_minutes=False),)

    def asked(records_from: dt.date | None) -> bool:
        return any(f.rule == "minutes_missing" for f in run_audit(
            _data(records_from, meetings=held), settings, TODAY))

    assert asked(None) and asked(dt.date(2026, 5, 1)) and asked(dt.date(2026, 5, 20))
    assert not asked(dt.date(2026, 6, 1))


def test_cadence_table_marks_periods_before_the_record_not_missed() -> None:
    settings = _settings(theme_day="month")
    [row] = branch_cadence_table(_data(dt.date(2026, 4, 1)), settings, TODAY)
    alive = [c.period.number for c in row.cells if c.alive]
    assert alive[0] == 4 and [c.alive for c in row.cells[:3]] == [False] * 3
    assert row.missed == 7  # April … October
    [whole] = branch_cadence_table(_data(None), settings, TODAY)
    assert whole.missed == 10


def test_report_and_score_periods_owed_respect_the_record() -> None:
    data = _data(dt.date(2026, 4, 1))
    cadences = {MeetingKind.THEME_DAY: "month"}
    assert owed_periods(data, cadences, 202603) == (0, 0)  # type: ignore[arg-type]
    assert owed_periods(data, cadences, 202604) == (1, 0)  # type: ignore[arg-type]


# --- the 7-member rule over time: no 支委会 owed before the seventh full member -----------

def test_committee_from_is_the_day_the_seventh_full_member_came_to_count() -> None:
    from profiles.org.rules import committee_from, full_here_since

    days = [dt.date(2020, 1, 1)] * 6 + [dt.date(2026, 9, 1)]
    assert committee_from(days, None) == dt.date(2026, 9, 1)
    assert committee_from(days[:6], None) is None  # six: no committee by the rule at all
    assert committee_from(days, True) is None  # the record says so: no bound
    # a 转正 after arrival counts from the 转正; an arrival after it from the arrival
    assert full_here_since(dt.date(2025, 1, 1), dt.date(2024, 6, 1),
                           dt.date(2025, 6, 1)) == dt.date(2025, 6, 1)
    assert full_here_since(dt.date(2026, 3, 1), dt.date(2000, 7, 1),
                           dt.date(2001, 7, 1)) == dt.date(2026, 3, 1)
    # no 转正日期 on record: a year after admission
    assert full_here_since(None, dt.date(2000, 7, 1), None) == dt.date(2001, 7, 1)


def test_no_committee_meeting_is_owed_before_the_branch_reached_seven() -> None:
    from profiles.reports.overview import owed_periods

    def missed(committee_from: dt.date | None) -> list[Period]:
        data = AuditInput(None, [], [], [], [], [], NO_EVALUATION,
                          records_from=dt.date(2025, 1, 1), committee_from=committee_from)
        found = run_audit(data, _settings(committee="month"), TODAY)  # type: ignore[arg-type]
        return [f.params["period"] for f in found if f.rule == "meeting_missed"]

    # reached seven on 2026-09-01: September and October owed, August not
    months = [p.first_day for p in missed(dt.date(2026, 9, 1))]
    assert months == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    # a day later: September began before it, so only October is owed
    months = [p.first_day for p in missed(dt.date(2026, 9, 2))]
    assert months == [dt.date(2026, 10, 1)]
    assert len(missed(None)) == 12  # no bound: the whole look-back year
    data = AuditInput(None, [], [], [], [], [], NO_EVALUATION, committee_from=dt.date(2026, 9, 2))
    cadences = {MeetingKind.COMMITTEE: "month"}
    assert owed_periods(data, cadences, 202609) == (0, 0)  # type: ignore[arg-type]
    assert owed_periods(data, cadences, 202610) == (1, 0)  # type: ignore[arg-type]
    table = branch_cadence_table(data, _settings(committee="month"), TODAY)  # type: ignore[arg-type]
    cells = {c.period.first_day.month: c.alive for c in table[0].cells}
    assert cells[9] is False and cells[10] is True
