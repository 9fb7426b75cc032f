"""The membership model: one member in one branch (and party group) from a date to a date,
and where a member's first range begins (the reads are ``history.py``, the writes
``operations.py``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db
from profiles.enums import ENDED, MemberStatus, enum_column
from profiles.members.models import Member
from profiles.org.models import Branch


class MembershipStart(enum.StrEnum):
    """How a membership range began."""

    JOINED = "joined"  # admitted by this branch (入党)
    TRANSFERRED_IN = "transferred_in"  # 组织关系转入 from outside the organisation
    MOVED = "moved"  # from another branch or party group of the organisation
    RECORDED = "recorded"  # the record starts here (data kept before the history existed)


class MembershipEnd(enum.StrEnum):
    """How a membership range ended: a move inside the organisation, or the end of the
    membership here (the member's status becomes the matching one of ``ENDED``)."""

    MOVED = "moved"  # to another branch or party group of the organisation
    TRANSFERRED_OUT = "transferred_out"  # 组织关系转出 of the organisation (已转出)
    DECEASED = "deceased"  # 去世
    REMOVED = "removed"  # 自行脱党除名
    EXPELLED = "expelled"  # 开除党籍
    WITHDREW = "withdrew"  # 退党


# The member status each end of a membership leaves (and back): one of ``ENDED`` each.
END_STATUS: dict[MembershipEnd, MemberStatus] = {
    MembershipEnd.TRANSFERRED_OUT: MemberStatus.TRANSFERRED_OUT,
    MembershipEnd.DECEASED: MemberStatus.DECEASED,
    MembershipEnd.REMOVED: MemberStatus.REMOVED,
    MembershipEnd.EXPELLED: MemberStatus.EXPELLED,
    MembershipEnd.WITHDREW: MemberStatus.WITHDREW,
}
END_OF_STATUS: dict[MemberStatus, MembershipEnd] = {v: k for k, v in END_STATUS.items()}


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


class MemberStanding(db.Model):  # type: ignore[name-defined,misc]
    """One period of a member's standing other than 正常: 流动, 失联, 停止党籍 or 出国（境）
    暂留, from ``since`` up to, not including, ``until`` (NULL: still open).

    For 暂留, ``until`` is the approved end date (the member is back under the ordinary
    rules from that day unless it is extended). ``member.status`` is the standing of the
    open period (or 正常, or an end of ``ENDED``); the operations in
    :mod:`profiles.members.standing` keep the two in step. The periods of a member never
    overlap, so the rules can tell what held in any month.
    """

    __tablename__ = "member_standing"
    __table_args__ = (
        CheckConstraint("until IS NULL OR until > since", name="until_after_since"),
        Index("ix_member_standing_member_since", "member_id", "since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus, "standing_status"))
    since: Mapped[dt.date]
    until: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(200))


def start_of(joined_on: dt.date, founded_on: dt.date | None) -> tuple[dt.date, MembershipStart]:
    """Where a member's first range begins when nothing else is known: admission, or the
    branch's founding if that is later (the record cannot start before the branch)."""
    if founded_on is not None and founded_on > joined_on:
        return founded_on, MembershipStart.RECORDED
    return joined_on, MembershipStart.JOINED


def closed_at_once(since: dt.date, status: str | None) -> dict[str, Any]:
    """The end of the first range of a member first recorded as already 已转出 (or any
    other end of ``ENDED``: a 历史党员).

    When they were here is not on record, so the range is the least there is (one day):
    they are expected at no meeting and owe no dues here.
    """
    if status not in ENDED:
        return {}
    return {"until": since + dt.timedelta(days=1),
            "end_reason": END_OF_STATUS[MemberStatus(status)]}
