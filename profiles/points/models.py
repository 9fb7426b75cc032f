"""Points (党员积分): a per-organisation rule table and an append-only ledger."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class PointsRule(db.Model):  # type: ignore[name-defined,misc]
    """A rule of one organisation, e.g. 'attended a meeting +2'."""

    __tablename__ = "points_rule"
    __table_args__ = (UniqueConstraint("committee_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    points: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class PointsEntry(db.Model):  # type: ignore[name-defined,misc]
    """One ledger line. The points are copied from the rule so history never changes;
    the database refuses UPDATE and DELETE on this table (see the initial migration)."""

    __tablename__ = "points_entry"
    __table_args__ = (
        CheckConstraint("points <> 0", name="points_not_zero"),
        # With points in the index, a branch's totals are read from the index alone.
        Index("ix_points_entry_member_on", "member_id", "recorded_on", "points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    recorded_on: Mapped[dt.date]
    points: Mapped[int]
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("points_rule.id"))
    reason: Mapped[str] = mapped_column(String(200))
    # The meeting an attendance entry was credited for: a changed attendance is corrected
    # against what was credited then, whatever the rule table says now.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", name="fk_points_entry_meeting"))
    recorded_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
