"""A roster uploaded in the console: kept privately until imported, checked, then imported.

The file must outlive the request that checked it (the person confirms in a second
request, or a job imports it), so an upload is kept in
``instance/uploads/<random>/<the file's own name>`` (the name shows in the report and the
change log, as on the command line) and the folder is deleted when the import is done or
dropped. Checking and importing are the command line's functions, with its one
transaction and lock: a console import is all or nothing in exactly the same way.

The result is plain JSON (problems by row and column, the report's lines), so the page
shows it the same way whether the check ran in the request or in a background job.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext
from openpyxl.utils import get_column_letter
from sqlalchemy.exc import DBAPIError

from core import jobs
from core.changelog import Actor
from core.clock import today
from core.db import db
from core.dberrors import classify, database_refusal
from core.tasks import task
from profiles.org.rules import RECORDS_EARLIEST, parse_month
from sheets.columns import COLUMNS
from sheets.importers.consequences import foreseeing
from sheets.importers.members import import_members
from sheets.importers.record_start import apply_start, plan_start, start_lines
from sheets.reading.column_map import field_choices, using_map
from sheets.reading.unmapped import unmapped_columns
from sheets.report.lines import outcome_lines, refused_lines
from sheets.report.outcome import Outcome
from sheets.report.refusal import SheetRefused

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")  # sheets.reading.workbooks
MAX_BYTES = 20 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\- ()（）]+")

# Decides, for an import the request would run, whether it stays in its account's
# branches: given the outcome of the dry run, one entry per effect outside them.
ScopeCheck = Callable[[Outcome], list[str]]


def uploads_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def safe_name(filename: str) -> str:
    """The file's own name without any folder part or odd characters (Chinese kept)."""
    name = Path(filename.replace("\\", "/")).name.strip()
    name = _UNSAFE.sub("_", name).lstrip(".")
    return name[-120:] or "upload"


def keep_upload(filename: str, data: bytes) -> Path:
    """Keep an upload under a random folder in ``instance/uploads``; its path."""
    folder = uploads_dir() / secrets.token_hex(16)
    folder.mkdir(mode=0o700)
    path = folder / safe_name(filename)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return path


UPLOAD_HOURS = 24  # an upload nobody confirmed or dropped is deleted after this


def expire_uploads(hours: float | None = None) -> int:
    """Delete kept uploads older than ``UPLOAD_HOURS`` (config ``UPLOAD_HOURS``): checked
    but never confirmed. Their jobs then say "upload the file again". How many."""
    limit = hours if hours is not None else float(
        current_app.config.get("UPLOAD_HOURS", UPLOAD_HOURS))
    cutoff = time.time() - limit * 3600
    removed = 0
    for folder in uploads_dir().iterdir():
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def drop_upload(path: str | Path) -> None:
    """Delete a kept upload and its folder (only ever inside ``instance/uploads``)."""
    folder = Path(path).parent
    if folder.parent.resolve() == uploads_dir().resolve():
        shutil.rmtree(folder, ignore_errors=True)


def _problem_rows(refused: SheetRefused) -> list[dict[str, Any]]:
    return [{"row": p.row, "column": get_column_letter(p.column) if p.column else "",
             "header": p.header, "message": str(p.message)} for p in refused.problems]


def run_import(path: Path, *, dry_run: bool, create_branches: bool, actor: str,
               codes: frozenset[str] | None = None,
               progress: Callable[[int, int], None] | None = None,
               branch: str | None = None,
               proposed: dict[str, str] | None = None,
               as_of: dt.date | None = None) -> dict[str, Any]:
    """Check (``dry_run``) or import a member roster; the page's JSON.

    ``as_of``: the day the roster was true (``import_members``); without it, the new
    members nothing dates are listed (``undated``) so the preview asks for their date.

    ``state`` is "refused" (problems listed), "checked" (a dry run that may be confirmed)
    or "imported". A real import first repeats the dry run so the scope check sees what
    the file would do to the database as it is now.
    """
    name = path.name
    scope = branch_scope(codes)
    try:
        # the checklist lines it changes, counted from where the record would begin
        with foreseeing(codes, enabled=dry_run, kind="members", as_of=as_of) as sight:
            outcome = import_members(path, dry_run=True, create_branches=create_branches,
                                     actor=actor, today=today(), progress=progress,
                                     branch=branch, scope=codes, as_of=as_of)
        outside = scope(outcome) if scope else []
        db.session.rollback()  # the real import begins its own transaction, with the lock
        if outside:
            return {"state": "refused", "file": name, "problems": [
                {"row": None, "column": "", "header": "", "message": gettext(
                    "This file changes members or units outside the branches your account "
                    "keeps. Import only your own branches' rows.")}]}
        if not dry_run:
            outcome = import_members(path, dry_run=False, create_branches=create_branches,
                                     actor=actor, today=today(), branch=branch,
                                     scope=codes, as_of=as_of)
    except SheetRefused as refused:
        db.session.rollback()
        return {"state": "refused", "file": name, "problems": _problem_rows(refused),
                "lines": refused_lines(name, refused.problems)[:1]}
    except DBAPIError as exc:
        db.session.rollback()
        return {"state": "refused", "file": name, "problems": [
            {"row": None, "column": "", "header": "",
             "message": database_refusal(classify(exc), exc)}]}
    return {"state": "checked" if dry_run else "imported", "file": name,
            "lines": map_effect_lines(outcome, proposed or {})
            + outcome_lines(outcome, COLUMNS["members"]),
            "new": outcome.inserted, "changed": outcome.updated,
            "unchanged": outcome.unchanged, "rows": outcome.rows, **_dating(outcome, as_of),
            **({"consequences": sight.as_json()} if sight.ran else {})}


def _dating(outcome: Outcome, as_of: dt.date | None) -> dict[str, Any]:
    """The dates the import assumed, for the preview: the as-of date used, and the new
    members nothing dated (by the import date unless the person gives one)."""
    dating = outcome.dating
    return {"as_of": as_of.isoformat() if as_of else None,
            "undated": dating.undated() if dating is not None else [],
            "import_day": today().isoformat()}


def map_effect_lines(outcome: Outcome, mapping: dict[str, str]) -> list[str]:
    """What a proposed column map does to existing records: per mapped column, how many
    existing members would have that field changed (the values stay masked below)."""
    labels = field_choices("members")
    lines = []
    for header, field in mapping.items():
        if not field or field == "-":
            continue
        changed = sum(1 for c in outcome.changes if c.action == "update" and field in c.fields)
        lines.append(gettext("Column %(header)s is read as %(field)s: it changes %(field)s of "
                             "%(num)s existing members.", header=header,
                             field=labels.get(field, field), num=changed))
    return lines


def unplaced_columns(path: Path) -> list[dict[str, Any]]:
    """The columns of an upload the importer could not place by itself, with a few of
    their values: the console's mapping step offers a field for each."""
    try:
        found = unmapped_columns(path, "members")
    except SheetRefused:
        return []  # unreadable: the check has said why
    return [{"sheet": u.sheet, "column": get_column_letter(u.column), "header": u.header,
             "samples": u.samples} for u in found]


def branch_scope(codes: frozenset[str] | None) -> ScopeCheck | None:
    """A check of the dry run's effects against the branches an account writes (their
    codes; None: all): every member it adds, changes or moves, and every unit it creates
    or whose dates it sets, must be of those branches. The importer already resolves
    only those (``import_members(scope=...)``); this second look is on what the rows
    would do, so a way round the resolution is still refused. It returns how many
    effects fall outside, never what they are."""
    if codes is None:
        return None
    from sqlalchemy import select

    from profiles.models import Branch, Member

    def check(outcome: Outcome) -> list[str]:
        numbers = [c.key for c in outcome.changes if c.action == "update"]
        current: dict[str, str] = {}
        for start in range(0, len(numbers), 500):
            current.update(db.session.execute(
                select(Member.number, Branch.code).join(Branch, Member.branch_id == Branch.id)
                .where(Member.number.in_(numbers[start:start + 500]))).all())
        names = set(db.session.scalars(select(Branch.name).where(Branch.code.in_(codes))))
        outside = 0
        for change in outcome.changes:
            if change.action == "update" and current.get(change.key) not in codes:
                outside += 1
            new = change.fields.get("branch")
            if new is not None and new[1] and str(new[1]) not in names:
                outside += 1
        for change in outcome.side_changes:
            unit = change.key.split(" ", 1)[0]
            if change.table in ("committee", "branch") and change.action == "insert":
                outside += 1  # a secretary creates no branch
            elif unit not in codes:
                outside += 1
        return ["outside"] * outside

    return check


def record_start(result: dict[str, Any], options: dict[str, Any], owner: str) -> None:
    """Where the record begins, for a roster checked or imported in the console: the
    proposal while none is set (the month of the import's as-of date, or of today), or the
    month the administrator gave at the confirmation (``options["records_from"]``, YYYY-MM);
    set when the import is written. ``result["record_start"]`` holds the preview's
    field, ``result["start_lines"]`` the report's lines (docs/record.md)."""
    if result.get("state") not in ("checked", "imported"):
        return
    given = parse_month(str(options.get("records_from") or ""))
    as_of_text = str(options.get("as_of") or "")
    as_of = dt.date.fromisoformat(as_of_text[:10]) if as_of_text else None
    plan = plan_start("members", [], today(), given=given, as_of=as_of)
    if result["state"] == "imported":
        apply_start(plan, Actor(owner, "console"), today())
        db.session.commit()
    elif plan.proposed is not None:
        last = today()
        result["record_start"] = {"month": f"{plan.proposed:%Y-%m}",
                                  "min": f"{RECORDS_EARLIEST:%Y-%m}", "max": f"{last:%Y-%m}"}
    result["start_lines"] = start_lines(plan)


@task("import_members")
def import_job(job_id: str) -> None:
    """Check or import an uploaded roster in the background, with progress by rows."""
    job = db.session.get(jobs.Job, job_id)
    if job is None:
        return
    options, owner = job.options, job.owner
    db.session.commit()  # end the read: the import opens its own transaction and lock
    path = Path(options["path"])
    names = options.get("writable")
    mapping = {str(k): str(v) for k, v in (options.get("map") or {}).items()}
    with force_locale(options.get("locale", "zh")), using_map("members", mapping):
        jobs.start(job_id)
        try:
            result = run_import(
                path, dry_run=bool(options.get("dry_run", True)),
                create_branches=bool(options.get("create_branches")),
                branch=options.get("branch") or None, actor=owner,
                codes=frozenset(names) if names is not None else None,
                progress=lambda done, total: jobs.set_progress(job_id, done, total),
                proposed=mapping,
                as_of=dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else None)
        except Exception as exc:  # the owner sees that it failed; the log has the trace
            db.session.rollback()
            current_app.logger.exception("import job %s failed", job_id)
            drop_upload(path)
            jobs.fail(job_id, gettext("The import failed: %(error)s", error=type(exc).__name__))
            return
        record_start(result, options, owner)
        if options.get("dry_run", True):
            result["unplaced"] = unplaced_columns(path)
        if result["state"] != "checked" and not result.get("unplaced"):
            drop_upload(path)  # imported, or refused with nothing to map: not needed again
        jobs.finish(job_id, result)
