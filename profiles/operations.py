"""Every write to the record, one function each: validate, write, log, flush.

Each operation checks its input with ``profiles.rules`` (a refusal raises
:class:`RuleViolation`, nothing written), changes the rows, logs one change-log row per
changed record through ``core.changelog`` and flushes. It never commits: the caller (a CLI
command, a web request, an import) commits, so a meeting, its attendance and its points
land in one transaction, or none of them do.

Reads that only look things up live in ``profiles.queries``; this module is the only one
(with the importers' and the demo's bulk paths, which use the same rules and logger) that
inserts or updates domain tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, update

from core.changelog import Actor, log_change
from core.db import db
from core.errors import UserError
from profiles import attendance_points, rules
from profiles.dues_rates import monthly_dues_cents
from profiles.enums import Attendance, EvaluationStage, MeetingKind, MemberStatus, Rating
from profiles.labels import label
from profiles.membership import membership_on
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    Membership,
    MembershipEnd,
    MembershipStart,
    PartyGroup,
    PointsEntry,
    PointsRule,
    closed_at_once,
    start_of,
)
from profiles.rules import Lifespan, MemberFacts, Problem

__all__ = [
    "Actor", "RuleViolation", "add_points", "check_in", "create_member", "dissolve_branch",
    "dissolve_group", "edit_meeting", "found_branch", "found_group", "meeting_key",
    "record_dues", "record_meeting", "reissue_card", "set_attendance", "set_checkin",
    "set_evaluation", "transfer_member", "transfer_out", "update_member", "move_membership",
    "open_missing_memberships",
    # bulk, for the importers (they log through core.changelog.log_changes)
    "add_branch", "add_committee", "add_group", "add_meeting", "add_points_rule",
    "bulk_insert", "bulk_update", "release_id_numbers", "set_meeting_topics",
]

Card = TypeVar("Card", Member, Branch)
GENERATED_NUMBER = re.compile(r"^DY(\d+)$")  # numbers made up for members given none

# Member attributes update_member may change; the branch and group change by transfer,
# the card generation by reissue, the id and timestamps never.
MEMBER_FIELDS = frozenset({
    "number", "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "address",
    "dues_base_cents", "category", "position", "status", "joined_on", "converted_on",
    "probation_extension_months", "dues_basis",
})
MEETING_FIELDS = frozenset({"kind", "held_on", "topic", "group", "place"})


class RuleViolation(UserError):
    """The write breaks a rule; ``problems`` lists every reason, nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(str(p) for p in self.problems))


def _check(problems: list[Problem]) -> None:
    if problems:
        raise RuleViolation(problems)


def _refuse(field: str | None, message: str, **params: Any) -> RuleViolation:
    return RuleViolation([rules.problem(field, message, **params)])


def _lifespan(unit: Branch | PartyGroup) -> Lifespan:
    return Lifespan(unit.founded_on, unit.dissolved_on)


def _diff(record: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value would change, as (old, new)."""
    return {k: (getattr(record, k), v) for k, v in values.items() if getattr(record, k) != v}


def _apply(record: Any, changed: Mapping[str, tuple[Any, Any]]) -> None:
    for name, (_, new) in changed.items():
        setattr(record, name, new)


# -- meetings and attendance ------------------------------------------------------------

def meeting_key(branch_code: str, kind: MeetingKind, held_on: dt.date, group: str = "") -> str:
    """How the log names a meeting: "ZB01 2026-05-10 支部党员大会" (+ the group)."""
    return " ".join(filter(None, (branch_code, held_on.isoformat(), label(kind), group)))


def _key_of(meeting: Meeting) -> str:
    group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    return meeting_key(meeting.branch.code, meeting.kind, meeting.held_on,
                       group.name if group else "")


def _group_of(group: PartyGroup | None, branch: Branch) -> list[Problem]:
    if group is not None and group.branch_id != branch.id:
        return [rules.problem("group", "That party group belongs to another branch.")]
    return []


def record_meeting(actor: Actor, *, branch: Branch, kind: MeetingKind, held_on: dt.date,
                   topic: str = "", group: PartyGroup | None = None,
                   place: str = "") -> Meeting:
    """Record a meeting a branch (or, for a 党小组会, one of its groups) held."""
    _check(rules.meeting_problems(kind, has_group=group is not None, held_on=held_on,
                                  branch=_lifespan(branch), topic=topic)
           + _group_of(group, branch) + rules.length_problems("place", place, 200)
           + rules.text_problems({"topic": topic, "place": place}))
    meeting = Meeting(branch_id=branch.id, kind=kind, held_on=held_on, topic=topic,
                      group_id=group.id if group else None, place=place)
    meeting.branch = branch
    db.session.add(meeting)
    db.session.flush()
    fields: dict[str, tuple[Any, Any]] = {"topic": (None, topic)}
    if place:
        fields["place"] = (None, place)
    log_change(actor, "insert", "meeting",
               meeting_key(branch.code, kind, held_on, group.name if group else ""), fields)
    return meeting


def edit_meeting(actor: Actor, meeting: Meeting, **fields: Any) -> Meeting:
    """Change a meeting's kind, date, topic, place or group (``group=None`` clears it)."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"edit_meeting cannot change {', '.join(sorted(unknown))}")
    branch = meeting.branch
    old_group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    group: PartyGroup | None = fields.pop("group", old_group)
    values = {"kind": meeting.kind, "held_on": meeting.held_on, "topic": meeting.topic,
              "place": meeting.place, **fields}
    _check(rules.meeting_problems(values["kind"], has_group=group is not None,
                                  held_on=values["held_on"], branch=_lifespan(branch),
                                  topic=values["topic"])
           + _group_of(group, branch) + rules.length_problems("place", values["place"], 200)
           + rules.text_problems({"topic": values["topic"], "place": values["place"]}))
    key = _key_of(meeting)
    changed = _diff(meeting, values)
    if (group.id if group else None) != meeting.group_id:
        changed["group_id"] = (meeting.group_id, group.id if group else None)
    if not changed:
        return meeting
    _apply(meeting, changed)
    db.session.flush()
    logged = {k: v for k, v in changed.items() if k != "group_id"}
    if "group_id" in changed:
        logged["group"] = (old_group.name if old_group else None, group.name if group else None)
    log_change(actor, "update", "meeting", key, logged)
    return meeting


def set_attendance(actor: Actor, meeting: Meeting, member: Member,
                   status: Attendance) -> AttendanceRecord:
    """Record whether a member was present, excused or absent at a meeting."""
    # The branch the member was in on the meeting's date: a meeting held days before a
    # transfer is the old branch's, and the new one cannot claim it.
    span = membership_on(member.id, meeting.held_on)
    _check(rules.attendee_problems(member_name=member.name,
                                   member_branch_id=span.branch_id if span else None,
                                   meeting_branch_id=meeting.branch_id))
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    key = f"{member.number} {_key_of(meeting)}"
    if record is None:
        record = AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=status)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "attendance", key, {"attendance": (None, status)})
        attendance_points.settle(actor, meeting, member, status)
    elif record.status != status:
        old = record.status
        record.status = status
        db.session.flush()
        log_change(actor, "update", "attendance", key, {"attendance": (old, status)})
        attendance_points.settle(actor, meeting, member, status)
    return record


def check_in(actor: Actor, meeting: Meeting, member: Member) -> bool:
    """Mark a member present (card scanned at the meeting); True if newly present.

    Scanning twice changes nothing and logs nothing.
    """
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    if record is not None and record.status is Attendance.PRESENT:
        return False
    set_attendance(actor, meeting, member, Attendance.PRESENT)
    return True


# -- dues -----------------------------------------------------------------------------------

def record_dues(actor: Actor, member: Member, month: int, *, due_cents: int | None = None,
                paid_cents: int | None = None, paid_on: dt.date | None = None,
                due_reason: str | None = None) -> DuesRecord:
    """Record what a member owes for a month (YYYYMM) and/or what was paid, when.

    Left out, the due amount is kept (or, for a new month, computed from the member's
    basis), the paid amount kept (or 0) and the date kept; paying nothing clears the date.
    """
    _check(rules.month_problems(month))
    record = db.session.get(DuesRecord, (member.id, month))
    if due_cents is None:
        if record is not None:
            due_cents = record.due_cents
        else:
            try:
                due_cents = monthly_dues_cents(member.dues_basis, member.dues_base_cents)
            except ValueError:
                raise _refuse("due", "The due amount cannot be computed (the member has no "
                              "wage or pension on record); fill in 应缴金额.") from None
    if paid_cents is None:
        paid_cents = record.paid_cents if record is not None else 0
    if paid_on is None and paid_cents and record is not None:
        paid_on = record.paid_on
    _check(rules.dues_problems(due_cents=due_cents, paid_cents=paid_cents, paid_on=paid_on))
    key = f"{member.number} {month // 100}-{month % 100:02d}"
    values: dict[str, Any] = {"due_cents": due_cents, "paid_cents": paid_cents,
                              "paid_on": paid_on}
    names = {"due_cents": "due", "paid_cents": "paid", "paid_on": "paid_on",
             "due_reason": "due_reason"}
    if due_reason is not None:  # an amount set by hand says why (record_rules checks it)
        values["due_reason"] = due_reason.strip()[:200] or None
    if record is None:
        record = DuesRecord(member_id=member.id, month=month, **values)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "dues", key,
                   {names[k]: (None, v) for k, v in values.items()})
        return record
    changed = _diff(record, values)
    if changed:
        _apply(record, changed)
        db.session.flush()
        log_change(actor, "update", "dues", key, {names[k]: v for k, v in changed.items()})
    return record


# -- points ---------------------------------------------------------------------------------

def add_points(actor: Actor, member: Member, *, recorded_on: dt.date, points: int, reason: str,
               rule: PointsRule | None = None, meeting: Meeting | None = None) -> PointsEntry:
    """Append a ledger entry; the rule's points are copied so history never changes."""
    problems = (rules.points_problems(points=points, reason=reason)
                + rules.length_problems("reason", reason, 200)
                + rules.text_problems({"reason": reason}))
    if rule is not None and rule.committee_id != member.branch.committee_id:
        problems.append(rules.problem("rule", "That points rule belongs to another "
                                      "organisation."))
    _check(problems)
    entry = PointsEntry(member_id=member.id, recorded_on=recorded_on, points=points,
                        rule_id=rule.id if rule else None, reason=reason,
                        recorded_by=actor.name[:60],
                        meeting_id=meeting.id if meeting is not None else None)
    db.session.add(entry)
    db.session.flush()
    log_change(actor, "insert", "points_entry", f"{member.number} {recorded_on.isoformat()}",
               {"points": (None, points), "reason": (None, reason)})
    return entry


# -- evaluations ----------------------------------------------------------------------------

def set_evaluation(actor: Actor, member: Member, year: int, stage: EvaluationStage,
                   rating: Rating | None = None) -> Evaluation:
    """Record how far a member's evaluation for ``year`` has come (a rating once decided)."""
    _check(rules.evaluation_problems(year=year, stage=stage, rating=rating))
    record: Evaluation | None = db.session.scalar(select(Evaluation).where(
        Evaluation.member_id == member.id,
                                                        Evaluation.year == year))
    key = f"{member.number} {year}"
    if record is None:
        record = Evaluation(member_id=member.id, year=year, stage=stage, rating=rating)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "evaluation", key,
                   {"stage": (None, stage), "rating": (None, rating)})
        return record
    changed = _diff(record, {"stage": stage, "rating": rating})
    if changed:
        _apply(record, changed)
        db.session.flush()
        log_change(actor, "update", "evaluation", key, changed)
    return record


# -- members --------------------------------------------------------------------------------

def _facts(values: Mapping[str, Any]) -> MemberFacts:
    return MemberFacts(
        number=values.get("number") or "", name=values.get("name") or "",
        category=values.get("category"), joined_on=values.get("joined_on"),
        converted_on=values.get("converted_on"), birth_date=values.get("birth_date"),
        probation_extension_months=values.get("probation_extension_months") or 0,
        dues_base_cents=values.get("dues_base_cents"), id_number=values.get("id_number"))


def _unique_problems(values: Mapping[str, Any], member_id: int | None) -> list[Problem]:
    """The number and ID number are not another member's."""
    found = []
    other = db.session.scalar(select(Member.id).where(Member.number == values["number"]))
    if other is not None and other != member_id:
        found.append(rules.problem("number", "党员编号 %(value)s is another member's.",
                                   value=values["number"]))
    if values.get("id_number"):
        holder = db.session.scalar(select(Member).where(Member.id_number == values["id_number"]))
        if holder is not None and holder.id != member_id:
            found.append(rules.problem("id_number", "This ID number belongs to member "
                                       "%(number)s (%(name)s) already.", number=holder.number,
                                       name=holder.name))
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
    _check(rules.member_problems(_facts(values), today)
           + rules.text_problems(values)
           + rules.placement_problems(group_branch_id=group.branch_id if group else None,
                                      branch_id=branch.id))
    _check(_unique_problems(values, None))
    member = Member(branch_id=branch.id, group_id=group.id if group else None, **values)
    db.session.add(member)
    db.session.flush()
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
    _check(rules.member_problems(_facts(after), today) + rules.text_problems(fields))
    changed = _diff(member, fields)
    if not changed:
        return member
    _check(_unique_problems(after, member.id))
    key = member.number
    _apply(member, changed)
    db.session.flush()
    log_change(actor, "update", "member", key, changed)
    return member


def transfer_member(actor: Actor, member: Member, *, branch: Branch, group: PartyGroup | None,
                    on: dt.date) -> Member:
    """Move a member to another branch and/or party group (组织关系转接) on a date."""
    _check(rules.placement_problems(group_branch_id=group.branch_id if group else None,
                                    branch_id=branch.id, branch=_lifespan(branch),
                                    group=_lifespan(group) if group else None, on=on))
    if member.status is MemberStatus.TRANSFERRED_OUT:
        raise _refuse("status", "%(name)s has transferred out of the organisation.",
                      name=member.name)
    move_membership(actor, member, branch=branch, group=group, on=on)
    return member


def transfer_out(actor: Actor, member: Member, *, on: dt.date) -> Member:
    """Record that a member transferred out of the organisation (已转出) on a date."""
    if member.status is MemberStatus.TRANSFERRED_OUT:
        raise _refuse("status", "%(name)s has transferred out of the organisation.",
                      name=member.name)
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
        raise _refuse("group", "Party group %(group)s is not in branch %(branch)s.",
                      group=group.name, branch=branch.name)
    db.session.flush()
    ranges = list(db.session.scalars(select(Membership).where(
        Membership.member_id == member.id).order_by(Membership.since)))
    current = next((r for r in ranges if r.until is None), None)
    latest = max((r.until or r.since for r in ranges), default=None)
    if latest is not None and on < latest:
        raise _refuse("moved_on", "%(name)s's membership record already runs to %(date)s; a "
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


def open_missing_memberships() -> int:
    """Open a range for every member who has none (members written in bulk).

    Bulk inserts skip the ORM hook in ``profiles.models.membership``; the importers and
    the demo call this after them. Not logged: the members' own inserts are.
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
    _batched(insert(Membership), values)
    return len(values)


# -- branches and party groups --------------------------------------------------------------

def found_branch(actor: Actor, *, code: str, name: str, committee: Committee,
                 founded_on: dt.date | None) -> Branch:
    """Create a branch (党支部) of a committee."""
    code, name = code.strip().upper(), name.strip()
    _check(rules.unit_problems(code=code, name=name, founded_on=founded_on)
           + rules.text_problems({"code": code, "name": name}))
    if db.session.scalar(select(Branch.id).where(Branch.code == code)) is not None:
        raise _refuse("code", "A branch with the code %(value)s exists already.", value=code)
    branch = Branch(code=code, name=name, committee_id=committee.id, founded_on=founded_on)
    db.session.add(branch)
    db.session.flush()
    log_change(actor, "insert", "branch", code,
               {"code": (None, code), "name": (None, name), "committee": (None, committee.name),
                "founded_on": (None, founded_on)})
    return branch


def _dissolve(actor: Actor, unit: Branch | PartyGroup, key: str, on: dt.date) -> None:
    if unit.dissolved_on is not None:
        raise _refuse("dissolved_on", "It was dissolved on %(date)s already.",
                      date=unit.dissolved_on.isoformat())
    _check(rules.unit_problems(name=unit.name, founded_on=unit.founded_on, dissolved_on=on))
    unit.dissolved_on = on
    db.session.flush()
    log_change(actor, "update", type(unit).__tablename__, key, {"dissolved_on": (None, on)})


def _active_members(where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Member).where(
        where, Member.status != MemberStatus.TRANSFERRED_OUT)) or 0)


def dissolve_branch(actor: Actor, branch: Branch, *, on: dt.date) -> Branch:
    """Record that a branch was dissolved; its members must have been transferred first."""
    count = _active_members(Member.branch_id == branch.id)
    if count:
        raise _refuse("branch", "%(count)s members still belong to this branch; transfer "
                      "them first.", count=count)
    _dissolve(actor, branch, branch.code, on)
    return branch


def found_group(actor: Actor, branch: Branch, *, name: str,
                founded_on: dt.date | None) -> PartyGroup:
    """Create a party group (党小组) in a branch."""
    name = name.strip()
    _check(rules.unit_problems(name=name, founded_on=founded_on)
           + rules.text_problems({"name": name}) + rules.length_problems("name", name, 60))
    if founded_on is not None and not _lifespan(branch).covers(founded_on):
        raise _refuse("founded_on", "The branch did not exist on %(date)s; check the date.",
                      date=founded_on.isoformat())
    if db.session.scalar(select(PartyGroup.id).where(PartyGroup.branch_id == branch.id,
                                                     PartyGroup.name == name)) is not None:
        raise _refuse("name", "Branch %(branch)s has a party group called %(value)s already.",
                      branch=branch.name, value=name)
    group = PartyGroup(branch_id=branch.id, name=name, founded_on=founded_on)
    db.session.add(group)
    db.session.flush()
    log_change(actor, "insert", "party_group", f"{branch.code} {name}",
               {"branch": (None, branch.code), "name": (None, name),
                "founded_on": (None, founded_on)})
    return group


def dissolve_group(actor: Actor, group: PartyGroup, *, on: dt.date) -> PartyGroup:
    """Record that a party group was dissolved; its members must have been moved first."""
    count = _active_members(Member.group_id == group.id)
    if count:
        raise _refuse("group", "%(count)s members still belong to this party group; move "
                      "them first.", count=count)
    _dissolve(actor, group, f"{group.branch.code} {group.name}", on)
    return group


# -- cards ----------------------------------------------------------------------------------

def reissue_card(actor: Actor, record: Card) -> int:
    """Give a member or branch a new card generation (old cards then say "replaced")."""
    # Lock the row: two reissues at once must give two generations, not the same one twice.
    db.session.refresh(record, attribute_names=["card_generation"], with_for_update=True)
    old = int(record.card_generation)
    record.card_generation = old + 1
    db.session.flush()
    key = record.number if isinstance(record, Member) else record.code
    log_change(actor, "update", type(record).__tablename__, key,
               {"card_generation": (old, old + 1)})
    return old + 1


# -- bulk: the importers' path --------------------------------------------------------------
# An import reads and checks every row first (sheets/, with the same ``rules``), then writes
# here in a handful of statements, and logs every planned change in one bulk insert through
# the same logger (``core.changelog.log_changes``, called by ``sheets.transaction``). One
# ORM object per row would make a 10,000-row import several times slower. These functions
# flush (statements run at once) and never commit.

BULK_BATCH = 2000  # rows per executemany: bounded parameter lists on every driver


def bulk_insert(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert planned rows, batched by column set so executemany groups them."""
    _batched(insert(model), rows)


def bulk_update(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by primary key (each row carries it), batched by column set."""
    _batched(update(model), rows)


def _batched(statement: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for batch in groups.values():
        for start in range(0, len(batch), BULK_BATCH):
            db.session.execute(statement, batch[start:start + BULK_BATCH])


def release_id_numbers(member_ids: Sequence[int]) -> None:
    """Clear the ID numbers of members about to get new ones, so two members may swap
    or pass one on within one import (the column is unique)."""
    for start in range(0, len(member_ids), BULK_BATCH):
        db.session.execute(
            update(Member).where(Member.id.in_(member_ids[start:start + BULK_BATCH]))
            .values(id_number=None), execution_options={"synchronize_session": False})


def add_committee(name: str) -> int:
    """Insert a committee an import names; its id."""
    committee = Committee(name=name)
    db.session.add(committee)
    db.session.flush()
    return int(committee.id)


def add_branch(code: str, name: str, committee_id: int) -> Branch:
    """Insert a branch an import creates (``--create-branches``)."""
    branch = Branch(code=code, name=name, committee_id=committee_id)
    db.session.add(branch)
    db.session.flush()
    return branch


def add_group(branch_id: int, name: str) -> int:
    """Insert a party group an import creates; its id."""
    group = PartyGroup(branch_id=branch_id, name=name)
    db.session.add(group)
    db.session.flush()
    return int(group.id)


def add_meeting(values: Mapping[str, Any]) -> int:
    """Insert a meeting an import names; its id (its attendance follows in bulk)."""
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.flush()
    return int(meeting.id)


def set_meeting_topics(topics: Mapping[int, str]) -> None:
    """Update the topics of existing meetings, by id."""
    for meeting_id, topic in topics.items():
        db.session.execute(update(Meeting).where(Meeting.id == meeting_id).values(topic=topic))


def add_points_rule(committee_id: int, code: str, name: str, points: int) -> int:
    """Insert a points rule an import creates (``--create-rules``); its id."""
    rule = PointsRule(committee_id=committee_id, code=code, name=name, points=points)
    db.session.add(rule)
    db.session.flush()
    return int(rule.id)


# -- check-in (签到) ----------------------------------------------------------------------

def set_checkin(actor: Actor, meeting: Meeting, *, open_: bool) -> Meeting:
    """Open or close 签到 for a meeting: while open, scanning a card checks its member in."""
    if meeting.checkin_open == open_:
        return meeting
    meeting.checkin_open = open_
    db.session.flush()
    log_change(actor, "update", "meeting", _key_of(meeting),
               {"checkin_open": (not open_, open_)})
    return meeting
