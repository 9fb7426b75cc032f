"""The pure rules of dues: what is due, overrides, payments, arrears."""

from __future__ import annotations

import datetime as dt

from profiles.dues.arrears import arrears
from profiles.dues.rules import MonthDue, computed_due, override_problems, payment_plan
from profiles.enums import DuesBasis

PAID_ON = dt.date(2026, 11, 20)


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
