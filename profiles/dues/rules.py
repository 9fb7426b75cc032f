"""Pure rules of dues (党费): months, amounts, what is due, how a payment
settles months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.money import format_yuan
from core.problems import Problem, problem
from profiles.dues.rates import monthly_dues_cents
from profiles.enums import DuesBasis
from profiles.limits import MAX_CENTS
from profiles.months import FIRST_YEAR, LAST_YEAR, month_label, yyyymm

# -- dues --------------------------------------------------------------------------------

def month_problems(month: int) -> list[Problem]:
    """A dues month is YYYYMM."""
    if not (FIRST_YEAR * 100 < month < (LAST_YEAR + 1) * 100 and 1 <= month % 100 <= 12):
        return [problem("month", "Not a month: %(value)s (write it as YYYYMM, e.g. 202605).",
                        value=month)]
    return []


def dues_problems(*, due_cents: int | None, paid_cents: int | None,
                  paid_on: dt.date | None) -> list[Problem]:
    """Amounts are not negative; a payment has a date, and only a payment has one."""
    found = []
    if due_cents is not None and due_cents < 0:
        found.append(problem("due", "An amount cannot be negative."))
    elif due_cents is not None and due_cents > MAX_CENTS:
        found.append(problem("due", "At most %(max)s yuan, please.", max=MAX_CENTS // 100))
    if paid_cents is not None and paid_cents < 0:
        found.append(problem("paid", "An amount cannot be negative."))
    elif paid_cents is not None and paid_cents > MAX_CENTS:
        found.append(problem("paid", "At most %(max)s yuan, please.", max=MAX_CENTS // 100))
    if paid_cents and paid_on is None:
        found.append(problem("paid_on", "A payment needs the date it was paid."))
    if paid_cents == 0 and paid_on is not None:
        found.append(problem("paid_on",
                             "Nothing was paid, so there is no payment date; clear it."))
    return found


def computed_due(basis: DuesBasis, base_cents: int | None, joined_on: dt.date,
                 month: int) -> int | None:
    """What the brackets say a member owes for ``month``: nothing before the member's
    admission (a probationary member pays from the admission date); None if it cannot be
    computed (a wage or pension basis without the amount)."""
    if month < yyyymm(joined_on):
        return 0
    try:
        return monthly_dues_cents(basis, base_cents)
    except ValueError:
        return None


def override_problems(*, due_cents: int | None, computed: int | None,
                      reason: str) -> list[Problem]:
    """An amount other than the computed one says why; amounts are not negative."""
    found = []
    if due_cents is None:
        found.append(problem("due", "Give the amount due."))
    elif due_cents < 0:
        found.append(problem("due", "An amount cannot be negative."))
    elif due_cents != computed and not reason.strip():
        found.append(problem("due_reason", "Say why the amount differs from the computed "
                             "one (e.g. 困难减免 approved by the committee)."))
    if len(reason) > 200:
        found.append(problem("due_reason", "At most %(max)s characters, please.", max=200))
    return found


@dataclass(frozen=True)
class MonthDue:
    """A month to pay: what is due and what was paid so far."""

    month: int
    due_cents: int
    paid_cents: int

    @property
    def open_cents(self) -> int:
        return max(self.due_cents - self.paid_cents, 0)


def payment_plan(dues: Sequence[MonthDue], amount_cents: int | None,
                 paid_on: dt.date | None) -> tuple[list[tuple[int, int]], list[Problem]]:
    """How a payment settles months (补交 for past ones, paying ahead for future ones).

    Without an amount, every month is paid in full. With one, it must settle the months
    exactly, except a single month, which may be paid in part. Returns (month, new paid
    amount) pairs, or the problems.
    """
    found = []
    if not dues:
        found.append(problem("months", "Choose at least one month."))
    if paid_on is None:
        found.append(problem("paid_on", "A payment needs the date it was paid."))
    if any(d.due_cents == 0 for d in dues):
        found.append(problem("months", "Nothing is due for %(month)s; leave that month out.",
                             month=next(month_label(d.month) for d in dues if d.due_cents == 0)))
    open_total = sum(d.open_cents for d in dues)
    if dues and open_total == 0:
        found.append(problem("months", "These months are paid already."))
    if amount_cents is not None:
        if amount_cents <= 0:
            found.append(problem("amount", "The amount paid must be more than 0."))
        elif len(dues) > 1 and amount_cents != open_total:
            found.append(problem("amount", "%(count)s months leave %(due)s yuan to pay, not "
                                 "%(paid)s; record a part payment one month at a time.",
                                 count=len(dues), due=format_yuan(open_total),
                                 paid=format_yuan(amount_cents)))
        elif len(dues) == 1 and amount_cents > open_total:
            found.append(problem("amount", "Only %(due)s yuan is left to pay for this month.",
                                 due=format_yuan(open_total)))
    if found:
        return [], found
    if len(dues) == 1 and amount_cents is not None:
        return [(dues[0].month, dues[0].paid_cents + amount_cents)], []
    return [(d.month, d.due_cents) for d in dues if d.open_cents], []

