"""A long report (many branches) made in the background: the job's file is kept in
``instance/jobs/`` for its owner, as the print jobs' (``print/tasks.py``)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import ColumnElement

from core import jobs
from core.clock import today
from core.db import db
from core.files import output_path
from core.tasks import task
from print.errors import PrintError
from profiles.audit.checklist import settings_from_config
from profiles.months import Period
from profiles.org.reads import BranchScope
from profiles.reports.figures import Report, build_report
from profiles.reports.reads import within

FORMATS = ("xlsx", "pdf")


def branch_scope(branch_ids: list[int] | None) -> BranchScope:
    """The scope a job was started with: every branch (None), or these."""
    from sqlalchemy import true

    def clause(column: Any) -> ColumnElement[bool]:
        return true() if branch_ids is None else column.in_(list(branch_ids))

    return clause


def make_report(scope: BranchScope, period: Period, general_branch_id: int | None,
                scope_name: str) -> Report:
    """The report's figures (statements constant in the number of branches)."""
    config = current_app.config
    return build_report(within(scope, general_branch_id), period, today(),
                        settings_from_config(config), str(config.get("ORG_NAME") or ""),
                        scope_name)


def render(report: Report, fmt: str) -> bytes:
    """The report's file in ``fmt`` ("xlsx" or "pdf"; PrintError without a CJK font)."""
    if fmt == "xlsx":
        from reports.xlsx import report_xlsx

        return report_xlsx(report)
    from print.fonts import find_cjk_font
    from reports.pdf import report_pdf

    return report_pdf(report, find_cjk_font(current_app.config.get("CJK_FONT")))


@task("report")
def report_job(job_id: str) -> None:
    """Make the report a job asks for and keep its file."""
    job = db.session.get(jobs.Job, job_id)
    if job is None:
        return
    options = job.options
    db.session.commit()  # end the read: progress is written on another connection
    with force_locale(options.get("locale", "zh")):
        jobs.start(job_id)
        try:
            period = Period(int(options["year"]), int(options["number"]),
                            options["cadence"])
            fmt = str(options.get("format", "xlsx"))
            jobs.set_progress(job_id, 0, 2)
            report = make_report(branch_scope(options.get("branch_ids")), period,
                                 options.get("general_branch_id"), str(options["scope_name"]))
            db.session.rollback()
            jobs.set_progress(job_id, 1, 2)
            data = render(report, fmt)
            with output_path(jobs.job_file(job_id, "." + fmt), private=True) as tmp:
                tmp.write_bytes(data)
        except PrintError as exc:
            jobs.fail(job_id, str(exc))
            return
        except Exception as exc:  # the owner sees that it failed; the log has the trace
            current_app.logger.exception("report job %s failed", job_id)
            jobs.fail(job_id, gettext("The report failed: %(error)s",
                                      error=type(exc).__name__))
            return
        jobs.finish(job_id, {"tables": len(report.tables)},
                    file_name=str(options.get("file_name", "report." + fmt)))
