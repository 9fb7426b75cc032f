"""The import point for every model of the domain: Alembic and the other packages import
models from here. Each model lives in its concept's package (``profiles/<concept>/models.py``);
the model modules import each other from there (importing this package from them would
be circular)."""

from __future__ import annotations

from profiles.dues.models import DuesRecord
from profiles.evaluations.models import Evaluation
from profiles.meetings.models import AttendanceRecord, Meeting, MeetingFile
from profiles.members.membership import (
    Membership,
    MembershipEnd,
    MembershipStart,
    MemberStanding,
    closed_at_once,
    start_of,
)
from profiles.members.models import Member, MemberPhoto
from profiles.models.changes import ChangeLog
from profiles.org.models import Branch, Committee, GeneralBranch, PartyGroup
from profiles.points.models import PointsEntry, PointsRule
from profiles.recruitment.models import Applicant
from profiles.scoring.models import Score, ScoreAdjustment, ScoreLevel, ScoreMonth, ScoreRule

__all__ = [
    "Applicant",
    "AttendanceRecord",
    "Branch",
    "ChangeLog",
    "Committee",
    "DuesRecord",
    "Evaluation",
    "GeneralBranch",
    "Meeting",
    "MeetingFile",
    "Member",
    "MemberPhoto",
    "MemberStanding",
    "Membership",
    "MembershipEnd",
    "MembershipStart",
    "PartyGroup",
    "PointsEntry",
    "PointsRule",
    "Score",
    "ScoreAdjustment",
    "ScoreLevel",
    "ScoreMonth",
    "ScoreRule",
    "closed_at_once",
    "start_of",
]

# Which cached pages each model's writes make stale (core.revisions), registered once.
from profiles import page_scopes as _page_scopes  # noqa: E402,F401
