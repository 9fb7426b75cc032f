"""Meetings of organisational life and who attended them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import Attendance, EvidenceKind, MeetingKind, enum_column
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
    # The record (痕迹管理): host and recorder as typed (a member's name, or a guest's such
    # as a committee member who came to lead it), guests (列席), the minutes (plain text,
    # paragraphs split by blank lines) and the resolutions (决议).
    host: Mapped[str] = mapped_column(String(50), default="", server_default="")
    recorder: Mapped[str] = mapped_column(String(50), default="", server_default="")
    guests: Mapped[str] = mapped_column(String(200), default="", server_default="")
    minutes: Mapped[str] = mapped_column(Text, default="", server_default="")
    resolutions: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When 签到 was first opened: None before it started ("not yet open"), set once after.
    checkin_opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    branch: Mapped[Branch] = relationship()


class AttendanceRecord(db.Model):  # type: ignore[name-defined,misc]
    """One member's attendance at one meeting; a row exists for everyone who should attend."""

    __tablename__ = "attendance"
    __table_args__ = (
        # 补学 makes up a missed meeting: only a 缺席 can be made up, and the 缺席 stays.
        CheckConstraint("made_up_on IS NULL OR status = 'absent'", name="made_up_only_absent"),
        CheckConstraint("made_up_note IS NULL OR made_up_on IS NOT NULL",
                        name="made_up_note_with_date"),
        # The absences only (a small part of the rows): the organisation home finds the
        # members with one without reading every attendance row (profiles.reports.reads).
        Index("ix_attendance_absent", "member_id", sqlite_where=text("status = 'absent'"),
              postgresql_where=text("status = 'absent'")),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True, index=True)
    status: Mapped[Attendance] = mapped_column(enum_column(Attendance, "attendance_status"))
    made_up_on: Mapped[dt.date | None]  # 已补学: the day the member studied the minutes
    made_up_note: Mapped[str | None] = mapped_column(String(200))
    # 签到 and 签退 times (None: recorded by hand, or not signed out).
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    meeting: Mapped[Meeting] = relationship()


class MeetingFile(db.Model):  # type: ignore[name-defined,misc]
    """A photo or document attached to a meeting as evidence; its bytes are in the
    evidence store (``core.blobs``) under ``blob_key`` (a photo also has a thumbnail)."""

    __tablename__ = "meeting_file"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        Index("ix_meeting_file_committee", "committee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    # The organisation whose quota the file counts against (one SUM over its files).
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"))
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    name: Mapped[str] = mapped_column(String(200))  # the name it was uploaded with
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]  # bytes kept (after resizing), thumbnail not counted
    blob_key: Mapped[str] = mapped_column(String(200), unique=True)
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
