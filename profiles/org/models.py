"""The organisation tree: 党委 → 党总支 (optional) → 党支部 → 党小组."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import db

if TYPE_CHECKING:
    from profiles.members.models import Member


class Committee(db.Model):  # type: ignore[name-defined,misc]
    """A 党委: the organisation whose name is printed on cards; owns the points rules."""

    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    # Where the organisation's record begins: the first day of the first month it tracks
    # (set by an administrator, proposed at the first import). No rule looks before it:
    # dues, absence, meetings owed, evaluations. NULL: not set (each member's own dates).
    records_from: Mapped[dt.date | None]
    # Rankings of points and of 三级考核 scores on the pages, the console and the reports:
    # the organisation's choice (a 2023 central guideline against 指尖上的形式主义 says
    # apps should not force point rankings on people). Off hides ranks, keeps totals.
    rankings_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Whether a member's own 三级考核 score shows on their member page.
    member_scores_visible: Mapped[bool] = mapped_column(default=False, server_default=false())

    branches: Mapped[list[Branch]] = relationship(back_populates="committee")


class GeneralBranch(db.Model):  # type: ignore[name-defined,misc]
    """A 党总支 between the committee and some of its branches."""

    __tablename__ = "general_branch"
    __table_args__ = (UniqueConstraint("committee_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))


class Branch(db.Model):  # type: ignore[name-defined,misc]
    """A 党支部: every member belongs to exactly one."""

    __tablename__ = "branch"
    __table_args__ = (
        CheckConstraint("card_generation >= 1", name="card_generation_positive"),
        CheckConstraint("length(code) >= 1", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    general_branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("general_branch.id"), index=True
    )
    founded_on: Mapped[dt.date | None]
    dissolved_on: Mapped[dt.date | None]  # no period after it is audited
    # NULL: the branch has a committee (支部委员会) when it has 7 or more full members;
    # True/False: the record says so, whatever the count.
    has_committee: Mapped[bool | None]
    card_generation: Mapped[int] = mapped_column(default=1, server_default="1")

    committee: Mapped[Committee] = relationship(back_populates="branches")
    general_branch: Mapped[GeneralBranch | None] = relationship()
    groups: Mapped[list[PartyGroup]] = relationship(
        back_populates="branch", order_by="PartyGroup.name"
    )
    members: Mapped[list[Member]] = relationship(back_populates="branch")


class PartyGroup(db.Model):  # type: ignore[name-defined,misc]
    """A 党小组 inside a branch."""

    __tablename__ = "party_group"
    __table_args__ = (
        UniqueConstraint("branch_id", "name"),
        # Lets members and meetings use (group_id, branch_id) as a composite foreign key,
        # so the database itself refuses a group from another branch.
        UniqueConstraint("id", "branch_id", name="uq_party_group_id_branch"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    founded_on: Mapped[dt.date | None]  # no period before it is audited for this group
    dissolved_on: Mapped[dt.date | None]  # nor any after it

    branch: Mapped[Branch] = relationship(back_populates="groups")
