"""Red-team items 4 and 9 (issue 24): dues amounts, which give away the wage, are shown
only to those who manage the member; download names are safe whatever the data holds
(*both*)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import select

from console.downloads import ascii_slug, content_disposition
from core.changelog import Actor
from core.db import db
from profiles.dues.operations import record_dues
from profiles.models import Branch, Member
from tests.helpers.console import AuthActions, World


def _pay(app: Flask, world: World, cents: list[int]) -> None:
    """Payments for May 2026 by the first len(cents) members of branch A (more if needed)."""
    from tests.helpers import factories

    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        members = list(db.session.scalars(select(Member).where(Member.branch_id == branch.id)
                                          .order_by(Member.id)))
        while len(members) < len(cents):
            members.append(factories.make_member(branch))
        for member, amount in zip(members, cents, strict=False):
            record_dues(Actor("t", "test"), member, 202605, due_cents=amount, paid_cents=amount,
                        paid_on=dt.date(2026, 5, 20), due_reason="工资调整为 98765.43 元")
        db.session.commit()


def test_a_supervisor_sees_paid_or_unpaid_but_no_amount(app: Flask, world: World,
                                                        auth: AuthActions) -> None:
    _pay(app, world, [12345])
    auth.login("super")
    page = auth.client.get(f"/console/branches/{world.a.code}/dues?year=2026")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "✓" in body
    # neither the amount, nor the computed monthly amount of the 6,000 yuan base, nor the
    # reason, nor a one-payment total
    for secret in ("123.45", "12345", "98765.43", "60.00", "30.00"):
        assert secret not in body, secret
    history = auth.client.get(f"/console/branches/{world.a.code}/history").get_data(
        as_text=True)
    assert "12345" not in history and "123.45" not in history and "98765" not in history
    auth.logout()
    auth.login("sec_a")  # who keeps the branch sees the amounts
    body = auth.client.get(f"/console/branches/{world.a.code}/dues?year=2026").get_data(
        as_text=True)
    assert "123.45" in body


def test_a_supervisor_sees_a_months_total_only_over_several_payers(
        app: Flask, world: World, auth: AuthActions) -> None:
    _pay(app, world, [1000, 2000, 3500])
    auth.login("super")
    body = auth.client.get(f"/console/branches/{world.a.code}/dues?year=2026").get_data(
        as_text=True)
    assert 'class="total">65<' in body  # the branch total of three payments, in yuan
    for one in ("10.00", "20.00", "35.00", '"total">10<', '"total">20<', '"total">35<'):
        assert one not in body


@pytest.mark.parametrize("name", ['card-A"; filename=x.html-1.pdf', "card-党员01-1.pdf",
                                  "a\r\nSet-Cookie: x=1.pdf", "支部-ZB01-cards.pdf", "..", ""])
def test_download_names_are_safe_whatever_they_hold(name: str) -> None:
    from werkzeug.wrappers import Response

    value = content_disposition(name)
    value.encode("latin-1")  # a header werkzeug can send
    assert "\r" not in value and "\n" not in value
    fallback = re.match(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(\S*)$', value)
    assert fallback, value
    assert re.fullmatch(r"[A-Za-z0-9._-]+", fallback.group(1))
    assert ";" not in fallback.group(2) and '"' not in fallback.group(2)
    Response(b"", headers={"Content-Disposition": value})
    assert ascii_slug("支部.pdf") == "download.pdf"


def test_a_branch_code_with_quotes_downloads_its_cards(app: Flask, world: World,
                                                       auth: AuthActions) -> None:
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        branch.name = '甲"; filename=x.html'
        db.session.commit()
    auth.login("sec_a")
    response = auth.client.get(f"/console/members/{world.a.member_numbers[0]}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    header = response.headers["Content-Disposition"]
    assert header.startswith('attachment; filename="card-MXA01M0-1.pdf"')
    export = auth.client.get(f"/console/branches/{world.a.code}/export.xlsx")
    assert export.status_code == 200
    assert 'x.html"' not in export.headers["Content-Disposition"]
    assert "filename=x.html" not in export.headers["Content-Disposition"].split(";", 2)[1]
