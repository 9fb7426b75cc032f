"""Writes to the organisation tree: founding and dissolving branches and party groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.changelog import Actor, log_change
from core.db import db
from profiles.enums import ENDED
from profiles.models import (
    Branch,
    Committee,
    Member,
    PartyGroup,
)
from profiles.org.rules import records_from_problems, unit_problems
from profiles.text_rules import length_problems, text_problems
from profiles.writes import check, lifespan_of, refuse

# -- branches and party groups --------------------------------------------------------------

def found_branch(actor: Actor, *, code: str, name: str, committee: Committee,
                 founded_on: dt.date | None) -> Branch:
    """Create a branch (党支部) of a committee."""
    code, name = code.strip().upper(), name.strip()
    check(unit_problems(code=code, name=name, founded_on=founded_on)
          + text_problems({"code": code, "name": name}))
    if db.session.scalar(select(Branch.id).where(Branch.code == code)) is not None:
        raise refuse("code", "A branch with the code %(value)s exists already.", value=code)
    branch = Branch(code=code, name=name, committee_id=committee.id, founded_on=founded_on)
    db.session.add(branch)
    db.session.flush()
    log_change(actor, "insert", "branch", code,
               {"code": (None, code), "name": (None, name), "committee": (None, committee.name),
                "founded_on": (None, founded_on)})
    return branch


def _dissolve(actor: Actor, unit: Branch | PartyGroup, key: str, on: dt.date) -> None:
    if unit.dissolved_on is not None:
        raise refuse("dissolved_on", "It was dissolved on %(date)s already.",
                     date=unit.dissolved_on.isoformat())
    check(unit_problems(name=unit.name, founded_on=unit.founded_on, dissolved_on=on))
    unit.dissolved_on = on
    db.session.flush()
    log_change(actor, "update", type(unit).__tablename__, key, {"dissolved_on": (None, on)})


def _active_members(where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(Member).where(
        where, Member.status.not_in(ENDED))) or 0)


def dissolve_branch(actor: Actor, branch: Branch, *, on: dt.date) -> Branch:
    """Record that a branch was dissolved; its members must have been transferred first."""
    count = _active_members(Member.branch_id == branch.id)
    if count:
        raise refuse("branch", "%(count)s members still belong to this branch; transfer "
                     "them first.", count=count)
    _dissolve(actor, branch, branch.code, on)
    return branch


def found_group(actor: Actor, branch: Branch, *, name: str,
                founded_on: dt.date | None) -> PartyGroup:
    """Create a party group (党小组) in a branch."""
    name = name.strip()
    check(unit_problems(name=name, founded_on=founded_on)
          + text_problems({"name": name}) + length_problems("name", name, 60))
    if founded_on is not None and not lifespan_of(branch).covers(founded_on):
        raise refuse("founded_on", "The branch did not exist on %(date)s; check the date.",
                     date=founded_on.isoformat())
    if db.session.scalar(select(PartyGroup.id).where(PartyGroup.branch_id == branch.id,
                                                     PartyGroup.name == name)) is not None:
        raise refuse("name", "Branch %(branch)s has a party group called %(value)s already.",
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
        raise refuse("group", "%(count)s members still belong to this party group; move "
                     "them first.", count=count)
    _dissolve(actor, group, f"{group.branch.code} {group.name}", on)
    return group


# -- where the record begins ---------------------------------------------------------------

def set_records_from(actor: Actor, month: dt.date | None, *, today: dt.date,
                     only_unset: bool = False) -> list[Committee]:
    """Set where the organisation's record begins (the first day of a month; None: not
    set) on every committee, each change logged; the committees changed.

    ``only_unset``: fill only the committees with none (an import's proposal, or a
    committee an import created), never changing a value already set."""
    check(records_from_problems(month, today))
    query = select(Committee).order_by(Committee.id)
    if only_unset:
        query = query.where(Committee.records_from.is_(None))
    changed = [c for c in db.session.scalars(query) if c.records_from != month]
    olds = [c.records_from for c in changed]
    for committee in changed:
        committee.records_from = month
    db.session.flush()
    for committee, old in zip(changed, olds, strict=True):
        log_change(actor, "update", "committee", committee.name, {"records_from": (old, month)})
    return changed
