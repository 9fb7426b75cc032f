"""Reads of members: a branch's list, one member by number, the members of a branch on a
given day, and the two statements of a name search.

The console's screens and ``accounts.access`` read members here, so "a branch's members"
means the same list on every screen: 已转出 members are left out, and the order is by name
then number. Each read is one statement whatever the branch's size (the console's
statement-count tests hold the screens to it). Where a member was on a past day is the
membership history's (:mod:`profiles.members.history`).

The token pages read members here too, as plain columns (``core.db.run``, never a private
column): :func:`member_header` for the member page, :func:`branch_member_lines` and
:func:`branch_probationers` for the branch page. They are not the console's reads because
the pages need other columns and no ORM rows; ``profiles.queries`` turns them into the
pages' data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, exists, func, or_, select

from core.db import db, run
from profiles.collation import name_key
from profiles.enums import ENDED, Category, MemberStatus, Position
from profiles.members.history import in_branch_on
from profiles.members.membership import END_STATUS, Membership, MemberStanding
from profiles.members.models import Member, MemberPhoto
from profiles.members.rules import Standing
from profiles.org.models import Branch, Committee, PartyGroup
from profiles.scoring.models import Score, ScoreAdjustment, ScoreLevel, ScoreMonth


@dataclass(frozen=True)
class MemberRow:
    """A member as a search lists them: enough to find and open the record."""

    number: str
    name: str
    branch_code: str
    branch_name: str
    group_name: str | None
    category: Category
    status: MemberStatus


def by_pinyin(members: Iterable[Member]) -> list[Member]:
    """Members in the order a roster is read: by the pinyin of their names
    (:func:`profiles.collation.name_key`), then by number; never by character code."""
    return sorted(members, key=lambda m: (name_key(m.name), m.number))


def current_members(branch_id: int) -> list[Member]:
    """The branch's members who have not transferred out, in pinyin order of their names."""
    return by_pinyin(db.session.scalars(
        select(Member).where(Member.branch_id == branch_id,
                             Member.status.not_in(ENDED))))


def members_in_branch_on(branch_id: int, day: dt.date) -> list[Member]:
    """The members of the branch on ``day`` (the membership history), in pinyin order: one
    who moved in since is not listed, one who moved away since is."""
    return by_pinyin(db.session.scalars(
        select(Member).join(Membership, Membership.member_id == Member.id)
        .where(in_branch_on(branch_id, day))))


def member_by_number(number: str) -> Member | None:
    """The member with this 党员编号, in whichever branch (None: there is none)."""
    return db.session.scalar(select(Member).where(Member.number == number))


def member_in_branch(branch_id: int, number: str) -> Member | None:
    """The member with this 党员编号 if they are (now) in the branch, else None: a form
    naming a member of another branch names nobody."""
    return db.session.scalar(select(Member).where(Member.number == number,
                                                  Member.branch_id == branch_id))


def number_by_name(branch_id: int) -> dict[str, str]:
    """Member name → number for the branch's current members; a name held twice is
    ambiguous, so left out (a finding that names a member links to them by number)."""
    rows = db.session.execute(
        select(Member.name, Member.number).where(
            Member.branch_id == branch_id, Member.status.not_in(ENDED))
    ).all()
    counts = Counter(name for name, _ in rows)
    return {name: number for name, number in rows if counts[name] == 1}


def numbers_and_names(branch_id: int) -> Sequence[Row[str, str]]:
    """(number, name) of every member of the branch, by number (the print form's list:
    a card is printed for anyone on the roll)."""
    return db.session.execute(
        select(Member.number, Member.name).where(Member.branch_id == branch_id)
        .order_by(Member.number)).all()


def numbers_in_branch(branch_id: int, numbers: Iterable[str]) -> list[str]:
    """Those of ``numbers`` that belong to members of the branch."""
    return list(db.session.scalars(select(Member.number).where(
        Member.branch_id == branch_id, Member.number.in_(list(numbers)))))


def search_names(scope: ColumnElement[bool], *, include_out: bool = False,
                 text: str | None = None) -> list[tuple[int, str, str]]:
    """(id, name, number) of the members within ``scope`` (a WHERE clause on Member), not
    已转出 unless ``include_out``, whose name or number contains ``text`` if it is given.

    A search's first statement: only the columns a pinyin match needs, since pinyin is
    matched in Python (``console.search``) over the whole scope.
    """
    names = select(Member.id, Member.name, Member.number).where(scope)
    if not include_out:
        names = names.where(Member.status.not_in(ENDED))
    if text:
        names = names.where(or_(Member.name.contains(text, autoescape=True),
                                Member.number.icontains(text, autoescape=True)))
    return [(r[0], r[1], r[2]) for r in db.session.execute(names).all()]


def member_rows(member_ids: Sequence[int]) -> list[MemberRow]:
    """The listed members' details in one statement, in pinyin order (then number)."""
    details = db.session.execute(
        select(Member.id, Member.number, Member.name, Branch.code, Branch.name,
               PartyGroup.name, Member.category, Member.status)
        .join(Branch, Branch.id == Member.branch_id)
        .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
        .where(Member.id.in_(list(member_ids)))
    ).all()
    rows = [MemberRow(*r[1:]) for r in details]
    rows.sort(key=lambda r: (name_key(r.name), r.number))
    return rows


# -- the token pages' reads (columns, no private field) ------------------------------------

# Built once at import, with bind parameters: building a statement costs several times
# more than running it on this indexed lookup (bench/pages.py).
_HEADER = (
    select(Member.id, Member.name, Member.branch_id, Branch.name, Branch.card_generation,
           PartyGroup.name, Member.category, Member.position, Member.status,
           Member.joined_on, Member.converted_on, Member.probation_extension_months,
           exists().where(MemberPhoto.member_id == Member.id).label("has_photo"),
           select(func.min(Membership.since)).where(Membership.member_id == Member.id)
           .scalar_subquery(),
           select(func.max(Membership.until)).where(
               Membership.member_id == Member.id,
               Membership.end_reason.in_(list(END_STATUS))).scalar_subquery(),
           Committee.records_from, Committee.rankings_enabled,
           Committee.member_scores_visible,
           # The member's latest frozen 三级考核 score (a closed month), adjustments summed
           # in, and its month (ix_score_subject).
           select(Score.points_centi + func.coalesce(
               select(func.sum(ScoreAdjustment.points_centi))
               .where(ScoreAdjustment.score_id == Score.id).scalar_subquery(), 0))
           .join(ScoreMonth, ScoreMonth.id == Score.score_month_id)
           .where(Score.level == ScoreLevel.MEMBER, Score.subject_id == Member.id)
           .order_by(ScoreMonth.month.desc()).limit(1).scalar_subquery(),
           select(ScoreMonth.month).join(Score, Score.score_month_id == ScoreMonth.id)
           .where(Score.level == ScoreLevel.MEMBER, Score.subject_id == Member.id)
           .order_by(ScoreMonth.month.desc()).limit(1).scalar_subquery())
    .join(Branch, Branch.id == Member.branch_id)
    .join(Committee, Committee.id == Branch.committee_id)
    .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
    .where(Member.id == bindparam("member"))
)


def member_header(member_id: int) -> Row[*tuple[Any, ...]] | None:
    """The member page's header row, or None if there is no such member: (id, name,
    branch id, branch name, branch card generation, group name, category, position,
    status, joined on, converted on, probation extension months, has a photo, the first
    membership range's start, the last 转出 range's end, the organisation's
    ``records_from``, ``rankings_enabled`` and ``member_scores_visible``, the
    member's latest frozen 三级考核 score in hundredths and its month, or None); the two
    membership dates may come back as text on SQLite."""
    return run(_HEADER, {"member": member_id}).first()


_CURRENT = Member.status.not_in(ENDED)


# The start of the member's open range (here since): with 转正日期, when they began to
# count towards the branch's seven full members (profiles.org.rules.committee_from).
HERE_SINCE = (select(Membership.since).where(Membership.member_id == Member.id,
                                             Membership.until.is_(None))
              .correlate(Member).limit(1).scalar_subquery())
_MEMBER_LINES = (
    select(Member.id, Member.name, Member.card_generation, Member.category, Member.position,
           Member.status, PartyGroup.name, Member.joined_on, Member.converted_on, HERE_SINCE)
    .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
    .where(Member.branch_id == bindparam("branch"), _CURRENT)
)


def branch_member_lines(branch_id: int) -> Sequence[Row[int, str, int, Category,
                                                        Position | None, MemberStatus,
                                                        str | None, dt.date, dt.date | None,
                                                        dt.date | None]]:
    """(id, name, card generation, category, position, status, group name, joined on —
    the 政治生日 the page lists for the month —, converted on, here since) of the
    branch's current members, in no order: the branch page's member list, which it
    orders by position then pinyin. :func:`current_members` is the console's list (ORM
    rows in name order, for its forms)."""
    return run(_MEMBER_LINES, {"branch": branch_id}).all()


_PROBATIONERS = (
    select(Member.id, Member.name, Member.card_generation, Member.category, Member.position,
           Member.status, PartyGroup.name, Member.joined_on,
           Member.probation_extension_months)
    .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
    .where(Member.branch_id == bindparam("branch"), _CURRENT,
           Member.category == Category.PROBATIONARY)
)


def branch_probationers(branch_id: int) -> Sequence[Row[*tuple[Any, ...]]]:
    """The branch's current 预备党员: the columns of :func:`branch_member_lines`, then
    joined on and the probation extension in months (the branch page's self-audit works
    out when each probation ends)."""
    return run(_PROBATIONERS, {"branch": branch_id}).all()


# -- standing (流动, 失联, 停止党籍, 暂留): profiles.members.standing writes it ----------------

_BRANCH_STANDINGS = (
    select(MemberStanding.member_id, Member.name, Member.status, MemberStanding.status,
           MemberStanding.since, MemberStanding.until)
    .join(Member, Member.id == MemberStanding.member_id)
    .where(Member.branch_id == bindparam("branch"), Member.status.not_in(ENDED))
    .order_by(MemberStanding.member_id, MemberStanding.since)
)
_MEMBER_STANDINGS = (
    select(MemberStanding.status, MemberStanding.since, MemberStanding.until)
    .where(MemberStanding.member_id == bindparam("member")).order_by(MemberStanding.since)
)


@dataclass(frozen=True)
class BranchStandings:
    """The standing periods of a branch's current members: member id → periods (oldest
    first); and the current one (the member's status is its) with the member's name."""

    periods: dict[int, list[Standing]]
    current: dict[int, tuple[str, Standing]]


def branch_standings(branch_id: int) -> BranchStandings:
    """Every standing period of the branch's current members; one statement (the branch
    page, the console's dues grid)."""
    periods: dict[int, list[Standing]] = {}
    current: dict[int, tuple[str, Standing]] = {}
    for member_id, name, now, status, since, until in run(_BRANCH_STANDINGS,
                                                          {"branch": branch_id}).all():
        period = Standing(MemberStatus(status), since, until)
        periods.setdefault(member_id, []).append(period)
        current.pop(member_id, None)
        if status == now:
            current[member_id] = (name, period)
    return BranchStandings(periods, current)


def member_standings(member_id: int) -> list[Standing]:
    """One member's standing periods, oldest first; one statement (the member page)."""
    return [Standing(MemberStatus(status), since, until)
            for status, since, until in run(_MEMBER_STANDINGS, {"member": member_id}).all()]


_ALL_STANDINGS = (
    select(MemberStanding.member_id, Member.branch_id, Member.name, Member.status,
           MemberStanding.status, MemberStanding.since, MemberStanding.until)
    .join(Member, Member.id == MemberStanding.member_id)
    .where(Member.status.not_in(ENDED))
    .order_by(MemberStanding.member_id, MemberStanding.since)
)


def all_standings() -> tuple[BranchStandings, dict[int, int]]:
    """The standing periods of every current member of the organisation (the reports:
    one statement; the table holds only the members not 正常 at some time), and member
    id → branch id."""
    periods: dict[int, list[Standing]] = {}
    current: dict[int, tuple[str, Standing]] = {}
    branches: dict[int, int] = {}
    for member_id, branch_id, name, now, status, since, until in run(_ALL_STANDINGS).all():
        period = Standing(MemberStatus(status), since, until)
        periods.setdefault(member_id, []).append(period)
        branches[member_id] = branch_id
        current.pop(member_id, None)
        if status == now:
            current[member_id] = (name, period)
    return BranchStandings(periods, current), branches


def former_members(scope: ColumnElement[bool], limit: int) -> Sequence[Row[*tuple[Any, ...]]]:
    """(number, name, status, branch name, end date) of the former members (历史党员) whose
    last branch is within ``scope`` (a condition on ``Member.branch_id``), latest ends
    first; one statement. The console's only: no token page lists them."""
    ended_on = (select(func.max(Membership.until)).where(
        Membership.member_id == Member.id, Membership.end_reason.in_(list(END_STATUS)))
        .scalar_subquery())
    return db.session.execute(
        select(Member.number, Member.name, Member.status, Branch.name, ended_on.label("until"))
        .join(Branch, Branch.id == Member.branch_id)
        .where(Member.status.in_(list(ENDED)), scope)
        .order_by(ended_on.desc(), Member.number).limit(limit)).all()
