"""Where each self-audit checklist line leads: the screen that closes that gap.

One module so the screens built later (meetings, dues, points, evaluations) only have to
change the builders here: each returns a URL inside ``/console``. Until a screen exists,
its builder gives the URL pattern that screen will answer at (the console shows 404 there
until it is built).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from werkzeug.routing import BuildError

from profiles.audit.checklist import Finding
from profiles.enums import MeetingKind
from profiles.months import Period


def _endpoint_or(endpoint: str, fallback: str, **values: Any) -> str:
    """``url_for(endpoint)`` once that screen is registered, else the agreed URL pattern."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def new_meeting_url(code: str, kind: MeetingKind, period: Period | None = None,
                    group: str | None = None) -> str:
    """Record a meeting of ``kind`` (for a missed period: a meeting held in it)."""
    values: dict[str, Any] = {"kind": kind.value}
    if period is not None:
        values["period"] = period.first_day.isoformat()
        values["cadence"] = period.cadence
    if group is not None:
        values["group"] = group
    return _endpoint_or("console.new_meeting",
                        f"/console/branches/{code}/meetings/new?{urlencode(values)}",
                        code=code, **values)


def dues_url(code: str, month: int | None = None, number: str | None = None) -> str:
    """The branch's dues for a month (``yyyymm``); with a member's ``number``, the payment
    of all their open months up to ``month`` proposed (member, months, total), at ``#pay``."""
    values: dict[str, Any] = {"code": code}
    if month and number:
        values.update(pay=number, upto=month)
    elif month:
        values["month"] = month
    anchor = "#pay" if number and month else ""
    return _endpoint_or("console.dues", f"/console/branches/{code}/dues?{urlencode(values)}",
                        **values) + anchor


def evaluations_url(code: str, year: int, only_open: bool = False) -> str:
    """The branch's democratic evaluation of ``year``; ``only_open``: the members not yet
    rated first, named and highlighted (``#open``)."""
    values: dict[str, Any] = {"year": year}
    if only_open:
        values["open"] = 1
    anchor = "#open" if only_open else ""
    return _endpoint_or("console.evaluations",
                        f"/console/branches/{code}/evaluations?{urlencode(values)}",
                        code=code, **values) + anchor


def points_url(number: str) -> str:
    """A member's points ledger."""
    return _endpoint_or("console.member_points", f"/console/members/{number}/points",
                        number=number)


def meetings_url(code: str) -> str:
    """The branch's meetings (record one, mark attendance, open 签到)."""
    return _endpoint_or("console.meetings", f"/console/branches/{code}/meetings", code=code)


def meeting_url(meeting_id: int) -> str:
    """A meeting's screen: its record, minutes, files and attendance."""
    return _endpoint_or("console.meeting", f"/console/meetings/{meeting_id}",
                        meeting_id=meeting_id)


def member_url(number: str) -> str:
    """A member's record in the console."""
    return url_for("console.member", number=number)


def edit_member_url(number: str) -> str:
    """Edit a member's record (e.g. convert a probationary member)."""
    return _endpoint_or("console.edit_member", f"/console/members/{number}/edit",
                        number=number)


def recruitment_step_url(applicant_id: int, step: str) -> str:
    """A step's form on a person's way into the party (发展党员)."""
    return url_for("console.recruitment_step", applicant_id=applicant_id, step=step)


# The recruitment checklist lines and the step that closes each.
RECRUITMENT_STEPS = {"talk_overdue": "talk", "activist_undecided": "candidate",
                     "notice_missing": "notice"}


def finding_url(code: str, finding: Finding, numbers: Mapping[str, str],
                month: int, recruits: Mapping[str, int] | None = None) -> str | None:
    """The screen that closes the gap ``finding`` names, for branch ``code``.

    ``numbers`` maps member names of the branch to their numbers (a name the branch has
    twice is left out, and its line links to the member search instead); ``month`` is the
    current ``yyyymm``; ``recruits`` maps the names of 预备党员 with a recruitment record
    to it (their conversion is that record's step).
    """
    p = finding.params
    if finding.rule == "meeting_missed":
        return new_meeting_url(code, p["kind"], p["period"], p.get("group"))
    if finding.rule == "dues_unpaid":
        return dues_url(code, month, numbers.get(str(p.get("name", ""))))
    if finding.rule == "evaluation_missing":
        return evaluations_url(code, int(p["year"]), only_open=True)
    if finding.rule == "excellent_share":
        return evaluations_url(code, int(p["year"]))
    if finding.rule == "minutes_missing":
        return meeting_url(int(p["meeting_id"]))
    if finding.rule in RECRUITMENT_STEPS:
        return recruitment_step_url(int(p["id"]), RECRUITMENT_STEPS[finding.rule])
    if finding.rule == "approval_overdue":
        return recruitment_step_url(int(p["id"]), str(p["step"]))
    if finding.rule == "absent":
        # Closed by a meeting the member attends (or is excused from): the branch's meetings.
        return meetings_url(code)
    name = str(p.get("name", ""))
    number = numbers.get(name)
    if number is None:
        return url_for("console.members", q=name) if name else None
    if finding.rule == "probation_overdue":
        if recruits and name in recruits:
            return recruitment_step_url(recruits[name], "convert")
        return edit_member_url(number)
    return member_url(number)
