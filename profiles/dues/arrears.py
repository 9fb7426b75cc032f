"""Dues arrears, the one computation: the months a member owes here, minus the
months settled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from profiles.months import add_month, month_range, yyyymm


def arrears(start: int, current: int, records: Mapping[int, tuple[int, int]],
            due_of: Mapping[int, int | None] | None = None) -> list[int]:
    """Months from ``start`` up to ``current`` not fully paid, including months with no
    record at all (unless nothing is due for them). ``records``: month → (due, paid)."""
    unpaid = []
    for month in month_range(start, current):
        if month in records:
            due, paid = records[month]
            if paid < due:
                unpaid.append(month)
        elif due_of is None or (due_of.get(month) or 0) > 0:
            unpaid.append(month)
    return unpaid


def dues_start_month(in_organisation_since: dt.date, tracked_from: dt.date | None) -> int:
    """The first month (YYYYMM) a member owes dues here.

    From admission or transfer into the organisation, but never before the first month
    the organisation tracks (its records do not reach further back).
    """
    start = yyyymm(in_organisation_since)
    return max(start, yyyymm(tracked_from)) if tracked_from else start


@dataclass(frozen=True)
class DuesState:
    """Paid through which month (prepaid months included) and the unpaid months so far."""

    paid_through: int | None
    unpaid: list[int]


def dues_state(start: int, current: int, settled: Iterable[int]) -> DuesState:
    """Arrears are the expected months up to ``current`` not fully paid, row or no row.

    ``settled`` are the fully paid months (any, future ones included): paying ahead settles
    the months after the current one, so "paid through" runs on past it.
    """
    paid = set(settled)
    unpaid = [m for m in month_range(start, current) if m not in paid]
    month, through = start, None
    while month in paid:
        through, month = month, add_month(month, 1)
    return DuesState(through, unpaid)
