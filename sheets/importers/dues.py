"""Dues payments: one row per member and month. The due amount may be left out; it is then
kept from the database or computed from the member's basis (profiles.dues.rates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.changelog import Change
from core.db import db
from profiles.dues import rules as dues_rules
from profiles.dues.rates import monthly_dues_cents
from profiles.models import DuesRecord, Member
from profiles.months import first_day, month_label
from sheets.importers import given, inference
from sheets.importers.record_pipeline import (
    MemberFinder,
    Person,
    bulk_writer,
    first_time,
    report,
    row_is_clean,
    run_import,
)
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome


def import_dues(path: SheetFile, *, dry_run: bool = False, actor: str = "unknown",
                progress: Callable[[int, int], None] | None = None,
                today: dt.date | None = None, branch: str | None = None,
                paid_on: dt.date | None = None, **_: Any) -> Outcome:
    """Import dues payments; raises SheetRefused (nothing written) on any problem.

    ``paid_on`` (else the import date) is the payment date of a sheet without 缴纳日期;
    ``branch`` the branch of a sheet without a branch column."""
    day = today or dt.date.today()
    supplied = given.checked(branch=branch, paid_on=paid_on, today=day)

    def planner(rows: list[Cells], outcome: Outcome) -> Callable[[], None]:
        return _plan(rows, outcome, paid_on or day, paid_on is not None)

    return run_import("dues", path, planner, dry_run=dry_run, actor=actor, progress=progress,
                      supplied=supplied)


def _plan(rows: list[Cells], outcome: Outcome, paid_day: dt.date,
          from_option: bool) -> Callable[[], None]:
    inference.refuse_payer_only(rows)
    finder = MemberFinder()
    bases = {m.id: (m.dues_basis, m.dues_base_cents) for m in db.session.execute(
        select(Member.id, Member.dues_basis, Member.dues_base_cents)).all()}
    existing = {(d.member_id, d.month): d for d in db.session.scalars(select(DuesRecord))}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    dated = inference.Inferences()
    payers: list[tuple[int, str, str]] = []  # row, 交费人, the member
    for cells in rows:
        before = len(cells.problems)
        code = finder.branch_code(cells)
        month = cells.month("month", required=True)
        person = finder.find(cells, code, on=first_day(month) if month else None)
        due = cells.cents("due")
        paid = cells.cents("paid", required=True)
        paid_on = inference.payment_date(cells, paid, paid_day, dated)
        payer = cells.name("payer")
        report(cells, dues_rules.dues_problems(due_cents=due, paid_cents=paid, paid_on=paid_on))
        if person is None or month is None:
            continue
        if payer and payer != person.name:
            payers.append((cells.row, payer, person.name))
        _check_membership(cells, finder, person, code, month)
        first_time(cells, "month", (person.id, month), seen,
                   "This member's dues for this month are already in row %(other)s.")
        if not row_is_clean(cells, before):
            continue
        old = existing.get((person.id, month))
        if due is None:
            due = old.due_cents if old is not None else _computed(cells, *bases[person.id])
            if due is None:
                continue
        values = {"member_id": person.id, "month": month, "due_cents": due,
                  "paid_cents": paid, "paid_on": paid_on}
        key = f"{person.number} {month_label(month)}"
        label = person.name
        if old is None:
            inserts.append(values)
            outcome.changes.append(Change("insert", "dues", key, label, cells.row, {
                "due": (None, due), "paid": (None, paid), "paid_on": (None, paid_on)}))
            continue
        fields = {f: (o, n) for f, o, n in (("due", old.due_cents, due),
                                            ("paid", old.paid_cents, paid),
                                            ("paid_on", old.paid_on, paid_on)) if o != n}
        if fields:
            updates.append(values)
            outcome.changes.append(Change("update", "dues", key, label, cells.row, fields))
        else:
            outcome.unchanged += 1
    outcome.notes += (inference.payment_date_notes(dated, from_option)
                      + inference.payer_note(sorted(set(payers))))
    return bulk_writer(DuesRecord, inserts, updates)


def _check_membership(cells: Cells, finder: MemberFinder, person: Person, code: str | None,
                      month: int) -> None:
    """A month's dues belong to the organisation the member was in that month; months
    after a transfer out are not ours to record (months ahead, while still a member, are:
    paying ahead settles them)."""
    if not person.spans:
        return
    spans = [s for s in person.spans if s.overlaps_month(month)]
    shown = month_label(month)
    if not spans:
        cells.report("month", "%(name)s was not a member of the organisation in %(month)s.",
                     name=person.name, month=shown)
    elif code and all(finder.codes[s.branch_id] != code for s in spans):
        cells.report("branch", "%(name)s was not a member of %(branch)s in %(month)s.",
                     name=person.name, branch=finder.branch_names.get(code, code), month=shown)


def _computed(cells: Cells, basis: Any, base_cents: int | None) -> int | None:
    try:
        return monthly_dues_cents(basis, base_cents)
    except ValueError:
        cells.report("due", "The due amount cannot be computed (the member has no wage or "
                     "pension on record); fill in 应缴金额.")
        return None
