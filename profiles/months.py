"""Calendar arithmetic, the one home for it: months as YYYYMM integers, running
month numbers, quarters and years as periods."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

FIRST_YEAR, LAST_YEAR = 1921, 2200  # the years the schema accepts (dues months, evaluations)


Cadence = Literal["month", "quarter", "year"]


def month_index(year: int, month: int) -> int:
    """A running month number, so month differences are plain subtraction."""
    return year * 12 + month - 1


def _from_index(index: int) -> int:
    return (index // 12) * 100 + index % 12 + 1


def yyyymm(day: dt.date) -> int:
    """The YYYYMM integer of a date's month (how dues months are stored)."""
    return day.year * 100 + day.month


def add_month(month: int, n: int) -> int:
    """``month`` (YYYYMM) plus ``n`` months (``n`` may be negative)."""
    return _from_index(month_index(month // 100, month % 100) + n)


def month_label(month: int) -> str:
    """How a YYYYMM month is written for people and in the change log: '2026-05'."""
    return f"{month // 100}-{month % 100:02d}"


def first_day(month: int) -> dt.date:
    """The first day of a YYYYMM month."""
    return dt.date(month // 100, month % 100, 1)


def month_range(first: int, last: int) -> list[int]:
    """Every YYYYMM month from ``first`` to ``last``, both included (empty if last < first)."""
    start, end = month_index(first // 100, first % 100), month_index(last // 100, last % 100)
    return [_from_index(i) for i in range(start, end + 1)]


def month_count(first: int, last: int) -> int:
    """How many months :func:`month_range` gives, without building them."""
    start, end = month_index(first // 100, first % 100), month_index(last // 100, last % 100)
    return max(0, end - start + 1)


def months_since(start: dt.date, today: dt.date) -> int:
    """Calendar months from ``start``'s month to ``today``'s, both counted."""
    return month_index(today.year, today.month) - month_index(start.year, start.month) + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = month_index(day.year, day.month) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year: ``number`` is the month or quarter (0 for a year)."""

    year: int
    number: int
    cadence: Cadence

    @property
    def first_day(self) -> dt.date:
        """The period's first day."""
        if self.cadence == "year":
            return dt.date(self.year, 1, 1)
        month = self.number if self.cadence == "month" else 3 * self.number - 2
        return dt.date(self.year, month, 1)

    @property
    def last_day(self) -> dt.date:
        """The period's last day."""
        if self.cadence == "year":
            return dt.date(self.year, 12, 31)
        month = self.number if self.cadence == "month" else 3 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.first_day <= day <= self.last_day


def period_of(day: dt.date, cadence: Cadence) -> Period:
    """The period of ``cadence`` containing ``day`` (cached: the organisation home asks
    for the period of every meeting of 400 branches)."""
    return _period_of(day, cadence)


@lru_cache(maxsize=8192)
def _period_of(day: dt.date, cadence: Cadence) -> Period:
    if cadence == "year":
        return Period(day.year, 0, "year")
    if cadence == "quarter":
        return Period(day.year, (day.month - 1) // 3 + 1, "quarter")
    return Period(day.year, day.month, "month")


def periods_between(start: dt.date, end: dt.date, cadence: Cadence) -> list[Period]:
    """Every period of ``cadence`` overlapping ``start``..``end``, in order."""
    periods = []
    period = period_of(start, cadence)
    while period.first_day <= end:
        periods.append(period)
        period = period_of(period.last_day + dt.timedelta(days=1), cadence)
    return periods
