"""Dues (党费): a branch's month grid, payments (one month or several: 补交, paying ahead)
and amounts set by hand with a reason.

Each member's amount for a month is what was recorded, else what the brackets give for the
member's basis (profiles.dues.rates; nothing before admission). Arrears come from the one
computation the pages use (profiles.dues.arrears, read by profiles.dues.reads): the months
from when the member began paying here up to this month that are not fully paid,
including months with no record at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import branch_access, current_access
from console.blueprint import bp
from console.record import actor, parse_date, refuse
from core.clock import today
from core.db import db
from core.errors import UserError
from core.money import parse_yuan
from core.problems import Problem
from profiles.dues import operations as dues_ops
from profiles.dues import reads as dues_reads
from profiles.dues.reads import branch_arrears
from profiles.dues.rules import MonthDue, computed_due, override_problems, payment_plan
from profiles.members import reads as members_reads
from profiles.models import Branch, Member
from profiles.months import add_month, month_range, yyyymm

MAX_MONTHS = 24  # one payment covers at most two years


@dataclass(frozen=True)
class Cell:
    """One member's month: what is due, what was paid, and whether it counts as unpaid."""

    month: int
    due: int | None  # None: cannot be computed (no wage or pension on record)
    paid: int
    recorded: bool
    reason: str | None

    @property
    def state(self) -> str:
        if self.due == 0:
            return "none"
        if self.due is None:
            return "unknown"
        if self.paid >= self.due:
            return "paid"
        return "part" if self.paid else "unpaid"


@dataclass(frozen=True)
class Row:
    member: Member
    monthly: int | None
    cells: list[Cell]
    arrears: list[int]


def _grid(branch: Branch, year: int) -> tuple[list[Row], list[int], int]:
    members = members_reads.current_members(branch.id)
    current = yyyymm(today())
    owed = {d.member_id: d.arrears.unpaid for d in
            branch_arrears(branch.id, today(), dues_reads.tracked_from(branch.id))}
    shown = month_range(year * 100 + 1, year * 100 + 12)
    records = dues_reads.branch_records(branch.id, shown[0], shown[-1])
    rows = []
    for m in members:
        def cell(month: int, m: Member = m) -> Cell:
            r = records.get((m.id, month))
            if r is not None:
                return Cell(month, r.due_cents, r.paid_cents, True, r.due_reason)
            return Cell(month, computed_due(m.dues_basis, m.dues_base_cents, m.joined_on,
                                            month), 0, False, None)

        rows.append(Row(m, computed_due(m.dues_basis, m.dues_base_cents, m.joined_on,
                                        current), [cell(month) for month in shown],
                        owed.get(m.id, [])))
    return rows, shown, current


def _member(branch: Branch, number: str) -> Member | None:
    return members_reads.member_in_branch(branch.id, number)


def _month_arg(text: str) -> int | None:
    """'2026-05' (a month input) or '202605' → 202605."""
    text = text.strip().replace("-", "")
    return int(text) if text.isdigit() and len(text) == 6 and 1 <= int(text) % 100 <= 12 \
        else None


@bp.get("/branches/<code>/dues")
@branch_access()
def dues(branch: Branch) -> str:
    """The month grid of one year (this year unless ``year`` or ``month`` says otherwise)."""
    return _dues_view(branch)[0]


def _dues_view(branch: Branch, status: int = 200) -> tuple[str, int]:
    year = today().year
    month = _month_arg(request.args.get("month", ""))
    if month:
        year = month // 100
    if request.args.get("year", "").isdigit():
        year = max(1921, min(2200, int(request.args["year"])))
    rows, shown, current = _grid(branch, year)
    return render_template(
        "console/record_dues.html", branch=branch, rows=rows, shown=shown, year=year,
        current=current, writable=current_access().can_write(branch.id),
        form=request.form, today=today()), status


def _show(problems: list[Problem]) -> None:
    for p in problems:
        flash(str(p), "error")


@bp.post("/branches/<code>/dues/pay")
@branch_access(write=True)
def pay_dues(branch: Branch) -> ResponseReturnValue:
    """Record a payment for one month or several consecutive months."""
    member = _member(branch, request.form.get("member", ""))
    first = _month_arg(request.form.get("first", ""))
    count_text = request.form.get("count", "1").strip() or "1"
    paid_on = parse_date(request.form.get("paid_on", ""))
    errors = []
    if member is None:
        errors.append(_("Choose a member of this branch."))
    if first is None:
        errors.append(_("Give the first month paid for (yyyy-mm)."))
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_MONTHS:
        errors.append(_("Pay for 1 to %(max)d months at a time.", max=MAX_MONTHS))
    try:
        amount = parse_yuan(request.form.get("amount", ""))
    except ValueError:
        amount = None
        errors.append(_("Write the amount in yuan, e.g. 45 or 45.50."))
    if paid_on is not None and paid_on > today():
        errors.append(_("The payment date %(date)s is in the future.", date=paid_on.isoformat()))
    if errors or member is None or first is None:
        for e in errors:
            flash(e, "error")
        return _dues_view(branch, 400)
    chosen = [add_month(first, i) for i in range(int(count_text))]
    existing = dues_reads.member_records(member.id, chosen)
    dues_list = []
    for month in chosen:
        r = existing.get(month)
        due = r.due_cents if r is not None else computed_due(
            member.dues_basis, member.dues_base_cents, member.joined_on, month)
        if due is None:
            flash(_("The amount due for %(name)s cannot be computed (no wage or pension on "
                    "record): set it by hand first.", name=member.name), "error")
            return _dues_view(branch, 400)
        dues_list.append(MonthDue(month, due, r.paid_cents if r is not None else 0))
    plan, problems = payment_plan(dues_list, amount, paid_on)
    if problems:
        _show(problems)
        return _dues_view(branch, 400)
    try:
        for month, paid in plan:
            dues_ops.record_dues(actor(), member, month, paid_cents=paid, paid_on=paid_on)
    except UserError as error:
        db.session.rollback()
        refuse(error)
        return _dues_view(branch, 400)
    db.session.commit()
    flash(_("Payment recorded for %(name)s: %(count)d months.", name=member.name,
            count=len(plan)))
    return redirect(url_for("console.dues", code=branch.code, year=first // 100), 303)


@bp.post("/branches/<code>/dues/due")
@branch_access(write=True)
def set_due(branch: Branch) -> ResponseReturnValue:
    """Set a month's amount due by hand (a reason is required when it differs)."""
    member = _member(branch, request.form.get("member", ""))
    month = _month_arg(request.form.get("month", ""))
    reason = request.form.get("reason", "").strip()
    errors = []
    if member is None:
        errors.append(_("Choose a member of this branch."))
    if month is None:
        errors.append(_("Give the month (yyyy-mm)."))
    try:
        due = parse_yuan(request.form.get("due", ""))
    except ValueError:
        due = None
        errors.append(_("Write the amount in yuan, e.g. 45 or 45.50."))
    if errors or member is None or month is None:
        for e in errors:
            flash(e, "error")
        return _dues_view(branch, 400)
    computed = computed_due(member.dues_basis, member.dues_base_cents, member.joined_on, month)
    problems = override_problems(due_cents=due, computed=computed, reason=reason)
    if problems:
        _show(problems)
        return _dues_view(branch, 400)
    try:
        dues_ops.record_dues(actor(), member, month, due_cents=due,
                             due_reason=reason if due != computed else "")
    except UserError as error:
        db.session.rollback()
        refuse(error)
        return _dues_view(branch, 400)
    db.session.commit()
    flash(_("Amount due saved for %(name)s.", name=member.name))
    return redirect(url_for("console.dues", code=branch.code, year=month // 100), 303)


