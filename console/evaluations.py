"""Democratic evaluation (民主评议党员): per year, each member's stage and rating.

A rating is given only at 支部评定; 预备党员 take part without a rating; saving more than
the configured share (normally a third) 优秀 asks for confirmation first, in a box at the
top of the sheet that names who would be rated so. The checklist line "N members not
rated" opens the sheet with those members first, named and highlighted (``open=1``);
everyone of the branch can be moved on one stage at once (``/evaluations/stage``).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from accounts.access import branch_access, current_access
from console.blueprint import bp
from console.feedback import problem, refuse_at
from console.record import actor
from core.clock import today
from core.db import db
from core.errors import UserError
from core.numbers import bounded_int
from profiles.audit.checklist import settings_from_config
from profiles.enums import EvaluationStage, Rating
from profiles.evaluations import operations as evaluation_ops
from profiles.evaluations import reads as evaluations_reads
from profiles.evaluations.rules import (
    EvaluationLine,
    evaluation_sheet_problems,
    excellent_count,
    excellent_over_share,
)
from profiles.labels import label
from profiles.members import history as membership_history
from profiles.members import reads as members_reads
from profiles.models import Branch, Evaluation, Member

STAGES = list(EvaluationStage)


def _year() -> int:
    text = request.args.get("year", "")
    year = bounded_int(text, 1, 9999)
    return max(1921, min(2200, year)) if year is not None else today().year - 1


def _eligible(branch: Branch, year: int) -> list[Member]:
    """Members of the branch who had joined by the end of ``year`` and were in the branch
    during it (as the branch page counts them), in pinyin order."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    here = membership_history.members_during(branch.id, first, last)
    return [m for m in members_reads.current_members(branch.id)
            if m.joined_on <= last and m.id in here]


def _records(members: list[Member], year: int) -> dict[int, Evaluation]:
    return evaluations_reads.evaluations_of([m.id for m in members], year)


def _view(branch: Branch, year: int, *, status: int = 200, posted: dict[str, str] | None = None,
          confirm: list[str] | None = None) -> tuple[str, int]:
    members = _eligible(branch, year)
    records = _records(members, year)
    values = {}
    for m in members:
        r = records.get(m.id)
        values[m.id] = (
            (posted or {}).get(f"stage-{m.id}", r.stage.value if r else ""),
            (posted or {}).get(f"rating-{m.id}", r.rating.value if r and r.rating else ""))
    # Not rated yet: short of 支部评定 (what the checklist counts), by what is recorded.
    open_ids = {m.id for m in members
                if (r := records.get(m.id)) is None or r.stage is not EvaluationStage.DECIDED}
    only_open = request.args.get("open") == "1" and bool(open_ids)
    if only_open:  # the members the checklist line names first
        members = [m for m in members if m.id in open_ids] + \
                  [m for m in members if m.id not in open_ids]
    return render_template(
        "console/record_evaluations.html", branch=branch, year=year, members=members,
        values=values, stages=STAGES, ratings=list(Rating), confirm=confirm,
        open_ids=open_ids, only_open=only_open,
        open_names=[m.name for m in members if m.id in open_ids],
        writable=current_access().can_write(branch.id)), status


@bp.get("/branches/<code>/evaluations")
@branch_access()
def evaluations(branch: Branch) -> tuple[str, int]:
    """The year's sheet (last year's unless ``year`` is given)."""
    return _view(branch, _year())


def _member_field(lines: list[tuple[Member, EvaluationLine]], name: object) -> str:
    """Where a sheet problem naming a member shows: beside that member's line."""
    found = [m for m, _line in lines if m.name == name]
    return f"m-{found[0].id}" if len(found) == 1 else "form"


@bp.post("/branches/<code>/evaluations")
@branch_access(write=True)
def save_evaluations(branch: Branch) -> ResponseReturnValue:
    """Save the sheet: every line checked first; nothing saved if one is wrong. A member
    whose line was not sent (a form showing only some members) keeps what is recorded."""
    year = _year()
    members = _eligible(branch, year)
    records = _records(members, year)
    posted = {k: v for k, v in request.form.items() if k.startswith(("stage-", "rating-"))}
    lines: list[tuple[Member, EvaluationLine]] = []
    for m in members:
        r = records.get(m.id)
        try:
            stage_text = posted.get(f"stage-{m.id}", r.stage.value if r else "")
            rating_text = posted.get(f"rating-{m.id}",
                                     r.rating.value if r and r.rating else "")
            stage = EvaluationStage(stage_text) if stage_text else None
            rating = Rating(rating_text) if rating_text else None
        except ValueError:
            abort(400)
        lines.append((m, EvaluationLine(m.name, m.category, stage, rating)))
    problems = evaluation_sheet_problems(year, [line for _, line in lines])
    if problems:
        for p in problems:
            problem(_member_field(lines, p.kwargs.get("name")), str(p))
        return _view(branch, year, status=400, posted=posted)
    share = settings_from_config(current_app.config).excellent_max_share
    sheet = [line for _, line in lines]
    if excellent_over_share(excellent_count(sheet), len(sheet), share) and not request.form.get(
            "confirm_excellent"):
        problem("confirm", _("More than %(share)s of the branch would be rated 优秀 "
                             "(normally at most %(share)s). Check the ratings, or confirm "
                             "and save again.",
                             share=f"{share.numerator}/{share.denominator}"), "warning")
        return _view(branch, year, status=409, posted=posted,
                     confirm=[line.name for line in sheet if line.rating is Rating.EXCELLENT])
    saved = 0
    try:
        for m, line in lines:
            r = records.get(m.id)
            if line.stage is None:
                continue  # not started: nothing to record (a recorded stage is kept)
            if r is not None and r.stage is line.stage and r.rating is line.rating:
                continue
            evaluation_ops.set_evaluation(actor(), m, year, line.stage, line.rating)
            saved += 1
    except UserError as error:
        db.session.rollback()
        refuse_at(error)
        return _view(branch, year, status=400, posted=posted)
    db.session.commit()
    flash(_("Evaluation saved: %(count)d members changed.", count=saved))
    return redirect(url_for("console.evaluations", code=branch.code, year=year), 303)


@bp.post("/branches/<code>/evaluations/stage")
@branch_access(write=True)
def move_evaluation_stage(branch: Branch) -> ResponseReturnValue:
    """Move every member of the branch whose evaluation is short of ``stage`` on to it, in
    one step (each change logged); nobody is moved back, ratings are not touched."""
    year = _year()
    try:
        target = EvaluationStage(request.form.get("stage", ""))
    except ValueError:
        problem("bulk-stage", _("Choose the stage to move everyone on to."))
        return _view(branch, year, status=400)
    members = _eligible(branch, year)
    records = _records(members, year)
    moved = 0
    try:
        for m in members:
            r = records.get(m.id)
            if r is not None and STAGES.index(r.stage) >= STAGES.index(target):
                continue
            evaluation_ops.set_evaluation(actor(), m, year, target, None)
            moved += 1
    except UserError as error:
        db.session.rollback()
        refuse_at(error, default="bulk-stage")
        return _view(branch, year, status=400)
    db.session.commit()
    flash(_("%(count)d members moved on to %(stage)s.", count=moved,
            stage=_stage_label(target)))
    return redirect(url_for("console.evaluations", code=branch.code, year=year), 303)


def _stage_label(stage: EvaluationStage) -> str:
    return label(stage, str(get_locale() or "zh"))
