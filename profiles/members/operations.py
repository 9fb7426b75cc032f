"""Writes to members and their membership over time: create, update, transfer,
transfer out, and the ranges of members written in bulk."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, insert, select, union_all

from core.changelog import Actor, log_change
from core.db import db
from core.problems import Problem, problem
from profiles.bulk import execute_batched
from profiles.enums import ENDED, MemberStatus
from profiles.members.rules import MemberFacts, member_problems, placement_problems
from profiles.models import (
    AttendanceRecord,
    Branch,
    DuesRecord,
    Meeting,
    Member,
    Membership,
    MembershipEnd,
    MembershipStart,
    PartyGroup,
    PointsEntry,
    closed_at_once,
    start_of,
)
from profiles.text_rules import text_problems
from profiles.writes import apply_values, changed_values, check, lifespan_of, refuse

GENERATED_NUMBER = re.compile(r"^DY(\d+)$")  # numbers made up for members given none


# Member attributes update_member may change; the branch and group change by transfer,
# the card generation by reissue, the id and timestamps never.
MEMBER_FIELDS = frozenset({
    "number", "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address",
    "dues_base_cents", "category", "position", "status", "joined_on", "converted_on",
    "probation_extension_months", "dues_basis",
})


# -- members --------------------------------------------------------------------------------

def _facts(values: Mapping[str, Any]) -> MemberFacts:
    return MemberFacts(
        number=values.get("number") or "", name=values.get("name") or "",
        category=values.get("category"), joined_on=values.get("joined_on"),
        converted_on=values.get("converted_on"), birth_date=values.get("birth_date"),
        probation_extension_months=values.get("probation_extension_months") or 0,
        dues_base_cents=values.get("dues_base_cents"), id_number=values.get("id_number"))


def _unique_problems(values: Mapping[str, Any], member_id: int | None) -> list[Problem]:
    """The number and ID number are not another member's. The answer names nobody: the
    holder may be of a branch the person typing cannot read (docs/security.md)."""
    found = []
    other = db.session.scalar(select(Member.id).where(Member.number == values["number"]))
    if other is not None and other != member_id:
        found.append(problem("number", "党员编号 %(value)s is used by another record of the "
                             "organisation; choose another number.", value=values["number"]))
    if values.get("id_number"):
        holder = db.session.scalar(select(Member).where(Member.id_number == values["id_number"]))
        if holder is not None and holder.id != member_id:
            found.append(problem("id_number", "This ID number is used by another record of "
                                 "the organisation; please check it."))
    return found


def next_member_number() -> str:
    """The next free made-up 党员编号, ``DY`` + six digits."""
    numbers = db.session.scalars(select(Member.number).where(Member.number.like("DY%")))
    highest = max((int(m.group(1)) for n in numbers if (m := GENERATED_NUMBER.match(n))),
                  default=0)
    return f"DY{highest + 1:06d}"


def create_member(actor: Actor, *, branch: Branch, group: PartyGroup | None = None,
                  today: dt.date | None = None, **fields: Any) -> Member:
    """Add a member to a branch (and optionally a party group of it).

    ``fields`` are Member attributes (name, category, joined_on, ...); without a
    ``number`` the next free ``DY`` number is given.
    """
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"create_member cannot set {', '.join(sorted(unknown))}")
    values = {"status": MemberStatus.NORMAL, "probation_extension_months": 0, **fields}
    if not values.get("number"):
        values["number"] = next_member_number()
    values["number"] = str(values["number"]).strip().upper()
    check(member_problems(_facts(values), today)
          + text_problems(values)
          + placement_problems(group_branch_id=group.branch_id if group else None,
                               branch_id=branch.id))
    check(_unique_problems(values, None))
    member = Member(branch_id=branch.id, group_id=group.id if group else None, **values)
    db.session.add(member)
    db.session.flush()
    open_first_membership(member)
    logged: dict[str, tuple[Any, Any]] = {k: (None, v) for k, v in values.items()
                                          if v is not None}
    logged["branch"] = (None, branch.name)
    if group is not None:
        logged["group"] = (None, group.name)
    log_change(actor, "insert", "member", member.number, logged)
    return member


def update_member(actor: Actor, member: Member, *, today: dt.date | None = None,
                  **fields: Any) -> Member:
    """Change a member's own fields (not the branch or group: see ``transfer_member``)."""
    unknown = set(fields) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"update_member cannot change {', '.join(sorted(unknown))}")
    if "number" in fields:
        fields["number"] = str(fields["number"] or "").strip().upper()
    after = {name: getattr(member, name) for name in MEMBER_FIELDS} | fields
    check(member_problems(_facts(after), today) + text_problems(fields))
    changed = changed_values(member, fields)
    if not changed:
        return member
    check(_unique_problems(after, member.id))
    key = member.number
    apply_values(member, changed)
    db.session.flush()
    log_change(actor, "update", "member", key, changed)
    return member


def transfer_member(actor: Actor, member: Member, *, branch: Branch, group: PartyGroup | None,
                    on: dt.date) -> Member:
    """Move a member to another branch and/or party group (组织关系转接) on a date."""
    check(placement_problems(group_branch_id=group.branch_id if group else None,
                             branch_id=branch.id, branch=lifespan_of(branch),
                             group=lifespan_of(group) if group else None, on=on))
    if member.status is MemberStatus.TRANSFERRED_OUT:
        raise refuse("status", "%(name)s has transferred out of the organisation.",
                     name=member.name)
    if member.status in ENDED:
        raise refuse("status", "%(name)s's membership here has ended; a former member's "
                     "standing cannot change.", name=member.name)
    move_membership(actor, member, branch=branch, group=group, on=on)
    return member


def transfer_out(actor: Actor, member: Member, *, on: dt.date) -> Member:
    """Record that a member transferred out of the organisation (已转出) on a date."""
    if member.status is MemberStatus.TRANSFERRED_OUT:
        raise refuse("status", "%(name)s has transferred out of the organisation.",
                     name=member.name)
    if member.status in ENDED:
        raise refuse("status", "%(name)s's membership here has ended; a former member's "
                     "standing cannot change.", name=member.name)
    move_membership(actor, member, branch=None, group=None, on=on)
    return member


# -- membership over time -------------------------------------------------------------------

def move_membership(actor: Actor, member: Member, *, branch: Branch | None,
                    group: PartyGroup | None, on: dt.date,
                    reason: MembershipStart | None = None) -> Membership | None:
    """Close the member's current range on ``on`` and open the next one there.

    ``branch=None`` is a transfer out of the organisation (已转出). A member with no open
    range (transferred out earlier) comes back in (转入). A move on the day the current
    range began corrects that range instead of leaving an empty one. Returns the open
    range, or None (moved out, or nothing changed). Logs one change-log row for the member;
    flushes, never commits.
    """
    if group is not None and branch is not None and group.branch_id != branch.id:
        raise refuse("group", "Party group %(group)s is not in branch %(branch)s.",
                     group=group.name, branch=branch.name)
    db.session.flush()
    ranges = list(db.session.scalars(select(Membership).where(
        Membership.member_id == member.id).order_by(Membership.since)))
    current = next((r for r in ranges if r.until is None), None)
    latest = max((r.until or r.since for r in ranges), default=None)
    if latest is not None and on < latest:
        raise refuse("moved_on", "%(name)s's membership record already runs to %(date)s; a "
                     "move must be dated on or after it.", name=member.name,
                     date=latest.isoformat())
    branch_id, group_id = (branch.id, group.id if group else None) if branch else (None, None)
    old = (current.branch_id, current.group_id) if current else (None, None)
    if current is not None and old == (branch_id, group_id):
        return current
    if current is None and branch is None:
        return None
    old_branch = db.session.get(Branch, old[0]) if old[0] else None
    old_group = db.session.get(PartyGroup, old[1]) if old[1] else None
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
    changed: dict[str, tuple[Any, Any]] = {}
    if branch is not None:
        member.branch_id, member.group_id = branch.id, group_id
        member.branch = branch
        if member.status is MemberStatus.TRANSFERRED_OUT:
            changed["status"] = (member.status, MemberStatus.NORMAL)
            member.status = MemberStatus.NORMAL
    else:
        changed["status"] = (member.status, MemberStatus.TRANSFERRED_OUT)
        member.status = MemberStatus.TRANSFERRED_OUT
    if old[0] != branch_id:
        changed["branch"] = (old_branch.name if old_branch else None,
                             branch.name if branch else None)
    if old[1] != group_id:
        changed["group"] = (old_group.name if old_group else None, group.name if group else None)
    changed["on"] = (None, on)
    db.session.flush()
    db.session.expire(member, ["group"])  # a view-only relation: reload it on next use
    log_change(actor, "update", "member", member.number, changed)
    return opened


def open_first_membership(member: Member) -> Membership:
    """Open a new member's first range of membership: from admission, or from the
    branch's founding if that is later; a member first recorded as already 已转出 gets a
    closed one-day range.

    ``create_member`` calls it; so does anything else that adds a member row by row.
    Bulk writers call :func:`open_missing_memberships` instead. Not logged: the member's
    own insert is. Flushes.
    """
    branch = member.branch if member.branch is not None else db.session.get(
        Branch, member.branch_id)
    since, reason = start_of(member.joined_on, branch.founded_on if branch else None)
    opened = Membership(member_id=member.id, branch_id=member.branch_id,
                        group_id=member.group_id, since=since, start_reason=reason,
                        **closed_at_once(since, member.status))
    db.session.add(opened)
    db.session.flush()
    return opened


def open_missing_memberships() -> int:
    """Open a range for every member who has none (members written in bulk).

    Bulk inserts write members without their first range (:func:`open_first_membership`
    is one row at a time); the importers call this after them. Not logged: the members'
    own inserts are.
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
    execute_batched(insert(Membership), values)
    return len(values)


def set_arrival(actor: Actor, member: Member, *, on: dt.date,
                today: dt.date | None = None) -> Membership | None:
    """Correct the day a member came into the organisation's record: where their first
    range of membership begins, so their obligations here (dues, meetings, evaluations)
    begin there (the latest of admission and arrival). The date an import assumed is
    corrected here.

    Refused before admission (入党日期), in the future, on or after the end of that first
    range, or after a record already kept of the member (attendance, points, dues paid):
    those would fall outside their time here. Returns the range (None: unchanged). Logs
    one change-log row; flushes, never commits.
    """
    db.session.flush()
    first: Membership | None = db.session.scalar(
        select(Membership).where(Membership.member_id == member.id)
        .order_by(Membership.since).limit(1))
    if first is None or first.since == on:
        return None
    day = today or dt.date.today()
    if on < member.joined_on:
        raise refuse("arrived_on", "%(name)s joined the party on %(date)s; the day they came "
                     "cannot be earlier. Give %(date)s or a later day.", name=member.name,
                     date=member.joined_on.isoformat())
    if on > day:
        raise refuse("arrived_on", "%(date)s is in the future; give the day %(name)s came.",
                     date=on.isoformat(), name=member.name)
    if first.until is not None and on >= first.until:
        raise refuse("arrived_on", "%(name)s's first membership here ended on %(date)s (a "
                     "move or transfer); give an earlier day.", name=member.name,
                     date=first.until.isoformat())
    earliest = _earliest_record(member.id)
    if earliest is not None and on > earliest:
        raise refuse("arrived_on", "%(name)s already has a record here on %(date)s "
                     "(attendance, points or dues); give that day or an earlier one.",
                     name=member.name, date=earliest.isoformat())
    old = first.since
    first.since = on
    if first.start_reason is not MembershipStart.MOVED:
        first.start_reason = (MembershipStart.JOINED if on == member.joined_on
                              else MembershipStart.TRANSFERRED_IN)
    db.session.flush()
    log_change(actor, "update", "member", member.number, {"arrived_on": (old, on)})
    return first


def _earliest_record(member_id: int) -> dt.date | None:
    """The earliest day of a record kept of the member: an attendance's meeting, a points
    entry, the first day of a month paid for (one statement)."""
    days = union_all(
        select(func.min(Meeting.held_on).label("day"))
        .join(AttendanceRecord, AttendanceRecord.meeting_id == Meeting.id)
        .where(AttendanceRecord.member_id == member_id),
        select(func.min(PointsEntry.recorded_on).label("day"))
        .where(PointsEntry.member_id == member_id)).subquery()
    found = [d for d in db.session.execute(select(days.c.day)).scalars() if d is not None]
    month = db.session.scalar(select(func.min(DuesRecord.month)).where(
        DuesRecord.member_id == member_id, DuesRecord.paid_cents > 0))
    if month is not None:
        found.append(dt.date(month // 100, month % 100, 1))
    dates = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10]) for d in found]
    return min(dates, default=None)
