"""Reads of points (党员积分): an organisation's rules, a member's ledger and their totals
by month.

The ledger is append-only (a wrong entry is corrected by another), so reading it newest
first with a limit is the whole history a screen needs; each read is one statement.

The token pages read points here too, as plain columns (``core.db.run``): the branch
page's :func:`branch_ranking`, the member page's :func:`member_and_branch_totals` and
:func:`latest_entries`. The console's :func:`ledger` loads ORM entries (all of them, any
date); the page's :func:`latest_entries` reads three columns of the entries up to today,
a fixed number (:data:`LATEST_ENTRIES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Date, Row, and_, bindparam, case, func, select

from core.db import db, run
from profiles.enums import ENDED
from profiles.members.models import Member
from profiles.points.models import PointsEntry, PointsRule

LATEST_ENTRIES = 5  # the member page's latest entries


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


_TOTAL = func.sum(PointsEntry.points)
_RANKING = (
    select(Member.id, Member.name, Member.card_generation, _TOTAL)
    .join(PointsEntry, PointsEntry.member_id == Member.id)
    .where(Member.branch_id == bindparam("branch"),
           Member.status.not_in(ENDED),
           PointsEntry.recorded_on >= bindparam("since", type_=Date),
           PointsEntry.recorded_on <= bindparam("today", type_=Date))
    .group_by(Member.id, Member.name, Member.card_generation)
    .order_by(_TOTAL.desc(), Member.name, Member.id)
    .limit(bindparam("size"))
)


def branch_ranking(branch_id: int, today: dt.date,
                   size: int) -> Sequence[Row[int, str, int, int]]:
    """(member id, name, card generation, points) of the ``size`` current members of the
    branch with the most points this year up to ``today`` (members without entries are
    not ranked); most first, ties by name in code-point order then id (the branch page
    re-sorts ties in pinyin). Built once, with bind parameters (bench/branch_page.py)."""
    return run(_RANKING, {"branch": branch_id, "since": dt.date(today.year, 1, 1),
                          "today": today, "size": size}).all()


# Built once at import, with bind parameters: building a statement costs several times
# more than running it on these indexed lookups (bench/pages.py).
_THIS_YEAR_POINTS = func.coalesce(func.sum(case(
    (PointsEntry.recorded_on >= bindparam("this_start"), PointsEntry.points), else_=0)), 0)
_LAST_YEAR_POINTS = func.coalesce(func.sum(case(
    (PointsEntry.recorded_on < bindparam("this_start"), PointsEntry.points), else_=0)), 0)
# Only this year's entries count for the ranking; the member's own last year is read too.
# The range starts per row, so the covering index (member, date, points) answers it all.
_POINTS_FROM = case((Member.id == bindparam("member"), bindparam("last_start", type_=Date)),
                    else_=bindparam("this_start", type_=Date))
# Every active member of the branch, with their totals (0 without entries), one statement.
_POINTS_TOTALS = (
    select(Member.id, _THIS_YEAR_POINTS, _LAST_YEAR_POINTS)
    .outerjoin(PointsEntry, and_(PointsEntry.member_id == Member.id,
                                 PointsEntry.recorded_on >= _POINTS_FROM,
                                 PointsEntry.recorded_on <= bindparam("today")))
    .where(Member.branch_id == bindparam("branch"),
           (Member.status.not_in(ENDED)) | (Member.id == bindparam("member")))
    .group_by(Member.id)
)
_LATEST_POINTS = (
    select(PointsEntry.recorded_on, PointsEntry.points, PointsEntry.reason)
    .where(PointsEntry.member_id == bindparam("member"),
           PointsEntry.recorded_on <= bindparam("today"))
    .order_by(PointsEntry.recorded_on.desc(), PointsEntry.id.desc())
    .limit(LATEST_ENTRIES)
)


def member_and_branch_totals(member_id: int, branch_id: int,
                             today: dt.date) -> Sequence[Row[int, int, int]]:
    """(member id, points this year, points last year) of every current member of the
    branch and of the member (even 已转出), 0 without entries, up to ``today``; last year
    is summed for the member only. One statement: the member page's totals and rank."""
    return run(_POINTS_TOTALS, {
        "member": member_id, "branch": branch_id, "this_start": dt.date(today.year, 1, 1),
        "last_start": dt.date(today.year - 1, 1, 1), "today": today,
    }).all()


def latest_entries(member_id: int, today: dt.date) -> Sequence[Row[dt.date, int, str]]:
    """(recorded on, points, reason) of the member's latest :data:`LATEST_ENTRIES` entries
    up to ``today``, newest first (by date, then as entered)."""
    return run(_LATEST_POINTS, {"member": member_id, "today": today}).all()
