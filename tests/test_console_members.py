"""Console reads: home checklist links, member search, private fields, history."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from console.search import matches_pinyin, spellings
from core.db import db
from profiles.models import ChangeLog, Member
from tests import factories
from tests.console_helpers import AuthActions, World


def test_home_lists_my_branch_with_checklist_lines_linking_to_their_screens(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    body = auth.client.get("/console/").get_data(as_text=True)
    assert world.a.name in body
    # A branch without meetings misses every cadence: each line links to recording one.
    assert f"/console/branches/{world.a.code}/meetings/new?kind=" in body
    assert world.b.name not in body


def test_checklist_links_cover_every_rule(app: Flask) -> None:
    import datetime as dt

    from console.links import finding_url
    from profiles.audit import Finding
    from profiles.enums import MeetingKind
    from profiles.periods import Period

    with app.test_request_context():
        numbers = {"李娜": "DY1"}
        cases = [
            (Finding("meeting_missed", "warning",
                     {"kind": MeetingKind.LECTURE, "period": Period(2026, 3, "quarter")}),
             "/console/branches/ZB/meetings/new?kind=lecture&period=2026-07-01"),
            (Finding("dues_unpaid", "critical", {"name": "李娜", "months": 6, "limit": 6}),
             "/console/branches/ZB/dues?month=202611"),
            (Finding("evaluation_missing", "warning", {"year": 2025, "count": 3}),
             "/console/branches/ZB/evaluations?year=2025"),
            (Finding("probation_overdue", "warning",
                     {"name": "李娜", "ended": dt.date(2026, 7, 1)}),
             "/console/members/DY1/edit"),
            (Finding("absent", "warning", {"name": "李娜", "months": 4, "limit": 6}),
             "/console/members/DY1"),
            (Finding("absent", "warning", {"name": "同名", "months": 4, "limit": 6}),
             "/console/members?q="),
        ]
        for finding, url in cases:
            got = finding_url("ZB", finding, numbers, 202611)
            assert got is not None and got.startswith(url), (finding.rule, got)


def test_pinyin_spellings() -> None:
    assert spellings("张三") == ("zhangsan", "zs")
    assert spellings("曾小明")[0] == "zengxiaoming"  # the surname reading, not ceng
    assert matches_pinyin("张三", "zs") and matches_pinyin("张三", "zhang")
    assert not matches_pinyin("张三", "li")


def test_search_by_name_pinyin_and_number_within_my_branches(
        app: Flask, world: World, auth: AuthActions) -> None:
    with app.app_context():
        branch_a = factories.make_branch(code="MXA09", name="甲另一支部")
        del branch_a
        a = db.session.scalar(select(Member).where(Member.number == world.a.member_numbers[0]))
        assert a is not None
        factories.make_member(a.branch, name="王小明", number="WXM001")
        factories.make_member(
            factories.make_branch(code="MXB09", name="乙另一支部"), name="王小红",
            number="WXH001")
        db.session.commit()
    auth.login("sec_a")
    for query in ("王小明", "wxm", "wangxiao", "WXM0"):
        body = auth.client.get("/console/members", query_string={"q": query}).get_data(
            as_text=True)
        assert "王小明" in body, query
        assert "王小红" not in body, query  # another branch's member never shows
    listing = auth.client.get("/console/members").get_data(as_text=True)
    assert "甲成员一" in listing and "王小明" in listing  # one branch: its members at once
    assert auth.client.get("/console/members", query_string={
        "branch": world.b.code}).status_code == 404
    assert auth.client.get("/console/members", query_string={
        "q": "%"}).status_code == 200


def test_private_fields_are_masked_until_revealed_and_the_reveal_is_logged(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    page = auth.client.get(f"/console/members/{number}").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    revealed = auth.post(f"/console/members/{number}/reveal")
    assert revealed.status_code == 200
    assert "13812345678" in revealed.get_data(as_text=True)
    assert revealed.headers["Cache-Control"] == "no-store"
    with app.app_context():
        row = db.session.scalar(select(ChangeLog).where(ChangeLog.action == "reveal"))
        assert row is not None and row.actor == "sec_a" and row.record_key == number
        assert "phone" in json.loads(row.changes)["revealed"][1]
        assert "13812345678" not in row.changes
    history = auth.client.get(f"/console/members/{number}/history").get_data(as_text=True)
    assert "查看了隐私信息" in history and "sec_a" in history


def test_a_supervisor_reads_the_record_but_no_private_field(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("super")
    page = auth.client.get(f"/console/members/{number}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert world.a.member_names[0] in body
    assert "138" not in body and "显示隐私信息" not in body
    assert auth.post(f"/console/members/{number}/reveal").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(ChangeLog).where(ChangeLog.action == "reveal")) is None


def test_history_masks_private_values_and_stays_within_the_branch(
        app: Flask, world: World, auth: AuthActions) -> None:
    with app.app_context():
        db.session.add_all([
            ChangeLog(actor="import", source="import members x.xlsx", table_name="member",
                      record_key=world.a.member_numbers[0], action="update",
                      changes=json.dumps({"phone": ["13800000000", "13912345678"],
                                          "name": ["甲", "甲成员一"]})),
            ChangeLog(actor="import", source="import", table_name="dues",
                      record_key=f"{world.b.member_numbers[0]} 2026-05", action="insert",
                      changes=json.dumps({"paid": [None, "10.00"]})),
        ])
        db.session.commit()
    auth.login("sec_a")
    for url in ("/console/history", f"/console/branches/{world.a.code}/history",
                f"/console/members/{world.a.member_numbers[0]}/history"):
        body = auth.client.get(url).get_data(as_text=True)
        assert "139****5678" in body, url
        assert "13912345678" not in body and "13800000000" not in body, url
        assert world.b.member_numbers[0] not in body, url
    auth.logout()
    auth.login("super")
    body = auth.client.get("/console/history").get_data(as_text=True)
    assert world.b.member_numbers[0] in body
