"""A branch's self-audit checklist for the console: the public page's findings, each
with the console screen that closes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from console.links import finding_url
from core.clock import today
from profiles.audit.checklist import CRITICAL, Finding, run_audit, settings_from_config
from profiles.audit.recruitment import OnTheWay, recruitment_findings
from profiles.audit.wording import describe, rule_label
from profiles.enums import RecruitStage
from profiles.members import reads as members_reads
from profiles.models import Applicant
from profiles.months import yyyymm
from profiles.queries import branch_page
from profiles.recruitment import reads as recruit_reads


@dataclass(frozen=True)
class ChecklistLine:
    """One gap: its rule, what it says, how serious, and where to fix it."""

    rule: str
    text: str
    critical: bool
    url: str | None


@dataclass(frozen=True)
class BranchChecklist:
    """A branch and its open gaps."""

    code: str
    name: str
    members: int
    lines: list[ChecklistLine]


def branch_checklist(branch_id: int) -> BranchChecklist | None:
    """The checklist of one branch (None if it does not exist). Access is the caller's."""
    settings = settings_from_config(current_app.config)
    day = today()
    page = branch_page(branch_id, day, settings.lookback_months)
    if page is None:
        return None
    numbers = members_reads.number_by_name(branch_id)
    month = yyyymm(day)
    on_the_way = recruit_reads.branch_applicants(branch_id, on_the_way=True)
    # A 预备党员 who came through the recruitment record converts through its forms.
    recruits = {a.name: a.id for a in on_the_way if a.stage is RecruitStage.PROBATIONARY}
    lines = [
        ChecklistLine(rule_label(f), describe(f), f.severity == CRITICAL,
                      finding_url(page.header.code, f, numbers, month, recruits))
        for f in run_audit(page.audit, settings, day) + _recruitment(on_the_way, day)
    ]
    return BranchChecklist(page.header.code, page.header.name, len(page.members), lines)


def _recruitment(on_the_way: list[Applicant], day: dt.date) -> list[Finding]:
    """The 发展党员 lines (console only: applicants are never on a page a code opens)."""
    people = [OnTheWay(a.id, a.name, recruit_reads.record_of(a)) for a in on_the_way]
    return recruitment_findings(people, day)
