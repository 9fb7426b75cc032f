"""Which cached pages each domain object changes (``core.revisions``): its branch's.

A member's page shows the member, their branch and ranks within it; a branch page shows
its members. So a write to a member, their attendance, points, dues, evaluation, photo or
membership history moves their branch's counter (a move between branches both branches');
a meeting or party group its branch's; a committee (its ranking and member-score
settings too), a general branch, a points rule, a closed 三级考核 month or an adjustment
every page's (``all``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from core.revisions import ALL, branch_scope, register
from profiles.dues.models import DuesRecord
from profiles.evaluations.models import Evaluation
from profiles.meetings.models import AttendanceRecord, Meeting, MeetingFile
from profiles.members.membership import Membership
from profiles.members.models import Member, MemberPhoto
from profiles.org.models import Branch, Committee, GeneralBranch, PartyGroup
from profiles.points.models import PointsEntry, PointsRule
from profiles.scoring.models import ScoreAdjustment, ScoreMonth


def _branch_ids(obj: Any, attribute: str = "branch_id") -> Iterable[str]:
    """The branch the object is in now and, if it moved in this flush, the one before."""
    history = inspect(obj).attrs[attribute].history
    values = {getattr(obj, attribute), *history.deleted}
    return {branch_scope(v) for v in values}


def _members_branch(session: Session, obj: Any) -> Iterable[str]:
    member = session.get(Member, obj.member_id)
    return {branch_scope(member.branch_id) if member is not None else ALL}


def _meetings_branch(session: Session, obj: Any) -> Iterable[str]:
    meeting = session.get(Meeting, obj.meeting_id)
    return {branch_scope(meeting.branch_id) if meeting is not None else ALL}


def _everything(_session: Session, _obj: Any) -> Iterable[str]:
    return {ALL}


register(Member, lambda _s, obj: _branch_ids(obj))
register(Membership, lambda _s, obj: _branch_ids(obj))
register(Meeting, lambda _s, obj: _branch_ids(obj))
register(PartyGroup, lambda _s, obj: _branch_ids(obj))
register(Branch, lambda _s, obj: {branch_scope(obj.id)})
register(MemberPhoto, _members_branch)
register(PointsEntry, _members_branch)
register(DuesRecord, _members_branch)
register(Evaluation, _members_branch)
register(AttendanceRecord, _meetings_branch)
register(MeetingFile, _meetings_branch)  # the page says photos and minutes exist
# A closed 三级考核 month or an adjustment changes the member pages that show their own score
# (the organisation's setting); rare writes, so every page.
for _model in (Committee, GeneralBranch, PointsRule, ScoreMonth, ScoreAdjustment):
    register(_model, _everything)
