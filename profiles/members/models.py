"""A party member, including the private fields that no QR page may show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    LargeBinary,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import Category, DuesBasis, Gender, MemberStatus, Position, enum_column
from profiles.org.models import Branch, PartyGroup


class Member(db.Model):  # type: ignore[name-defined,misc]
    """A 党员 of exactly one branch, optionally in one party group of that branch."""

    __tablename__ = "member"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "branch_id"],
            ["party_group.id", "party_group.branch_id"],
            name="fk_member_group_in_branch",
        ),
        CheckConstraint(
            "category = 'full' OR converted_on IS NULL", name="probationary_not_converted"
        ),
        CheckConstraint(
            "converted_on IS NULL OR converted_on >= joined_on", name="converted_after_joined"
        ),
        CheckConstraint(
            "probation_extension_months = 0 OR probation_extension_months BETWEEN 6 AND 12",
            name="probation_extension_6_to_12",
        ),
        CheckConstraint(
            "dues_base_cents IS NULL OR dues_base_cents >= 0", name="dues_base_not_negative"
        ),
        CheckConstraint("card_generation >= 1", name="card_generation_positive"),
        CheckConstraint("length(number) >= 1", name="number_not_empty"),
        CheckConstraint("length(name) >= 1", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 党员编号
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, "gender"))
    ethnicity: Mapped[str | None] = mapped_column(String(20))  # 民族

    # Private (core.changelog.PRIVATE_MEMBER_FIELDS): stored for the secretary, never
    # rendered on a page reached by a code, masked in the change log.
    birth_date: Mapped[dt.date | None]
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))
    dues_base_cents: Mapped[int | None]  # fixed monthly after-tax wage or pension, in fen

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(index=True)
    category: Mapped[Category] = mapped_column(enum_column(Category, "member_category"))
    position: Mapped[Position | None] = mapped_column(enum_column(Position, "member_position"))
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus, "member_status"), default=MemberStatus.NORMAL
    )
    joined_on: Mapped[dt.date]  # 入党日期, the political birthday
    converted_on: Mapped[dt.date | None]  # 转正日期
    probation_extension_months: Mapped[int] = mapped_column(default=0, server_default="0")
    dues_basis: Mapped[DuesBasis] = mapped_column(
        enum_column(DuesBasis, "dues_basis"), default=DuesBasis.WAGE
    )
    card_generation: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    branch: Mapped[Branch] = relationship(back_populates="members")
    group: Mapped[PartyGroup | None] = relationship(
        foreign_keys=[group_id],
        primaryjoin="Member.group_id == PartyGroup.id",
        viewonly=True,
    )
    photo: Mapped[MemberPhoto | None] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )


class MemberPhoto(db.Model):  # type: ignore[name-defined,misc]
    """A member's ID photo, kept out of the member row so page queries stay light."""

    __tablename__ = "member_photo"
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png')", name="content_type_known"
        ),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    member: Mapped[Member] = relationship(back_populates="photo")
