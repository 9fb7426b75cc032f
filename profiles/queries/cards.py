"""Look up the record a card points at, and its current card generation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Text, bindparam, cast, func, literal, select

from core.db import MAX_ID, run
from core.revisions import ALL, revision_of
from profiles.enums import ENDED
from profiles.models import Branch, ChangeLog, Member, MemberPhoto

# How cached pages are keyed (the setting PAGE_CACHE_KEYING):
# - "scoped" (the default): by the page revisions of core.revisions, the organisation's
#   ("all") and the record's branch's, so a write makes stale only the pages it changes;
# - "global" (as before, kept for the benchmark's comparison): by the newest change-log
#   id, which every write anywhere moves.
_NEWEST_LOG = select(func.coalesce(func.max(ChangeLog.id), 0)).scalar_subquery()
_ALL = revision_of(ALL)


def _branch_revision(branch_id: Any) -> Any:
    return revision_of(literal("branch:") + cast(branch_id, Text))


# Built once: constructing a statement costs more than running it on an indexed lookup.
_MEMBER_CARD = {
    "scoped": select(Member.id, Member.card_generation, Member.name, _ALL,
                     _branch_revision(Member.branch_id)).where(Member.id == bindparam("id")),
    "global": select(Member.id, Member.card_generation, Member.name, _NEWEST_LOG,
                     literal(0)).where(Member.id == bindparam("id")),
}
_BRANCH_CARD = {
    "scoped": select(Branch.id, Branch.card_generation, Branch.name, _ALL,
                     _branch_revision(Branch.id)).where(Branch.id == bindparam("id")),
    "global": select(Branch.id, Branch.card_generation, Branch.name, _NEWEST_LOG,
                     literal(0)).where(Branch.id == bindparam("id")),
}


def keying() -> str:
    """"scoped" or "global" (PAGE_CACHE_KEYING)."""
    chosen = current_app.config.get("PAGE_CACHE_KEYING") if has_app_context() else None
    return "global" if chosen == "global" else "scoped"


@dataclass(frozen=True)
class CardRef:
    """A record's id, its current card generation, the name printed with it, and the page
    revisions it was read at (``revision``: the organisation's, or the newest change-log id
    under the "global" keying; ``scope_revision``: its branch's)."""

    record_id: int
    generation: int
    name: str
    revision: int = 0
    scope_revision: int = 0


def member_card(member_id: int) -> CardRef | None:
    """The member's card reference, or None if there is no such member."""
    if not 0 < member_id <= MAX_ID:
        return None
    row = run(_MEMBER_CARD[keying()], {"id": member_id}).first()
    return CardRef(*row) if row else None


def branch_card(branch_id: int) -> CardRef | None:
    """The branch's card reference, or None if there is no such branch."""
    if not 0 < branch_id <= MAX_ID:
        return None
    row = run(_BRANCH_CARD[keying()], {"id": branch_id}).first()
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
    """The member's photo as (content type, bytes), if there is one (a card's: none for a
    former member, whose card opens no page)."""
    if not 0 < member_id <= MAX_ID:
        return None
    row = run(
        select(MemberPhoto.content_type, MemberPhoto.data)
        .join(Member, Member.id == MemberPhoto.member_id)
        .where(MemberPhoto.member_id == member_id, Member.status.not_in(ENDED))
    ).first()
    return (row[0], row[1]) if row else None
