"""All models of the domain, one module per concept, re-exported for convenience."""

from __future__ import annotations

from profiles.models.changes import ChangeLog
from profiles.models.dues import DuesRecord
from profiles.models.evaluations import Evaluation
from profiles.models.meetings import AttendanceRecord, Meeting
from profiles.models.members import Member, MemberPhoto
from profiles.models.membership import (
    Membership,
    MembershipEnd,
    MembershipStart,
    closed_at_once,
    start_of,
)
from profiles.models.org import Branch, Committee, GeneralBranch, PartyGroup
from profiles.models.points import PointsEntry, PointsRule

__all__ = [
    "AttendanceRecord",
    "Branch",
    "ChangeLog",
    "Committee",
    "DuesRecord",
    "Evaluation",
    "GeneralBranch",
    "Meeting",
    "Member",
    "MemberPhoto",
    "Membership",
    "MembershipEnd",
    "MembershipStart",
    "PartyGroup",
    "PointsEntry",
    "PointsRule",
    "closed_at_once",
    "start_of",
]
