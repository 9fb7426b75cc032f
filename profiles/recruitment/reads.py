"""Reads of 发展党员: one person, a branch's people on the way, the members who may be
named as 培养联系人 or 入党介绍人, and (for the member page, when the organisation shows
it) a member's introducers. One statement each, whatever the branch's size.

The console's reads return the applicant rows whole (the console shows private fields to
those who manage the branch, masked); the page read names only the introducers' names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import aliased

from core.db import db, run
from profiles.enums import ENDED, Category, RecruitStage
from profiles.models import Applicant, Member
from profiles.recruitment.rules import Record


def record_of(a: Applicant) -> Record:
    """The applicant row as the rules read it."""
    return Record(
        stage=a.stage, applied_on=a.applied_on, talk_on=a.talk_on,
        activist_on=a.activist_on, activist_filed_on=a.activist_filed_on,
        contacts=sum(1 for c in (a.contact_1_id, a.contact_2_id) if c),
        training_on=a.training_on, opinions_on=a.opinions_on, candidate_on=a.candidate_on,
        introducers=sum(1 for i in (a.introducer_1_id, a.introducer_2_id) if i),
        review_on=a.review_on, review_conclusion=a.review_conclusion,
        intensive_on=a.intensive_on, prereview_on=a.prereview_on, notice_from=a.notice_from,
        notice_until=a.notice_until, pledge_number=a.pledge_number,
        admit_meeting_on=a.admit_meeting_on, approved_on=a.approved_on,
        extension_months=a.extension_months, convert_meeting_on=a.convert_meeting_on,
        convert_approved_on=a.convert_approved_on, ended_on=a.ended_on,
        end_reason=a.end_reason, end_note=a.end_note)


def applicant_by_id(applicant_id: int) -> Applicant | None:
    """The person with this record id (before or after admission)."""
    return db.session.get(Applicant, applicant_id)


def applicant_of_member(member_id: int) -> Applicant | None:
    """The recruitment record a member came in by (None: joined before it was kept)."""
    return db.session.scalar(select(Applicant).where(Applicant.member_id == member_id))


def branch_applicants(branch_id: int, *, on_the_way: bool = False) -> list[Applicant]:
    """Everyone of the branch's record (the pipeline, the yearly table), in the order they
    applied; ``on_the_way``: only those still on it, neither full members yet nor ended
    (the checklist's people: nothing is owed to someone whose way has ended)."""
    query = select(Applicant).where(Applicant.branch_id == branch_id)
    if on_the_way:
        query = query.where(Applicant.stage != RecruitStage.FULL, Applicant.ended_on.is_(None))
    return list(db.session.scalars(query.order_by(Applicant.applied_on, Applicant.id)))


def member_names(member_ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    """member id → (number, name), for the people a record names."""
    ids = sorted({i for i in member_ids if i})
    if not ids:
        return {}
    return {i: (number, name) for i, number, name in db.session.execute(
        select(Member.id, Member.number, Member.name).where(Member.id.in_(ids)))}


def full_members(branch_id: int) -> Sequence[Row[str, str]]:
    """(number, name) of the branch's current full members: whom a form may name as
    培养联系人 or 入党介绍人."""
    return db.session.execute(
        select(Member.number, Member.name).where(
            Member.branch_id == branch_id, Member.category == Category.FULL,
            Member.status.not_in(ENDED)).order_by(Member.number)).all()


# -- the member page (columns only; shown only where the organisation enables it) ----------

_First, _Second = aliased(Member), aliased(Member)
_INTRODUCERS = (
    select(_First.name, _Second.name)
    .select_from(Applicant)
    .join(_First, _First.id == Applicant.introducer_1_id)
    .join(_Second, _Second.id == Applicant.introducer_2_id)
    .where(Applicant.member_id == bindparam("member"))
)


def introducer_names(member_id: int) -> list[str]:
    """The names of the member's two 入党介绍人 (empty if not on record)."""
    row = run(_INTRODUCERS, {"member": member_id}).first()
    return [row[0], row[1]] if row else []

