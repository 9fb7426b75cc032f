"""Reads of democratic evaluation (民主评议党员): one year's records of given members, and
the token pages' counts and lines.

The console's sheet is read and saved as a whole, so :func:`evaluations_of` returns the
records (ORM rows, to update) keyed by member in one statement, however many members the
branch has. The pages read plain columns (``core.db.run``): the branch page's progress
(:func:`branch_progress`, counts only) and the member page's own lines
(:func:`member_evaluations`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Date, Row, and_, bindparam, exists, func, or_, select

from core.db import db, run
from profiles.enums import ENDED, EXEMPT, EvaluationStage, Rating
from profiles.evaluations.models import Evaluation
from profiles.members.membership import Membership, MemberStanding
from profiles.members.models import Member


def evaluations_of(member_ids: Iterable[int], year: int) -> dict[int, Evaluation]:
    """member id → the member's evaluation of ``year`` (members without one are absent)."""
    return {e.member_id: e for e in db.session.scalars(
        select(Evaluation).where(Evaluation.year == year,
                                 Evaluation.member_id.in_(list(member_ids))))}


# -- the token pages' reads (columns) --------------------------------------------------------


# A member owes a year's 民主评议 to the branch only if they were in it during that year:
# some range of their membership here overlaps it (one who came after its end owes none).
_IN_BRANCH_THAT_YEAR = exists().where(
    Membership.member_id == Member.id, Membership.branch_id == bindparam("branch"),
    Membership.since <= bindparam("year_end", type_=Date),
    or_(Membership.until.is_(None), Membership.until > bindparam("year_start", type_=Date)))

# Under 停止党籍 or 出国（境）暂留 at the end of the year: not evaluated for it (issue 18).
_EXEMPT_AT_YEAR_END = exists().where(
    MemberStanding.member_id == Member.id, MemberStanding.status.in_(list(EXEMPT)),
    MemberStanding.since <= bindparam("year_end", type_=Date),
    or_(MemberStanding.until.is_(None),
        MemberStanding.until > bindparam("year_end", type_=Date)))
_PROGRESS = (
    select(Evaluation.stage, Evaluation.rating, func.count(Member.id))
    .outerjoin(Evaluation, and_(Evaluation.member_id == Member.id,
                                Evaluation.year == bindparam("year")))
    .where(Member.branch_id == bindparam("branch"),
           Member.status.not_in(ENDED),
           Member.joined_on <= bindparam("year_end", type_=Date),
           _IN_BRANCH_THAT_YEAR, ~_EXEMPT_AT_YEAR_END)
    .group_by(Evaluation.stage, Evaluation.rating)
)


def branch_progress(branch_id: int, year: int) -> Sequence[Row[EvaluationStage | None,
                                                               Rating | None, int]]:
    """(stage, rating, members) over the branch's current members who had joined by the
    end of ``year`` and were in the branch during it (those eligible for its 民主评议),
    with or without a record (stage and rating None): the branch page's progress counts,
    one statement."""
    return run(_PROGRESS, {"branch": branch_id, "year_end": dt.date(year, 12, 31),
                           "year_start": dt.date(year, 1, 1), "year": year}).all()


# Built once at import, with bind parameters (bench/pages.py).
_MEMBER_EVALUATIONS = (
    select(Evaluation.year, Evaluation.stage, Evaluation.rating)
    .where(Evaluation.member_id == bindparam("member"), Evaluation.year >= bindparam("since"))
    .order_by(Evaluation.year.desc())
)


def member_evaluations(member_id: int,
                       since: int) -> Sequence[Row[int, EvaluationStage, Rating | None]]:
    """(year, stage, rating) of the member's evaluations from the year ``since`` on, newest
    first (the member page)."""
    return run(_MEMBER_EVALUATIONS, {"member": member_id, "since": since}).all()
