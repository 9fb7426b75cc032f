"""Writes to points (党员积分): append-only ledger entries, and a rule seeded when an
organisation has none yet."""

from __future__ import annotations

import datetime as dt

from core.changelog import Actor, log_change
from core.db import db
from core.problems import problem
from profiles.models import (
    Meeting,
    Member,
    PointsEntry,
    PointsRule,
)
from profiles.points.rules import points_problems
from profiles.text_rules import length_problems, text_problems
from profiles.writes import check


def add_points(actor: Actor, member: Member, *, recorded_on: dt.date, points: int, reason: str,
               rule: PointsRule | None = None, meeting: Meeting | None = None) -> PointsEntry:
    """Append a ledger entry; the rule's points are copied so history never changes."""
    problems = (points_problems(points=points, reason=reason)
                + length_problems("reason", reason, 200)
                + text_problems({"reason": reason}))
    if rule is not None and rule.committee_id != member.branch.committee_id:
        problems.append(problem("rule", "That points rule belongs to another "
                                "organisation."))
    check(problems)
    entry = PointsEntry(member_id=member.id, recorded_on=recorded_on, points=points,
                        rule_id=rule.id if rule else None, reason=reason,
                        recorded_by=actor.name[:60],
                        meeting_id=meeting.id if meeting is not None else None)
    db.session.add(entry)
    db.session.flush()
    log_change(actor, "insert", "points_entry", f"{member.number} {recorded_on.isoformat()}",
               {"points": (None, points), "reason": (None, reason)})
    return entry


def seed_points_rule(actor: Actor, committee_id: int, code: str, name: str,
                     points: int) -> PointsRule:
    """Add an organisation's rule ``code`` with the given name and points (a default the
    organisation may then change or switch off), logged as the write of ``actor``."""
    rule = PointsRule(committee_id=committee_id, code=code, name=name, points=points)
    db.session.add(rule)
    db.session.flush()
    log_change(actor, "insert", "points_rule", f"{committee_id} {code}",
               {"name": (None, name), "points": (None, points)})
    return rule
