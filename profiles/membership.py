"""Membership over time: the pure rules and the read helpers.

The writes (a move, opening the ranges of members written in bulk) are operations:
:func:`profiles.operations.move_membership` and ``open_missing_memberships``.

A member's history is a list of non-overlapping ranges (branch, party group, since,
until); the open range is the current membership. Records (attendance, dues,
evaluations) belong to the branch the member was in on their date, and the rules about
"the last N months" read the whole history in the organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from core.db import db
from profiles.models import (
    Membership,
)
from profiles.periods import alive_through as alive_through
from profiles.periods import month_index, yyyymm

COMMITTEE_MIN_FULL_MEMBERS = 7  # 《中国共产党支部工作条例(试行)》 ch. 6


@dataclass(frozen=True)
class Span:
    """One range of a member's history: in ``branch_id`` from ``since`` until (not incl.)."""

    branch_id: int
    group_id: int | None
    since: dt.date
    until: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        """Whether the member was in this branch on ``day``."""
        return self.since <= day and (self.until is None or day < self.until)

    def overlaps_month(self, month: int) -> bool:
        """Whether any day of the YYYYMM ``month`` falls in the range."""
        first = dt.date(month // 100, month % 100, 1)
        last = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return self.since < last and (self.until is None or self.until > first)


# -- pure rules ------------------------------------------------------------------------


def span_on(spans: Iterable[Span], day: dt.date) -> Span | None:
    """The range a member was in on ``day`` (None: not a member of the organisation then)."""
    return next((s for s in spans if s.contains(day)), None)


def has_committee(full_members: int, setting: bool | None) -> bool:
    """Whether a branch has a 支部委员会: 7+ full members, unless its record says otherwise."""
    if setting is not None:
        return setting
    return full_members >= COMMITTEE_MIN_FULL_MEMBERS


def dues_start_month(in_organisation_since: dt.date, tracked_from: dt.date | None) -> int:
    """The first month (YYYYMM) a member owes dues here.

    From admission or transfer into the organisation, but never before the first month
    the organisation tracks (its records do not reach further back).
    """
    start = yyyymm(in_organisation_since)
    return max(start, yyyymm(tracked_from)) if tracked_from else start


def months_from(start: int, end: int) -> list[int]:
    """Every YYYYMM month from ``start`` to ``end``, both included (empty if end < start)."""
    first, last = month_index(start // 100, start % 100), month_index(end // 100, end % 100)
    return [(i // 12) * 100 + i % 12 + 1 for i in range(first, last + 1)]


def month_count(start: int, end: int) -> int:
    """How many months :func:`months_from` gives, without building them."""
    first, last = month_index(start // 100, start % 100), month_index(end // 100, end % 100)
    return max(0, last - first + 1)


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
    unpaid = [m for m in months_from(start, current) if m not in paid]
    month, through = start, None
    while month in paid:
        through, month = month, next_month(month)
    return DuesState(through, unpaid)


def next_month(month: int) -> int:
    """The YYYYMM month after ``month``."""
    index = month_index(month // 100, month % 100) + 1
    return (index // 12) * 100 + index % 12 + 1


# -- reads -------------------------------------------------------------------------------


def history(member_id: int) -> list[Span]:
    """The member's ranges, oldest first."""
    rows = db.session.execute(
        select(Membership.branch_id, Membership.group_id, Membership.since, Membership.until)
        .where(Membership.member_id == member_id).order_by(Membership.since)).all()
    return [Span(*row) for row in rows]


def membership_on(member_id: int, day: dt.date) -> Span | None:
    """Which branch and group member ``member_id`` was in on ``day`` (None: not a member)."""
    return span_on(history(member_id), day)


def members_on(branch_id: int, day: dt.date) -> list[int]:
    """The ids of the members of branch ``branch_id`` on ``day``."""
    return list(db.session.scalars(
        select(Membership.member_id).where(
            Membership.branch_id == branch_id, Membership.since <= day,
            or_(Membership.until.is_(None), Membership.until > day))
        .order_by(Membership.member_id)))


def histories(member_ids: Sequence[int] | None = None) -> dict[int, list[Span]]:
    """Every member's ranges (or the given members'), in one query."""
    statement = select(Membership.member_id, Membership.branch_id, Membership.group_id,
                       Membership.since, Membership.until).order_by(Membership.since)
    if member_ids is not None:
        statement = statement.where(Membership.member_id.in_(member_ids))
    out: dict[int, list[Span]] = {}
    for member_id, branch_id, group_id, since, until in db.session.execute(statement).all():
        out.setdefault(member_id, []).append(Span(branch_id, group_id, since, until))
    return out


def in_branch_on(branch_id: int, day: dt.date) -> Any:
    """A SQL condition: the membership row is of ``branch_id`` and covers ``day``."""
    return and_(Membership.branch_id == branch_id, Membership.since <= day,
                or_(Membership.until.is_(None), Membership.until > day))
