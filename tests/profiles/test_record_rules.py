"""The pure rules of record keeping: dues months, payments, arrears, evaluation sheets."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from core.money import parse_yuan
from profiles.dues.arrears import arrears
from profiles.dues.rules import MonthDue, computed_due, override_problems, payment_plan
from profiles.enums import Category, DuesBasis, EvaluationStage, Rating
from profiles.evaluations.rules import (
    EvaluationLine,
    evaluation_sheet_problems,
    excellent_count,
    excellent_over_share,
)
from profiles.meetings.attendance_points import correction
from profiles.months import add_month, month_range

PAID_ON = dt.date(2026, 11, 20)


def test_months_cross_the_year() -> None:
    assert add_month(202611, 3) == 202702 and add_month(202601, -1) == 202512
    assert month_range(202611, 202702) == [202611, 202612, 202701, 202702]
    assert month_range(202603, 202602) == []


def test_computed_due_follows_the_brackets_and_starts_at_admission() -> None:
    joined = dt.date(2026, 5, 20)
    assert computed_due(DuesBasis.WAGE, 600_000, joined, 202604) == 0  # before admission
    assert computed_due(DuesBasis.WAGE, 600_000, joined, 202605) == 9000  # 1.5% of 6000
    assert computed_due(DuesBasis.WAGE, 300_000, joined, 202606) == 1500  # 0.5%, not marginal
    assert computed_due(DuesBasis.PENSION, 600_000, joined, 202606) == 6000
    assert computed_due(DuesBasis.FLAT, None, joined, 202606) == 20
    assert computed_due(DuesBasis.WAGE, None, joined, 202606) is None


def test_an_override_needs_a_reason() -> None:
    assert override_problems(due_cents=9000, computed=9000, reason="") == []
    assert [p.field for p in override_problems(due_cents=100, computed=9000, reason="")] == [
        "due_reason"]
    assert override_problems(due_cents=100, computed=9000, reason="困难减免") == []
    assert [p.field for p in override_problems(due_cents=-1, computed=9000, reason="x")] == [
        "due"]


def test_payment_plan_pays_months_in_full_or_one_month_in_part() -> None:
    dues = [MonthDue(202610, 9000, 0), MonthDue(202611, 9000, 3000)]
    assert payment_plan(dues, None, PAID_ON) == ([(202610, 9000), (202611, 9000)], [])
    assert payment_plan(dues, 15000, PAID_ON) == ([(202610, 9000), (202611, 9000)], [])
    plan, problems = payment_plan(dues, 10000, PAID_ON)
    assert plan == [] and [p.field for p in problems] == ["amount"]
    assert payment_plan([MonthDue(202611, 9000, 3000)], 2000, PAID_ON) == (
        [(202611, 5000)], [])
    assert payment_plan([MonthDue(202611, 9000, 0)], 9001, PAID_ON)[1]
    assert payment_plan([MonthDue(202611, 9000, 9000)], None, PAID_ON)[1]  # paid already
    assert [p.field for p in payment_plan(dues, None, None)[1]] == ["paid_on"]
    assert payment_plan([MonthDue(202604, 0, 0)], None, PAID_ON)[1]  # nothing due


def test_arrears_count_months_without_a_record() -> None:
    records = {202609: (9000, 9000), 202610: (9000, 4000)}
    settled = [month for month, (due, paid) in records.items() if paid >= due]
    assert arrears(202608, 202611, settled).unpaid == [202608, 202610, 202611]
    # Nothing is owed before the first month owed (e.g. admitted in September).
    assert arrears(202609, 202611, settled).unpaid == [202610, 202611]


@pytest.mark.parametrize("text, cents", [("45", 4500), ("45.5", 4550), ("0.20", 20),
                                         (" 12.34元 ", 1234), ("", None)])
def test_parse_yuan(text: str, cents: int | None) -> None:
    assert parse_yuan(text) == cents


@pytest.mark.parametrize("text", ["-3", "1.234", "abc", "1,000"])
def test_parse_yuan_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yuan(text)


def test_evaluation_sheet() -> None:
    full, prob = Category.FULL, Category.PROBATIONARY
    good = [EvaluationLine("甲", full, EvaluationStage.DECIDED, Rating.EXCELLENT),
            EvaluationLine("乙", prob, EvaluationStage.DECIDED, None),
            EvaluationLine("丙", full, EvaluationStage.PEER, None)]
    assert evaluation_sheet_problems(2025, good) == []
    bad = [EvaluationLine("甲", full, EvaluationStage.PEER, Rating.QUALIFIED),
           EvaluationLine("乙", prob, EvaluationStage.DECIDED, Rating.QUALIFIED),
           EvaluationLine("丙", full, None, Rating.QUALIFIED)]
    assert [p.kwargs["name"] for p in evaluation_sheet_problems(2025, bad)] == ["甲", "乙", "丙"]
    assert not excellent_over_share(excellent_count(good), len(good), Fraction(1, 3))
    assert excellent_over_share(excellent_count(good[:2]), len(good[:2]), Fraction(1, 3))


def test_points_correction_appends_the_difference() -> None:
    assert correction(0, 2, False) is not None and correction(0, 2, False).points == 2
    change = correction(2, -2, True)
    assert change is not None and change.points == -4 and change.correcting
    assert correction(2, 2, True) is None
