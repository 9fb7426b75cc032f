"""Points for attendance (党员积分): an attendance credits the organisation's rule, in the
same transaction, and a changed attendance appends a correcting entry.

The ledger is append-only. What a member was credited for a meeting is the sum of the
entries that name the meeting; a change of attendance appends the difference between what
the new status is worth under today's rule and that sum. History is never recalculated:
an entry keeps the points copied when it was written, even if the rule changes later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.changelog import Actor
from core.db import db
from profiles.enums import Attendance
from profiles.labels import label
from profiles.models import Meeting, Member, PointsEntry, PointsRule
from profiles.points.operations import add_points, seed_points_rule

# The rules attendance credits, by code, with what is seeded for an organisation that has
# no such rule yet (the organisation may then change the points or switch the rule off).
ATTENDED, MISSED = "attended", "absent_unexcused"
DEFAULT_RULES: dict[str, tuple[str, int]] = {
    ATTENDED: ("出席组织生活", 2),
    MISSED: ("无故缺席组织生活", -2),
}
RULE_OF_STATUS: dict[Attendance, str | None] = {
    Attendance.PRESENT: ATTENDED,
    Attendance.ONLINE: ATTENDED,  # 线上参加 counts as attended
    Attendance.ABSENT: MISSED,  # 缺席 is without leave; 请假 (excused) costs nothing
    Attendance.EXCUSED: None,
}


@dataclass(frozen=True)
class Correction:
    """The entry to append: the points and whether it corrects an earlier credit."""

    points: int
    correcting: bool


def correction(credited: int, target: int, has_entries: bool) -> Correction | None:
    """Pure: what to append so the meeting's entries sum to ``target`` (None: nothing)."""
    if credited == target:
        return None
    return Correction(target - credited, has_entries)


def rule_for(committee_id: int, code: str, actor: Actor | None = None) -> PointsRule:
    """The organisation's rule with ``code``, seeded from :data:`DEFAULT_RULES` if missing
    (logged as the write of ``actor``, whose attendance entry needed it)."""
    rule = db.session.scalar(select(PointsRule).where(PointsRule.committee_id == committee_id,
                                                      PointsRule.code == code))
    if rule is None:
        name, points = DEFAULT_RULES[code]
        who = actor or Actor("partycard", "points rules seeded")
        if db.session.get_bind().dialect.name != "postgresql":
            # SQLite runs one writer at a time: this transaction began with its first
            # write, after any other seeding committed, and read no rule: none exists.
            return seed_points_rule(who, committee_id, code, name, points)
        try:  # two first check-ins of an organisation at once: one seeds, one re-reads
            with db.session.begin_nested():
                rule = seed_points_rule(who, committee_id, code, name, points)
        except IntegrityError:
            rule = db.session.scalars(select(PointsRule).where(
                PointsRule.committee_id == committee_id, PointsRule.code == code)).one()
    return rule


def settle(actor: Actor, meeting: Meeting, member: Member, status: Attendance | None,
           on: dt.date | None = None) -> PointsEntry | None:
    """Append the entry that makes the member's points for ``meeting`` match ``status``
    (None: no attendance recorded any more, as after an undone 签到: worth nothing)."""
    code = RULE_OF_STATUS[status] if status is not None else None
    rule = rule_for(meeting.branch.committee_id, code, actor) if code else None
    target = rule.points if rule is not None and rule.active else 0
    credited, entries = db.session.execute(
        select(func.coalesce(func.sum(PointsEntry.points), 0), func.count(PointsEntry.id))
        .where(PointsEntry.meeting_id == meeting.id, PointsEntry.member_id == member.id)
    ).one()
    change = correction(int(credited), target, bool(entries))
    if change is None:
        return None
    done = label(status) if status is not None else "撤销签到"
    what = f"{meeting.held_on.isoformat()} {label(meeting.kind)} {done}"
    reason = f"更正：{what}" if change.correcting else what
    entry = add_points(actor, member, recorded_on=on or meeting.held_on, points=change.points,
                       reason=reason[:200], rule=rule if rule is not None and rule.active
                       and not change.correcting else None, meeting=meeting)
    return entry
