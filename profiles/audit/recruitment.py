"""The self-audit lines of 发展党员: pure, over each person's record as the rules read it.

Console only: the people on the way are seen by those who manage their branch, never on a
page a code opens. (A conversion overdue is the member checklist's ``probation_overdue``,
fed by the real dates: the member's 入党日期 is the 支部大会's, the extension the
recorded one.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from profiles.audit.checklist import CRITICAL, WARNING, Finding
from profiles.collation import name_key
from profiles.enums import RecruitStage
from profiles.recruitment.rules import (
    Record,
    approval_due,
    candidate_eligible_on,
    talk_due,
)


@dataclass(frozen=True)
class OnTheWay:
    """One person on the way, for the audit: their record id, name and record."""

    id: int
    name: str
    record: Record


def recruitment_findings(people: Iterable[OnTheWay], today: dt.date) -> list[Finding]:
    """Talks overdue, activists past a year with no decision (a warning, not a fault),
    approvals overdue (admission or conversion), and a 公示 not held after the 预审.
    Nothing for someone whose way has ended (withdrawn, disqualified, not admitted, moved
    away): nothing more is owed to them, and a line would be false."""
    found = []
    for p in sorted(people, key=lambda p: (name_key(p.name), p.id)):
        r = p.record
        if r.ended_on is not None:
            continue
        base = {"name": p.name, "id": p.id}
        if r.stage is RecruitStage.APPLICANT and r.talk_on is None \
                and talk_due(r.applied_on) < today:
            found.append(Finding("talk_overdue", CRITICAL,
                                 {**base, "due": talk_due(r.applied_on)}))
        if r.stage is RecruitStage.ACTIVIST and r.activist_on is not None \
                and candidate_eligible_on(r.activist_on) < today:
            found.append(Finding("activist_undecided", WARNING,
                                 {**base, "since": r.activist_on}))
        if r.prereview_on is not None and r.notice_until is None:
            found.append(Finding("notice_missing", CRITICAL,
                                 {**base, "prereviewed": r.prereview_on}))
        if r.stage is RecruitStage.CANDIDATE and r.admit_meeting_on is not None \
                and approval_due(r.admit_meeting_on) < today:
            found.append(Finding("approval_overdue", CRITICAL,
                                 {**base, "meeting": r.admit_meeting_on, "step": "approve"}))
        if r.stage is RecruitStage.PROBATIONARY and r.convert_meeting_on is not None \
                and approval_due(r.convert_meeting_on) < today:
            found.append(Finding("approval_overdue", CRITICAL,
                                 {**base, "meeting": r.convert_meeting_on,
                                  "step": "convert_approve"}))
    return found
