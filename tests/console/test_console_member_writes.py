"""Console writes on a member: edit, transfer, reissue and print — through the operations
layer, logged with the account as the actor."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.enums import MemberStatus
from profiles.models import Branch, ChangeLog, Member
from qr.links import card_url
from tests.helpers.console import MEMBER_FORM as FORM
from tests.helpers.console import AuthActions, World
from tests.helpers.pdf import decode_pages


def _member(app: Flask, number: str) -> Member:
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.number == number))
        assert member is not None
        db.session.expunge(member)
        return member


def _log(app: Flask, number: str) -> list[ChangeLog]:
    with app.app_context():
        rows = list(db.session.scalars(select(ChangeLog).where(
            ChangeLog.record_key == number).order_by(ChangeLog.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_edit_saves_through_the_operations_with_the_account_as_actor(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    form = auth.client.get(f"/console/members/{number}/edit")
    assert form.status_code == 200
    assert "13812345678" not in form.get_data(as_text=True)  # private values never shown
    saved = auth.post(f"/console/members/{number}/edit",
                      **{**FORM, "name": "甲成员壹", "phone": "13900001111"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    member = _member(app, number)
    assert member.name == "甲成员壹" and member.phone == "13900001111"
    assert member.ethnicity == "汉族"
    row = _log(app, number)[-1]
    assert (row.actor, row.source, row.action) == ("sec_a", "console", "update")
    changes = json.loads(row.changes)
    assert changes["name"] == ["甲成员一", "甲成员壹"]
    assert "13900001111" not in row.changes and changes["phone"][1] == "139****1111"


def test_an_empty_private_field_keeps_the_value_and_a_dash_clears_it(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    assert auth.post(f"/console/members/{number}/edit", **FORM).status_code == 302
    assert _member(app, number).phone == "13812345678"
    assert auth.post(f"/console/members/{number}/edit",
                     **{**FORM, "phone": "-"}).status_code == 302
    assert _member(app, number).phone is None


def test_a_refused_edit_says_why_in_chinese_and_writes_nothing(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    before = len(_log(app, number))
    auth.login("sec_a")
    refused = auth.post(f"/console/members/{number}/edit",
                        **{**FORM, "name": "改了名", "converted_on": "2009-01-01"})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "转正日期" in body
    bad_date = auth.post(f"/console/members/{number}/edit", **{**FORM, "birth_date": "昨天"})
    assert bad_date.status_code == 400
    assert _member(app, number).name == "甲成员一"
    assert len(_log(app, number)) == before


def test_transfer_to_another_branch_moves_the_member_out_of_sight(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    form = auth.client.get(f"/console/members/{number}/transfer").get_data(as_text=True)
    assert world.b.code not in form  # only branches the secretary manages are offered
    refused = auth.post(f"/console/members/{number}/transfer", kind="branch",
                        target=world.b.code, on="2026-11-01")
    assert refused.status_code == 400  # not a branch sec_a may write
    assert _member(app, number).status is MemberStatus.NORMAL
    auth.logout()
    auth.login("admin")
    moved = auth.post(f"/console/members/{number}/transfer", kind="branch",
                      target=world.b.code, on="2026-11-01")
    assert moved.status_code == 302
    with app.app_context():
        branch_b = db.session.scalar(select(Branch).where(Branch.code == world.b.code))
        assert branch_b is not None
        assert _member(app, number).branch_id == branch_b.id
    row = _log(app, number)[-1]
    assert row.actor == "admin" and json.loads(row.changes)["on"] == [None, "2026-11-01"]
    auth.logout()
    auth.login("sec_a")
    assert auth.client.get(f"/console/members/{number}").status_code == 404


def test_transfer_out_with_a_date(app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[1]
    auth.login("sec_a")
    done = auth.post(f"/console/members/{number}/transfer", kind="out", target="",
                     on="2026-10-31")
    assert done.status_code == 302
    assert _member(app, number).status is MemberStatus.TRANSFERRED_OUT
    again = auth.post(f"/console/members/{number}/transfer", kind="out", target="",
                      on="2026-11-01")
    assert again.status_code == 400
    assert "转出" in again.get_data(as_text=True)


def test_reissue_replaces_the_card_and_prints_the_new_one(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    member = _member(app, number)
    keys = app.config["SIGNING_KEYS"]
    old_url = card_url(app.config["BASE_URL"], keys, "member", member.id, 1)
    path = "/" + old_url.split("/", 3)[3]
    assert auth.client.get(path).status_code == 200
    auth.login("sec_a")
    confirm = auth.client.get(f"/console/members/{number}/reissue")
    assert confirm.status_code == 200 and "扫描" in confirm.get_data(as_text=True)
    assert _member(app, number).card_generation == 1  # a GET changes nothing
    # a reason is asked: without one nothing is reissued, and the refusal says so by it
    refused = auth.post(f"/console/members/{number}/reissue")
    assert refused.status_code == 400 and "补发原因" in refused.get_data(as_text=True)
    assert _member(app, number).card_generation == 1
    done = auth.post(f"/console/members/{number}/reissue", reason="other", other="卡片受潮")
    assert done.status_code == 302 and done.headers["Location"] == f"/console/members/{number}"
    assert _member(app, number).card_generation == 2
    assert auth.client.get(path).status_code == 410
    row = _log(app, number)[-1]
    assert (row.actor, row.source) == ("sec_a", "console card reissue")
    assert "卡片受潮" in row.changes  # the reason is logged with the new generation
    pdf = auth.client.get(f"/console/members/{number}/card.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    new_url = card_url(app.config["BASE_URL"], keys, "member", member.id, 2)
    assert decode_pages(pdf.data) == [[new_url]]
