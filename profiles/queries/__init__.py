"""The token pages' data; each page returns plain dataclasses, never ORM objects.

The statements are the concepts' (``profiles/<concept>/reads.py``, the reads the console
shares); ``branch.py`` and ``member.py`` assemble them into the pages' dataclasses, and
``cards.py`` resolves a card. Every page runs a fixed number of statements: totals are
aggregated in SQL, and nothing loops over members or meetings issuing queries.
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
