"""Dues arrears, the one computation: the months a member owes here, minus the months
settled.

Every screen that speaks of arrears calls :func:`arrears`: the member page, the branch
page and its self-audit (``profiles.queries``), the console's dues grid
(``profiles.dues.reads``). The months owed begin with :func:`first_month_owed`: when the
member entered the organisation (admission, transfer in or the first range of their
membership history), never before the first month the organisation tracks. A month is
settled when its record is paid in full; a month with no record at all is owed like one
with an unpaid record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from profiles.months import add_month, month_count, month_range, yyyymm


@dataclass(frozen=True)
class Arrears:
    """A member's dues position on the current month.

    ``unpaid``: the months from ``first_month`` up to the current one not settled, rows or
    no rows. ``paid_through``: the end of the unbroken run of settled months from
    ``first_month`` (prepaid months included, so it may lie after the current month; None
    if the first month is not settled). ``consecutive``: the unpaid months running up to
    the current one, after the last settled month (what the 自行脱党 rule counts).
    """

    first_month: int
    current: int
    unpaid: list[int]
    paid_through: int | None
    consecutive: int
    exempt: tuple[int, ...] = ()  # the months from first_month to current not owed at all

    def owed_and_unpaid_from(self, month: int) -> tuple[int, int]:
        """From ``month`` to the current one: how many months are owed (exempt ones left
        out) and how many of them are unpaid (the branch page's yearly rate)."""
        window = month_range(max(self.first_month, month), self.current)
        owed = len(window) - sum(1 for m in self.exempt if m >= month)
        return owed, sum(1 for m in self.unpaid if m >= month)


def first_month_owed(entered: dt.date, tracked_from: dt.date | None) -> int:
    """The first month (YYYYMM) a member owes dues here.

    From admission or transfer into the organisation (``entered``), but never before the
    first month the organisation tracks (its records do not reach further back).
    """
    start = yyyymm(entered)
    return max(start, yyyymm(tracked_from)) if tracked_from else start


def arrears(first_month: int, current: int, settled: Iterable[int],
            exempt: Iterable[int] = ()) -> Arrears:
    """Expected months up to ``current`` minus the ``settled`` (fully paid) months.

    ``settled`` may hold any months, earlier or later ones included: paying ahead settles
    the months after the current one, so "paid through" runs on past it; months before
    ``first_month`` are not owed and change nothing. ``exempt`` months are not owed at all
    (停止党籍, 出国（境）暂留: ``profiles.members.rules.exempt_months``): never unpaid, and
    they neither break "paid through" nor lengthen the run of unpaid months.
    """
    exempted = set(exempt)
    paid = set(settled) | exempted
    months = month_range(first_month, current)
    unpaid = [m for m in months if m not in paid]
    month, through = first_month, None
    while month in paid:
        through, month = month, add_month(month, 1)
    last = max((m for m in paid if first_month <= m <= current), default=None)
    run_from = add_month(last, 1) if last is not None else first_month
    return Arrears(first_month, current, unpaid, through, month_count(run_from, current),
                   tuple(m for m in months if m in exempted))
