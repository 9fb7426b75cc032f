"""Points (党员积分): a member's ledger and a manual entry (rule, points, reason); one entry
given to several members of a branch at once (``/branches/<code>/points``).

The ledger is append-only: a wrong entry is corrected by another entry, never edited.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import branch_access, current_access, member_access
from console.blueprint import bp
from console.feedback import problem, refuse_at
from console.record import actor, parse_date
from core.clock import today
from core.db import db
from core.errors import UserError
from profiles.members import reads as members_reads
from profiles.models import Branch, Member, PointsRule
from profiles.points import operations as points_ops
from profiles.points import reads as points_reads

LEDGER_SIZE = 100
MAX_POINTS = 100  # one entry gives or takes at most this many points


def _rules(committee_id: int) -> list[PointsRule]:
    return points_reads.active_rules(committee_id)


def _view(member: Member, status: int = 200) -> tuple[str, int]:
    entries = points_reads.ledger(member.id, LEDGER_SIZE)
    year = today().year
    by_month = points_reads.points_by_month(member.id, today().replace(month=1, day=1))
    return render_template(
        "console/record_points.html", member=member, entries=entries,
        rules=_rules(member.branch.committee_id),
        year=year, total=sum(by_month.values()), by_month=sorted(by_month.items()),
        writable=current_access().can_write(member.branch_id), form=request.form,
        today=today()), status


@bp.get("/members/<number>/points")
@member_access()
def member_points(member: Member) -> tuple[str, int]:
    """The member's ledger, newest first, and this year's totals by month."""
    return _view(member)


def _entry(rules: list[PointsRule]) -> tuple[PointsRule | None, int, str, dt.date] | None:
    """The posted entry (rule, points, reason, date), or None with each problem shown
    beside its field."""
    rule_id = request.form.get("rule", "")
    rule = next((r for r in rules if str(r.id) == rule_id), None) if rule_id else None
    ok = True
    if rule_id and rule is None:
        problem("rule", _("Choose one of the organisation's rules."))
        ok = False
    points_text = request.form.get("points", "").strip().replace("＋", "+").replace("－", "-")
    points: int | None = None
    if points_text:
        # ASCII digits only (int() also reads other scripts' digits), at most six of them:
        # the range itself is the rule's (profiles/limits.py), refused with its message.
        if re.fullmatch(r"[+-]?[0-9]{1,6}", points_text):
            points = int(points_text)
            if not -MAX_POINTS <= points <= MAX_POINTS:
                problem("points", _("Give between -%(max)d and %(max)d points.",
                                    max=MAX_POINTS))
                ok = False
        else:
            problem("points", _("Points are a whole number, e.g. 3 or -2."))
            ok = False
    elif rule is not None:
        points = rule.points
    else:
        problem("points", _("Give the points, or choose a rule."))
        ok = False
    reason = request.form.get("reason", "").strip() or (rule.name if rule else "")
    day = parse_date(request.form.get("recorded_on", ""))
    if day is None:
        problem("recorded_on", _("Give the date (yyyy-mm-dd)."))
        ok = False
    elif day > today():
        problem("recorded_on", _("The date %(date)s is in the future.", date=day.isoformat()))
        ok = False
    if not ok or points is None or day is None:
        return None
    return rule, points, reason, day


@bp.post("/members/<number>/points")
@member_access(write=True)
def add_member_points(member: Member) -> ResponseReturnValue:
    """Append an entry: a rule (its points and name by default), or points and a reason."""
    entry = _entry(_rules(member.branch.committee_id))
    if entry is None:
        return _view(member, 400)
    rule, points, reason, day = entry
    try:
        points_ops.add_points(actor(), member, recorded_on=day, points=points, reason=reason,
                              rule=rule)
    except UserError as error:
        db.session.rollback()
        refuse_at(error)
        return _view(member, 400)
    db.session.commit()
    flash(_("Points entry added for %(name)s.", name=member.name))
    return redirect(url_for("console.member_points", number=member.number), 303)


def _branch_view(branch: Branch, status: int = 200,
                 chosen: set[str] | None = None) -> tuple[str, int]:
    return render_template(
        "console/record_points_branch.html", branch=branch,
        members=members_reads.current_members(branch.id), rules=_rules(branch.committee_id),
        chosen=chosen or set(), form=request.form, today=today(),
        writable=current_access().can_write(branch.id)), status


@bp.get("/branches/<code>/points")
@branch_access(write=True)
def branch_points(branch: Branch) -> tuple[str, int]:
    """One points entry for several members of the branch: tick them, give the entry."""
    return _branch_view(branch)


@bp.post("/branches/<code>/points")
@branch_access(write=True)
def add_branch_points(branch: Branch) -> ResponseReturnValue:
    """The same entry appended to each ticked member's ledger (each one logged)."""
    members = {m.number: m for m in members_reads.current_members(branch.id)}
    numbers = request.form.getlist("member")
    chosen = [members[n] for n in dict.fromkeys(numbers) if n in members]
    if len(chosen) != len(set(numbers)):
        problem("members", _("Tick members of this branch only."))
    elif not chosen:
        problem("members", _("Tick at least one member."))
    entry = _entry(_rules(branch.committee_id))
    if entry is None or not chosen or len(chosen) != len(set(numbers)):
        return _branch_view(branch, 400, set(numbers))
    rule, points, reason, day = entry
    try:
        for m in chosen:
            points_ops.add_points(actor(), m, recorded_on=day, points=points, reason=reason,
                                  rule=rule)
    except UserError as error:
        db.session.rollback()
        refuse_at(error)
        return _branch_view(branch, 400, set(numbers))
    db.session.commit()
    flash(_("Points entry added for %(count)d members: %(names)s.", count=len(chosen),
            names="、".join(m.name for m in chosen)))
    return redirect(url_for("console.branch_points", code=branch.code), 303)
