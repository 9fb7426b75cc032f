"""One arrears computation: every screen that shows a member's arrears gives the same months.

A member who transferred into the organisation long after their admission owes from the
day they arrived; the member page, the branch page, the self-audit and the console's dues
grid must agree on that, month for month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from console.dues import _grid
from core.db import db
from profiles.audit.checklist import run_audit, settings_from_config
from profiles.dues.reads import branch_arrears
from profiles.enums import Category
from profiles.members.membership import Membership, MembershipStart
from profiles.models import Branch, DuesRecord, Member
from profiles.queries import branch_page, member_page
from tests.helpers.dates import TODAY

OWED = [202605, 202606, 202607, 202609, 202610, 202611]  # arrived May; paid August only


def _arrived(member: Member, on: dt.date) -> None:
    """The member's record here begins with a transfer in (组织关系转入) on ``on``."""
    first = db.session.scalars(select(Membership).where(Membership.member_id == member.id)).one()
    first.since, first.start_reason = on, MembershipStart.TRANSFERRED_IN


def test_a_member_who_transferred_in_owes_the_same_months_everywhere(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    branch = make_branch(code="ZR01")
    arrived = make_member(branch, name="转入", joined_on=dt.date(2010, 7, 1))
    _arrived(arrived, dt.date(2026, 5, 10))
    for month, paid in ((202607, 400), (202608, 1000)):
        db.session.add(DuesRecord(member_id=arrived.id, month=month, due_cents=1000,
                                  paid_cents=paid, paid_on=dt.date(2026, 8, 1)))
    db.session.commit()

    mine = member_page(arrived.id, TODAY)
    assert mine is not None and mine.dues.unpaid == OWED

    page = branch_page(branch.id, TODAY)
    assert page is not None
    listed = {a.name: a for a in page.audit.arrears}
    assert (listed["转入"].unpaid_months, listed["转入"].consecutive) == (len(OWED), 3)

    findings = [f for f in run_audit(page.audit, settings_from_config(app.config), TODAY)
                if f.rule == "dues_unpaid"]
    assert [(f.params["name"], f.params["months"]) for f in findings] == [("转入", len(OWED))]

    with app.test_request_context():
        rows, _shown, _current = _grid(db.session.get(Branch, branch.id), 2026)
    assert {row.member.name: row.arrears for row in rows} == {"转入": OWED}


def test_paid_ahead_reads_the_same_on_the_member_page_and_the_branch_read(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    branch = make_branch(code="ZR02")
    ahead = make_member(branch, name="预交", joined_on=dt.date(2026, 1, 5),
                        category=Category.PROBATIONARY, converted_on=None)
    for month in [*range(202601, 202613), *range(202701, 202713)]:
        db.session.add(DuesRecord(member_id=ahead.id, month=month, due_cents=1000,
                                  paid_cents=1000, paid_on=dt.date(2026, 1, 5)))
    db.session.commit()
    page = member_page(ahead.id, TODAY)
    [read] = branch_arrears(branch.id, TODAY, None)
    assert page is not None and page.dues.paid_through == read.arrears.paid_through == 202712
    assert page.dues.unpaid == read.arrears.unpaid == []
