"""Look up the record a card points at, and its current card generation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from core.db import MAX_ID, run
from profiles.models import Branch, ChangeLog, Member, MemberPhoto

# Every write the application makes is logged, so the newest change-log id is a revision
# number of the whole data set: cached pages are keyed by it and can never be stale.
_REVISION = select(func.coalesce(func.max(ChangeLog.id), 0)).scalar_subquery()

# Built once: constructing a statement costs more than running it on an indexed lookup.
_MEMBER_CARD = select(Member.id, Member.card_generation, Member.name, _REVISION).where(
    Member.id == bindparam("id"))
_BRANCH_CARD = select(Branch.id, Branch.card_generation, Branch.name, _REVISION).where(
    Branch.id == bindparam("id"))


@dataclass(frozen=True)
class CardRef:
    """A record's id, its current card generation, the name printed with it, and the data
    revision (newest change-log id) it was read at."""

    record_id: int
    generation: int
    name: str
    revision: int = 0


def member_card(member_id: int) -> CardRef | None:
    """The member's card reference, or None if there is no such member."""
    if not 0 < member_id <= MAX_ID:
        return None
    row = run(_MEMBER_CARD, {"id": member_id}).first()
    return CardRef(*row) if row else None


def branch_card(branch_id: int) -> CardRef | None:
    """The branch's card reference, or None if there is no such branch."""
    if not 0 < branch_id <= MAX_ID:
        return None
    row = run(_BRANCH_CARD, {"id": branch_id}).first()
    return CardRef(*row) if row else None


def find_member_card_by_number(number: str) -> CardRef | None:
    """The card reference of the member with this 党员编号."""
    row = run(
        select(Member.id, Member.card_generation, Member.name).where(Member.number == number)
    ).first()
    return CardRef(*row) if row else None


def find_branch_card_by_code(code: str) -> CardRef | None:
    """The card reference of the branch with this code."""
    row = run(
        select(Branch.id, Branch.card_generation, Branch.name).where(Branch.code == code)
    ).first()
    return CardRef(*row) if row else None


def member_photo(member_id: int) -> tuple[str, bytes] | None:
    """The member's photo as (content type, bytes), if there is one."""
    if not 0 < member_id <= MAX_ID:
        return None
    row = run(
        select(MemberPhoto.content_type, MemberPhoto.data).where(
            MemberPhoto.member_id == member_id)
    ).first()
    return (row[0], row[1]) if row else None
