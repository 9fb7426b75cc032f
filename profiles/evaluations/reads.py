"""Reads of democratic evaluation (民主评议党员): one year's records of given members.

The sheet is read and saved as a whole, so the records come back keyed by member in one
statement, however many members the branch has.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.db import db
from profiles.evaluations.models import Evaluation


def evaluations_of(member_ids: Iterable[int], year: int) -> dict[int, Evaluation]:
    """member id → the member's evaluation of ``year`` (members without one are absent)."""
    return {e.member_id: e for e in db.session.scalars(
        select(Evaluation).where(Evaluation.year == year,
                                 Evaluation.member_id.in_(list(member_ids))))}
