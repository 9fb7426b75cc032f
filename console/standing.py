"""The life of a membership in the console: one member's standing (流动, 失联, 停止党籍,
出国（境）暂留, 恢复) and the end of the membership with a reason; the former members
(历史党员) of the branches one may read. Writes go through ``profiles.members.standing``;
the request commits. Former members are listed here only, never on a page by a card."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField
from wtforms.validators import DataRequired, Optional

from accounts.access import current_access, member_access, signed_in
from console.blueprint import bp
from console.member_writes import attach
from console.record import actor
from core.clock import today
from core.db import db
from profiles.enums import ENDED, MemberStatus
from profiles.labels import label
from profiles.members import reads as members_reads
from profiles.members import standing as standing_ops
from profiles.members.membership import END_STATUS, MembershipEnd
from profiles.members.rules import ABROAD_MAX_YEARS
from profiles.models import Member
from profiles.months import add_months
from profiles.writes import RuleViolation, refuse

EARLIEST = dt.date(1921, 7, 1)
SHOWN_FORMER = 200  # the former members listed at most, latest ends first

class StandingForm(FlaskForm):  # type: ignore[misc]
    action = RadioField(_l("Change"), choices=[], validators=[DataRequired()])
    since = DateField(_l("From (date)"), validators=[DataRequired()])
    until = DateField(_l("暂留 approved until"), validators=[Optional()])
    reason = SelectField(_l("Reason the membership ended (减少类型)"), choices=[],
                         validate_choice=True)

    def fill(self, day: dt.date) -> None:
        self.action.choices = [
            ("away", label(MemberStatus.AWAY)), ("lost_contact", label(MemberStatus.LOST_CONTACT)),
            ("suspended", label(MemberStatus.SUSPENDED)), ("abroad", label(MemberStatus.ABROAD)),
            ("normal", _l("Back to 正常 (恢复党籍)")), ("end", _l("End of the membership"))]
        self.reason.choices = [("", "—"), *((r.value, label(END_STATUS[r])) for r in END_STATUS)]
        self.since.render_kw = {"min": EARLIEST.isoformat(), "max": day.isoformat()}
        self.until.render_kw = {"min": EARLIEST.isoformat(),
                                "max": add_months(day, 12 * (ABROAD_MAX_YEARS + 1)).isoformat()}


def _apply(member: Member, form: StandingForm) -> None:
    action, since, day = form.action.data, form.since.data, today()
    if action == "normal":
        standing_ops.restore(actor(), member, on=since, today=day)
    elif action == "end":
        if not form.reason.data:
            raise refuse("reason", "Choose why the membership ended: 转出, 去世, 自行脱党除名, "
                         "开除党籍 or 退党.")
        standing_ops.end_membership(actor(), member, reason=MembershipEnd(form.reason.data),
                                    on=since, today=day)
    else:
        standing_ops.set_standing(actor(), member, MemberStatus(action), since=since,
                                  until=form.until.data, today=day)


@bp.route("/members/<number>/standing", methods=["GET", "POST"])
@member_access(write=True)
def member_standing(member: Member) -> ResponseReturnValue:
    """Change a member's standing with its date(s), or end the membership with a reason."""
    form = StandingForm()
    form.fill(today())
    if request.method == "GET":
        form.since.data = today()
    general: list[str] = []
    if member.status in ENDED and request.method == "GET":
        general.append(_("%(name)s's membership here has ended; a former member's standing "
                         "cannot change.", name=member.name))
    # A POST goes to the operations, which refuse a former member's change and take the
    # same end submitted twice (a double tap) as done.
    if request.method == "POST" and form.validate_on_submit():
        try:
            _apply(member, form)
        except RuleViolation as exc:
            for problem in exc.problems:
                attach(form, {"on": "since"}.get(problem.field or "", problem.field),
                       str(problem), general)
        else:
            db.session.commit()
            flash(_("%(name)s: %(status)s recorded.", name=member.name,
                    status=label(member.status)))
            return redirect(url_for("console.member", number=member.number))
        db.session.rollback()
    elif request.method == "POST":
        general.append(_("Check the marked fields."))
    periods = members_reads.member_standings(member.id)
    status = 400 if request.method == "POST" else 200
    return render_template("console/member_standing.html", member=member, form=form,
                           general=general, periods=periods,
                           ended=member.status in ENDED), status


@bp.get("/former-members")
@signed_in
def former_members() -> str:
    """历史党员: the members whose membership ended, in the branches one may read, with
    the reason and the date. The console only: no card opens their page."""
    rows = members_reads.former_members(current_access().readable(Member.branch_id),
                                        SHOWN_FORMER)
    return render_template("console/former_members.html", rows=rows, shown=SHOWN_FORMER)
