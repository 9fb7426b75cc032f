"""History: who changed what and when, per member, per branch, or everything one may read.

Change-log keys start with what the record belongs to: a member's number (``member``,
``dues`` "DY000001 2026-05", ``attendance``, ``evaluation``, ``points_entry``) or a
branch's code (``branch``, ``meeting`` "ZB01 2026-05-01 …", ``party_group``). Rows are
tied to a branch through those prefixes. Private values are masked again when shown,
whatever wrote them.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true

from accounts.access import Access, branch_access, current_access, member_access, signed_in
from console.blueprint import bp
from core.changelog import PRIVATE_FIELDS, latest_changes, mask
from core.money import format_yuan
from core.numbers import bounded_int
from profiles.enums import (
    Attendance,
    Category,
    DuesBasis,
    EvaluationStage,
    EvidenceKind,
    Gender,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
    RecruitEnd,
    RecruitStage,
    ReviewConclusion,
)
from profiles.labels import label
from profiles.models import Applicant, Branch, ChangeLog, Member
from profiles.recruitment.operations import key_column as applicant_key

PAGE = 100


@dataclass(frozen=True)
class HistoryLine:
    id: int
    at: dt.datetime
    actor: str
    source: str
    table: str
    key: str
    action: str
    changes: list[tuple[str, str, str]]  # field, old, new (private values masked)


# How the log's codes read (unknown ones show as stored).
TABLES = {
    "member": _l("member"), "branch": _l("branch"), "party_group": _l("party group"),
    "meeting": _l("meeting"), "attendance": _l("attendance"), "dues": _l("dues"),
    "points_entry": _l("points"), "points_rule": _l("points rule"),
    "evaluation": _l("evaluation"), "account": _l("account"), "committee": _l("committee"),
    "meeting_file": _l("meeting file"), "applicant": _l("recruitment record"),
    "score_month": _l("monthly score"), "score_rule": _l("scoring rule"),
    "score_adjustment": _l("score adjustment"),
}
ACTIONS = {
    "insert": _l("added"), "update": _l("changed"), "delete": _l("deleted"),
    "reveal": _l("viewed private fields"), "grant": _l("granted"), "revoke": _l("revoked"),
    "reset": _l("password reset"), "export": _l("exported"),
}


FIELDS = {
    "name": _l("Name"), "gender": _l("Gender"), "ethnicity": _l("Ethnicity"),
    "category": _l("Category"), "position": _l("Position"), "status": _l("Status"),
    "joined_on": _l("Joined the party"), "converted_on": _l("Full member since"),
    "probation_extension_months": _l("Probation extension (months)"),
    "dues_basis": _l("Dues basis"), "id_number": _l("ID number"), "phone": _l("Phone"),
    "address": _l("Address"), "birth_date": _l("Birth date"),
    "dues_base_cents": _l("Dues base"), "dues_base": _l("Dues base"),
    "card_generation": _l("Card"), "branch": _l("Branch"), "group": _l("Party group"),
    "on": _l("On"), "revealed": _l("Viewed"), "number": _l("Number"),
    "display_name": _l("Name"), "active": _l("Active"), "grant": _l("Grant"),
    "password": _l("Password"),
    # record keeping, as the member page speaks of it
    "attendance": _l("Attendance"), "checkin_open": _l("签到 open"), "kind": _l("Kind"),
    "held_on": _l("Date held"), "topic": _l("Topic"), "place": _l("Place"),
    "stage": _l("Stage"), "rating": _l("Rating"), "points": _l("Points"),
    "reason": _l("Reason"), "paid_cents": _l("Paid (yuan)"), "due_cents": _l("Due (yuan)"),
    "paid_on": _l("Paid on"), "due_reason": _l("Why the amount differs"),
    "month": _l("Month"), "founded_on": _l("Founded on"), "dissolved_on": _l("Dissolved on"),
    "code": _l("Code"), "records_from": _l("Record begins"),
    "arrived_on": _l("Here since"),  # the day a member's record here begins (issue 18)
    "moved_on": _l("Moved on"), "standing_until": _l("Until"), "since": _l("Since"),
    "due": _l("Due (yuan)"), "paid": _l("Paid (yuan)"),
    # the meeting's record and its files (痕迹管理, issue 21)
    "host": _l("Host"), "recorder": _l("Recorder"), "guests": _l("Guests (列席)"),
    "minutes": _l("Minutes"), "resolutions": _l("Resolutions"), "size": _l("Size (bytes)"),
    "made_up_on": _l("Made up on"), "checked_in_at": _l("Checked in at"),
    "checked_out_at": _l("Checked out at"),
    # 发展党员 (issue 23): the dates and people of each step
    "applied_on": _l("Applied on"), "talk_on": _l("Talk on"), "talk_by": _l("Talk by"),
    "activist_on": _l("Activist since"), "activist_filed_on": _l("Filed with the 上级 on"),
    "contact_1_id": _l("培养联系人"), "contact_2_id": _l("培养联系人"),
    "training_on": _l("党校 training on"), "training_hours": _l("党校 hours"),
    "opinions_on": _l("Opinions heard on"), "candidate_on": _l("发展对象 since"),
    "introducer_1_id": _l("入党介绍人"), "introducer_2_id": _l("入党介绍人"),
    "review_on": _l("Political review on"), "review_conclusion": _l("Review conclusion"),
    "intensive_on": _l("集中培训 on"), "intensive_hours": _l("集中培训 hours"),
    "prereview_on": _l("预审 on"), "notice_from": _l("公示 from"),
    "notice_until": _l("公示 until"), "pledge_number": _l("志愿书 number"),
    "admit_meeting_on": _l("支部大会 on"), "superior_talk_on": _l("上级 talk on"),
    "approved_on": _l("Approved on"), "extension_months": _l("Extension (months)"),
    "extension_reason": _l("Extension reason"), "extended_on": _l("Extended on"),
    "convert_meeting_on": _l("转正 支部大会 on"), "convert_approved_on": _l("转正 approved on"),
    "ended_on": _l("Ended on"), "end_reason": _l("Why it ended"), "end_note": _l("Note"),
}

# Fields whose stored codes are one of the fixed value sets: shown by their labels.
# A name several tables use (a meeting's kind, a file's kind; an evaluation's stage, a
# recruitment record's stage) is read by the first set that knows the value.
ENUM_FIELDS: dict[str, tuple[type[enum.StrEnum], ...]] = {
    "attendance": (Attendance,), "stage": (EvaluationStage, RecruitStage),
    "rating": (Rating,), "kind": (MeetingKind, EvidenceKind), "category": (Category,),
    "status": (MemberStatus,), "position": (Position,), "gender": (Gender,),
    "dues_basis": (DuesBasis,), "review_conclusion": (ReviewConclusion,),
    "end_reason": (RecruitEnd,),
}
CENTS_FIELDS = frozenset({"paid_cents", "due_cents", "dues_base_cents", "paid", "due"})


def _field(name: str) -> str:
    return str(FIELDS.get(name, name))


# Dues amounts (and the reason an amount was set by hand) are a share of the private wage:
# shown only to those who manage every branch the page may show (docs/security.md).
AMOUNT_FIELDS = frozenset({"due", "paid", "due_cents", "paid_cents", "due_reason"})


def _amounts_hidden() -> bool:
    """A supervisor reads branches they do not manage: their history hides dues amounts."""
    access = current_access()
    return access.supervisor and not access.admin


def _shown(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in AMOUNT_FIELDS and _amounts_hidden():
        return "***"
    if field in PRIVATE_FIELDS:
        return str(mask(field, value))
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    for kind in ENUM_FIELDS.get(field, ()):
        try:
            return label(kind(str(value)), str(get_locale() or "zh"))
        except ValueError:
            continue
    if field in CENTS_FIELDS and isinstance(value, int):
        return format_yuan(value)
    if field == "revealed":  # the private fields looked at, by their codes
        return ", ".join(_field(f.strip()) for f in str(value).split(",") if f.strip())
    return str(value)


def _changes(text: str) -> list[tuple[str, str, str]]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return []
    out = []
    if isinstance(data, dict):
        for field, value in data.items():
            if isinstance(value, list) and len(value) == 2:
                out.append((_field(field), _shown(field, value[0]),
                            _shown(field, value[1])))
            else:
                out.append((_field(field), "", _shown(field, value)))
    return out


def _keyed_by(column: Any) -> ColumnElement[bool]:
    """The change-log row's key is ``column`` or starts with it and a space. An exact
    prefix comparison, not LIKE: a ``_`` in a code must not match another branch's key."""
    prefix = func.substr(ChangeLog.record_key, 1, func.length(column) + 1)
    return or_(ChangeLog.record_key == column, prefix == column + " ")


def _member_rows(number: str) -> ColumnElement[bool]:
    return or_(ChangeLog.record_key == number,
               ChangeLog.record_key.startswith(number + " ", autoescape=True))


# The tables whose keys begin with the branch's code (a meeting's key, and its files').
BRANCH_KEYED = ("branch", "meeting", "party_group", "meeting_file")


def _branch_scope(branch_ids: ColumnElement[bool]) -> ColumnElement[bool]:
    """Rows about a branch whose id satisfies ``branch_ids`` (a clause on Branch.id) or
    about one of its members."""
    by_branch = exists().where(branch_ids, _keyed_by(Branch.code),
                               ChangeLog.table_name.in_(BRANCH_KEYED))
    # A recruitment record's key is FZ + its id (no branch in it): the branch's people on
    # the way, by id. (Their log was the administrator's only.)
    by_applicant = and_(ChangeLog.table_name == "applicant", exists().where(
        Applicant.branch_id.in_(select(Branch.id).where(branch_ids)),
        ChangeLog.record_key == applicant_key()))
    by_member = exists().where(
        Member.branch_id.in_(select(Branch.id).where(branch_ids)), _keyed_by(Member.number),
        ChangeLog.table_name.not_in((*BRANCH_KEYED, "account", "committee", "applicant")))
    return or_(by_branch, by_member, by_applicant)


def _scope(access: Access) -> ColumnElement[bool]:
    """Everything the account may read; account changes for administrators only."""
    if access.admin:
        return true()
    if access.supervisor:
        return ChangeLog.table_name != "account"
    if not access.branches:
        return false()
    return _branch_scope(Branch.id.in_(sorted(access.branches)))


def history_lines(where: ColumnElement[bool], before: int | None = None) -> list[HistoryLine]:
    rows = latest_changes(where, before, PAGE)
    return [HistoryLine(r.id, r.at, r.actor, r.source,
                        str(TABLES.get(r.table_name, r.table_name)), r.record_key,
                        str(ACTIONS.get(r.action, r.action)), _changes(r.changes))
            for r in rows]


def _render(title: str, where: ColumnElement[bool], **context: Any) -> str:
    before = bounded_int(request.args.get("before", ""), 1)
    lines = history_lines(where, before)
    return render_template("console/history.html", title=title, lines=lines, **context)


@bp.get("/history")
@signed_in
def history() -> str:
    """The newest changes across everything the account may read."""
    return _render("", _scope(current_access()))


@bp.get("/branches/<code>/history")
@branch_access()
def branch_history(branch: Branch) -> str:
    """Changes to a branch, its meetings and groups, and its members' records."""
    return _render(branch.name, _branch_scope(Branch.id == branch.id), branch=branch)


@bp.get("/members/<number>/history")
@member_access()
def member_history(member: Member) -> str:
    """Changes to one member's record (dues, attendance, points, evaluations included)."""
    return _render(member.name, _member_rows(member.number), member=member)
