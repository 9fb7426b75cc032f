"""Yearly democratic evaluation of members (民主评议党员)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from profiles.enums import EvaluationStage, Rating, enum_column


class Evaluation(db.Model):  # type: ignore[name-defined,misc]
    """How far a member's evaluation for one year has come, and its rating once decided."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("member_id", "year"),
        CheckConstraint("rating IS NULL OR stage = 'decided'", name="rating_only_when_decided"),
        CheckConstraint("year BETWEEN 1921 AND 2200", name="year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    year: Mapped[int]
    stage: Mapped[EvaluationStage] = mapped_column(enum_column(EvaluationStage, "eval_stage"))
    rating: Mapped[Rating | None] = mapped_column(enum_column(Rating, "eval_rating"))
