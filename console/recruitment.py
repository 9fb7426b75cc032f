"""发展党员 in the console: a branch's pipeline, one person's record with its history, a
form per step, and the yearly development table (xlsx).

Who sees what: those who manage the branch (its secretary, an administrator) see and
write everything, private fields masked until revealed (and the revealing logged);
supervisors read the pipeline and the records, without private fields and without forms
(they write nothing anywhere); anyone else gets 404, as for a branch they cannot read.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.access import branch_access, current_access, record_access
from accounts.forms import PostForm
from console import downloads
from console.blueprint import bp
from console.record import actor, parse_date
from core.changelog import Actor, log_change, mask
from core.clock import today
from core.db import db
from core.problems import Problem, problem
from profiles.audit.wording import locale_code
from profiles.enums import Gender, RecruitEnd, RecruitStage, ReviewConclusion
from profiles.labels import label
from profiles.members import reads as members_reads
from profiles.models import Applicant, Branch, Member
from profiles.recruitment import operations as ops
from profiles.recruitment import reads as recruit_reads
from profiles.recruitment import rules
from profiles.recruitment.models import MAX_HOURS, MAX_VOTERS
from profiles.recruitment.report import yearly_table
from profiles.writes import RuleViolation
from sheets.writing.recruitment import write_yearly_table

# -- the forms of the steps --------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One input of a step's form: ``kind`` is date, int, text, member, conclusion or
    end_reason; ``length`` a text's longest, ``today`` a date the form offers as today."""

    name: str
    label: Any  # a lazy string
    kind: str = "date"
    required: bool = True
    low: int = 0
    high: int = 0
    length: int = 60
    today: bool = False


def _votes(prefix: str = "") -> tuple[Field, ...]:
    high = MAX_VOTERS
    return (Field("meeting_on", _l("Date of the 支部大会")),
            Field("expected", _l("Voting members expected (应到)"), "int", low=1, high=high),
            Field("present", _l("Voting members present (实到)"), "int", high=high),
            Field("in_favour", _l("In favour (赞成)"), "int", high=high),
            Field("against", _l("Against (反对)"), "int", high=high),
            Field("abstain", _l("Abstaining (弃权)"), "int", high=high))


HOURS = MAX_HOURS
STEP_FIELDS: dict[str, tuple[Field, ...]] = {
    "talk": (Field("talk_on", _l("Date of the talk")),
             Field("talk_by", _l("Talked with by"), "text", required=False)),
    "activist": (Field("decided_on", _l("Date of the branch's decision")),
                 Field("filed_on", _l("Filed with the 上级 (备案) on")),
                 Field("contact_1", _l("培养联系人"), "member"),
                 Field("contact_2", _l("Second 培养联系人 (optional)"), "member", False)),
    "training": (Field("completed_on", _l("党校 training ended on")),
                 Field("hours", _l("Hours"), "int", low=1, high=HOURS)),
    "candidate": (Field("opinions_on", _l("Opinions heard (听取意见) on")),
                  Field("decided_on", _l("Date of the 支委会's decision"))),
    "introducers": (Field("introducer_1", _l("First 入党介绍人"), "member"),
                    Field("introducer_2", _l("Second 入党介绍人"), "member")),
    "review": (Field("reviewed_on", _l("Political review (政治审查) on")),
               Field("conclusion", _l("Conclusion"), "conclusion")),
    "intensive": (Field("completed_on", _l("集中培训 ended on")),
                  Field("hours", _l("Hours"), "int", low=1, high=HOURS)),
    "prereview": (Field("prereviewed_on", _l("预审 by the 上级 on")),
                  Field("pledge_number", _l("Number of the 入党志愿书"), "text")),
    "notice": (Field("notice_from", _l("公示 from")), Field("notice_until", _l("公示 until"))),
    "admit": _votes(),
    "approve": (Field("talk_on", _l("Talk by the 上级 on")),
                Field("approved_on", _l("Approved by the 上级 on")),
                Field("number", _l("党员编号 (empty: the next free one)"), "text", False)),
    "extend": (Field("decided_on", _l("Decided on")),
               Field("months", _l("Extension (months)"), "int", low=6, high=12),
               Field("reason", _l("Reason"), "text", length=200)),
    "convert": _votes(),
    "convert_approve": (Field("approved_on", _l("Conversion approved by the 上级 on")),),
    "end": (Field("ended_on", _l("Ended on"), today=True),
            Field("end_reason", _l("Why the way ends"), "end_reason"),
            Field("end_note", _l("Note (required for «其他»)"), "text", required=False,
                  length=rules.END_NOTE_MAX)),
    "reopen": (),
}

STEP_TITLES = {
    "talk": _l("Talk after the application"),
    "activist": _l("Make an activist (入党积极分子)"),
    "training": _l("党校 training"),
    "candidate": _l("Make a 发展对象"),
    "introducers": _l("入党介绍人"),
    "review": _l("Political review (政治审查)"),
    "intensive": _l("集中培训"),
    "prereview": _l("预审 and 入党志愿书"),
    "notice": _l("公示"),
    "admit": _l("支部大会 on the admission"),
    "approve": _l("上级 talk and approval"),
    "extend": _l("Extend the probation (延长预备期)"),
    "convert": _l("支部大会 on the conversion (转正)"),
    "convert_approve": _l("Approval of the conversion"),
    "end": _l("End the way (终止发展)"),
    "reopen": _l("Undo the end (恢复发展)"),
}

# What a form says before its fields (the steps whose consequence is not plain).
STEP_HINTS = {
    "end": _l("The person stays on record at the stage reached, listed under 已终止; "
              "nothing more is due and no further step is taken. A 预备党员 is a member: "
              "their end is recorded on the member's screen."),
    "reopen": _l("Only for an end recorded in error: the person is on the way again at the "
                 "stage reached. Someone who applies again after withdrawing hands in a new "
                 "application: record it as new."),
}

# The steps each stage may take (a 公示 may be recorded after the fact, too). The way
# ends ("end") before admission only: a 预备党员's end is the member's standing.
STAGE_STEPS: dict[RecruitStage, tuple[str, ...]] = {
    RecruitStage.APPLICANT: ("talk", "activist", "end"),
    RecruitStage.ACTIVIST: ("training", "candidate", "end"),
    RecruitStage.CANDIDATE: ("introducers", "review", "intensive", "training", "prereview",
                             "notice", "admit", "approve", "end"),
    RecruitStage.PROBATIONARY: ("extend", "convert", "convert_approve", "notice"),
    RecruitStage.FULL: ("notice",),
}


class FormProblems(Exception):
    """The form's values could not be read (a field that is not a date or a number)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _read(fields: tuple[Field, ...], form: Any, branch_id: int) -> dict[str, Any]:
    """The form's values by field: dates, whole numbers, members of the branch."""
    values: dict[str, Any] = {}
    found: list[Problem] = []
    for f in fields:
        # One character past the longest field: a text too long is refused by its rule
        # ("at most 200 characters"), never cut short silently.
        text = str(form.get(f.name, "")).strip()[:201]
        if f.kind == "date":
            values[f.name] = parse_date(text) if text else None
            if text and values[f.name] is None:
                found.append(problem(f.name, "Not a date: %(value)s; give it as yyyy-mm-dd.",
                                     value=text))
        elif f.kind == "int":
            values[f.name] = int(text) if text.isdigit() and len(text) < 7 else None
            if text and (values[f.name] is None or not f.low <= values[f.name] <= f.high):
                found.append(problem(f.name, "A whole number from %(low)s to %(high)s.",
                                     low=f.low, high=f.high))
        elif f.kind == "member":
            member = members_reads.member_in_branch(branch_id, text) if text else None
            if text and member is None:
                found.append(problem(f.name, "Choose a member of the branch from the list."))
            if f.required and not text:
                found.append(problem(f.name, "Choose a member of the branch from the list."))
            values[f.name] = member
        elif f.kind == "conclusion":
            values[f.name] = ReviewConclusion(text) if text in set(ReviewConclusion) else None
        elif f.kind == "end_reason":
            values[f.name] = RecruitEnd(text) if text in set(RecruitEnd) else None
        else:
            values[f.name] = text
    if found:
        raise FormProblems(found)
    return values


def _apply(step: str, a: Applicant, v: dict[str, Any]) -> str:
    """Run the step's operation; the message to show."""
    who, day = actor(), today()

    def votes() -> rules.Votes:
        return rules.Votes(v["expected"], v["present"], v["in_favour"], v["against"],
                           v["abstain"])

    if step == "talk":
        ops.record_talk(who, a, talk_on=v["talk_on"], talk_by=v["talk_by"], today=day)
    elif step == "activist":
        contacts = [m for m in (v["contact_1"], v["contact_2"]) if m is not None]
        ops.make_activist(who, a, decided_on=v["decided_on"], filed_on=v["filed_on"],
                          contacts=contacts, today=day)
    elif step in ("training", "intensive"):
        write = ops.record_training if step == "training" else ops.record_intensive
        write(who, a, completed_on=v["completed_on"], hours=v["hours"], today=day)
    elif step == "candidate":
        ops.make_candidate(who, a, opinions_on=v["opinions_on"], decided_on=v["decided_on"],
                           today=day)
    elif step == "introducers":
        ops.set_introducers(who, a, [v["introducer_1"], v["introducer_2"]])
    elif step == "review":
        ops.record_review(who, a, reviewed_on=v["reviewed_on"], conclusion=v["conclusion"],
                          today=day)
    elif step == "prereview":
        ops.record_prereview(who, a, prereviewed_on=v["prereviewed_on"],
                             pledge_number=v["pledge_number"], today=day)
    elif step == "notice":
        ops.record_notice(who, a, notice_from=v["notice_from"], notice_until=v["notice_until"],
                          today=day)
    elif step == "admit":
        ops.record_admission_meeting(who, a, meeting_on=v["meeting_on"], votes=votes(),
                                     today=day)
    elif step == "approve":
        member = ops.approve_admission(who, a, talk_on=v["talk_on"],
                                       approved_on=v["approved_on"], number=v["number"],
                                       today=day)
        return str(_("%(name)s is a probationary member now (党员编号 %(number)s).",
                     name=a.name, number=member.number))
    elif step == "extend":
        ops.extend_probation(who, a, decided_on=v["decided_on"], months=v["months"],
                             reason=v["reason"], today=day)
    elif step == "convert":
        ops.record_conversion_meeting(who, a, meeting_on=v["meeting_on"], votes=votes(),
                                      today=day)
    elif step == "convert_approve":
        ops.approve_conversion(who, a, approved_on=v["approved_on"], today=day)
        return str(_("%(name)s is a full member now.", name=a.name))
    elif step == "reopen":
        if a.ended_on is None:
            return str(_("The way of %(name)s has not ended; nothing changed.", name=a.name))
        ops.reopen(who, a)
        return str(_("The end of %(name)s's way is undone: %(stage)s again.", name=a.name,
                     stage=_label(a.stage)))
    elif step == "end":
        already = a.ended_on is not None
        ops.end_path(who, a, ended_on=v["ended_on"], reason=v["end_reason"],
                     note=v["end_note"], today=day)
        assert a.ended_on is not None
        if already:
            return str(_("The way of %(name)s had ended on %(date)s already; nothing "
                         "changed.", name=a.name, date=a.ended_on.isoformat()))
        return str(_("The way of %(name)s ended on %(date)s: %(reason)s.", name=a.name,
                     date=a.ended_on.isoformat(), reason=_label(a.end_reason)))
    return str(_("Saved: %(step)s.", step=STEP_TITLES[step]))


# -- loading and reading -----------------------------------------------------------------


def _applicant(value: Any) -> tuple[Applicant, int] | None:
    try:
        found = recruit_reads.applicant_by_id(int(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return (found, found.branch_id) if found is not None else None


@dataclass(frozen=True)
class Line:
    """A person of the pipeline: who, the stage, what is due next and by when."""

    id: int
    name: str
    stage: RecruitStage
    applied_on: dt.date
    due: rules.Due | None
    overdue: bool


def _line(a: Applicant, day: dt.date) -> Line:
    due = rules.next_step(recruit_reads.record_of(a))
    overdue = bool(due and due.due_on and due.due_on < day)
    return Line(a.id, a.name, a.stage, a.applied_on, due, overdue)


@dataclass(frozen=True)
class EndedLine:
    """A person whose way ended before admission: who, the stage reached, when and why."""

    id: int
    name: str
    stage: RecruitStage
    ended_on: dt.date
    reason: RecruitEnd | None
    note: str | None


def _ended_line(a: Applicant) -> EndedLine:
    assert a.ended_on is not None
    return EndedLine(a.id, a.name, a.stage, a.ended_on, a.end_reason, a.end_note)


def _member_of(a: Applicant) -> Member | None:
    return db.session.get(Member, a.member_id) if a.member_id else None


def _private(a: Applicant, revealed: bool) -> list[tuple[str, str]]:
    """(label, value) of the person's private fields (the member's, once admitted),
    masked unless ``revealed``."""
    source: Any = _member_of(a) or a
    labels = {"id_number": _("ID number"), "phone": _("Phone"), "address": _("Address"),
              "birth_date": _("Birth date")}
    out = []
    for field in ops.PRIVATE:
        value = getattr(source, field)
        text = value.isoformat() if isinstance(value, dt.date) else (value or "")
        out.append((labels[field], text if revealed or not text else str(mask(field, text))))
    return out


@dataclass(frozen=True)
class Event:
    """One dated line of the person's history."""

    on: dt.date
    text: str
    late: bool = False


def _history(a: Applicant) -> list[Event]:
    """The steps taken, in order of date, with who and how many where the step has them."""
    names = recruit_reads.member_names([a.contact_1_id, a.contact_2_id, a.introducer_1_id,
                                        a.introducer_2_id])

    def who(*ids: int | None) -> str:
        return "、".join(names[i][1] for i in ids if i in names)

    def counts(prefix: str) -> str:
        n = {k: getattr(a, f"{prefix}_{k}") for k in ("expected", "present", "for",
                                                      "against", "abstain")}
        return str(_("应到 %(expected)s, 实到 %(present)s; 赞成 %(in_favour)s, 反对 "
                     "%(against)s, 弃权 %(abstain)s", expected=n["expected"],
                     present=n["present"], in_favour=n["for"], against=n["against"],
                     abstain=n["abstain"]))

    events = [Event(a.applied_on, _("Applied to join the party"))]
    if a.talk_on:
        events.append(Event(a.talk_on, _("Talk after the application") + (
            f" · {a.talk_by}" if a.talk_by else ""), rules.talk_late(a.applied_on, a.talk_on)))
    if a.activist_on:
        events.append(Event(a.activist_on, _("Activist (入党积极分子); 培养联系人: %(names)s",
                                              names=who(a.contact_1_id, a.contact_2_id))))
    if a.activist_filed_on:
        events.append(Event(a.activist_filed_on, _("Filed with the 上级 (备案)")))
    if a.training_on:
        events.append(Event(a.training_on, _("党校 training, %(hours)s hours",
                                              hours=a.training_hours)))
    if a.opinions_on:
        events.append(Event(a.opinions_on, _("Opinions heard (听取意见)")))
    if a.candidate_on:
        events.append(Event(a.candidate_on, _("发展对象, by decision of the 支委会")))
    if a.review_on:
        events.append(Event(a.review_on, _("Political review: %(conclusion)s",
                                            conclusion=_label(a.review_conclusion))))
    if a.intensive_on:
        events.append(Event(a.intensive_on, _("集中培训, %(hours)s hours",
                                               hours=a.intensive_hours)))
    if a.prereview_on:
        events.append(Event(a.prereview_on, _("预审 by the 上级; 入党志愿书 %(number)s",
                                               number=a.pledge_number or "–")))
    if a.notice_from and a.notice_until:
        events.append(Event(a.notice_from, _("公示 %(start)s to %(end)s",
                                              start=a.notice_from.isoformat(),
                                              end=a.notice_until.isoformat())))
    if a.admit_meeting_on:
        events.append(Event(a.admit_meeting_on, _("支部大会 on the admission: %(counts)s",
                                                   counts=counts("admit"))))
    if a.superior_talk_on:
        events.append(Event(a.superior_talk_on, _("Talk by the 上级")))
    if a.approved_on and a.admit_meeting_on:
        events.append(Event(a.approved_on, _("Admission approved: probationary member"),
                            rules.approval_late(a.admit_meeting_on, a.approved_on)))
    if a.extended_on:
        events.append(Event(a.extended_on, _("Probation extended by %(months)s months: "
                                              "%(reason)s", months=a.extension_months,
                                              reason=a.extension_reason or "")))
    if a.convert_meeting_on:
        record = recruit_reads.record_of(a)
        late = bool(record.probation_ends and rules.conversion_late(record.probation_ends,
                                                                     a.convert_meeting_on))
        events.append(Event(a.convert_meeting_on, _("支部大会 on the conversion: %(counts)s",
                                                     counts=counts("convert")), late))
    if a.convert_approved_on and a.convert_meeting_on:
        events.append(Event(a.convert_approved_on, _("Conversion approved: full member"),
                            rules.approval_late(a.convert_meeting_on, a.convert_approved_on)))
    if a.ended_on:
        events.append(Event(a.ended_on, _("The way ended: %(reason)s", reason=_label(
            a.end_reason)) + (f" · {a.end_note}" if a.end_note else "")))
    return sorted(events, key=lambda e: e.on)


def _label(value: Any) -> str:
    return label(value, locale_code())


# -- the screens ---------------------------------------------------------------------------


@bp.get("/branches/<code>/recruitment")
@branch_access()
def recruitment(branch: Branch) -> str:
    """The branch's pipeline: how many at each stage, and who is due for what; those whose
    way ended are listed apart (已终止), never counted in a stage as on the way."""
    day = today()
    people = recruit_reads.branch_applicants(branch.id)
    lines = [_line(a, day) for a in people if a.ended_on is None]
    ended = sorted((_ended_line(a) for a in people if a.ended_on is not None),
                   key=lambda e: (e.ended_on, e.id), reverse=True)
    counts = {stage: sum(1 for line in lines if line.stage is stage) for stage in RecruitStage}
    return render_template("console/recruitment.html", branch=branch, lines=lines,
                           ended=ended, counts=counts, stages=list(RecruitStage),
                           titles=STEP_TITLES,
                           manages=current_access().manages(branch.id), today=day,
                           year=day.year)


@bp.route("/branches/<code>/recruitment/new", methods=["GET", "POST"])
@branch_access(write=True)
def new_applicant(branch: Branch) -> ResponseReturnValue:
    """Record an application (入党申请书)."""
    form = request.form
    if request.method == "POST":
        if not PostForm().validate_on_submit():
            abort(400)
        applied_on, birth_date = (parse_date(form.get(k, "")) for k in ("applied_on",
                                                                        "birth_date"))
        gender_text = form.get("gender", "")
        try:
            a = ops.apply(actor(), branch=branch, name=form.get("name", "")[:200],
                          applied_on=applied_on, birth_date=birth_date,
                          gender=Gender(gender_text) if gender_text in set(Gender) else None,
                          ethnicity=form.get("ethnicity", "")[:100],
                          id_number=form.get("id_number", "")[:40],
                          phone=form.get("phone", "")[:100],
                          address=form.get("address", "")[:400], today=today())
        except RuleViolation as error:
            db.session.rollback()
            return render_template("console/recruitment_new.html", branch=branch,
                                   errors=_by_field(error.problems), values=form,
                                   genders=list(Gender)), 400
        db.session.commit()
        flash(_("Application of %(name)s recorded.", name=a.name))
        return redirect(url_for("console.applicant", applicant_id=a.id), 303)
    return render_template("console/recruitment_new.html", branch=branch, errors={},
                           values={}, genders=list(Gender))


def _by_field(problems: list[Problem]) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for p in problems:
        out.setdefault(p.field, []).append(str(p))
    return out


def _person_view(a: Applicant, revealed: bool) -> str:
    branch = db.session.get(Branch, a.branch_id)
    manages = current_access().manages(a.branch_id)
    due = rules.next_step(recruit_reads.record_of(a))
    return render_template(
        "console/recruitment_person.html", a=a, branch=branch, member=_member_of(a),
        key=ops.key_of(a), history=_history(a), manages=manages, revealed=revealed,
        private=_private(a, revealed) if manages else [], due=due, titles=STEP_TITLES,
        steps=_steps(a), today=today())


def _steps(a: Applicant) -> tuple[str, ...]:
    """The steps the person's screen offers: once the way has ended, only undoing the end
    (an end recorded in error)."""
    return ("reopen",) if a.ended_on is not None else STAGE_STEPS[a.stage]


@bp.get("/recruitment/<int:applicant_id>")
@record_access(_applicant, arg="applicant_id", pass_as="a")
def applicant(a: Applicant) -> str:
    """One person: stage, what is due, the history of the steps; private fields masked
    (for those who manage the branch only)."""
    return _person_view(a, revealed=False)


@bp.post("/recruitment/<int:applicant_id>/reveal")
@record_access(_applicant, arg="applicant_id", pass_as="a", write=True)
def reveal_applicant(a: Applicant) -> str:
    """Show the private fields once, and log who looked (which fields, not their values)."""
    if not PostForm().validate_on_submit():
        abort(400)
    source: Any = _member_of(a) or a
    shown = [f for f in ops.PRIVATE if getattr(source, f)]
    log_change(Actor(current_user.username, "console"), "reveal", "applicant", ops.key_of(a),
               {"revealed": (None, ", ".join(shown))})
    db.session.commit()
    return _person_view(a, revealed=True)


@bp.route("/recruitment/<int:applicant_id>/<step>", methods=["GET", "POST"])
@record_access(_applicant, arg="applicant_id", pass_as="a", write=True)
def recruitment_step(a: Applicant, step: str) -> ResponseReturnValue:
    """The form of one step; refused with the rule named when out of order or incomplete."""
    if step not in STEP_FIELDS:
        abort(404)
    fields = STEP_FIELDS[step]
    errors: dict[str | None, list[str]] = {}
    status = 200
    values: Any = {f.name: today().isoformat() for f in fields if f.today}
    if request.method == "POST":
        values = request.form
        if not PostForm().validate_on_submit():
            abort(400)
        try:
            message = _apply(step, a, _read(fields, request.form, a.branch_id))
        except FormProblems as error:
            errors, status = _by_field(error.problems), 400
        except RuleViolation as error:
            db.session.rollback()
            errors, status = _by_field(error.problems), 400
        else:
            db.session.commit()
            flash(message)
            return redirect(url_for("console.applicant", applicant_id=a.id), 303)
    return render_template(
        "console/recruitment_step.html", a=a, step=step, title=STEP_TITLES[step],
        hint=STEP_HINTS.get(step),
        fields=fields, errors=errors, values=values,
        members=recruit_reads.full_members(a.branch_id), conclusions=list(ReviewConclusion),
        end_reasons=list(RecruitEnd), record=recruit_reads.record_of(a), key=ops.key_of(a),
        allowed=step in _steps(a)), status


@bp.get("/branches/<code>/recruitment/table.xlsx")
@branch_access()
def recruitment_table(branch: Branch) -> ResponseReturnValue:
    """The yearly development table of the branch (applications, activists, 发展对象,
    admitted, converted), as a spreadsheet."""
    text = request.args.get("year", "")
    year = int(text) if text.isdigit() and 1921 <= int(text) <= 2200 else today().year
    body = io.BytesIO()
    write_yearly_table(body, branch.name, year,
                       yearly_table(recruit_reads.branch_applicants(branch.id), year))
    return downloads.xlsx(body.getvalue(), f"partycard-{branch.code}-recruitment-{year}.xlsx")
