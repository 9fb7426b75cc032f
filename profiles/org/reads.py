"""Reads of the organisation tree: branches and their party groups.

The console lists only what an account may see, but who may see what is ``accounts``'
business, which ``profiles`` never imports. So a read over several branches takes a
:data:`BranchScope`, the account's own clause builder (``Access.readable`` or
``Access.writable``), and applies it to ``Branch.id`` here: the caller never needs the
models, and the statement is the one the console always ran.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select

from core.db import MAX_ID, db
from profiles.enums import MemberStatus
from profiles.members.models import Member
from profiles.org.models import Branch, PartyGroup

# A WHERE clause builder for a branch-id column: which branches the caller may see.
BranchScope = Callable[[Any], ColumnElement[bool]]


def branch_by_code(code: str) -> Branch | None:
    """The branch with this code (None: there is none). Access is the caller's."""
    return db.session.scalar(select(Branch).where(Branch.code == code))


def branches(scope: BranchScope) -> list[Branch]:
    """The branches within ``scope``, by code."""
    return list(db.session.scalars(select(Branch).where(scope(Branch.id))
                                   .order_by(Branch.code)))


def branch_choices(scope: BranchScope) -> Sequence[Row[str, str]]:
    """(code, name) of the branches within ``scope``, by code: a form's branch list, with
    nothing loaded that the list does not show."""
    return db.session.execute(
        select(Branch.code, Branch.name).where(scope(Branch.id)).order_by(Branch.code)).all()


def branch_names(scope: BranchScope) -> list[str]:
    """The names of the branches within ``scope``, sorted (the import checks rows by
    branch name)."""
    return sorted(db.session.scalars(select(Branch.name).where(scope(Branch.id))))


def branches_with_member_counts(scope: BranchScope) -> Sequence[Row[int, str, str, int]]:
    """(id, code, name, current members) of the branches within ``scope``, by code, in one
    statement whatever the organisation's size; 已转出 members are not counted."""
    return db.session.execute(
        select(Branch.id, Branch.code, Branch.name, func.count(Member.id))
        .outerjoin(Member, (Member.branch_id == Branch.id)
                   & (Member.status != MemberStatus.TRANSFERRED_OUT))
        .where(scope(Branch.id))
        .group_by(Branch.id, Branch.code, Branch.name)
        .order_by(Branch.code)
    ).all()


def groups_of(branch_id: int) -> list[PartyGroup]:
    """The branch's party groups, by name."""
    return list(db.session.scalars(select(PartyGroup).where(PartyGroup.branch_id == branch_id)
                                   .order_by(PartyGroup.name)))


def group_by_id(group_id: int) -> PartyGroup | None:
    """The party group with this id (None: there is none, or the id is out of range)."""
    if not 0 < group_id <= MAX_ID:
        return None
    return db.session.get(PartyGroup, group_id)


def branches_and_groups(scope: BranchScope) -> Sequence[Row[str, str, int | None,
                                                            str | None]]:
    """(branch code, branch name, group id, group name) of every branch within ``scope``
    and each of its groups (a branch without groups once, with None), by code then group
    name: where a member can be moved to, in one statement."""
    return db.session.execute(
        select(Branch.code, Branch.name, PartyGroup.id, PartyGroup.name)
        .outerjoin(PartyGroup, PartyGroup.branch_id == Branch.id)
        .where(scope(Branch.id))
        .order_by(Branch.code, PartyGroup.name)
    ).all()
