"""Named read queries for the pages; each returns plain dataclasses, never ORM objects.

Every page runs a fixed number of statements: totals are aggregated in SQL, and nothing
loops over members or meetings issuing queries.
"""

from __future__ import annotations

from profiles.queries.branch import BranchPage, branch_page
from profiles.queries.cards import (
    CardRef,
    branch_card,
    find_branch_card_by_code,
    find_member_card_by_number,
    member_card,
    member_photo,
)
from profiles.queries.member import MemberPage, member_page

__all__ = [
    "BranchPage",
    "CardRef",
    "MemberPage",
    "branch_card",
    "branch_page",
    "find_branch_card_by_code",
    "find_member_card_by_number",
    "member_card",
    "member_page",
    "member_photo",
]
