"""Writes of 发展党员: the application and every later step, one operation each.

Each validates with ``profiles.recruitment.rules``, writes, logs through
``core.changelog`` and flushes; the caller commits. At the 上级's approval of an admission
the person becomes a member (``profiles.members.operations.create_member``: a 预备党员
from the date of the 支部大会); the applicant row stays, linked to the member, and keeps
the history. The conversion's approval makes the member a 正式党员 on the day the
probation ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, select

from core.changelog import Actor, log_change
from core.db import db
from core.problems import Problem, problem
from profiles.enums import ENDED, Category, Gender, RecruitEnd, RecruitStage, ReviewConclusion
from profiles.members.operations import create_member, open_first_membership, update_member
from profiles.models import Applicant, Branch, Member
from profiles.recruitment import rules
from profiles.recruitment.reads import record_of
from profiles.recruitment.rules import Person, Votes
from profiles.text_rules import text_problems
from profiles.writes import apply_values, changed_values, check

PRIVATE = ("birth_date", "id_number", "phone", "address")  # moved to the member at admission


KEY_PREFIX, KEY_DIGITS = "FZ", 6


def key_of(applicant: Applicant) -> str:
    """The person's key in the change log and on screens: ``FZ`` + the record's id."""
    return f"{KEY_PREFIX}{applicant.id:0{KEY_DIGITS}d}"


def key_column() -> ColumnElement[str]:
    """:func:`key_of` in SQL, over ``Applicant.id`` (the change log's rows of a branch's
    people on the way: their key names no branch). Zero-padded as ``:06d`` pads, without a
    padding function SQLite and PostgreSQL share."""
    digits = cast(Applicant.id, String)
    padded = case((func.length(digits) < KEY_DIGITS, func.substr(
        literal("0" * KEY_DIGITS) + digits, func.length(digits) + 1)), else_=digits)
    return literal(KEY_PREFIX) + padded


def person(member: Member) -> Person:
    """A member as the rules see a 培养联系人 or 入党介绍人."""
    return Person(member.id, member.name, member.category is Category.FULL,
                  member.status not in ENDED)


def _unique_id_number(id_number: str | None, applicant_id: int | None) -> list[Problem]:
    if not id_number:
        return []
    other = db.session.scalar(select(Applicant.id).where(Applicant.id_number == id_number))
    holder = db.session.scalar(select(Member.number).where(Member.id_number == id_number))
    if (other is not None and other != applicant_id) or holder is not None:
        return [problem("id_number", "This ID number is already on record for another "
                        "person; check it.")]
    return []


def _write(actor: Actor, a: Applicant, values: Mapping[str, Any]) -> Applicant:
    changed = changed_values(a, values)
    if changed:
        apply_values(a, changed)
        db.session.flush()
        log_change(actor, "update", "applicant", key_of(a), changed)
    return a


# -- the application ---------------------------------------------------------------------


def apply(actor: Actor, *, branch: Branch, name: str, applied_on: dt.date | None,
          birth_date: dt.date | None, gender: Gender | None = None,
          ethnicity: str | None = None, id_number: str | None = None,
          phone: str | None = None, address: str | None = None,
          today: dt.date | None = None) -> Applicant:
    """Record an application to join the party (入党申请书) with the branch."""
    name = name.strip()
    id_number = (id_number or "").strip().upper() or None
    values: dict[str, Any] = {
        "name": name, "gender": gender, "ethnicity": (ethnicity or "").strip() or None,
        "birth_date": birth_date, "id_number": id_number, "phone": (phone or "").strip() or None,
        "address": (address or "").strip() or None, "applied_on": applied_on}
    check(rules.application_problems(name=name, birth_date=birth_date, applied_on=applied_on,
                                     id_number=id_number, today=today)
          + text_problems(values)
          + [problem(f, "Too long: at most %(count)s characters.", count=n)
             for f, n in (("ethnicity", 20), ("phone", 32), ("address", 200))
             if values[f] and len(values[f]) > n])
    check(_unique_id_number(id_number, None))
    if db.session.scalar(select(Applicant.id).where(
            Applicant.branch_id == branch.id, Applicant.name == name,
            Applicant.applied_on == applied_on)) is not None:
        check([problem("name", "The application of %(name)s dated %(date)s is on record "
                       "already; open it from the branch's recruitment list.", name=name,
                       date=applied_on.isoformat() if applied_on else "")])
    a = Applicant(branch_id=branch.id, stage=RecruitStage.APPLICANT, extension_months=0,
                  **values)
    db.session.add(a)
    db.session.flush()
    log_change(actor, "insert", "applicant", key_of(a),
               {**{k: (None, v) for k, v in values.items() if v is not None},
                "branch": (None, branch.name), "stage": (None, a.stage)})
    return a


# -- the steps ---------------------------------------------------------------------------


def record_talk(actor: Actor, a: Applicant, *, talk_on: dt.date | None, talk_by: str = "",
                today: dt.date | None = None) -> Applicant:
    """The talk the branch owes an applicant within a month."""
    talk_by = talk_by.strip()
    check(rules.talk_problems(record_of(a), talk_on=talk_on, today=today)
          + text_problems({"talk_by": talk_by})
          + ([problem("talk_by", "Too long: at most %(count)s characters.", count=60)]
             if len(talk_by) > 60 else []))
    return _write(actor, a, {"talk_on": talk_on, "talk_by": talk_by or None})


def make_activist(actor: Actor, a: Applicant, *, decided_on: dt.date | None,
                  filed_on: dt.date | None, contacts: Sequence[Member],
                  today: dt.date | None = None) -> Applicant:
    """入党积极分子: the branch's decision, the 上级's filing and the 培养联系人."""
    check(rules.activist_problems(record_of(a), decided_on=decided_on, filed_on=filed_on,
                                  contacts=[person(m) for m in contacts], today=today))
    ids = [m.id for m in contacts] + [None]
    return _write(actor, a, {"activist_on": decided_on, "activist_filed_on": filed_on,
                             "contact_1_id": ids[0], "contact_2_id": ids[1],
                             "stage": RecruitStage.ACTIVIST})


def record_training(actor: Actor, a: Applicant, *, completed_on: dt.date | None,
                    hours: int | None, today: dt.date | None = None) -> Applicant:
    """党校 training of an activist."""
    check(rules.training_problems(record_of(a), completed_on=completed_on, hours=hours,
                                  today=today))
    return _write(actor, a, {"training_on": completed_on, "training_hours": hours})


def make_candidate(actor: Actor, a: Applicant, *, opinions_on: dt.date | None,
                   decided_on: dt.date | None, today: dt.date | None = None) -> Applicant:
    """发展对象: 听取意见, then the 支委会's decision."""
    check(rules.candidate_problems(record_of(a), opinions_on=opinions_on,
                                   decided_on=decided_on, today=today))
    return _write(actor, a, {"opinions_on": opinions_on, "candidate_on": decided_on,
                             "stage": RecruitStage.CANDIDATE})


def set_introducers(actor: Actor, a: Applicant, introducers: Sequence[Member]) -> Applicant:
    """The two 入党介绍人 (full members)."""
    check(rules.introducer_problems(record_of(a), [person(m) for m in introducers]))
    return _write(actor, a, {"introducer_1_id": introducers[0].id,
                             "introducer_2_id": introducers[1].id})


def record_review(actor: Actor, a: Applicant, *, reviewed_on: dt.date | None,
                  conclusion: ReviewConclusion | None,
                  today: dt.date | None = None) -> Applicant:
    """政治审查 and its conclusion."""
    check(rules.review_problems(record_of(a), reviewed_on=reviewed_on, conclusion=conclusion,
                                today=today))
    return _write(actor, a, {"review_on": reviewed_on, "review_conclusion": conclusion})


def record_intensive(actor: Actor, a: Applicant, *, completed_on: dt.date | None,
                     hours: int | None, today: dt.date | None = None) -> Applicant:
    """集中培训 of a 发展对象."""
    check(rules.intensive_problems(record_of(a), completed_on=completed_on, hours=hours,
                                   today=today))
    return _write(actor, a, {"intensive_on": completed_on, "intensive_hours": hours})


def record_prereview(actor: Actor, a: Applicant, *, prereviewed_on: dt.date | None,
                     pledge_number: str | None, today: dt.date | None = None) -> Applicant:
    """上级预审 and the number of the 入党志愿书 it issues."""
    number = (pledge_number or "").strip()
    check(rules.prereview_problems(record_of(a), prereviewed_on=prereviewed_on,
                                   pledge_number=number, today=today)
          + text_problems({"pledge_number": number}))
    return _write(actor, a, {"prereview_on": prereviewed_on, "pledge_number": number})


def record_notice(actor: Actor, a: Applicant, *, notice_from: dt.date | None,
                  notice_until: dt.date | None, today: dt.date | None = None) -> Applicant:
    """The 公示 (also after the fact, for a record kept late)."""
    check(rules.notice_problems(record_of(a), notice_from=notice_from,
                                notice_until=notice_until, today=today))
    return _write(actor, a, {"notice_from": notice_from, "notice_until": notice_until})


def _vote_values(prefix: str, votes: Votes) -> dict[str, Any]:
    return {f"{prefix}_expected": votes.expected, f"{prefix}_present": votes.present,
            f"{prefix}_for": votes.in_favour, f"{prefix}_against": votes.against,
            f"{prefix}_abstain": votes.abstain}


def record_admission_meeting(actor: Actor, a: Applicant, *, meeting_on: dt.date | None,
                             votes: Votes, today: dt.date | None = None) -> Applicant:
    """The 支部大会 that resolves on the admission, with its counts."""
    check(rules.admission_problems(record_of(a), meeting_on=meeting_on, votes=votes,
                                   today=today))
    return _write(actor, a, {"admit_meeting_on": meeting_on, **_vote_values("admit", votes)})


def approve_admission(actor: Actor, a: Applicant, *, talk_on: dt.date | None,
                      approved_on: dt.date | None, number: str = "",
                      today: dt.date | None = None) -> Member:
    """The 上级's talk and approval: the person becomes a 预备党员 from the date of the
    支部大会, as a member record of the branch (``number``: a 党员编号, else the next free
    one). The private fields move to the member; this row keeps the history."""
    check(rules.approval_problems(record_of(a), talk_on=talk_on, approved_on=approved_on,
                                  today=today))
    branch = db.session.get(Branch, a.branch_id)
    assert branch is not None and a.admit_meeting_on is not None
    private = {f: getattr(a, f) for f in PRIVATE}
    # The ID number moves: clear it here first, so no two rows hold it at once.
    _write(actor, a, dict.fromkeys(PRIVATE))
    member = create_member(actor, branch=branch, today=today, number=number.strip(),
                           name=a.name, gender=a.gender, ethnicity=a.ethnicity,
                           category=Category.PROBATIONARY, joined_on=a.admit_meeting_on,
                           **private)
    _write(actor, a, {"superior_talk_on": talk_on, "approved_on": approved_on,
                      "member_id": member.id, "stage": RecruitStage.PROBATIONARY})
    return member


def _member(a: Applicant) -> Member:
    member = db.session.get(Member, a.member_id) if a.member_id else None
    assert member is not None, "a 预备党员's record links to the member"
    return member


def extend_probation(actor: Actor, a: Applicant, *, decided_on: dt.date | None,
                     months: int | None, reason: str,
                     today: dt.date | None = None) -> Applicant:
    """延长预备期 (once, 6 to 12 months, with its reason); the member's probation end moves."""
    check(rules.extension_problems(record_of(a), decided_on=decided_on, months=months,
                                   reason=reason, today=today)
          + text_problems({"reason": reason}))
    assert months is not None
    update_member(actor, _member(a), probation_extension_months=months)
    return _write(actor, a, {"extended_on": decided_on, "extension_months": months,
                             "extension_reason": reason.strip()})


def record_conversion_meeting(actor: Actor, a: Applicant, *, meeting_on: dt.date | None,
                              votes: Votes, today: dt.date | None = None) -> Applicant:
    """The 支部大会 on the conversion (转正), once probation has ended."""
    check(rules.conversion_problems(record_of(a), meeting_on=meeting_on, votes=votes,
                                    today=today))
    return _write(actor, a, {"convert_meeting_on": meeting_on,
                             **_vote_values("convert", votes)})


def approve_conversion(actor: Actor, a: Applicant, *, approved_on: dt.date | None,
                       today: dt.date | None = None) -> Member:
    """The 上级 approves the conversion: a 正式党员 from the day the probation ended."""
    record = record_of(a)
    check(rules.conversion_approval_problems(record, approved_on=approved_on, today=today))
    member = _member(a)
    update_member(actor, member, category=Category.FULL, converted_on=record.probation_ends,
                  today=today)
    _write(actor, a, {"convert_approved_on": approved_on, "stage": RecruitStage.FULL})
    return member


# -- the end of the way before admission (发展终止) ----------------------------------------


def end_path(actor: Actor, a: Applicant, *, ended_on: dt.date | None,
             reason: RecruitEnd | None, note: str = "",
             today: dt.date | None = None) -> Applicant:
    """End the way of an applicant, activist or 发展对象 (withdrawn, disqualified, not
    admitted, moved away, other): the record and the stage reached stay, nothing more is
    due (no checklist line, no further step). The same end twice is a no-op (a double
    tap: nothing written, nothing logged); a different one is refused. A 预备党员's end
    is the member's (``profiles.members.standing``)."""
    note = note.strip()
    check(rules.end_problems(record_of(a), ended_on=ended_on, reason=reason, note=note,
                             today=today)
          + text_problems({"end_note": note}))
    return _write(actor, a, {"ended_on": ended_on, "end_reason": reason,
                             "end_note": note or None})


def reopen(actor: Actor, a: Applicant) -> Applicant:
    """Undo an end recorded in error (恢复): the person is on the way again at the stage
    reached, and the steps and the checklist take them up where they were. The change log
    keeps the end and who undid it. A record not ended is left as it is (a double tap).
    Someone who applies again after withdrawing hands in a new application instead."""
    return _write(actor, a, {"ended_on": None, "end_reason": None, "end_note": None})


# -- an imported register ----------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One person of an imported register, checked: the applicant row's values, and for
    someone already admitted the member row to create (None before admission)."""

    values: Mapping[str, Any]
    member: Mapping[str, Any] | None = None


def write_imported(planned: Sequence[Planned]) -> None:
    """Insert the people an import planned (the import's change-log rows are written by
    ``commit_import``, from its plan). A person admitted already becomes a member row with
    their first membership range, then their applicant row links to it."""
    for item in planned:
        member_id = None
        if item.member is not None:
            m = Member(**item.member)
            db.session.add(m)
            db.session.flush()
            open_first_membership(m)
            member_id = m.id
        db.session.add(Applicant(**item.values, member_id=member_id))
    db.session.flush()
