"""Pure rules of keeping the record from the console: dues months, payments, arrears,
evaluation sheets. Plain values in, values or problems out; no database, no request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from profiles.dues_rates import monthly_dues_cents
from profiles.enums import Category, DuesBasis, EvaluationStage, Rating
from profiles.rules import Problem, evaluation_problems, problem


def month_of(day: dt.date) -> int:
    """The YYYYMM month of a day."""
    return day.year * 100 + day.month


def add_month(month: int, n: int) -> int:
    """``month`` (YYYYMM) plus ``n`` months."""
    index = month // 100 * 12 + month % 100 - 1 + n
    return index // 12 * 100 + index % 12 + 1


def months(first: int, last: int) -> list[int]:
    """Every month from ``first`` to ``last`` inclusive (empty if last < first)."""
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = add_month(month, 1)
    return found


def computed_due(basis: DuesBasis, base_cents: int | None, joined_on: dt.date,
                 month: int) -> int | None:
    """What the brackets say a member owes for ``month``: nothing before the member's
    admission (a probationary member pays from the admission date); None if it cannot be
    computed (a wage or pension basis without the amount)."""
    if month < month_of(joined_on):
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
                             month=next(_label(d.month) for d in dues if d.due_cents == 0)))
    open_total = sum(d.open_cents for d in dues)
    if dues and open_total == 0:
        found.append(problem("months", "These months are paid already."))
    if amount_cents is not None:
        if amount_cents <= 0:
            found.append(problem("amount", "The amount paid must be more than 0."))
        elif len(dues) > 1 and amount_cents != open_total:
            found.append(problem("amount", "%(count)s months leave %(due)s yuan to pay, not "
                                 "%(paid)s; record a part payment one month at a time.",
                                 count=len(dues), due=_yuan(open_total),
                                 paid=_yuan(amount_cents)))
        elif len(dues) == 1 and amount_cents > open_total:
            found.append(problem("amount", "Only %(due)s yuan is left to pay for this month.",
                                 due=_yuan(open_total)))
    if found:
        return [], found
    if len(dues) == 1 and amount_cents is not None:
        return [(dues[0].month, dues[0].paid_cents + amount_cents)], []
    return [(d.month, d.due_cents) for d in dues if d.open_cents], []


def arrears(start: int, current: int, records: Mapping[int, tuple[int, int]],
            due_of: Mapping[int, int | None] | None = None) -> list[int]:
    """Months from ``start`` up to ``current`` not fully paid, including months with no
    record at all (unless nothing is due for them). ``records``: month → (due, paid)."""
    unpaid = []
    for month in months(start, current):
        if month in records:
            due, paid = records[month]
            if paid < due:
                unpaid.append(month)
        elif due_of is None or (due_of.get(month) or 0) > 0:
            unpaid.append(month)
    return unpaid


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _label(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def parse_yuan(text: str) -> int | None:
    """'12.5' → 1250 fen; None for empty; ValueError for anything else."""
    text = text.strip().removesuffix("元").strip()
    if not text:
        return None
    found = re.fullmatch(r"(\d{1,9})(?:[.．](\d{1,2}))?", text)
    if found is None:
        raise ValueError(text)
    return int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))


# -- evaluations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationLine:
    """One member's line of the evaluation sheet as submitted."""

    name: str
    category: Category
    stage: EvaluationStage | None
    rating: Rating | None


def evaluation_sheet_problems(year: int, lines: Sequence[EvaluationLine]) -> list[Problem]:
    """A rating only at 支部评定; a probationary member takes part without a rating."""
    found = []
    for line in lines:
        if line.rating is not None and line.stage is None:
            found.append(problem("rating", "%(name)s: a rating needs the stage 支部评定.",
                                 name=line.name))
            continue
        for p in evaluation_problems(year=year, stage=line.stage, rating=line.rating):
            found.append(problem(p.field, "%(name)s: %(problem)s", name=line.name,
                                 problem=str(p)))
        if line.rating is not None and line.category is Category.PROBATIONARY:
            found.append(problem("rating", "%(name)s is a probationary member: 预备党员 take "
                                 "part in the evaluation without a rating; clear it.",
                                 name=line.name))
    return found


def too_many_excellent(lines: Sequence[EvaluationLine], share: Fraction) -> bool:
    """More than ``share`` of the members on the sheet would be rated 优秀."""
    excellent = sum(1 for line in lines if line.rating is Rating.EXCELLENT)
    return bool(lines) and Fraction(excellent, len(lines)) > share
