"""Import: upload a roster → dry run with every problem by row and column → confirm → the
report. Blank templates and a branch's export download here too.

The check and the import are the command line's (``sheets.upload_jobs.run_import`` over
``sheets.importers.members.import_members``): one transaction, one lock, all or nothing. A small
file is checked and imported in the request; a big one (``IMPORT_JOB_BYTES``) runs as a
background job with progress. Either way the result is a job the uploader owns, so the
preview and the report live at one address, ``/console/jobs/<id>``.

A secretary imports rows of their own branches only: the dry run's changes are checked
against the branches the account writes before anything is written. Supervisors change
nothing and cannot import.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import branch_access, current_access, owner_access, signed_in, writer_required
from accounts.forms import PostForm
from console import downloads
from console.blueprint import bp
from console.import_dating import as_of_from
from console.jobs import load_job, over_quota
from console.record import actor
from core import jobs
from core.changelog import log_change
from core.clock import today
from core.db import db
from core.tasks import enqueue
from profiles.models import Branch
from profiles.org import reads as org_reads
from profiles.org.rules import parse_month, records_from_problems
from sheets.columns import COLUMNS, TITLES
from sheets.reading.package_checks import inflated_size
from sheets.upload_jobs import (
    MAX_BYTES,
    SUFFIXES,
    drop_upload,
    expire_uploads,
    keep_upload,
)

IMPORT_JOB_BYTES = 256 * 1024  # larger uploads are checked and imported by the worker



def _writable_codes() -> list[str] | None:
    """The codes of the branches this account writes (None: every branch, an admin)."""
    access = current_access()
    if access.admin:
        return None
    return org_reads.branch_codes(access.writable)


def _run(job: jobs.Job, size: int) -> None:
    """Run the job's check or import: here for a small file, in the worker for a big one.
    ``size`` is what the file unpacks to (the zip central directory's sum), not its bytes
    on the wire: a small .xlsx holding a huge sheet is a big one."""
    from sheets.upload_jobs import import_job

    if size > current_app.config.get("IMPORT_JOB_BYTES", IMPORT_JOB_BYTES):
        enqueue("import_members", job.id)
    else:
        import_job(job.id)
    db.session.expire_all()  # the job row was written on another connection


@bp.get("/import")
@signed_in
def import_home() -> str:
    """The upload form (for those who write a branch) and the template downloads."""
    access = current_access()
    branches = org_reads.branch_choices(access.writable)
    return render_template("console/import.html", kinds=list(COLUMNS), titles=TITLES,
                           branches=branches,
                           may_import=access.admin or bool(access.branches),
                           admin=access.admin, suffixes=SUFFIXES,
                           today_iso=today().isoformat())


@bp.post("/import")
@writer_required
def upload() -> ResponseReturnValue:
    """Keep the upload, check it (a dry run), and show what it would do."""
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(_("Choose a file to import."))
        return redirect(url_for("console.import_home"))
    name = file.filename
    if not name.lower().endswith(SUFFIXES):
        flash(_("Only these files can be imported: %(kinds)s.", kinds=", ".join(SUFFIXES)))
        return redirect(url_for("console.import_home"))
    over = over_quota(current_user.username)
    if over:
        flash(over)
        return redirect(url_for("console.import_home"))
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        flash(_("The file is larger than %(mb)s MB.", mb=MAX_BYTES // 1024 // 1024))
        return redirect(url_for("console.import_home"))
    # The branch a roster without a branch column is about: one this account writes.
    branch = request.form.get("branch", "").strip()
    if branch and branch not in dict(org_reads.branch_choices(current_access().writable)):
        flash(_("Choose one of your branches, or none if the file names its branches."))
        return redirect(url_for("console.import_home"))
    as_of, wrong = as_of_from(request.form.get("as_of"))
    if wrong:
        flash(wrong)
        return redirect(url_for("console.import_home"))
    expire_uploads()
    size = max(len(data), inflated_size(data))  # the central directory's sum, not inflated
    path = keep_upload(name, data)
    create = current_access().admin and request.form.get("create_branches") == "1"
    job = jobs.new_job("import", current_user.username, path.name, {
        "path": str(path), "dry_run": True, "create_branches": create, "branch": branch,
        "writable": _writable_codes(), "size": size,
        "as_of": as_of.isoformat() if as_of else None,
        "locale": str(get_locale() or "zh")})
    db.session.commit()
    _run(job, size)
    return redirect(url_for("console.job", job_id=job.id))


@bp.post("/jobs/<job_id>/confirm")
@owner_access(load_job, arg="job_id", pass_as="job")
def confirm_import(job: jobs.Job) -> ResponseReturnValue:
    """Import for real what the dry run showed (checked again, in the import's lock)."""
    if not PostForm().validate_on_submit() or job.kind != "import":
        abort(400)
    options = job.options
    if job.state != jobs.DONE or job.outcome.get("state") != "checked" or not Path(
            options["path"]).exists():
        flash(_("This import cannot be confirmed any more; upload the file again."))
        return redirect(url_for("console.job", job_id=job.id))
    options["writable"] = _writable_codes()  # grants may have changed since the upload
    if "as_of" in request.form:  # the preview asked for the new members' date
        as_of, wrong = as_of_from(request.form["as_of"])
        if wrong:
            flash(wrong)
            return redirect(url_for("console.job", job_id=job.id))
        options["as_of"] = as_of.isoformat() if as_of else None
    if not _record_start_given(job, options):
        return redirect(url_for("console.job", job_id=job.id))
    return _again(job, options, dry_run=False)


def _record_start_given(job: jobs.Job, options: dict[str, Any]) -> bool:
    """Where the record begins, as the administrator changed it in the preview (the field
    shows only while none is set, and only to administrators; anyone else's is ignored):
    kept in the options for the import to set. False (and why, flashed) if out of range."""
    options.pop("records_from", None)
    text = request.form.get("records_from", "").strip()
    proposal = (job.outcome.get("record_start") or {}).get("month")
    if not text or not proposal or not current_access().admin or text == proposal:
        return True
    month = parse_month(text)
    found = records_from_problems(month, today()) if month else None
    if month is None or found:
        flash(str(found[0]) if found else _("'%(value)s' is not a month; write it like "
                                            "2025-01.", value=text[:20]))
        return False
    options["records_from"] = f"{month:%Y-%m}"
    return True


@bp.post("/jobs/<job_id>/map")
@owner_access(load_job, arg="job_id", pass_as="job")
def map_columns(job: jobs.Job) -> ResponseReturnValue:
    """The mapping step: what the columns the importer could not place hold, then check
    again. An administrator's choice is remembered for every later import of the
    organisation (as ``--map`` does); a secretary's applies to this file only, and the
    check says how many existing members' fields it would change (docs/security.md)."""
    from sheets.reading.column_map import field_choices, set_mapping

    if not PostForm().validate_on_submit() or job.kind != "import":
        abort(400)
    options = job.options
    unplaced = job.outcome.get("unplaced") or []
    if job.state != jobs.DONE or not unplaced or not Path(options["path"]).exists():
        flash(_("This import cannot be checked again; upload the file again."))
        return redirect(url_for("console.job", job_id=job.id))
    fields = field_choices("members")
    chosen = {}
    for index, column in enumerate(unplaced):
        field = request.form.get(f"field-{index}", "")
        if field and field != "-" and field not in fields:
            abort(400)
        if field:
            chosen[column["header"]] = field
    if not chosen:
        flash(_("Choose what at least one column holds."))
        return redirect(url_for("console.job", job_id=job.id))
    if current_access().admin:  # the organisation's map: an administrator's decision
        for header, field in chosen.items():
            set_mapping("members", header, field, current_user.username)
    else:  # a secretary's map is a proposal: this file only, its effect shown in the check
        options["map"] = {**(options.get("map") or {}), **chosen}
        flash(_("This map is used for this file only. An administrator decides the map "
                "every import uses; ask them to remember it."))
    return _again(job, options, dry_run=True)


def _again(job: jobs.Job, options: dict[str, Any], *, dry_run: bool) -> ResponseReturnValue:
    """Run the job's check (``dry_run``) or import again on the kept upload; its page."""
    options["dry_run"] = dry_run
    jobs.requeue(job.id, options)
    db.session.expire_all()
    _run(job, int(options.get("size", 0)))
    return redirect(url_for("console.job", job_id=job.id))


@bp.post("/jobs/<job_id>/discard")
@owner_access(load_job, arg="job_id", pass_as="job")
def discard_import(job: jobs.Job) -> ResponseReturnValue:
    """Drop a checked upload without importing it."""
    if not PostForm().validate_on_submit() or job.kind != "import":
        abort(400)
    if job.outcome.get("state") == "checked":
        drop_upload(job.options["path"])
        jobs.fail(job.id, _("Not imported: dropped after the check."), job.outcome)
    return redirect(url_for("console.import_home"))


@bp.get("/templates/<kind>.xlsx")
@signed_in
def template(kind: str) -> ResponseReturnValue:
    """A blank import template (headers, an example row, drop-down lists)."""
    from sheets.writing.templates import write_template

    if kind not in COLUMNS:
        abort(404)
    body = io.BytesIO()  # written in memory: a download needs no temporary file
    write_template(kind, body)
    # Named as the sheet is titled (党员名册模板.xlsx): a secretary's downloads folder holds
    # many .xlsx files, and members.xlsx said nothing to them.
    return downloads.xlsx(body.getvalue(), f"{TITLES[kind]}模板.xlsx")


@bp.get("/branches/<code>/export.xlsx")
@branch_access(write=True)
def export(branch: Branch) -> ResponseReturnValue:
    """The branch's records as a workbook: private data, so only for those who keep the
    branch, and logged (who, when) in the change log."""
    from sheets.writing.export import export_branch

    body = io.BytesIO()  # private data: built in memory, never on disk
    export_branch(branch.code, body, today())
    log_change(actor(), "export", "branch", branch.code)
    db.session.commit()
    return downloads.xlsx(body.getvalue(),
                          f"{branch.name}-{branch.code}-{today().isoformat()}.xlsx")
