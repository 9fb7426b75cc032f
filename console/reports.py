"""Reports upward: monthly, quarterly and yearly tables for the organisation (or one 党总支),
as .xlsx or PDF. A report over a few branches downloads at once; a longer one is made in the
background (``reports.tasks``) and downloaded from its job page. Anyone signed in may make
one over the branches they read (a supervisor reads every branch; nothing is written but
the job row)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import Access, current_access, signed_in
from console import downloads
from console.blueprint import bp
from core import jobs
from core.clock import today
from core.db import db
from core.tasks import enqueue
from print.errors import PrintError
from profiles.months import Period, add_month, period_of, yyyymm
from profiles.reports import reads as report_reads
from profiles.reports.figures import PERIOD_KINDS, parse_period, period_label
from reports.tasks import FORMATS, make_report, render

# Up to this many branches a report is made while the browser waits; more, in the
# background (a yearly report of 400 branches takes a while as a PDF).
INLINE_BRANCHES = 40


@dataclass(frozen=True)
class Choice:
    """What the report form asks for, checked."""

    period: Period
    general_branch_id: int | None
    scope_name: str
    fmt: str


def _default_value(kind: str) -> str:
    day = today()
    if kind == "year":
        return str(day.year)
    if kind == "quarter":
        return f"{day.year}-{period_of(day, 'quarter').number}"
    last = add_month(yyyymm(day), -1)  # a monthly report is of the month just ended
    return f"{last // 100}-{last % 100:02d}"


def _choice(access: Access, args: Mapping[str, str]) -> Choice | None:
    get = args.get
    kind = get("kind", "month")
    if kind not in PERIOD_KINDS:
        return None
    period = parse_period(kind, str(get("period", "") or _default_value(kind)))
    fmt = get("format", "xlsx")
    if period is None or fmt not in FORMATS:
        return None
    general = dict(report_reads.general_branches(access.readable))
    gb_text = str(get("gb", "") or "")
    if gb_text:
        if not gb_text.isdigit() or int(gb_text) not in general:
            return None
        return Choice(period, int(gb_text), general[int(gb_text)], fmt)
    # The organisation's name ("" : the committee's, filled in by the report).
    org = str(current_app.config.get("ORG_NAME") or "")
    name = org if access.reads_all else _("My branches")
    return Choice(period, None, name, fmt)


def _file_name(choice: Choice) -> str:
    return f"{choice.scope_name or 'report'}-{period_label(choice.period)}.{choice.fmt}"


def _branch_count(access: Access, general_branch_id: int | None) -> int:
    return len(report_reads.branches(report_reads.within(access.readable, general_branch_id)))


@bp.get("/reports")
@signed_in
def reports() -> str:
    """The report form: period, scope, format."""
    access = current_access()
    return render_template(
        "console/reports.html", general=report_reads.general_branches(access.readable),
        kinds=PERIOD_KINDS, defaults={k: _default_value(k) for k in PERIOD_KINDS},
        formats=FORMATS, inline=INLINE_BRANCHES)


@bp.get("/reports/file")
@signed_in
def report_file() -> ResponseReturnValue:
    """The report as a file, made now; a long one is offered as a background job."""
    access = current_access()
    choice = _choice(access, request.args)
    if choice is None:
        abort(400)
    if _branch_count(access, choice.general_branch_id) > INLINE_BRANCHES:
        return render_template("console/report_long.html", args=request.args,
                               name=_file_name(choice))
    report = make_report(access.readable, choice.period, choice.general_branch_id,
                         choice.scope_name)
    try:
        data = render(report, choice.fmt)
    except PrintError as exc:
        return render_template("console/error.html", status=503, message=str(exc)), 503
    if choice.fmt == "pdf":
        return downloads.pdf(data, _file_name(choice))
    return downloads.xlsx(data, _file_name(choice))


@bp.post("/reports/job")
@signed_in
def report_job() -> ResponseReturnValue:
    """Make the report in the background; answers with the job's progress page."""
    access = current_access()
    choice = _choice(access, request.form)
    if choice is None:
        abort(400)
    branch_ids = None if access.reads_all else sorted(access.branches)
    job = jobs.new_job("report", current_user.username, _file_name(choice), {
        "branch_ids": branch_ids, "general_branch_id": choice.general_branch_id,
        "year": choice.period.year, "number": choice.period.number,
        "cadence": choice.period.cadence, "format": choice.fmt,
        "scope_name": choice.scope_name, "locale": str(get_locale() or "zh"),
        "file_name": _file_name(choice)})
    db.session.commit()
    enqueue("report", job.id)
    return redirect(url_for("console.job", job_id=job.id))
