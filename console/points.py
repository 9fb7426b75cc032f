"""Points (党员积分): a member's ledger and a manual entry (rule, points, reason).

The ledger is append-only: a wrong entry is corrected by another entry, never edited.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import current_access, member_access
from console.blueprint import bp
from console.record import actor, parse_date, refuse
from core.clock import today
from core.db import db
from core.errors import UserError
from profiles.models import Member, PointsRule
from profiles.points import operations as points_ops
from profiles.points import reads as points_reads

LEDGER_SIZE = 100


def _rules(member: Member) -> list[PointsRule]:
    return points_reads.active_rules(member.branch.committee_id)


def _view(member: Member, status: int = 200) -> tuple[str, int]:
    entries = points_reads.ledger(member.id, LEDGER_SIZE)
    year = today().year
    by_month = points_reads.points_by_month(member.id, today().replace(month=1, day=1))
    return render_template(
        "console/record_points.html", member=member, entries=entries, rules=_rules(member),
        year=year, total=sum(by_month.values()), by_month=sorted(by_month.items()),
        writable=current_access().can_write(member.branch_id), form=request.form,
        today=today()), status


@bp.get("/members/<number>/points")
@member_access()
def member_points(member: Member) -> tuple[str, int]:
    """The member's ledger, newest first, and this year's totals by month."""
    return _view(member)


@bp.post("/members/<number>/points")
@member_access(write=True)
def add_member_points(member: Member) -> ResponseReturnValue:
    """Append an entry: a rule (its points and name by default), or points and a reason."""
    rule_id = request.form.get("rule", "")
    rule = next((r for r in _rules(member) if str(r.id) == rule_id), None) if rule_id else None
    errors = []
    if rule_id and rule is None:
        errors.append(_("Choose one of the organisation's rules."))
    points_text = request.form.get("points", "").strip().replace("＋", "+").replace("－", "-")
    points: int | None = None
    if points_text:
        try:
            points = int(points_text)
        except ValueError:
            errors.append(_("Points are a whole number, e.g. 3 or -2."))
    elif rule is not None:
        points = rule.points
    else:
        errors.append(_("Give the points, or choose a rule."))
    reason = request.form.get("reason", "").strip() or (rule.name if rule else "")
    day = parse_date(request.form.get("recorded_on", "")) or None
    if day is None:
        errors.append(_("Give the date (yyyy-mm-dd)."))
    elif day > today():
        errors.append(_("The date %(date)s is in the future.", date=day.isoformat()))
    if errors or points is None or day is None:
        for e in errors:
            flash(e, "error")
        return _view(member, 400)
    try:
        points_ops.add_points(actor(), member, recorded_on=day, points=points, reason=reason,
                              rule=rule)
    except UserError as error:
        db.session.rollback()
        refuse(error)
        return _view(member, 400)
    db.session.commit()
    flash(_("Points entry added for %(name)s.", name=member.name))
    return redirect(url_for("console.member_points", number=member.number), 303)
