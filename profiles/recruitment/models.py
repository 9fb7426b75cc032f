"""One person's way into the party (发展党员): the applicant record and every dated step.

The row is created with the application (入党申请人) and keeps its id for good: when the
上级 approves the admission, a member row (预备党员) is created and linked through
``member_id``; the person's private fields move to the member then (one copy only), and
this row keeps the history of the steps (the dates, the people, the votes). The person
is found by this row's id before and after admission.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from profiles.enums import Gender, RecruitEnd, RecruitStage, ReviewConclusion, enum_column

MAX_HOURS = 1000  # training hours: 党校 courses run to some dozens, never a thousand
MAX_VOTERS = 10_000  # voting members of a branch (a 支部大会)


def _votes(prefix: str) -> list[CheckConstraint]:
    """A 支部大会's counts: none negative, 赞成+反对+弃权 ≤ 实到 ≤ 应到 ≤ MAX_VOTERS."""
    p = prefix
    return [
        CheckConstraint(f"{p}_expected IS NULL OR {p}_expected BETWEEN 1 AND {MAX_VOTERS}",
                        name=f"{p}_expected_range"),
        CheckConstraint(f"{p}_present IS NULL OR ({p}_present >= 0 AND "
                        f"{p}_present <= {p}_expected)", name=f"{p}_present_range"),
        CheckConstraint(f"{p}_for IS NULL OR ({p}_for >= 0 AND {p}_against >= 0 AND "
                        f"{p}_abstain >= 0 AND {p}_for + {p}_against + {p}_abstain "
                        f"<= {p}_present)", name=f"{p}_votes_range"),
    ]


class Applicant(db.Model):  # type: ignore[name-defined,misc]
    """A person on the way to membership, and their record once a member."""

    __tablename__ = "applicant"
    __table_args__ = (
        CheckConstraint("length(name) >= 1", name="name_not_empty"),
        CheckConstraint(f"training_hours IS NULL OR training_hours BETWEEN 1 AND {MAX_HOURS}",
                        name="training_hours_range"),
        CheckConstraint(f"intensive_hours IS NULL OR intensive_hours BETWEEN 1 AND {MAX_HOURS}",
                        name="intensive_hours_range"),
        CheckConstraint("extension_months = 0 OR extension_months BETWEEN 6 AND 12",
                        name="extension_6_to_12"),
        CheckConstraint("member_id IS NOT NULL OR stage IN ('applicant', 'activist', "
                        "'candidate')", name="member_once_admitted"),
        CheckConstraint("talk_on IS NULL OR talk_on >= applied_on", name="talk_after_application"),
        CheckConstraint("(ended_on IS NULL) = (end_reason IS NULL)", name="end_dated_with_reason"),
        CheckConstraint("ended_on IS NULL OR (ended_on >= applied_on AND stage IN "
                        "('applicant', 'activist', 'candidate'))", name="end_before_admission"),
        *_votes("admit"),
        *_votes("convert"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, "gender"))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    # Private, as a member's (core.changelog.PRIVATE_MEMBER_FIELDS): never on a page a code
    # opens, masked in the console and the log. Moved to the member row at admission.
    birth_date: Mapped[dt.date | None]
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(200))

    stage: Mapped[RecruitStage] = mapped_column(enum_column(RecruitStage, "recruit_stage"),
                                                default=RecruitStage.APPLICANT)
    applied_on: Mapped[dt.date]  # 递交入党申请书
    talk_on: Mapped[dt.date | None]  # 党组织派人谈话
    talk_by: Mapped[str | None] = mapped_column(String(60))
    # 入党积极分子: the branch's decision and the 上级 filing (备案); 培养联系人.
    activist_on: Mapped[dt.date | None]
    activist_filed_on: Mapped[dt.date | None]
    contact_1_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    contact_2_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    training_on: Mapped[dt.date | None]  # 党校培训 completed
    training_hours: Mapped[int | None]
    # 发展对象: 听取意见, then the 支委会's decision.
    opinions_on: Mapped[dt.date | None]
    candidate_on: Mapped[dt.date | None]
    introducer_1_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    introducer_2_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    review_on: Mapped[dt.date | None]  # 政治审查
    review_conclusion: Mapped[ReviewConclusion | None] = mapped_column(
        enum_column(ReviewConclusion, "review_conclusion"))
    intensive_on: Mapped[dt.date | None]  # 集中培训 completed
    intensive_hours: Mapped[int | None]
    prereview_on: Mapped[dt.date | None]  # 上级预审
    notice_from: Mapped[dt.date | None]  # 公示
    notice_until: Mapped[dt.date | None]
    pledge_number: Mapped[str | None] = mapped_column(String(32))  # 入党志愿书编号
    # The 支部大会 that resolves on the admission, and the 上级's talk and approval.
    admit_meeting_on: Mapped[dt.date | None]
    admit_expected: Mapped[int | None]
    admit_present: Mapped[int | None]
    admit_for: Mapped[int | None]
    admit_against: Mapped[int | None]
    admit_abstain: Mapped[int | None]
    superior_talk_on: Mapped[dt.date | None]
    approved_on: Mapped[dt.date | None]
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), unique=True)
    # 延长预备期 (once, 6 to 12 months), and the conversion (转正).
    extension_months: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(String(200))
    extended_on: Mapped[dt.date | None]
    convert_meeting_on: Mapped[dt.date | None]
    convert_expected: Mapped[int | None]
    convert_present: Mapped[int | None]
    convert_for: Mapped[int | None]
    convert_against: Mapped[int | None]
    convert_abstain: Mapped[int | None]
    convert_approved_on: Mapped[dt.date | None]
    # The end of the way before admission (发展终止: withdrawn, disqualified, not admitted,
    # moved away): the stage reached stays, nothing more is due. A 预备党员's end is the
    # member's (profiles.members.standing).
    ended_on: Mapped[dt.date | None]
    end_reason: Mapped[RecruitEnd | None] = mapped_column(enum_column(RecruitEnd, "recruit_end"))
    end_note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
