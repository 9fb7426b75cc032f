"""Reads of points (党员积分): an organisation's rules, a member's ledger and their totals
by month.

The ledger is append-only (a wrong entry is corrected by another), so reading it newest
first with a limit is the whole history a screen needs; each read is one statement.

The branch page reads its ranking here too, as plain columns (``core.db.run``):
:func:`branch_ranking`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Row, func, select

from core.db import db, run
from profiles.enums import MemberStatus
from profiles.members.models import Member
from profiles.points.models import PointsEntry, PointsRule


def active_rules(committee_id: int) -> list[PointsRule]:
    """The organisation's rules that can still be chosen for an entry, by name."""
    return list(db.session.scalars(
        select(PointsRule).where(PointsRule.committee_id == committee_id,
                                 PointsRule.active.is_(True)).order_by(PointsRule.name)))


def ledger(member_id: int, limit: int) -> list[PointsEntry]:
    """The member's latest ``limit`` entries, newest first (by date, then as entered)."""
    return list(db.session.scalars(
        select(PointsEntry).where(PointsEntry.member_id == member_id)
        .order_by(PointsEntry.recorded_on.desc(), PointsEntry.id.desc()).limit(limit)))


def points_by_month(member_id: int, since: dt.date) -> dict[int, int]:
    """Month number → the member's points recorded in it, from ``since`` on (one year's
    totals: pass its 1 January); months without entries are absent."""
    rows = db.session.execute(
        select(PointsEntry.recorded_on, PointsEntry.points)
        .where(PointsEntry.member_id == member_id, PointsEntry.recorded_on >= since)).all()
    by_month: dict[int, int] = {}
    for day, points in rows:
        by_month[day.month] = by_month.get(day.month, 0) + points
    return by_month


# -- the token pages' reads (columns) --------------------------------------------------------


def branch_ranking(branch_id: int, today: dt.date,
                   size: int) -> Sequence[Row[int, str, int, int]]:
    """(member id, name, card generation, points) of the ``size`` current members of the
    branch with the most points this year up to ``today`` (members without entries are
    not ranked); most first, ties by name in code-point order then id (the branch page
    re-sorts ties in pinyin)."""
    total = func.sum(PointsEntry.points)
    return run(
        select(Member.id, Member.name, Member.card_generation, total)
        .join(PointsEntry, PointsEntry.member_id == Member.id)
        .where(Member.branch_id == branch_id, Member.status != MemberStatus.TRANSFERRED_OUT,
               PointsEntry.recorded_on >= dt.date(today.year, 1, 1),
               PointsEntry.recorded_on <= today)
        .group_by(Member.id, Member.name, Member.card_generation)
        .order_by(total.desc(), Member.name, Member.id)
        .limit(size)
    ).all()
