"""Membership over time, read: which branch and party group a member was in, when.

A member's history is a list of non-overlapping ranges (branch, party group, since,
until); the open range is the current membership. Records (attendance, dues,
evaluations) belong to the branch the member was in on their date, and the rules about
"the last N months" read the whole history in the organisation. The writes are
:mod:`profiles.members.operations`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select

from core.db import db
from profiles.models import Membership
from profiles.months import add_month, first_day


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
        first, last = first_day(month), first_day(add_month(month, 1))
        return self.since < last and (self.until is None or self.until > first)


# -- pure rules ------------------------------------------------------------------------


def span_on(spans: Iterable[Span], day: dt.date) -> Span | None:
    """The range a member was in on ``day`` (None: not a member of the organisation then)."""
    return next((s for s in spans if s.contains(day)), None)


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


def members_during(branch_id: int, first: dt.date, last: dt.date) -> set[int]:
    """The ids of the members who were in branch ``branch_id`` on some day from ``first``
    to ``last`` (both included): those a year's 民主评议 is owed by."""
    return set(db.session.scalars(
        select(Membership.member_id).where(
            Membership.branch_id == branch_id, Membership.since <= last,
            or_(Membership.until.is_(None), Membership.until > first))))


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


def groups_on(branch_id: int, day: dt.date) -> dict[int, int | None]:
    """member id → the party group (None: none) of each member of the branch on ``day``:
    who should attend a 党小组会 follows the group a member was in on its date."""
    return dict(db.session.execute(
        select(Membership.member_id, Membership.group_id)
        .where(in_branch_on(branch_id, day))).all())
