"""Dues (党费): a branch's month grid, payments (one month or several: 补交, paying ahead)
and amounts set by hand with a reason.

Who sees amounts: a member's monthly amount is a fixed share of the private wage, so only
those who manage the member's branch (its secretaries, administrators) see amounts and
reasons. A supervisor sees each month as paid, part paid, unpaid or nothing due, the
arrears counts, and per month the branch's total when at least ``MIN_TOTAL_MEMBERS``
members paid (docs/security.md, "Dues").

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
from console.feedback import problem, refuse_at
from console.helpers import month_name
from console.record import actor, parse_date
from core.clock import today
from core.db import db
from core.errors import UserError
from core.money import format_yuan, parse_yuan
from core.numbers import bounded_int
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
    owed_from: int = 0  # the member's first month owed here (before it: outside the record)

    @property
    def state(self) -> str:
        if not self.recorded and self.month < self.owed_from:
            return "outside"  # before tracking began or before the member was here
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


@dataclass(frozen=True)
class QuickPay:
    """A tapped month and the months before it still open: one payment, with its total."""

    member: Member
    months: list[int]
    total: int  # fen
    capped: bool = False  # more months are open than one payment covers (MAX_MONTHS)

    @property
    def months_text(self) -> str:
        return ",".join(str(m) for m in self.months)


def _grid(branch: Branch, year: int) -> tuple[list[Row], list[int], int]:
    members = members_reads.current_members(branch.id)
    current = yyyymm(today())
    owed = {d.member_id: d.arrears for d in
            branch_arrears(branch.id, today(), dues_reads.tracked_from(branch.id))}
    shown = month_range(year * 100 + 1, year * 100 + 12)
    records = dues_reads.branch_records(branch.id, shown[0], shown[-1])
    rows = []
    for m in members:
        position = owed.get(m.id)
        start = position.first_month if position is not None else 0

        def cell(month: int, m: Member = m, start: int = start) -> Cell:
            r = records.get((m.id, month))
            if r is not None:
                return Cell(month, r.due_cents, r.paid_cents, True, r.due_reason, start)
            return Cell(month, computed_due(m.dues_basis, m.dues_base_cents, m.joined_on,
                                            month), 0, False, None, start)

        rows.append(Row(m, computed_due(m.dues_basis, m.dues_base_cents, m.joined_on,
                                        current), [cell(month) for month in shown],
                        position.unpaid if position is not None else []))
    return rows, shown, current


def _member(branch: Branch, number: str) -> Member | None:
    return members_reads.member_in_branch(branch.id, number)


def _month_arg(text: str) -> int | None:
    """'2026-05' (a month input) or '202605' → 202605."""
    text = text.strip().replace("-", "")
    value = bounded_int(text, 100001, 999912) if len(text) == 6 else None
    return value if value is not None and 1 <= value % 100 <= 12 else None


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
    asked = bounded_int(request.args.get("year", ""), 1, 9999)
    if asked is not None:
        year = max(1921, min(2200, asked))
    upto = _month_arg(request.args.get("upto", ""))
    if upto and not request.args.get("year"):
        year = upto // 100
    rows, shown, current = _grid(branch, year)
    writable = current_access().can_write(branch.id)
    quick = _quick_pay(rows, request.args.get("pay", ""), upto) if writable else None
    return render_template(
        "console/record_dues.html", branch=branch, rows=rows, shown=shown, year=year,
        current=current, writable=writable, quick=quick,
        amounts=current_access().manages(branch.id), totals=month_totals(rows, shown),
        min_total=MIN_TOTAL_MEMBERS, form=request.form, today=today()), status


# A month's branch total is shown to a reader who does not manage the branch only when at
# least this many members paid in it: a total of one or two payments would be their amounts,
# and an amount divided by its bracket's rate is the private wage (docs/security.md).
MIN_TOTAL_MEMBERS = 3


def month_totals(rows: list[Row], shown: list[int]) -> list[tuple[int, int]]:
    """Per month of the grid: (amount paid in the branch, how many members paid)."""
    out = []
    for index, _month in enumerate(shown):
        paid = [r.cells[index].paid for r in rows if r.cells[index].paid]
        out.append((sum(paid), len(paid)))
    return out


def _quick_pay(rows: list[Row], number: str, upto: int | None) -> QuickPay | None:
    """Paying the tapped month ``upto`` and every open month before it (the arrears up to
    it, and for a month ahead the months between); None if nothing there is open."""
    row = next((r for r in rows if r.member.number == number), None)
    if row is None or upto is None:
        return None
    cells = {c.month: c for c in row.cells}
    months = [m for m in row.arrears if m <= upto]
    last = months[-1] if months else None
    for c in row.cells:  # months ahead of this one, in the shown year
        if c.month > (last or 0) and c.month <= upto and c.month not in row.arrears \
                and c.state in ("unpaid", "part"):
            months.append(c.month)
    capped = len(months) > MAX_MONTHS
    months = months[:MAX_MONTHS]  # the oldest first; the rest in a second payment
    total = 0
    for m in months:
        found = cells.get(m)
        due = found.due if found is not None else computed_due(
            row.member.dues_basis, row.member.dues_base_cents, row.member.joined_on, m)
        if due is None:
            return None  # an amount is unknown: set it by hand first
        total += max(due - (found.paid if found is not None else 0), 0)
    return QuickPay(row.member, months, total, capped) if months else None


def _show(problems: list[Problem], fields: dict[str, str] | None = None,
          default: str = "form") -> None:
    for p in problems:
        name = (fields or {}).get(p.field or "", p.field or "")
        problem(name or default, str(p))


def _months_arg(text: str) -> list[int] | None:
    """'202608,202609' (the quick payment's months) → [202608, 202609]; None if malformed."""
    months = [_month_arg(t) for t in text.split(",") if t.strip()]
    if not months or len(months) > MAX_MONTHS or any(m is None for m in months):
        return None
    return sorted({m for m in months if m is not None})


@bp.post("/branches/<code>/dues/pay")
@branch_access(write=True)
def pay_dues(branch: Branch) -> ResponseReturnValue:
    """Record a payment: the months a tapped cell proposed (``months``), or a first month
    and how many (``first``, ``count``). A range holding a month already paid is refused,
    saying which, rather than recording fewer months than asked."""
    quick = "months" in request.form
    at = "quick" if quick else None  # where the quick payment's problems show
    member = _member(branch, request.form.get("member", ""))
    paid_on = parse_date(request.form.get("paid_on", ""))
    errors: list[tuple[str, str]] = []
    if member is None:
        errors.append((at or "member", _("Choose a member of this branch.")))
    chosen: list[int] | None = None
    if quick:
        chosen = _months_arg(request.form.get("months", ""))
        if chosen is None:
            errors.append(("quick", _("Tap a month in the grid again.")))
    else:
        first = _month_arg(request.form.get("first", ""))
        count_text = request.form.get("count", "1").strip() or "1"
        if first is None:
            errors.append(("first", _("Give the first month paid for (yyyy-mm).")))
        count = bounded_int(count_text, 1, MAX_MONTHS)
        if count is None:
            errors.append(("count", _("Pay for 1 to %(max)d months at a time.",
                                      max=MAX_MONTHS)))
        elif first is not None:
            chosen = [add_month(first, i) for i in range(count)]
    try:
        amount = None if quick else parse_yuan(request.form.get("amount", ""))
    except ValueError:
        amount = None
        errors.append(("amount", _("Write the amount in yuan, e.g. 45 or 45.50.")))
    if paid_on is not None and paid_on > today():
        errors.append((at or "paid_on", _("The payment date %(date)s is in the future.",
                                          date=paid_on.isoformat())))
    if errors or member is None or chosen is None:
        for field, e in errors:
            problem(field, e)
        return _dues_view(branch, 400)
    existing = dues_reads.member_records(member.id, chosen)
    dues_list = []
    for month in chosen:
        r = existing.get(month)
        due = r.due_cents if r is not None else computed_due(
            member.dues_basis, member.dues_base_cents, member.joined_on, month)
        if due is None:
            problem(at or "member", _(
                "The amount due for %(name)s cannot be computed (no wage or pension on "
                "record): set it by hand first.", name=member.name))
            return _dues_view(branch, 400)
        dues_list.append(MonthDue(month, due, r.paid_cents if r is not None else 0))
    settled = [d.month for d in dues_list if d.due_cents and d.open_cents == 0]
    if settled and len(settled) < len(dues_list):
        problem(at or "count", _(
            "%(months)s is paid already: this range would record only %(count)d of its "
            "%(total)d months. Start after it, or pay fewer months.",
            months="、".join(month_name(m) for m in settled),
            count=len(dues_list) - len(settled), total=len(dues_list)))
        return _dues_view(branch, 400)
    plan, problems = payment_plan(dues_list, amount, paid_on)
    if problems:
        if quick:  # the proposal's problems show by its box, whatever field they name
            for p in problems:
                problem("quick", str(p))
        else:
            _show(problems, {"months": "count"})
        return _dues_view(branch, 400)
    try:
        for month, paid in plan:
            dues_ops.record_dues(actor(), member, month, paid_cents=paid, paid_on=paid_on)
    except UserError as error:
        db.session.rollback()
        refuse_at(error, {} if not quick else {"paid_on": "quick", "paid": "quick"},
                  default=at or "form")
        return _dues_view(branch, 400)
    db.session.commit()
    before = {d.month: d.paid_cents for d in dues_list}
    flash(_("Payment recorded for %(name)s: %(count)d months, %(total)s yuan.",
            name=member.name, count=len(plan),
            total=format_yuan(sum(paid - before[month] for month, paid in plan))))
    return redirect(url_for("console.dues", code=branch.code, year=chosen[0] // 100), 303)


@bp.post("/branches/<code>/dues/due")
@branch_access(write=True)
def set_due(branch: Branch) -> ResponseReturnValue:
    """Set a month's amount due by hand (a reason is required when it differs)."""
    member = _member(branch, request.form.get("member", ""))
    month = _month_arg(request.form.get("month", ""))
    reason = request.form.get("reason", "").strip()
    errors = []
    if member is None:
        errors.append(("due-member", _("Choose a member of this branch.")))
    if month is None:
        errors.append(("due-month", _("Give the month (yyyy-mm).")))
    try:
        due = parse_yuan(request.form.get("due", ""))
    except ValueError:
        due = None
        errors.append(("due-due", _("Write the amount in yuan, e.g. 45 or 45.50.")))
    if errors or member is None or month is None:
        for field, e in errors:
            problem(field, e)
        return _dues_view(branch, 400)
    computed = computed_due(member.dues_basis, member.dues_base_cents, member.joined_on, month)
    fields = {"due": "due-due", "due_reason": "due-reason", "month": "due-month"}
    problems = override_problems(due_cents=due, computed=computed, reason=reason)
    if problems:
        _show(problems, fields, default="due-form")
        return _dues_view(branch, 400)
    try:
        dues_ops.record_dues(actor(), member, month, due_cents=due,
                             due_reason=reason if due != computed else "")
    except UserError as error:
        db.session.rollback()
        refuse_at(error, fields, default="due-form")
        return _dues_view(branch, 400)
    db.session.commit()
    flash(_("Amount due saved for %(name)s.", name=member.name))
    return redirect(url_for("console.dues", code=branch.code, year=month // 100), 303)


