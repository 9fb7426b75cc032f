"""Meetings of organisational life and who attended them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import Attendance, MeetingKind, enum_column
from profiles.org.models import Branch


class Meeting(db.Model):  # type: ignore[name-defined,misc]
    """One meeting of a branch (or, for 党小组会, of one of its groups)."""

    __tablename__ = "meeting"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "branch_id"],
            ["party_group.id", "party_group.branch_id"],
            name="fk_meeting_group_in_branch",
        ),
        # A 党小组会 belongs to a group; every other kind to the whole branch.
        CheckConstraint(
            "(kind = 'group' AND group_id IS NOT NULL) OR (kind <> 'group' AND group_id IS NULL)",
            name="group_iff_group_meeting",
        ),
        Index("ix_meeting_branch_held_on", "branch_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    group_id: Mapped[int | None]
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "meeting_kind"))
    held_on: Mapped[dt.date]
    topic: Mapped[str] = mapped_column(String(200), default="", server_default="")
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # 签到 is open: a signed-in secretary's scans of members' cards check them in.
    checkin_open: Mapped[bool] = mapped_column(default=False, server_default=false())

    branch: Mapped[Branch] = relationship()


class AttendanceRecord(db.Model):  # type: ignore[name-defined,misc]
    """One member's attendance at one meeting; a row exists for everyone who should attend."""

    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True, index=True)
    status: Mapped[Attendance] = mapped_column(enum_column(Attendance, "attendance_status"))

    meeting: Mapped[Meeting] = relationship()
