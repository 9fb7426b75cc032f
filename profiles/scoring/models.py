"""三级考核: the per-organisation rule table, the months closed (frozen), the scores stored
when a month is closed, and the logged adjustments that correct them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from profiles.enums import enum_column


class ScoreLevel(enum.StrEnum):
    """The three levels of 三级考核."""

    BRANCH = "branch"  # 支部
    GROUP = "group"  # 党小组
    MEMBER = "member"  # 党员


class ScoreRule(db.Model):  # type: ignore[name-defined,misc]
    """One item of an organisation's rule table: its weight (the points it is worth at
    most) and, for a count, the target that earns them all."""

    __tablename__ = "score_rule"
    __table_args__ = (
        UniqueConstraint("committee_id", "level", "item"),
        CheckConstraint("weight BETWEEN 0 AND 100", name="weight_0_to_100"),
        CheckConstraint("target IS NULL OR target BETWEEN 1 AND 1000", name="target_1_to_1000"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    level: Mapped[ScoreLevel] = mapped_column(enum_column(ScoreLevel, "score_level"))
    item: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    weight: Mapped[int]
    target: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class ScoreMonth(db.Model):  # type: ignore[name-defined,misc]
    """A month an administrator closed: its scores are stored and never recomputed."""

    __tablename__ = "score_month"
    __table_args__ = (
        UniqueConstraint("committee_id", "month"),
        CheckConstraint("month % 100 BETWEEN 1 AND 12", name="month_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    month: Mapped[int]  # YYYYMM
    closed_by: Mapped[str] = mapped_column(String(60))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                   server_default=func.now())


class Score(db.Model):  # type: ignore[name-defined,misc]
    """One frozen score of a closed month: a branch, party group or member, its points in
    hundredths and its breakdown item by item (JSON), as computed when the month closed."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("score_month_id", "level", "subject_id"),
        Index("ix_score_month_branch", "score_month_id", "branch_id"),
        Index("ix_score_subject", "level", "subject_id"),  # a member's own scores
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    score_month_id: Mapped[int] = mapped_column(ForeignKey("score_month.id"))
    level: Mapped[ScoreLevel] = mapped_column(enum_column(ScoreLevel, "score_level"))
    subject_id: Mapped[int]  # the branch, party group or member
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    name: Mapped[str] = mapped_column(String(120))
    points_centi: Mapped[int]
    breakdown: Mapped[str] = mapped_column(Text)


class ScoreAdjustment(db.Model):  # type: ignore[name-defined,misc]
    """A correction of a frozen score, with its reason and who made it (logged)."""

    __tablename__ = "score_adjustment"
    __table_args__ = (
        CheckConstraint("points_centi <> 0", name="points_not_zero"),
        CheckConstraint("length(reason) >= 1", name="reason_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("score.id"), index=True)
    points_centi: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.now())
