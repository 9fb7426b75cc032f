"""Writes to the dues record (党费)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.changelog import Actor, log_change
from core.db import db
from profiles.dues.rates import monthly_dues_cents
from profiles.dues.rules import dues_problems, month_problems
from profiles.models import (
    DuesRecord,
    Member,
)
from profiles.months import month_label
from profiles.writes import apply_values, changed_values, check, refuse

# -- dues -----------------------------------------------------------------------------------

def record_dues(actor: Actor, member: Member, month: int, *, due_cents: int | None = None,
                paid_cents: int | None = None, paid_on: dt.date | None = None,
                due_reason: str | None = None) -> DuesRecord:
    """Record what a member owes for a month (YYYYMM) and/or what was paid, when.

    Left out, the due amount is kept (or, for a new month, computed from the member's
    basis), the paid amount kept (or 0) and the date kept; paying nothing clears the date.
    """
    check(month_problems(month))
    record = db.session.get(DuesRecord, (member.id, month))
    if due_cents is None:
        if record is not None:
            due_cents = record.due_cents
        else:
            try:
                due_cents = monthly_dues_cents(member.dues_basis, member.dues_base_cents)
            except ValueError:
                raise refuse("due", "The due amount cannot be computed (the member has no "
                             "wage or pension on record); fill in 应缴金额.") from None
    if paid_cents is None:
        paid_cents = record.paid_cents if record is not None else 0
    if paid_on is None and paid_cents and record is not None:
        paid_on = record.paid_on
    check(dues_problems(due_cents=due_cents, paid_cents=paid_cents, paid_on=paid_on))
    key = f"{member.number} {month_label(month)}"
    values: dict[str, Any] = {"due_cents": due_cents, "paid_cents": paid_cents,
                              "paid_on": paid_on}
    names = {"due_cents": "due", "paid_cents": "paid", "paid_on": "paid_on",
             "due_reason": "due_reason"}
    if due_reason is not None:  # an amount set by hand says why (profiles.dues.rules checks it)
        values["due_reason"] = due_reason.strip()[:200] or None
    if record is None:
        record = DuesRecord(member_id=member.id, month=month, **values)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "dues", key,
                   {names[k]: (None, v) for k, v in values.items()})
        return record
    changed = changed_values(record, values)
    if changed:
        apply_values(record, changed)
        db.session.flush()
        log_change(actor, "update", "dues", key, {names[k]: v for k, v in changed.items()})
    return record
