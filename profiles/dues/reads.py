"""Reads of the dues record shared by the pages and the console.

:func:`branch_arrears` is the branch page's, the self-audit's and the console dues grid's
one source of arrears: one statement for the whole branch, whatever its size. The grid's
month rows (:func:`branch_records`) and a payment's existing months
(:func:`member_records`) are read here too, as ORM rows: the console shows and updates them.

The token pages' other dues reads are plain columns (``core.db.run``), amounts summed in
SQL: the branch page's :func:`branch_collection`, the member page's
:func:`settled_months` (the fully paid months only, not :func:`member_records`' rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, String, and_, bindparam, case, cast, func, select

from core.db import db, run
from profiles.dues.arrears import Arrears, arrears, first_month_owed
from profiles.dues.models import DuesRecord
from profiles.enums import ENDED
from profiles.members import reads as members_reads
from profiles.members.membership import Membership
from profiles.members.models import Member
from profiles.members.rules import Standing, exempt_months
from profiles.months import yyyymm
from profiles.org.models import Branch, Committee


@dataclass(frozen=True)
class MemberDues:
    """One current member of a branch and their arrears."""

    member_id: int
    name: str
    arrears: Arrears


def tracked_from(branch_id: int) -> dt.date | None:
    """The first month the branch's organisation tracks (None: not set)."""
    return run(select(Committee.records_from)
               .join(Branch, Branch.committee_id == Committee.id)
               .where(Branch.id == branch_id)).scalar()


# A correlated lookup per member of the branch (indexed by member), not a grouping of the
# whole organisation's history: 32 → 2 ms for a 36-member branch of 10,000. Built once, with
# bind parameters (building the statement cost more than running it).
_FIRST = (select(func.min(Membership.since)).where(Membership.member_id == Member.id)
          .correlate(Member).scalar_subquery())
_SINCE = func.coalesce(_FIRST, Member.joined_on)
_ARREARS = (
    select(Member.id, Member.name, _SINCE,
           func.aggregate_strings(cast(DuesRecord.month, String), ","))
    .outerjoin(DuesRecord, and_(DuesRecord.member_id == Member.id,
                                DuesRecord.paid_cents >= DuesRecord.due_cents,
                                DuesRecord.month >= bindparam("lowest")))
    .where(Member.branch_id == bindparam("branch"),
           Member.status.not_in(ENDED))
    .group_by(Member.id, Member.name, _SINCE)
)


def branch_arrears(branch_id: int, today: dt.date, tracked: dt.date | None,
                   standings: Mapping[int, Sequence[Standing]] | None = None,
                   ) -> list[MemberDues]:
    """Every current member's arrears (former members owe nothing here), in one statement
    (two without ``standings``, the periods of ``members_reads.branch_standings``: the
    months wholly under 停止党籍 or 暂留 are not owed).

    The months owed start when the member entered the organisation (the first range of the
    membership history, so arrears follow a member who moved here from another branch) and
    never before ``tracked``. The settled months, later ones included (paid ahead, so
    ``paid_through`` runs on past this month as on the member page), come back as one text
    per member (``aggregate_strings``), not one row per month.
    """
    month = yyyymm(today)
    lowest = yyyymm(tracked) if tracked else 0
    rows = run(_ARREARS, {"branch": branch_id, "lowest": lowest}).all()
    if standings is None:
        standings = members_reads.branch_standings(branch_id).periods
    out = []
    for member_id, name, entered, months in rows:
        settled = [int(m) for m in months.split(",")] if months else []
        start = first_month_owed(_as_date(entered), tracked)
        exempt = exempt_months(standings.get(member_id, ()), start, month)
        out.append(MemberDues(member_id, name, arrears(start, month, settled, exempt)))
    return out


def branch_records(branch_id: int, first: int, last: int) -> dict[tuple[int, int], DuesRecord]:
    """(member id, month) → the recorded month, for the branch's members (by their current
    branch) and the YYYYMM months ``first`` to ``last``; one statement."""
    return {(r.member_id, r.month): r for r in db.session.scalars(
        select(DuesRecord).join(Member, Member.id == DuesRecord.member_id)
        .where(Member.branch_id == branch_id, DuesRecord.month >= first,
               DuesRecord.month <= last))}


def member_records(member_id: int, months: Iterable[int]) -> dict[int, DuesRecord]:
    """month → the member's recorded month, for those of ``months`` that have a record."""
    return {r.month: r for r in db.session.scalars(
        select(DuesRecord).where(DuesRecord.member_id == member_id,
                                 DuesRecord.month.in_(list(months))))}


_CURRENT_MONTH = DuesRecord.month == bindparam("month")
_SETTLED = DuesRecord.paid_cents >= DuesRecord.due_cents
_COLLECTION = (
    select(
        func.coalesce(func.sum(case((_CURRENT_MONTH, DuesRecord.due_cents), else_=0)), 0),
        func.coalesce(func.sum(case((_CURRENT_MONTH, DuesRecord.paid_cents), else_=0)), 0),
        func.coalesce(func.sum(case((and_(_CURRENT_MONTH, _SETTLED), 1), else_=0)), 0),
        func.coalesce(func.sum(DuesRecord.due_cents), 0),
        func.coalesce(func.sum(DuesRecord.paid_cents), 0),
    )
    .join(Member, Member.id == DuesRecord.member_id)
    .where(Member.branch_id == bindparam("branch"),
           Member.status.not_in(ENDED),
           DuesRecord.month >= bindparam("first"), DuesRecord.month <= bindparam("month"))
)


def branch_collection(branch_id: int, today: dt.date) -> Row[*tuple[Any, ...]]:
    """(this month's due, this month's paid, this month's settled rows, the year's due, the
    year's paid), in fen, over the recorded months of the branch's current members from
    January to this month; 0 without rows. One statement (the branch page): who owes this
    month without a row is :func:`branch_arrears`'."""
    return run(_COLLECTION, {"branch": branch_id, "month": yyyymm(today),
                             "first": today.year * 100 + 1}).one()


# The fully paid months from the first one owed, future ones included: paying ahead
# settles them, and "paid through" runs on past this month. Built once (bench/pages.py).
_SETTLED_MONTHS = (
    select(DuesRecord.month)
    .where(DuesRecord.member_id == bindparam("member"), DuesRecord.month >= bindparam("start"),
           DuesRecord.paid_cents >= DuesRecord.due_cents)
    .order_by(DuesRecord.month)
)


def settled_months(member_id: int, start: int) -> Sequence[int]:
    """The member's fully paid months (YYYYMM) from ``start`` on, future ones included, in
    order: the member page's arrears and paid-through month."""
    return run(_SETTLED_MONTHS, {"member": member_id, "start": start}).scalars().all()


def _as_date(value: dt.date | str) -> dt.date:
    # SQLite may hand a date through COALESCE back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
