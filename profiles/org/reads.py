"""Reads of the organisation tree: branches and their party groups.

The console's reads load ORM rows it shows and edits; the branch page's
(:func:`branch_header`, :func:`branch_groups`) read plain columns with ``core.db.run``, in
the page's fixed statement count (``profiles.queries.branch`` turns them into its data).

The console lists only what an account may see, but who may see what is ``accounts``'
business, which ``profiles`` never imports. So a read over several branches takes a
:data:`BranchScope`, the account's own clause builder (``Access.readable`` or
``Access.writable``), and applies it to ``Branch.id`` here: the caller never needs the
models, and the statement is the one the console always ran.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, func, select

from core.db import MAX_ID, db, run
from profiles.enums import ENDED
from profiles.members.models import Member
from profiles.org.models import Branch, Committee, GeneralBranch, PartyGroup

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
    """The names of the branches within ``scope``, sorted."""
    return sorted(db.session.scalars(select(Branch.name).where(scope(Branch.id))))


def branch_codes(scope: BranchScope) -> list[str]:
    """The codes of the branches within ``scope``, sorted (an account's import scope)."""
    return sorted(db.session.scalars(select(Branch.code).where(scope(Branch.id))))


def branches_with_member_counts(scope: BranchScope) -> Sequence[Row[int, str, str, int]]:
    """(id, code, name, current members) of the branches within ``scope``, by code, in one
    statement whatever the organisation's size; 已转出 members are not counted."""
    return db.session.execute(
        select(Branch.id, Branch.code, Branch.name, func.count(Member.id))
        .outerjoin(Member, (Member.branch_id == Branch.id)
                   & (Member.status.not_in(ENDED)))
        .where(scope(Branch.id))
        .group_by(Branch.id, Branch.code, Branch.name)
        .order_by(Branch.code)
    ).all()


_HEADER = (
    select(Branch.id, Branch.code, Branch.name, Committee.name, GeneralBranch.name,
           Branch.founded_on, Branch.dissolved_on, Branch.has_committee,
           Committee.records_from, Committee.rankings_enabled)
    .join(Committee, Committee.id == Branch.committee_id)
    .outerjoin(GeneralBranch, GeneralBranch.id == Branch.general_branch_id)
    .where(Branch.id == bindparam("branch"))
)


def branch_header(branch_id: int) -> Row[*tuple[Any, ...]] | None:
    """(id, code, name, committee name, general branch name or None, founded on, dissolved
    on, ``Branch.has_committee``, the committee's ``records_from`` and
    ``rankings_enabled``) of the branch, or None if there is no such branch: the branch
    page's header, one statement."""
    return run(_HEADER, {"branch": branch_id}).first()


def groups_of(branch_id: int) -> list[PartyGroup]:
    """The branch's party groups, by name, as ORM rows: the console's forms list and link
    them. The branch page reads :func:`branch_groups` instead."""
    return list(db.session.scalars(select(PartyGroup).where(PartyGroup.branch_id == branch_id)
                                   .order_by(PartyGroup.name)))


def branch_groups(branch_id: int) -> Sequence[Row[int, str, dt.date | None, dt.date | None]]:
    """(id, name, founded on, dissolved on) of the branch's party groups, by id, dissolved
    ones included: the branch page's self-audit checks each group's life span, so it
    reads columns only (``core.db.run``), not :func:`groups_of`' ORM rows by name."""
    return run(
        select(PartyGroup.id, PartyGroup.name, PartyGroup.founded_on, PartyGroup.dissolved_on)
        .where(PartyGroup.branch_id == branch_id)
        .order_by(PartyGroup.id)
    ).all()


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


def record_starts() -> Sequence[Row[int, str, dt.date | None]]:
    """(id, name, ``records_from``) of every committee, by id: where the organisation's
    record begins (one statement)."""
    return run(select(Committee.id, Committee.name, Committee.records_from)
               .order_by(Committee.id)).all()
