"""Monthly party dues: what was due and what was paid, when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db


class DuesRecord(db.Model):  # type: ignore[name-defined,misc]
    """One member's dues for one month; money in fen, the month as YYYYMM."""

    __tablename__ = "dues"
    __table_args__ = (
        CheckConstraint("month % 100 BETWEEN 1 AND 12", name="month_valid"),
        CheckConstraint("due_cents >= 0", name="due_not_negative"),
        CheckConstraint("paid_cents >= 0", name="paid_not_negative"),
        CheckConstraint(
            "(paid_cents = 0 AND paid_on IS NULL) OR (paid_cents > 0 AND paid_on IS NOT NULL)",
            name="paid_on_iff_paid",
        ),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    due_cents: Mapped[int]
    paid_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    paid_on: Mapped[dt.date | None]
    due_reason: Mapped[str | None] = mapped_column(String(200))  # why the amount was set by hand
