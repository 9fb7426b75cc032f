"""Console accounts, their grants, and their server-side sessions."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import enum_column
from profiles.org.models import Branch


class Role(enum.StrEnum):
    """What a grant allows: everything, reading everything, or one branch's record."""

    ADMIN = "admin"  # 管理员: every branch, accounts, backups
    SUPERVISOR = "supervisor"  # 组织部, 纪委: reads every branch, changes nothing
    SECRETARY = "secretary"  # 支部书记 or 支委: reads and writes one branch


class Account(db.Model):  # type: ignore[name-defined,misc]
    """A person who logs in to the console."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint("length(username) >= 1", name="username_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, PHC string
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    grants: Mapped[list[Grant]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Grant.id")


class Grant(db.Model):  # type: ignore[name-defined,misc]
    """One role held by an account; a secretary grant names its branch."""

    __tablename__ = "account_grant"
    __table_args__ = (
        # A secretary grant is over one branch; the organisation-wide roles name none.
        CheckConstraint("(role = 'secretary') = (branch_id IS NOT NULL)",
                        name="branch_iff_secretary"),
        UniqueConstraint("account_id", "role", "branch_id", name="uq_account_grant_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "grant_role"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)

    account: Mapped[Account] = relationship(back_populates="grants")
    branch: Mapped[Branch | None] = relationship()


class AccountSession(db.Model):  # type: ignore[name-defined,misc]
    """A login. The cookie holds a random token; only its SHA-256 is stored, so logging out
    (or disabling the account) ends the session on the server, not just in one browser."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
