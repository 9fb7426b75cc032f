"""Pure rules of 发展党员 (《中国共产党发展党员工作细则》): plain values in, problems out.

Every step of the way has its check: a step taken out of order, or without an item it
needs, is refused with the rule named (:data:`RULES`, shown in the message). Thresholds a
branch cannot undo once passed (a talk held late, an approval that came after three months)
are facts of the record, not refusals: :func:`talk_late`, :func:`approval_late` and
:func:`conversion_late` say so, the person's screen marks the step, and while a step is
still pending the self-audit (``profiles.audit.recruitment``) warns before it is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from core.problems import Problem, problem
from profiles.enums import RecruitEnd, RecruitStage, ReviewConclusion
from profiles.labels import label
from profiles.members.rules import full_years, id_number_problems
from profiles.months import add_months
from profiles.recruitment.models import MAX_HOURS, MAX_VOTERS

MIN_AGE = 18  # 年满十八岁 (Party Constitution art. 1)
TALK_WITHIN_MONTHS = 1  # 党组织应当在一个月内派人同入党申请人谈话 (细则 art. 7)
ACTIVIST_MONTHS = 12  # 经过一年以上培养教育和考察 (细则 art. 13)
APPROVAL_WITHIN_MONTHS = 3  # 上级党委审批 within three months of the 支部大会 (细则 art. 28)
PROBATION_MONTHS = 12  # 预备期一年, from the 支部大会 (细则 art. 31)
EXTENSION_MONTHS = (6, 12)  # 延长预备期, once, at least six months, at most one year
CONVERSION_WITHIN_MONTHS = 1  # 预备期满, the 支部大会 discusses the conversion promptly
NOTICE_MIN_DAYS = 5  # 公示 (细则 art. 23): five days at least
NOTICE_MAX_DAYS = 60

# Each rule as the messages name it (msgids; zh in translations/zh/.../recruitment.po).
RULES = {
    "age": _l("applicants are at least 18"),
    "order": _l("steps in order"),
    "talk": _l("the talk within a month of the application"),
    "activist_year": _l("at least a year as activist"),
    "contacts": _l("one or two 培养联系人, full members"),
    "introducers": _l("two 入党介绍人, full members"),
    "review": _l("政治审查 before admission"),
    "notice": _l("预审 and 公示 before the 支部大会"),
    "quorum": _l("more than half of the voting members present"),
    "majority": _l("more than half of all voting full members in favour"),
    "approval": _l("approval within 3 months of the 支部大会"),
    "probation": _l("probation one year from the 支部大会"),
    "extension": _l("one extension of 6 to 12 months"),
    "counts": _l("counts that add up"),
}

STEPS = ("talk", "activist", "training", "candidate", "introducers", "review", "intensive",
         "prereview", "notice", "admit", "approve", "extend", "convert", "convert_approve")


def refusal(field: str | None, rule: str, message: str, **params: object) -> Problem:
    """A problem that names its rule: "Rule «…»: message"."""
    return problem(field, "Rule «%(rule)s»: " + message, rule=RULES[rule], **params)


# -- the record as the rules read it -----------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A full member who can be a 培养联系人 or 入党介绍人 (as the branch records them)."""

    id: int
    name: str
    full: bool  # 正式党员 (not 预备)
    active: bool = True  # not transferred out


@dataclass(frozen=True)
class Votes:
    """A 支部大会's counts: voting members expected (应到) and present (实到), and the vote."""

    expected: int | None
    present: int | None
    in_favour: int | None
    against: int | None
    abstain: int | None


@dataclass(frozen=True)
class Record:
    """One applicant's record as it stands (the dates of the steps taken so far)."""

    stage: RecruitStage
    applied_on: dt.date
    talk_on: dt.date | None = None
    activist_on: dt.date | None = None
    activist_filed_on: dt.date | None = None
    contacts: int = 0
    training_on: dt.date | None = None
    opinions_on: dt.date | None = None
    candidate_on: dt.date | None = None
    introducers: int = 0
    review_on: dt.date | None = None
    review_conclusion: ReviewConclusion | None = None
    intensive_on: dt.date | None = None
    prereview_on: dt.date | None = None
    notice_from: dt.date | None = None
    notice_until: dt.date | None = None
    pledge_number: str | None = None
    admit_meeting_on: dt.date | None = None
    approved_on: dt.date | None = None
    extension_months: int = 0
    convert_meeting_on: dt.date | None = None
    convert_approved_on: dt.date | None = None
    # 发展终止: the way ended before admission (the stage reached stays).
    ended_on: dt.date | None = None
    end_reason: RecruitEnd | None = None
    end_note: str | None = None

    @property
    def probation_ends(self) -> dt.date | None:
        """One year from the 支部大会, plus any extension."""
        if self.admit_meeting_on is None:
            return None
        return add_months(self.admit_meeting_on, PROBATION_MONTHS + self.extension_months)


def _ended(record: Record) -> list[Problem]:
    """A step for someone whose way has ended: refused (nothing more is taken or owed)."""
    if record.ended_on is None:
        return []
    return [problem(None, "The way of this person ended on %(date)s (%(reason)s); no "
                    "further step is recorded. If they apply again, record a new "
                    "application.", date=record.ended_on.isoformat(),
                    reason=label(record.end_reason))]


def _stage(record: Record, *wanted: RecruitStage) -> list[Problem]:
    if record.ended_on is not None:
        return _ended(record)
    if record.stage in wanted:
        return []
    return [refusal(None, "order", "this step is for a %(wanted)s; the person is a %(stage)s "
                    "now. Take the steps in order.", wanted=label(wanted[0]),
                    stage=label(record.stage))]


def _not_before(field: str, day: dt.date | None, earlier: dt.date | None, what: Any,
                rule: str = "order") -> list[Problem]:
    if day is not None and earlier is not None and day < earlier:
        return [refusal(field, rule, "the date %(date)s is before %(what)s (%(earlier)s); "
                        "check the date.", date=day.isoformat(), what=what,
                        earlier=earlier.isoformat())]
    return []


def _required(field: str, value: object, what: Any) -> list[Problem]:
    if value is None or value == "":
        return [problem(field, "Give %(what)s.", what=what)]
    return []


def _not_future(field: str, day: dt.date | None, today: dt.date | None) -> list[Problem]:
    if day is not None and today is not None and day > today:
        return [problem(field, "The date %(date)s is in the future; record a step once it "
                        "has happened.", date=day.isoformat())]
    return []


def _hours(field: str, hours: int | None) -> list[Problem]:
    if hours is None:
        return [problem(field, "Give the training hours.")]
    if not 1 <= hours <= MAX_HOURS:
        return [problem(field, "Training hours are a whole number from 1 to %(max)s.",
                        max=MAX_HOURS)]
    return []


# -- the steps ---------------------------------------------------------------------------


def application_problems(*, name: str, birth_date: dt.date | None, applied_on: dt.date | None,
                         id_number: str | None = None,
                         today: dt.date | None = None) -> list[Problem]:
    """A name, a birth date and the application's date; at least 18 on that day."""
    found = []
    if not name.strip():
        found.append(problem("name", "Give the applicant's name."))
    elif len(name) > 60:
        found.append(problem("name", "Too long: at most %(count)s characters.", count=60))
    found += _required("birth_date", birth_date, _l("the birth date (the age rule needs it)"))
    found += _required("applied_on", applied_on, _l("the date of the application"))
    found += _not_future("applied_on", applied_on, today)
    if birth_date and applied_on and full_years(birth_date, applied_on) < MIN_AGE:
        found.append(refusal("birth_date", "age", "the applicant was %(age)s on the day of the "
                             "application (%(date)s); an application counts from the 18th "
                             "birthday on.", age=full_years(birth_date, applied_on),
                             date=applied_on.isoformat()))
    if id_number:
        found += id_number_problems(id_number)
    return found


def talk_problems(record: Record, *, talk_on: dt.date | None,
                  today: dt.date | None = None) -> list[Problem]:
    """The talk (谈话) with an applicant, on or after the application."""
    return (_stage(record, RecruitStage.APPLICANT)
            + _required("talk_on", talk_on, _l("the date of the talk"))
            + _not_future("talk_on", talk_on, today)
            + _not_before("talk_on", talk_on, record.applied_on, _l("the application")))


def talk_due(applied_on: dt.date) -> dt.date:
    """The last day for the talk: a month after the application."""
    return add_months(applied_on, TALK_WITHIN_MONTHS)


def talk_late(applied_on: dt.date, talk_on: dt.date) -> bool:
    """Whether the talk came more than a month after the application."""
    return talk_on > talk_due(applied_on)


def _people_problems(field: str, people: Sequence[Person], low: int, high: int,
                     rule: str, own_member_id: int | None = None) -> list[Problem]:
    found = []
    if not low <= len(people) <= high:
        found.append(refusal(field, rule, "name %(low)s to %(high)s people." if low != high
                             else "name %(low)s people.", low=low, high=high))
    if len({p.id for p in people}) != len(people):
        found.append(refusal(field, rule, "the same person is named twice."))
    for p in people:
        if not p.full or not p.active:
            found.append(refusal(field, rule, "%(name)s is not a full member (正式党员) of "
                                 "the organisation.", name=p.name))
        if own_member_id is not None and p.id == own_member_id:
            found.append(refusal(field, rule, "a person cannot introduce themself."))
    return found


def activist_problems(record: Record, *, decided_on: dt.date | None,
                      filed_on: dt.date | None, contacts: Sequence[Person],
                      today: dt.date | None = None) -> list[Problem]:
    """入党积极分子: after the talk, the branch decides, the 上级 files it; one or two
    培养联系人, full members."""
    found = _stage(record, RecruitStage.APPLICANT)
    if record.talk_on is None:
        found.append(refusal("decided_on", "talk", "record the talk with the applicant "
                             "first."))
    found += _required("decided_on", decided_on, _l("the date of the branch's decision"))
    found += _required("filed_on", filed_on, _l("the date the 上级 filed it (备案)"))
    found += _not_future("decided_on", decided_on, today) + _not_future("filed_on", filed_on,
                                                                          today)
    found += _not_before("decided_on", decided_on, record.talk_on, _l("the talk"))
    found += _not_before("filed_on", filed_on, decided_on, _l("the branch's decision"))
    found += _people_problems("contacts", contacts, 1, 2, "contacts")
    return found


def training_problems(record: Record, *, completed_on: dt.date | None, hours: int | None,
                      today: dt.date | None = None) -> list[Problem]:
    """党校 training of an activist (or a 发展对象): its end and hours."""
    return (_stage(record, RecruitStage.ACTIVIST, RecruitStage.CANDIDATE)
            + _required("completed_on", completed_on, _l("the date the training ended"))
            + _not_future("completed_on", completed_on, today)
            + _not_before("completed_on", completed_on, record.activist_on,
                          _l("becoming an activist"))
            + _hours("hours", hours))


def candidate_eligible_on(activist_on: dt.date) -> dt.date:
    """The first day an activist may become a 发展对象: a year after the decision."""
    return add_months(activist_on, ACTIVIST_MONTHS)


def candidate_problems(record: Record, *, opinions_on: dt.date | None,
                       decided_on: dt.date | None,
                       today: dt.date | None = None) -> list[Problem]:
    """发展对象: a year as activist at least, trained; 听取意见, then the 支委会 decides."""
    found = _stage(record, RecruitStage.ACTIVIST)
    if record.training_on is None:
        found.append(refusal("decided_on", "order", "record the activist's training (党校) "
                             "first."))
    found += _required("opinions_on", opinions_on, _l("the date opinions were heard (听取意见)"))
    found += _required("decided_on", decided_on, _l("the date of the 支委会's decision"))
    found += _not_future("decided_on", decided_on, today)
    found += _not_before("opinions_on", opinions_on, record.activist_on,
                         _l("becoming an activist"))
    found += _not_before("decided_on", decided_on, opinions_on, _l("hearing the opinions"))
    if decided_on and record.activist_on and decided_on < candidate_eligible_on(
            record.activist_on):
        found.append(refusal("decided_on", "activist_year", "an activist since %(since)s can "
                             "become a 发展对象 from %(first)s on.",
                             since=record.activist_on.isoformat(),
                             first=candidate_eligible_on(record.activist_on).isoformat()))
    return found


def introducer_problems(record: Record, introducers: Sequence[Person]) -> list[Problem]:
    """Two 入党介绍人, full members, for a 发展对象."""
    return (_stage(record, RecruitStage.CANDIDATE)
            + _people_problems("introducers", introducers, 2, 2, "introducers"))


def review_problems(record: Record, *, reviewed_on: dt.date | None,
                    conclusion: ReviewConclusion | None,
                    today: dt.date | None = None) -> list[Problem]:
    """政治审查 of a 发展对象, and its conclusion."""
    return (_stage(record, RecruitStage.CANDIDATE)
            + _required("reviewed_on", reviewed_on, _l("the date of the political review"))
            + _required("conclusion", conclusion, _l("the review's conclusion"))
            + _not_future("reviewed_on", reviewed_on, today)
            + _not_before("reviewed_on", reviewed_on, record.candidate_on,
                          _l("becoming a 发展对象")))


def intensive_problems(record: Record, *, completed_on: dt.date | None, hours: int | None,
                       today: dt.date | None = None) -> list[Problem]:
    """集中培训 of a 发展对象."""
    return (_stage(record, RecruitStage.CANDIDATE)
            + _required("completed_on", completed_on, _l("the date the training ended"))
            + _not_future("completed_on", completed_on, today)
            + _not_before("completed_on", completed_on, record.candidate_on,
                          _l("becoming a 发展对象"))
            + _hours("hours", hours))


def prereview_problems(record: Record, *, prereviewed_on: dt.date | None,
                       pledge_number: str | None,
                       today: dt.date | None = None) -> list[Problem]:
    """上级预审, once the introducers, a passed political review and the 集中培训 are on
    record; the 入党志愿书 it issues, by number."""
    found = _stage(record, RecruitStage.CANDIDATE)
    if record.introducers < 2:
        found.append(refusal("prereviewed_on", "introducers", "record the two 入党介绍人 "
                             "first."))
    if record.review_conclusion is not ReviewConclusion.PASSED:
        found.append(refusal("prereviewed_on", "review", "record a passed political review "
                             "first."))
    if record.intensive_on is None:
        found.append(refusal("prereviewed_on", "order", "record the 集中培训 first."))
    found += _required("prereviewed_on", prereviewed_on, _l("the date of the 预审"))
    found += _not_future("prereviewed_on", prereviewed_on, today)
    found += _not_before("prereviewed_on", prereviewed_on, record.review_on,
                         _l("the political review"))
    found += _not_before("prereviewed_on", prereviewed_on, record.intensive_on,
                         _l("the 集中培训"))
    found += _required("pledge_number", (pledge_number or "").strip(),
                       _l("the number of the 入党志愿书"))
    if pledge_number and len(pledge_number.strip()) > 32:
        found.append(problem("pledge_number", "Too long: at most %(count)s characters.",
                             count=32))
    return found


def notice_problems(record: Record, *, notice_from: dt.date | None,
                    notice_until: dt.date | None,
                    today: dt.date | None = None) -> list[Problem]:
    """公示 after the 预审, at least five days, ended before the 支部大会 (recorded late
    too, for a record kept after the fact)."""
    found = _ended(record)
    if record.prereview_on is None:
        found.append(refusal("notice_from", "notice", "record the 预审 first."))
    found += _required("notice_from", notice_from, _l("the first day of the 公示"))
    found += _required("notice_until", notice_until, _l("the last day of the 公示"))
    found += _not_future("notice_until", notice_until, today)
    found += _not_before("notice_from", notice_from, record.prereview_on, _l("the 预审"), "notice")
    if notice_from and notice_until:
        days = (notice_until - notice_from).days + 1
        if not NOTICE_MIN_DAYS <= days <= NOTICE_MAX_DAYS:
            found.append(refusal("notice_until", "notice", "a 公示 lasts %(low)s to %(high)s "
                                 "days; this one is %(days)s.", low=NOTICE_MIN_DAYS,
                                 high=NOTICE_MAX_DAYS, days=days))
    if notice_until and record.admit_meeting_on and notice_until >= record.admit_meeting_on:
        found.append(refusal("notice_until", "notice", "the 公示 ends before the 支部大会 "
                             "(%(date)s).", date=record.admit_meeting_on.isoformat()))
    return found


def vote_problems(votes: Votes) -> list[Problem]:
    """The counts in range (赞成+反对+弃权 ≤ 实到 ≤ 应到), then the quorum (more than half
    of the voting members present) and the majority (more than half of ALL voting members
    in favour: 赞成 × 2 > 应到)."""
    found = []
    names = (("expected", votes.expected, "应到"), ("present", votes.present, "实到"),
             ("in_favour", votes.in_favour, "赞成"), ("against", votes.against, "反对"),
             ("abstain", votes.abstain, "弃权"))
    for field, value, what in names:
        if value is None:
            found.append(problem(field, "Give the number %(what)s.", what=what))
        elif not 0 <= value <= MAX_VOTERS:
            found.append(problem(field, "A number from 0 to %(max)s.", max=MAX_VOTERS))
    if found:
        return found
    expected, present = votes.expected or 0, votes.present or 0
    cast = (votes.in_favour or 0) + (votes.against or 0) + (votes.abstain or 0)
    if expected < 1:
        found.append(problem("expected", "A 支部大会 has at least one voting member (应到)."))
    elif present > expected:
        found.append(refusal("present", "counts", "实到 (%(present)s) is more than 应到 "
                             "(%(expected)s).", present=present, expected=expected))
    elif cast > present:
        found.append(refusal("in_favour", "counts", "赞成+反对+弃权 (%(cast)s) is more than "
                             "实到 (%(present)s).", cast=cast, present=present))
    if found:
        return found
    if present * 2 <= expected:
        found.append(refusal("present", "quorum", "%(present)s of %(expected)s voting members "
                             "were present; the 支部大会 can resolve only with more than "
                             "half.", present=present, expected=expected))
    elif (votes.in_favour or 0) * 2 <= expected:
        found.append(refusal("in_favour", "majority", "%(count)s in favour of %(expected)s "
                             "voting members; the resolution passes only with more than half "
                             "of all of them.", count=votes.in_favour, expected=expected))
    return found


def admission_problems(record: Record, *, meeting_on: dt.date | None, votes: Votes,
                       today: dt.date | None = None) -> list[Problem]:
    """The 支部大会 on the admission: after the 预审 and a 公示 that has ended, with the
    志愿书 issued; quorum and majority."""
    found = _stage(record, RecruitStage.CANDIDATE)
    if record.admit_meeting_on is not None:
        found.append(refusal(None, "order", "the 支部大会 on this admission is already on "
                             "record (%(date)s).", date=record.admit_meeting_on.isoformat()))
    if record.prereview_on is None or not record.pledge_number:
        found.append(refusal("meeting_on", "notice", "record the 预审 and the 志愿书 number "
                             "first."))
    if record.notice_until is None:
        found.append(refusal("meeting_on", "notice", "record the 公示 first."))
    found += _required("meeting_on", meeting_on, _l("the date of the 支部大会"))
    found += _not_future("meeting_on", meeting_on, today)
    if meeting_on and record.notice_until and meeting_on <= record.notice_until:
        found.append(refusal("meeting_on", "notice", "the 支部大会 comes after the 公示 "
                             "ends (%(date)s).", date=record.notice_until.isoformat()))
    return found + vote_problems(votes)


def approval_due(meeting_on: dt.date) -> dt.date:
    """The last day of the 上级's approval: three months after the 支部大会."""
    return add_months(meeting_on, APPROVAL_WITHIN_MONTHS)


def approval_late(meeting_on: dt.date, approved_on: dt.date) -> bool:
    """Whether the approval came more than three months after the 支部大会."""
    return approved_on > approval_due(meeting_on)


def approval_problems(record: Record, *, talk_on: dt.date | None,
                      approved_on: dt.date | None,
                      today: dt.date | None = None) -> list[Problem]:
    """The 上级's talk with the 发展对象 and its approval, after the 支部大会."""
    found = _stage(record, RecruitStage.CANDIDATE)
    if record.admit_meeting_on is None:
        found.append(refusal("approved_on", "order", "record the 支部大会 first."))
    found += _required("talk_on", talk_on, _l("the date of the 上级's talk"))
    found += _required("approved_on", approved_on, _l("the date of the approval"))
    found += _not_future("approved_on", approved_on, today)
    found += _not_before("talk_on", talk_on, record.admit_meeting_on, _l("the 支部大会"))
    found += _not_before("approved_on", approved_on, talk_on, _l("the 上级's talk"))
    return found


def extension_problems(record: Record, *, decided_on: dt.date | None, months: int | None,
                       reason: str, today: dt.date | None = None) -> list[Problem]:
    """延长预备期: once, 6 to 12 months, with a reason, decided when the year is up."""
    found = _stage(record, RecruitStage.PROBATIONARY)
    if record.extension_months:
        found.append(refusal("months", "extension", "the probation was extended once already "
                             "(%(months)s months).", months=record.extension_months))
    if record.convert_meeting_on is not None:
        found.append(refusal(None, "order", "the conversion is already on record."))
    found += _required("decided_on", decided_on, _l("the date of the decision"))
    found += _not_future("decided_on", decided_on, today)
    if months is None or not EXTENSION_MONTHS[0] <= months <= EXTENSION_MONTHS[1]:
        found.append(refusal("months", "extension", "an extension is %(low)s to %(high)s "
                             "months.", low=EXTENSION_MONTHS[0], high=EXTENSION_MONTHS[1]))
    if not reason.strip():
        found.append(problem("reason", "Give the reason for the extension."))
    elif len(reason) > 200:
        found.append(problem("reason", "Too long: at most %(count)s characters.", count=200))
    if decided_on and record.admit_meeting_on:
        found += _not_before("decided_on", decided_on,
                             add_months(record.admit_meeting_on, PROBATION_MONTHS),
                             _l("the end of the year's probation"), "probation")
    return found


def conversion_problems(record: Record, *, meeting_on: dt.date | None, votes: Votes,
                        today: dt.date | None = None) -> list[Problem]:
    """The 支部大会 on the conversion (转正): once probation has ended; quorum, majority."""
    found = _stage(record, RecruitStage.PROBATIONARY)
    if record.convert_meeting_on is not None:
        found.append(refusal(None, "order", "the 支部大会 on this conversion is already on "
                             "record (%(date)s).", date=record.convert_meeting_on.isoformat()))
    found += _required("meeting_on", meeting_on, _l("the date of the 支部大会"))
    found += _not_future("meeting_on", meeting_on, today)
    if meeting_on and record.probation_ends and meeting_on < record.probation_ends:
        found.append(refusal("meeting_on", "probation", "the probation ends %(date)s; the "
                             "conversion is decided then, not before.",
                             date=record.probation_ends.isoformat()))
    return found + vote_problems(votes)


def conversion_late(probation_ends: dt.date, meeting_on: dt.date) -> bool:
    """Whether the 支部大会 on the conversion came more than a month after the probation
    ended (it is to be held when it ends)."""
    return meeting_on > add_months(probation_ends, CONVERSION_WITHIN_MONTHS)


def conversion_approval_problems(record: Record, *, approved_on: dt.date | None,
                                 today: dt.date | None = None) -> list[Problem]:
    """The 上级's approval of the conversion, after its 支部大会."""
    found = _stage(record, RecruitStage.PROBATIONARY)
    if record.convert_meeting_on is None:
        found.append(refusal("approved_on", "order", "record the 支部大会 on the conversion "
                             "first."))
    found += _required("approved_on", approved_on, _l("the date of the approval"))
    found += _not_future("approved_on", approved_on, today)
    found += _not_before("approved_on", approved_on, record.convert_meeting_on, _l("the 支部大会"))
    return found


# -- the end of the way before admission (发展终止) ----------------------------------------

# Who may end for which reason: a 支部大会 resolves only on a 发展对象, and a 资格 is
# cancelled only of an activist or a 发展对象 (an applicant withdraws, moves or "other").
END_STAGES = (RecruitStage.APPLICANT, RecruitStage.ACTIVIST, RecruitStage.CANDIDATE)
END_REASON_STAGES: dict[RecruitEnd, tuple[RecruitStage, ...]] = {
    RecruitEnd.WITHDRAWN: END_STAGES,
    RecruitEnd.DISQUALIFIED: (RecruitStage.ACTIVIST, RecruitStage.CANDIDATE),
    RecruitEnd.NOT_ADMITTED: (RecruitStage.CANDIDATE,),
    RecruitEnd.MOVED_AWAY: END_STAGES,
    RecruitEnd.OTHER: END_STAGES,
}
END_NOTE_MAX = 200

# Every dated step a record holds, as a message names it (an end comes after the latest).
STEP_DATE_NAMES = {
    "applied_on": _l("the application"), "talk_on": _l("the talk"),
    "activist_on": _l("becoming an activist"), "activist_filed_on": _l("the 上级 filing (备案)"),
    "training_on": _l("the 党校 training"), "opinions_on": _l("the opinions heard (听取意见)"),
    "candidate_on": _l("becoming a 发展对象"), "review_on": _l("the political review"),
    "intensive_on": _l("the 集中培训"), "prereview_on": _l("the 预审"),
    "notice_from": _l("the 公示"), "notice_until": _l("the end of the 公示"),
    "admit_meeting_on": _l("the 支部大会"),
}


def latest_step(record: Record) -> tuple[str, dt.date]:
    """The latest dated step on record (the application at least): (field, date)."""
    days = [(getattr(record, f), f) for f in STEP_DATE_NAMES if getattr(record, f)]
    day, field = max(days)
    return field, day


def end_problems(record: Record, *, ended_on: dt.date | None, reason: RecruitEnd | None,
                 note: str = "", today: dt.date | None = None) -> list[Problem]:
    """Ending the way before admission: an applicant who withdraws, an activist or 发展对象
    no longer suitable (细则: 对不再适合作为入党积极分子的应当取消其资格), a 发展对象 the
    支部大会 or the 上级 does not admit, someone who moves away. Dated on or after the
    latest step, not in the future; "other" says what in the note. The problems name the
    record's columns (ended_on, end_reason, end_note: the form's and the register's
    fields). An end already on
    record with the same values is no problem (a double tap), a different one is refused:
    a way ends once."""
    if record.stage not in END_STAGES:
        return [problem(None, "A %(stage)s is a member already: a membership ends through "
                        "the member's standing (转出, 去世, 自行脱党除名, 开除党籍, 退党) on "
                        "the member's screen, not here.", stage=label(record.stage))]
    note = note.strip()
    if record.ended_on is not None:
        if (ended_on, reason, note or None) == (record.ended_on, record.end_reason,
                                                record.end_note):
            return []
        return [problem(None, "The way of this person ended already on %(date)s "
                        "(%(reason)s); a way ends once. Open the person's record to see "
                        "the end.", date=record.ended_on.isoformat(),
                        reason=label(record.end_reason))]
    found = _required("ended_on", ended_on, _l("the date of the end"))
    found += _not_future("ended_on", ended_on, today)
    field, latest = latest_step(record)
    found += _not_before("ended_on", ended_on, latest, STEP_DATE_NAMES[field])
    if reason is None:
        found.append(problem("end_reason", "Choose why the way ends."))
    elif record.stage not in END_REASON_STAGES[reason]:
        found.append(problem("end_reason", "«%(reason)s» is not for a %(stage)s (it is for: "
                             "%(stages)s); choose another reason, or «其他» with a note.",
                             reason=label(reason), stage=label(record.stage),
                             stages="、".join(label(s) for s in END_REASON_STAGES[reason])))
    if len(note) > END_NOTE_MAX:
        found.append(problem("end_note", "Too long: at most %(count)s characters.",
                             count=END_NOTE_MAX))
    elif reason is RecruitEnd.OTHER and not note:
        found.append(problem("end_note", "Say in the note why the way ends (the reason is "
                             "«其他»)."))
    return found


# -- what is due next --------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """The next step of a person's way, and by when (None: no deadline) or from when."""

    step: str
    due_on: dt.date | None = None  # the last day (talk, approvals, conversion)
    from_on: dt.date | None = None  # the first day it may be taken (发展对象)


def next_step(record: Record) -> Due | None:
    """The step the branch owes this person next (None once a full member, or once the
    way has ended)."""
    r = record
    if r.ended_on is not None:
        return None
    if r.stage is RecruitStage.APPLICANT:
        return Due("talk", talk_due(r.applied_on)) if r.talk_on is None else Due("activist")
    if r.stage is RecruitStage.ACTIVIST:
        if r.training_on is None:
            return Due("training")
        assert r.activist_on is not None
        return Due("candidate", from_on=candidate_eligible_on(r.activist_on))
    if r.stage is RecruitStage.CANDIDATE:
        for step, missing in (("introducers", r.introducers < 2),
                              ("review", r.review_conclusion is not ReviewConclusion.PASSED),
                              ("intensive", r.intensive_on is None),
                              ("prereview", r.prereview_on is None),
                              ("notice", r.notice_until is None)):
            if missing:
                return Due(step)
        if r.admit_meeting_on is None:
            return Due("admit")
        return Due("approve", approval_due(r.admit_meeting_on))
    if r.stage is RecruitStage.PROBATIONARY:
        if r.convert_meeting_on is None:
            return Due("convert", r.probation_ends)
        return Due("convert_approve", approval_due(r.convert_meeting_on))
    return None


def stage_after(step: str, stage: RecruitStage) -> RecruitStage:
    """The stage a step leaves the person in."""
    return {"activist": RecruitStage.ACTIVIST, "candidate": RecruitStage.CANDIDATE,
            "approve": RecruitStage.PROBATIONARY,
            "convert_approve": RecruitStage.FULL}.get(step, stage)


# -- a register kept elsewhere (an import) ---------------------------------------------------

# The dates a stage needs on record, and (in order) the dates a register's row may give.
STAGE_DATES: dict[RecruitStage, tuple[str, ...]] = {
    RecruitStage.APPLICANT: ("applied_on",),
    RecruitStage.ACTIVIST: ("applied_on", "activist_on"),
    RecruitStage.CANDIDATE: ("applied_on", "activist_on", "candidate_on"),
    RecruitStage.PROBATIONARY: ("applied_on", "activist_on", "candidate_on",
                                "admit_meeting_on", "approved_on"),
    RecruitStage.FULL: ("applied_on", "activist_on", "candidate_on", "admit_meeting_on",
                        "approved_on", "convert_approved_on"),
}
DATE_ORDER = ("applied_on", "talk_on", "activist_on", "candidate_on", "admit_meeting_on",
              "approved_on", "convert_meeting_on", "convert_approved_on")
DATE_NAMES = {
    "applied_on": _l("the application"), "talk_on": _l("the talk"),
    "activist_on": _l("becoming an activist"), "candidate_on": _l("becoming a 发展对象"),
    "admit_meeting_on": _l("the 支部大会"), "approved_on": _l("the approval"),
    "convert_meeting_on": _l("the 支部大会 on the conversion"),
    "convert_approved_on": _l("the conversion's approval"),
}


def register_problems(record: Record, introducers: int, contacts: int) -> list[Problem]:
    """A register's row: the dates its stage needs, in order, with the year as activist, the
    two introducers of anyone admitted, the probation's year before the conversion."""
    found = []
    for field in STAGE_DATES[record.stage]:
        if getattr(record, field) is None:
            found.append(refusal(field, "order", "a %(stage)s has the date of %(what)s on "
                                 "record; fill in the cell or change the stage.",
                                 stage=label(record.stage), what=DATE_NAMES[field]))
    earlier: tuple[str, dt.date] | None = None
    for field in DATE_ORDER:
        day = getattr(record, field)
        if day is None:
            continue
        if earlier is not None and day < earlier[1]:
            found.append(refusal(field, "order", "the date %(date)s is before %(what)s "
                                 "(%(earlier)s); check both cells.", date=day.isoformat(),
                                 what=DATE_NAMES[earlier[0]], earlier=earlier[1].isoformat()))
        earlier = (field, day)
    if record.activist_on and record.candidate_on and record.candidate_on < \
            candidate_eligible_on(record.activist_on):
        found.append(refusal("candidate_on", "activist_year", "an activist since %(since)s "
                             "can become a 发展对象 from %(first)s on; check both cells.",
                             since=record.activist_on.isoformat(),
                             first=candidate_eligible_on(record.activist_on).isoformat()))
    if record.stage in (RecruitStage.PROBATIONARY, RecruitStage.FULL) and introducers != 2 \
            and introducers:
        found.append(refusal("introducers", "introducers", "name two, separated by 、."))
    if contacts > 2:
        found.append(refusal("contacts", "contacts", "name %(low)s to %(high)s people.",
                             low=1, high=2))
    if record.extension_months and not EXTENSION_MONTHS[0] <= record.extension_months <= \
            EXTENSION_MONTHS[1]:
        found.append(refusal("extension_months", "extension", "an extension is %(low)s to "
                             "%(high)s months.", low=EXTENSION_MONTHS[0],
                             high=EXTENSION_MONTHS[1]))
    ends = record.probation_ends
    if ends and record.convert_meeting_on and record.convert_meeting_on < ends:
        found.append(refusal("convert_meeting_on", "probation", "the probation ends %(date)s; "
                             "the conversion is decided then, not before.",
                             date=ends.isoformat()))
    return found
