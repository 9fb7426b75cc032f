"""The life of a membership, written: 流动, 失联, 停止党籍, 出国（境）暂留, 恢复 (back to
正常), and the end of a membership with a reason (转出, 去世, 自行脱党除名, 开除党籍, 退党).

Each is an operation: validated, logged through ``core.changelog``, flushed, never
committed. ``member.status`` is the current standing; ``member_standing`` keeps the
periods (the rules read which held in a month: ``profiles.members.rules``). A repeated
submission of the same change changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.changelog import Actor, log_change
from core.db import db
from profiles.enums import ENDED, MemberStatus
from profiles.labels import label
from profiles.members.membership import END_STATUS, MembershipEnd
from profiles.members.rules import standing_problems
from profiles.models import Member, Membership, MemberStanding
from profiles.writes import check, refuse

# The standings a period of member_standing may hold (正常 is the absence of one).
PERIOD_STATUSES = frozenset({MemberStatus.AWAY, MemberStatus.LOST_CONTACT,
                             MemberStatus.SUSPENDED, MemberStatus.ABROAD})
END_REASONS = tuple(END_STATUS)  # every end but a move inside the organisation


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _not_ended(member: Member) -> None:
    if member.status in ENDED:
        raise refuse("status", "%(name)s's membership here has ended; a former member's "
                     "standing cannot change.", name=member.name)


def _open_period(member: Member) -> MemberStanding | None:
    """The period of the member's current standing (the latest one, if it holds it)."""
    db.session.flush()
    latest = db.session.scalars(select(MemberStanding).where(
        MemberStanding.member_id == member.id).order_by(MemberStanding.since.desc())
        .limit(1)).first()
    if latest is not None and latest.status == member.status:
        return latest
    return None


def _latest_since(member: Member) -> dt.date | None:
    return db.session.scalar(select(MemberStanding.since).where(
        MemberStanding.member_id == member.id).order_by(MemberStanding.since.desc()).limit(1))


def _log(actor: Actor, member: Member, old: MemberStatus, **values: Any) -> None:
    changed: dict[str, tuple[Any, Any]] = {"status": (old, member.status)}
    changed.update({k: (None, v) for k, v in values.items() if v is not None})
    log_change(actor, "update", "member", member.number, changed)


def set_standing(actor: Actor, member: Member, status: MemberStatus, *, since: dt.date,
                 until: dt.date | None = None, note: str | None = None,
                 today: dt.date | None = None, until_required: bool = True) -> MemberStanding:
    """Put a member under 流动, 失联, 停止党籍 or 出国（境）暂留 from ``since`` (for 暂留
    up to ``until``; ``until_required=False``: a roster that gives no end, which the
    checklist then asks for). The current period, if any, ends on ``since``. The same change
    submitted again is returned unchanged; for 暂留 with a later ``until`` it extends the
    approved period."""
    if status not in PERIOD_STATUSES:
        raise refuse("status", "Choose 流动, 失联, 停止党籍 or 出国（境）暂留.")
    _not_ended(member)
    if status is not MemberStatus.ABROAD:
        until = None
    check(standing_problems(status, since, until, _today(today), member.joined_on,
                            until_required))
    current = _open_period(member)
    if current is not None and current.status == status and current.since == since:
        if current.until == until:
            return current  # submitted twice
        old_until, current.until = current.until, until  # 暂留 extended (or shortened)
        db.session.flush()
        log_change(actor, "update", "member", member.number,
                   {"standing_until": (old_until, until), "since": (None, since)})
        return current
    latest = _latest_since(member)
    if latest is not None and since <= latest:
        raise refuse("since", "%(name)s's standing is on record from %(date)s; a change must "
                     "be dated after it.", name=member.name, date=latest.isoformat())
    if current is not None and (current.until is None or current.until > since):
        current.until = since
    old = member.status
    period = MemberStanding(member_id=member.id, status=status, since=since, until=until,
                            note=(note or "").strip()[:200] or None)
    db.session.add(period)
    member.status = status
    db.session.flush()
    _log(actor, member, old, since=since, until=until)
    return period


def mark_away(actor: Actor, member: Member, *, since: dt.date,
              today: dt.date | None = None) -> MemberStanding:
    """流动: organisational life may be elsewhere; dues are still owed."""
    return set_standing(actor, member, MemberStatus.AWAY, since=since, today=today)


def mark_lost_contact(actor: Actor, member: Member, *, since: dt.date,
                      today: dt.date | None = None) -> MemberStanding:
    """失联 from a date: after 6 months the checklist proposes the 停止党籍 decision."""
    return set_standing(actor, member, MemberStatus.LOST_CONTACT, since=since, today=today)


def suspend(actor: Actor, member: Member, *, on: dt.date,
            today: dt.date | None = None) -> MemberStanding:
    """停止党籍 from the date of the decision: no dues, no organisational life owed."""
    return set_standing(actor, member, MemberStatus.SUSPENDED, since=on, today=today)


def set_abroad(actor: Actor, member: Member, *, since: dt.date, until: dt.date,
               today: dt.date | None = None) -> MemberStanding:
    """出国（境）暂留 from ``since`` up to ``until``: dues deferred, organisational life
    suspended; given again with a later ``until``, the approval is extended."""
    return set_standing(actor, member, MemberStatus.ABROAD, since=since, until=until,
                        today=today)


def restore(actor: Actor, member: Member, *, on: dt.date,
            today: dt.date | None = None) -> Member:
    """Back to 正常 on ``on`` (恢复党籍 after 停止党籍; back from 流动, 失联, 暂留): the
    current period ends that day. Already 正常: nothing changes."""
    _not_ended(member)
    # The date is checked first: an impossible one is refused even when nothing would change.
    check(standing_problems(MemberStatus.NORMAL, on, None, _today(today), member.joined_on))
    if member.status is MemberStatus.NORMAL:
        return member
    current = _open_period(member)
    if current is not None:
        if on < current.since:
            raise refuse("on", "%(name)s has been %(status)s since %(date)s; the return must be "
                         "dated on or after it.", name=member.name, status=label(member.status),
                         date=current.since.isoformat())
        if on == current.since:
            db.session.delete(current)  # undone the day it began
        elif current.until is None or current.until > on:
            current.until = on
    old = member.status
    member.status = MemberStatus.NORMAL
    db.session.flush()
    _log(actor, member, old, on=on)
    return member


def end_membership(actor: Actor, member: Member, *, reason: MembershipEnd, on: dt.date,
                   today: dt.date | None = None) -> Member:
    """End the membership here on ``on`` for ``reason``: the open range of the membership
    closes with that reason, the open standing period ends, and the status becomes the
    end's (a 历史党员 from then on: nothing owed after the end). Twice: nothing changes."""
    if reason not in END_STATUS:
        raise refuse("reason", "Choose why the membership ended: 转出, 去世, 自行脱党除名, "
                     "开除党籍 or 退党.")
    if member.status in ENDED:
        if member.status is END_STATUS[reason]:
            return member  # submitted twice
        _not_ended(member)
    check(standing_problems(MemberStatus.NORMAL, on, None, _today(today), member.joined_on))
    db.session.flush()
    current = db.session.scalars(select(Membership).where(
        Membership.member_id == member.id, Membership.until.is_(None))).first()
    if current is not None and on <= current.since:
        raise refuse("on", "%(name)s has been in this branch since %(date)s; the end must be "
                     "dated after it.", name=member.name, date=current.since.isoformat())
    period = _open_period(member)
    if period is not None:
        if on <= period.since:
            raise refuse("on", "%(name)s has been %(status)s since %(date)s; the end must be "
                         "dated after it.", name=member.name, status=label(member.status),
                         date=period.since.isoformat())
        if period.until is None or period.until > on:
            period.until = on
    if current is not None:
        current.until, current.end_reason = on, reason
    old = member.status
    member.status = END_STATUS[reason]
    db.session.flush()
    _log(actor, member, old, on=on, end_reason=reason)
    return member
