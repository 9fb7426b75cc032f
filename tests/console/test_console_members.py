"""Console reads: home checklist links, member search, private fields, history."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from console.search import matches_pinyin, spellings
from core.db import db
from profiles.models import ChangeLog, Member
from tests.helpers import factories
from tests.helpers.console import AuthActions, World


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
    from profiles.audit.checklist import Finding
    from profiles.enums import MeetingKind
    from profiles.months import Period

    with app.test_request_context():
        numbers = {"李娜": "DY1"}
        cases = [
            (Finding("meeting_missed", "warning",
                     {"kind": MeetingKind.LECTURE, "period": Period(2026, 3, "quarter")}),
             "/console/branches/ZB/meetings/new?kind=lecture&period=2026-07-01&cadence=quarter"),
            (Finding("meeting_missed", "warning",
                     {"kind": MeetingKind.GROUP, "period": Period(2026, 10, "month"),
                      "group": "第一党小组"}),
             "/console/branches/ZB/meetings/new?kind=group&period=2026-10-01&cadence=month"
             "&group=%E7%AC%AC"),
            # the member's open months up to this one, proposed as one payment
            (Finding("dues_unpaid", "critical", {"name": "李娜", "months": 6, "limit": 6}),
             "/console/branches/ZB/dues?pay=DY1&upto=202611#pay"),
            # the members not rated, first and highlighted
            (Finding("evaluation_missing", "warning", {"year": 2025, "count": 3}),
             "/console/branches/ZB/evaluations?year=2025&open=1#open"),
            (Finding("probation_overdue", "warning",
                     {"name": "李娜", "ended": dt.date(2026, 7, 1)}),
             "/console/members/DY1/edit"),
            # Absence is closed by a meeting attended: the branch's meetings (console.meetings).
            (Finding("absent", "warning", {"name": "李娜", "months": 4, "limit": 6}),
             "/console/branches/ZB/meetings"),
            (Finding("absent", "warning", {"name": "同名", "months": 4, "limit": 6}),
             "/console/branches/ZB/meetings"),
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
        assert "139****5678" in body and "联系电话" in body, url
        assert "13912345678" not in body and "13800000000" not in body, url
        assert world.b.member_numbers[0] not in body, url
    auth.logout()
    auth.login("super")
    body = auth.client.get("/console/history").get_data(as_text=True)
    assert world.b.member_numbers[0] in body


def test_console_statements_do_not_grow_with_branch_size(app: Flask) -> None:
    from accounts.models import Role
    from profiles.models import Branch
    from tests.helpers.console import make_account
    from tests.helpers.pages import count_statements, seed_branch

    with app.app_context():
        small, _ = seed_branch(2, 1)
        big, _ = seed_branch(30, 24)
        codes = {b.id: b.code for b in db.session.scalars(select(Branch))}
        make_account("small", Role.SECRETARY, codes[small])
        make_account("big", Role.SECRETARY, codes[big])
        db.session.commit()
    counts: dict[str, int] = {}
    for who, branch_id in (("small", small), ("big", big)):
        auth = AuthActions(app.test_client())
        auth.login(who)
        for page in ("/console/", f"/console/members?branch={codes[branch_id]}",
                     f"/console/branches/{codes[branch_id]}"):
            with count_statements(app) as statements:
                assert auth.client.get(page).status_code == 200
            counts[f"{who} {page.split('?')[0].split('/')[2] or 'home'}"] = len(statements)
    assert counts["small home"] == counts["big home"] <= 20, counts
    assert counts["small members"] == counts["big members"] <= 8, counts
    assert counts["small branches"] == counts["big branches"] <= 20, counts


def test_the_console_speaks_english_on_request_and_keeps_the_search(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    page = auth.client.get("/console/members?q=jia&lang=en").get_data(as_text=True)
    assert "Members" in page and "党员" not in page.split("<main>")[0]
    assert 'href="/console/members?q=jia&amp;lang=zh"' in page
    assert "成员" in auth.client.get("/console/members?q=甲").get_data(as_text=True)


def test_branch_history_matches_keys_exactly(app: Flask, world: World,
                                             auth: AuthActions) -> None:
    """A code with a LIKE wildcard in it must not pull in another branch's rows."""
    with app.app_context():
        wild = factories.make_branch(code="W_1", name="通配支部")
        factories.make_branch(code="WX1", name="别的支部")
        db.session.add(ChangeLog(actor="x", source="x", table_name="meeting",
                                 record_key="WX1 2026-05-01 党课", action="insert",
                                 changes="{}"))
        db.session.add(ChangeLog(actor="x", source="x", table_name="meeting",
                                 record_key="W_1 2026-05-02 党课", action="insert",
                                 changes="{}"))
        from accounts.models import Role
        from tests.helpers.console import make_account

        make_account("wild", Role.SECRETARY, wild.code)
        db.session.commit()
    auth.login("wild")
    body = auth.client.get("/console/branches/W_1/history").get_data(as_text=True)
    assert "W_1 2026-05-02" in body and "WX1" not in body
    assert "WX1" not in auth.client.get("/console/history").get_data(as_text=True)


def test_a_search_with_many_matches_shows_the_first_in_pinyin_order(
        app: Flask, monkeypatch: object) -> None:
    import pytest

    from console import search

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(search, "LIMIT", 3)
    with app.app_context():
        branch = factories.make_branch()
        for name in ("王五", "王二", "汪三", "王一", "吴六"):
            factories.make_member(branch, name=name)
        db.session.commit()
        rows, more = search.find_members(Member.branch_id == branch.id, "w")
    assert more
    assert [r.name for r in rows] == ["汪三", "王二", "王五"]
    assert all(r.name != "吴六" for r in rows)


def test_history_reads_the_new_records_and_a_secretary_sees_their_own(
        app: Flask, world: World, auth: AuthActions) -> None:
    """The change log of meetings' records and files and of 发展党员 in the reader's words,
    and a secretary's log holds their own branch's recruitment and files, not another's."""
    from profiles.models import Meeting
    from profiles.recruitment.operations import key_of

    with app.app_context():
        mine = db.session.get(Meeting, world.a.meeting_id)
        theirs = db.session.get(Meeting, world.b.meeting_id)
        assert mine is not None and theirs is not None
        from profiles.meetings.operations import meeting_key_of

        keys = {"a_file": f"{meeting_key_of(mine)} 合影.jpg",
                "b_file": f"{meeting_key_of(theirs)} 他们的合影.jpg"}
        from profiles.models import Applicant

        a_key = key_of(db.session.get_one(Applicant, world.a.applicant_id))
        b_key = key_of(db.session.get_one(Applicant, world.b.applicant_id))
        db.session.add_all([
            ChangeLog(actor="sec_a", source="console", table_name="meeting_file",
                      record_key=keys["a_file"], action="insert",
                      changes=json.dumps({"kind": [None, "photo"], "size": [None, 7170]})),
            ChangeLog(actor="sec_b", source="console", table_name="meeting_file",
                      record_key=keys["b_file"], action="insert",
                      changes=json.dumps({"kind": [None, "photo"]})),
            ChangeLog(actor="sec_a", source="console", table_name="applicant",
                      record_key=a_key, action="update",
                      changes=json.dumps({"stage": ["applicant", "activist"],
                                          "talk_on": [None, "2025-02-01"]})),
            ChangeLog(actor="sec_b", source="console", table_name="applicant",
                      record_key=b_key, action="update",
                      changes=json.dumps({"talk_by": [None, "乙书记"]})),
            ChangeLog(actor="sec_a", source="console", table_name="meeting",
                      record_key=meeting_key_of(mine), action="update",
                      changes=json.dumps({"host": ["", "张书记"], "minutes": ["", "纪要"]})),
            ChangeLog(actor="sec_a", source="console", table_name="dues",
                      record_key=f"{world.a.member_numbers[0]} 2026-05", action="update",
                      changes=json.dumps({"paid": [0, 29040]})),
        ])
        db.session.commit()
    auth.login("sec_a")
    for url in ("/console/history", f"/console/branches/{world.a.code}/history"):
        body = auth.client.get(url).get_data(as_text=True)
        assert "合影.jpg" in body and a_key in body, url  # their own branch's
        assert "他们的合影" not in body and b_key not in body and "乙书记" not in body, url
        for words in ("会议附件", "照片", "发展党员记录", "入党申请人", "入党积极分子",
                      "谈话日期", "主持人", "会议纪要", "290.40"):
            assert words in body, (url, words)
        for raw in ("meeting_file", "talk_on", "host:", ">photo<", "29040"):
            assert raw not in body, (url, raw)
