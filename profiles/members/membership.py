"""The membership model: one member in one branch (and party group) from a date to a date,
and where a member's first range begins (the reads are ``history.py``, the writes
``operations.py``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import enum_column
from profiles.members.models import Member
from profiles.org.models import Branch


class MembershipStart(enum.StrEnum):
    """How a membership range began."""

    JOINED = "joined"  # admitted by this branch (入党)
    TRANSFERRED_IN = "transferred_in"  # 组织关系转入 from outside the organisation
    MOVED = "moved"  # from another branch or party group of the organisation
    RECORDED = "recorded"  # the record starts here (data kept before the history existed)


class MembershipEnd(enum.StrEnum):
    """How a membership range ended."""

    MOVED = "moved"  # to another branch or party group of the organisation
    TRANSFERRED_OUT = "transferred_out"  # 组织关系转出 of the organisation (已转出)


class Membership(db.Model):  # type: ignore[name-defined,misc]
    """One member in one branch (and group) from ``since`` up to, not including, ``until``.

    The ranges of a member never overlap; the open one (``until`` NULL) is the current
    membership and agrees with ``member.branch_id`` / ``member.group_id``. A move on day D
    closes the old range with ``until = D`` and opens the next with ``since = D``, so a
    record dated D belongs to the new branch and one dated D-1 to the old.
    """

    __tablename__ = "membership"
    __table_args__ = (
        ForeignKeyConstraint(
            ["group_id", "branch_id"],
            ["party_group.id", "party_group.branch_id"],
            name="fk_membership_group_in_branch",
        ),
        CheckConstraint("until IS NULL OR until > since", name="until_after_since"),
        CheckConstraint("(until IS NULL) = (end_reason IS NULL)", name="end_reason_iff_ended"),
        Index("ix_membership_branch_since", "branch_id", "since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    group_id: Mapped[int | None]
    since: Mapped[dt.date]
    until: Mapped[dt.date | None]
    start_reason: Mapped[MembershipStart] = mapped_column(
        enum_column(MembershipStart, "membership_start"))
    end_reason: Mapped[MembershipEnd | None] = mapped_column(
        enum_column(MembershipEnd, "membership_end"))

    member: Mapped[Member] = relationship()
    branch: Mapped[Branch] = relationship()


def start_of(joined_on: dt.date, founded_on: dt.date | None) -> tuple[dt.date, MembershipStart]:
    """Where a member's first range begins when nothing else is known: admission, or the
    branch's founding if that is later (the record cannot start before the branch)."""
    if founded_on is not None and founded_on > joined_on:
        return founded_on, MembershipStart.RECORDED
    return joined_on, MembershipStart.JOINED


def closed_at_once(since: dt.date, status: str | None) -> dict[str, Any]:
    """The end of the first range of a member first recorded as already 已转出.

    When they were here is not on record, so the range is the least there is (one day):
    they are expected at no meeting and owe no dues here.
    """
    if status != "transferred_out":
        return {}
    return {"until": since + dt.timedelta(days=1), "end_reason": MembershipEnd.TRANSFERRED_OUT}
