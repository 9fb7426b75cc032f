"""Writes to democratic evaluations (民主评议党员)."""

from __future__ import annotations

from sqlalchemy import select

from core.changelog import Actor, log_change
from core.db import db
from profiles.enums import EvaluationStage, Rating
from profiles.evaluations.rules import evaluation_problems
from profiles.models import (
    Evaluation,
    Member,
)
from profiles.writes import apply_values, changed_values, check

# -- evaluations ----------------------------------------------------------------------------

def set_evaluation(actor: Actor, member: Member, year: int, stage: EvaluationStage,
                   rating: Rating | None = None) -> Evaluation:
    """Record how far a member's evaluation for ``year`` has come (a rating once decided)."""
    check(evaluation_problems(year=year, stage=stage, rating=rating))
    record: Evaluation | None = db.session.scalar(select(Evaluation).where(
        Evaluation.member_id == member.id,
                                                        Evaluation.year == year))
    key = f"{member.number} {year}"
    if record is None:
        record = Evaluation(member_id=member.id, year=year, stage=stage, rating=rating)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "evaluation", key,
                   {"stage": (None, stage), "rating": (None, rating)})
        return record
    changed = changed_values(record, {"stage": stage, "rating": rating})
    if changed:
        apply_values(record, changed)
        db.session.flush()
        log_change(actor, "update", "evaluation", key, changed)
    return record
