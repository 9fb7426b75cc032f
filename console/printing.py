"""Print: a branch's cards (all or a selection) and poster in the request; every branch one
may read as a background job.

A branch's cards take a few seconds at most (a branch has tens of members, a few hundred
at the very most), so they come back as the answer; the whole organisation takes minutes
and runs as a job with a progress page. The renderers are the command line's
(``print.tasks``: plain values in, PDF bytes out).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.access import branch_access, current_access, signed_in
from console import downloads
from console.blueprint import bp
from console.jobs import over_quota
from core import jobs
from core.clock import today
from core.db import db
from core.tasks import enqueue
from print.errors import PrintError
from print.presets import PRESETS
from print.tasks import console_cards, render
from profiles.members import reads as members_reads
from profiles.models import Branch
from profiles.org import reads as org_reads

POSTER_SIZES = ("A4", "A3")


def _options() -> tuple[str, bool, bool]:
    """Preset, back side, photo from the form; 400 for a preset that does not exist."""
    preset = request.form.get("preset", "")
    if preset not in PRESETS:
        abort(400)
    return preset, request.form.get("back") == "1", request.form.get("photo") == "1"


def _readable_branches() -> list[Branch]:
    return org_reads.branches(current_access().readable)


@bp.get("/print")
@signed_in
def print_home() -> str:
    """The branches one may print, and the whole print (every branch one may read)."""
    branches = _readable_branches()
    return render_template("console/print.html", branches=branches, presets=PRESETS,
                           everything=current_access().reads_all)


@bp.get("/branches/<code>/print")
@branch_access()
def branch_print(branch: Branch) -> str:
    """The branch's print form: cards (all, or the members ticked), and the poster."""
    members = members_reads.numbers_and_names(branch.id)
    return render_template("console/branch_print.html", branch=branch, members=members,
                           presets=PRESETS, sizes=POSTER_SIZES)


@bp.post("/branches/<code>/print/cards")
@branch_access()
def print_branch_cards(branch: Branch) -> ResponseReturnValue:
    """The branch's cards as a PDF download, in this request."""
    preset, back, photo = _options()
    chosen = request.form.getlist("member")
    numbers = None
    if chosen:
        numbers = members_reads.numbers_in_branch(branch.id, chosen[:2000])
        if len(numbers) != len(set(chosen)):
            abort(404)  # a number of another branch: as if it did not exist
    try:
        pdf = render(console_cards([branch.id], numbers, photo), preset, back)
    except PrintError as exc:
        flash(str(exc))
        return redirect(url_for("console.branch_print", code=branch.code))
    return downloads.pdf(pdf, f"{branch.name}-{branch.code}-cards-{today().isoformat()}.pdf")


@bp.post("/branches/<code>/print/poster")
@branch_access()
def print_branch_poster(branch: Branch) -> ResponseReturnValue:
    """The branch's poster (A4 or A3) as a PDF download."""
    from flask import current_app

    from print.data import poster_values
    from print.fonts import find_cjk_font
    from print.poster import render_poster

    size = request.form.get("size", "")
    if size not in POSTER_SIZES:
        abort(400)
    config = current_app.config
    try:
        values = poster_values(db.session, config["BASE_URL"], config["SIGNING_KEYS"],
                               config["ORG_NAME"], branch)
        pdf = render_poster(values, find_cjk_font(config.get("CJK_FONT")), size)
    except PrintError as exc:
        flash(str(exc))
        return redirect(url_for("console.branch_print", code=branch.code))
    return downloads.pdf(pdf, f"{branch.name}-{branch.code}-poster-{size}.pdf")


@bp.post("/print/all")
@signed_in
def print_all() -> ResponseReturnValue:
    """Every branch one may read (the organisation, for supervisors and administrators),
    as a background job; answers with the job's progress page."""
    over = over_quota(current_user.username)
    if over:
        flash(over)
        return redirect(url_for("console.print_home"))
    preset, back, photo = _options()
    access = current_access()
    branch_ids = None if access.reads_all else [b.id for b in _readable_branches()]
    title = _("Cards of every branch") if access.reads_all else _("Cards of my branches")
    job = jobs.new_job("print", current_user.username, title, {
        "branch_ids": branch_ids, "preset": preset, "back": back, "photo": photo,
        "locale": str(get_locale() or "zh"),
        "file_name": f"cards-{today().isoformat()}.pdf"})
    db.session.commit()
    enqueue("print_cards", job.id)
    return redirect(url_for("console.job", job_id=job.id))
