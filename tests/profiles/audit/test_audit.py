"""The self-audit rules, one pure function each, over plain data (no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from profiles.audit.checklist import (
    CRITICAL,
    DEFAULT_CADENCES,
    WARNING,
    AuditInput,
    EvaluationCounts,
    GroupRef,
    HeldMeeting,
    MemberAbsence,
    MemberArrears,
    Probationer,
    absent_from_life,
    cadence_table,
    complete_periods,
    dues_arrears,
    evaluation_missing,
    missed_meetings,
    probation_overdue,
    run_audit,
    settings_from_config,
    too_many_excellent,
)
from profiles.enums import MeetingKind
from profiles.members.rules import probation_end
from profiles.months import Period
from tests.helpers.dates import TODAY

ONLY = {kind: None for kind in MeetingKind}


def cadence(kind: MeetingKind, every: str) -> dict[MeetingKind, str | None]:
    return {**ONLY, kind: every}  # type: ignore[dict-item]


def test_complete_periods_never_include_the_running_one() -> None:
    months = complete_periods("month", TODAY, 12)
    assert months[0] == Period(2025, 11, "month") and months[-1] == Period(2026, 10, "month")
    assert len(months) == 12
    quarters = complete_periods("quarter", TODAY, 12)
    assert quarters == [Period(2025, 4, "quarter")] + [Period(2026, q, "quarter")
                                                       for q in (1, 2, 3)]
    assert complete_periods("year", TODAY, 12) == [Period(2025, 0, "year")]
    # Periods before the branch was founded are not gaps.
    assert complete_periods("quarter", TODAY, 12, dt.date(2026, 4, 1))[0].number == 2


def test_quarterly_lecture_missing_in_q3_only() -> None:
    held = [HeldMeeting(MeetingKind.LECTURE, dt.date(y, m, 10))
            for y, m in ((2025, 12), (2026, 2), (2026, 5), (2026, 11))]
    findings = missed_meetings(held, [], cadence(MeetingKind.LECTURE, "quarter"), TODAY, 12)
    assert [f.params["period"] for f in findings] == [Period(2026, 3, "quarter")]
    assert findings[0].rule == "meeting_missed" and findings[0].severity == WARNING


def test_current_month_in_progress_is_not_a_gap() -> None:
    held = [HeldMeeting(MeetingKind.COMMITTEE, dt.date(2025, 11, 1) + dt.timedelta(days=31 * i))
            for i in range(12)]
    assert {(m.held_on.year, m.held_on.month) for m in held} >= {(2026, 10)}
    assert missed_meetings(held, [], cadence(MeetingKind.COMMITTEE, "month"), TODAY, 12) == []


def test_group_meetings_are_checked_per_group() -> None:
    groups = [GroupRef(1, "第一党小组"), GroupRef(2, "第二党小组")]
    held = [HeldMeeting(MeetingKind.GROUP, dt.date(2025, 11, 1) + dt.timedelta(days=31 * i), g)
            for i in range(12) for g in (1, 2)]
    held = [m for m in held if not (m.group_id == 1 and m.held_on.month == 10
                                    and m.held_on.year == 2026)]
    findings = missed_meetings(held, groups, cadence(MeetingKind.GROUP, "month"), TODAY, 12)
    assert [(f.params["group"], f.params["period"]) for f in findings] == [
        ("第一党小组", Period(2026, 10, "month"))]


def test_yearly_kinds_check_last_year() -> None:
    findings = missed_meetings([HeldMeeting(MeetingKind.LIFE, dt.date(2026, 1, 12))], [],
                               cadence(MeetingKind.LIFE, "year"), TODAY, 12)
    assert [f.params["period"] for f in findings] == [Period(2025, 0, "year")]


def test_dues_warning_at_three_critical_at_six() -> None:
    arrears = [MemberArrears("甲", 1), MemberArrears("乙", 3), MemberArrears("丙", 6),
               MemberArrears("丁", 4)]
    findings = dues_arrears(arrears, 3, 6)
    assert [(f.params["name"], f.params["months"], f.severity) for f in findings] == [
        ("丙", 6, CRITICAL), ("丁", 4, WARNING), ("乙", 3, WARNING)]


def test_probation_past_its_end_including_extension() -> None:
    joined = dt.date(2025, 7, 1)
    assert probation_end(joined, 0) == dt.date(2026, 7, 1)
    overdue = Probationer("王芳", joined, probation_end(joined, 0))
    extended = Probationer("赵六", joined, probation_end(joined, 6))
    findings = probation_overdue([overdue, extended], TODAY)
    assert [(f.params["name"], f.params["ended"]) for f in findings] == [
        ("王芳", dt.date(2026, 7, 1))]
    # The end day itself is still inside the probation.
    assert probation_overdue([Probationer("x", joined, TODAY)], TODAY) == []


def test_evaluation_missing_counts_members_not_decided() -> None:
    assert evaluation_missing(EvaluationCounts(2025, 20, 20, 3), TODAY, 3) == []
    [finding] = evaluation_missing(EvaluationCounts(2025, 20, 17, 3), TODAY, 3)
    assert finding.params == {"year": 2025, "count": 3}
    # Not a gap while the evaluation is still allowed to run (until the end of March).
    assert evaluation_missing(EvaluationCounts(2025, 20, 0, 0), dt.date(2026, 3, 31), 3) == []
    assert evaluation_missing(EvaluationCounts(2025, 20, 0, 0), dt.date(2026, 4, 1), 3)


def test_absence_counts_months_since_first_missed_meeting() -> None:
    absences = [MemberAbsence("刘洋", dt.date(2026, 7, 9)),
                MemberAbsence("偶尔", dt.date(2026, 10, 12))]
    findings = absent_from_life(absences, TODAY, 3, 6)
    assert [(f.params["name"], f.params["months"]) for f in findings] == [("刘洋", 5)]
    [critical] = absent_from_life([MemberAbsence("久", dt.date(2026, 6, 1))], TODAY, 3, 6)
    assert critical.severity == CRITICAL


def test_more_than_a_third_excellent() -> None:
    assert too_many_excellent(EvaluationCounts(2025, 9, 9, 3), Fraction(1, 3)) == []
    [finding] = too_many_excellent(EvaluationCounts(2025, 9, 9, 4), Fraction(1, 3))
    assert finding.params == {"year": 2025, "count": 4, "total": 9}
    assert too_many_excellent(EvaluationCounts(2025, 0, 0, 0), Fraction(1, 3)) == []


def test_settings_from_config_are_overridable() -> None:
    settings = settings_from_config({"AUDIT_CADENCES": {"lecture": "month"},
                                     "DUES_WARN_MONTHS": 2, "EXCELLENT_MAX_SHARE": "1/2"})
    assert settings.cadences[MeetingKind.LECTURE] == "month"
    assert settings.cadences[MeetingKind.COMMITTEE] == DEFAULT_CADENCES["committee"]
    assert settings.dues_warn_months == 2 and settings.dues_critical_months == 6
    assert settings.excellent_max_share == Fraction(1, 2)
    off = settings_from_config({"AUDIT_CADENCES": {kind.value: None for kind in MeetingKind}})
    data = AuditInput(None, [], [], [], [], [], EvaluationCounts(2025, 0, 0, 0))
    assert run_audit(data, off, TODAY) == []


def test_run_audit_puts_critical_first() -> None:
    settings = settings_from_config({"AUDIT_CADENCES": {k.value: None for k in MeetingKind}})
    data = AuditInput(None, [], [], [MemberArrears("甲", 3), MemberArrears("乙", 7)], [], [],
                      EvaluationCounts(2025, 10, 9, 1))
    findings = run_audit(data, settings, TODAY)
    assert [f.rule for f in findings] == ["dues_unpaid", "dues_unpaid", "evaluation_missing"]
    assert findings[0].severity == CRITICAL


def test_cadence_table_marks_held_missed_and_running() -> None:
    held = [HeldMeeting(MeetingKind.LECTURE, dt.date(2026, 2, 3)),
            HeldMeeting(MeetingKind.LECTURE, dt.date(2026, 3, 3))]
    [row] = cadence_table(held, [], cadence(MeetingKind.LECTURE, "quarter"), TODAY)
    assert [(c.held, c.complete) for c in row.cells] == [
        (2, True), (0, True), (0, True), (0, False)]
    assert row.missed == 2
