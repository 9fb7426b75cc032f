"""Membership over time: the pure rules, the read helpers and the one write, :func:`move`.

A member's history is a list of non-overlapping ranges (branch, party group, since,
until); the open range is the current membership. Records (attendance, dues,
evaluations) belong to the branch the member was in on their date, and the rules about
"the last N months" read the whole history in the organisation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import and_, insert, or_, select

from core.db import db
from profiles.enums import MemberStatus
from profiles.models import (
    Branch,
    ChangeLog,
    Member,
    Membership,
    MembershipEnd,
    MembershipStart,
    PartyGroup,
    closed_at_once,
    start_of,
)
from profiles.periods import alive_through as alive_through
from profiles.periods import month_index, yyyymm

COMMITTEE_MIN_FULL_MEMBERS = 7  # 《中国共产党支部工作条例(试行)》 ch. 6


class MoveRefused(ValueError):
    """A move that would rewrite history; the message says why, in the reader's language
    (translated when shown, so it works outside a request too)."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.lazy_message = message

    @property
    def message(self) -> str:
        """The reason, translated."""
        return str(self.lazy_message)

    def __str__(self) -> str:
        return self.message


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


# -- the one write -----------------------------------------------------------------------


def move(member: Member, *, branch: Branch | None, group: PartyGroup | None, on: dt.date,
         actor: str, source: str, reason: MembershipStart | None = None) -> Membership | None:
    """Close the member's current range on ``on`` and open the next one there.

    ``branch=None`` is a transfer out of the organisation (已转出). A member with no open
    range (transferred out earlier) comes back in (转入). A move on the day the current
    range began corrects that range instead of leaving an empty one. Returns the open
    range, or None (moved out, or nothing changed). Logs one change-log row; flushes,
    never commits.
    """
    if group is not None and branch is not None and group.branch_id != branch.id:
        raise MoveRefused(lazy_gettext("Party group %(group)s is not in branch %(branch)s.",
                                  group=group.name, branch=branch.name))
    db.session.flush()
    ranges = list(db.session.scalars(select(Membership).where(
        Membership.member_id == member.id).order_by(Membership.since)))
    current = next((r for r in ranges if r.until is None), None)
    latest = max((r.until or r.since for r in ranges), default=None)
    if latest is not None and on < latest:
        raise MoveRefused(lazy_gettext(
            "%(name)s's membership record already runs to %(date)s; a move must be dated "
            "on or after it.", name=member.name, date=latest.isoformat()))
    branch_id, group_id = (branch.id, group.id if group else None) if branch else (None, None)
    old = (current.branch_id, current.group_id) if current else (None, None)
    if current is not None and old == (branch_id, group_id):
        return current
    if current is None and branch is None:
        return None
    opened: Membership | None = None
    if current is not None and current.since == on and branch is not None:
        current.branch_id, current.group_id = branch.id, group_id  # same-day correction
        opened = current
    else:
        if current is not None:
            current.until = on
            current.end_reason = (MembershipEnd.TRANSFERRED_OUT if branch is None
                                  else MembershipEnd.MOVED)
        if branch is not None:
            start = reason or (MembershipStart.MOVED if current is not None
                               else MembershipStart.TRANSFERRED_IN)
            opened = Membership(member_id=member.id, branch_id=branch.id, group_id=group_id,
                                since=on, start_reason=start)
            db.session.add(opened)
    if branch is not None:
        member.branch_id, member.group_id = branch.id, group_id
        if member.status is MemberStatus.TRANSFERRED_OUT:
            member.status = MemberStatus.NORMAL
    else:
        member.status = MemberStatus.TRANSFERRED_OUT
    _log(actor, source, member, {"branch_id": [old[0], branch_id],
                                 "group_id": [old[1], group_id], "on": on.isoformat()})
    db.session.flush()
    return opened


def _log(actor: str, source: str, member: Member, changes: dict[str, Any]) -> None:
    # The branch's change-log writer (core/changelog.py at merge); one row per move.
    db.session.add(ChangeLog(actor=actor[:60], source=source[:200], table_name="membership",
                             record_key=str(member.number)[:80], action="update",
                             changes=json.dumps(changes, ensure_ascii=False)))


def open_missing() -> int:
    """Open a range for every member who has none (members written in bulk).

    Bulk inserts skip the ORM hook in ``profiles.models.membership``; the importers and
    the demo call this after them.
    """
    rows = db.session.execute(
        select(Member.id, Member.branch_id, Member.group_id, Member.joined_on,
               Member.status, Branch.founded_on)
        .join(Branch, Branch.id == Member.branch_id)
        .outerjoin(Membership, Membership.member_id == Member.id)
        .where(Membership.id.is_(None))).all()
    values: list[dict[str, Any]] = []
    for member_id, branch_id, group_id, joined_on, status, founded_on in rows:
        since, reason = start_of(joined_on, founded_on)
        values.append({"member_id": member_id, "branch_id": branch_id, "group_id": group_id,
                       "since": since, "start_reason": reason, "until": None,
                       "end_reason": None, **closed_at_once(since, status)})
    for start in range(0, len(values), 5000):
        db.session.execute(insert(Membership), values[start:start + 5000])
    return len(values)


def in_branch_on(branch_id: int, day: dt.date) -> Any:
    """A SQL condition: the membership row is of ``branch_id`` and covers ``day``."""
    return and_(Membership.branch_id == branch_id, Membership.since <= day,
                or_(Membership.until.is_(None), Membership.until > day))
