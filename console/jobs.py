"""Background jobs in the console: my jobs, one job's progress, its file.

A job is its owner's (an administrator sees every job): anyone else gets 404, as for a job
that does not exist. The job page refreshes itself with ``<meta http-equiv="refresh">``
while the job runs, so progress shows with JavaScript off.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import current_access, owner_access, signed_in
from console import downloads
from console.blueprint import bp
from core.db import db
from core.jobs import DONE, Job, job_file, latest_jobs, owner_load

REFRESH_SECONDS = 2
LISTED = 30
# Uploads and jobs one account may start: per hour, and at once (queued or running).
UPLOADS_PER_HOUR = 30
JOBS_AT_ONCE = 3


def over_quota(username: str) -> str | None:
    """Why this account may not start another upload now, or None."""
    config = current_app.config
    per_hour = int(config.get("UPLOADS_PER_HOUR", UPLOADS_PER_HOUR))
    at_once = int(config.get("JOBS_AT_ONCE", JOBS_AT_ONCE))
    recent, running = owner_load(username, dt.timedelta(hours=1))
    if running >= at_once:
        return str(_("%(num)d of your jobs are still waiting or running; wait for them to "
                     "finish, then upload again.", num=running))
    if recent >= per_hour:
        return str(_("You have started %(num)d uploads and jobs in the last hour, the "
                     "most allowed; try again later.", num=recent))
    return None



def still_allowed(job: Job) -> bool:
    """Whether the account may still read what the job's result shows: a grant revoked
    since the job started takes its result away too (its owner gets 404)."""
    access = current_access()
    if access.admin:
        return True
    options = job.options
    if job.kind in ("print", "report") and "branch_ids" in options:
        branch_ids = options["branch_ids"]
        if branch_ids is None:
            return access.reads_all
        return all(access.can_read(int(b)) for b in branch_ids)
    if job.kind == "import":
        codes = options.get("writable")
        if codes is None:
            return False  # started as an administrator
        from profiles.org import reads as org_reads

        return set(codes) <= set(org_reads.branch_codes(access.writable))
    return True


def load_job(job_id: object) -> tuple[Job, str] | None:
    job = db.session.get(Job, str(job_id))
    return (job, job.owner) if job is not None else None


@bp.get("/jobs")
@signed_in
def jobs() -> str:
    """The latest jobs I started (an administrator: everyone's)."""
    owner = None if current_access().admin else str(current_user.username)
    return render_template("console/jobs.html", jobs=latest_jobs(owner, LISTED))


@bp.get("/jobs/<job_id>")
@owner_access(load_job, arg="job_id", pass_as="job")
def job(job: Job) -> str:
    """Progress while the job runs (the page reloads itself), the result when done."""
    from accounts.forms import PostForm

    if not still_allowed(job):
        abort(404)
    from sheets.reading.column_map import field_choices, remembered
    from sheets.reading.header_row import normalise

    unplaced = job.outcome.get("unplaced") or []
    # What was chosen before for each column ("" = 不导入此列), kept on the next check.
    known = remembered("members") if unplaced else {}
    # A secretary's map is this file's only (console/imports.py): shown as chosen too.
    known.update({normalise(h): ("" if f == "-" else f)
                  for h, f in (job.options.get("map") or {}).items()})
    chosen = {u["header"]: ("-" if known.get(normalise(u["header"])) == ""
                            else known.get(normalise(u["header"]), "")) for u in unplaced}
    return render_template("console/job.html", job=job, outcome=job.outcome,
                           refresh=None if job.finished else REFRESH_SECONDS, post=PostForm(),
                           fields=field_choices("members") if unplaced else {},
                           chosen=chosen)


@bp.get("/jobs/<job_id>/file")
@owner_access(load_job, arg="job_id", pass_as="job")
def job_download(job: Job) -> ResponseReturnValue:
    """The file a finished job made (409 while it is not ready)."""
    if not still_allowed(job):
        abort(404)
    if job.kind == "report":  # reports.tasks: an .xlsx or a PDF
        fmt = "pdf" if job.options.get("format") == "pdf" else "xlsx"
        path = job_file(job.id, "." + fmt)
        if job.state != DONE or not path.exists():
            abort(409)
        send = downloads.pdf if fmt == "pdf" else downloads.xlsx
        return send(path.read_bytes(), job.file_name or f"report.{fmt}")
    path = job_file(job.id, ".pdf")
    if job.kind != "print" or job.state != DONE or not path.exists():
        abort(409)
    return downloads.pdf(path.read_bytes(), job.file_name or "cards.pdf")
