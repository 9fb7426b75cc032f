"""Red-team items 3, 8 and 9 (issue 24): member numbers keep to their character set
(import, operations, database), history matches a member's own keys only, and every number
a person can type has a range the database and every sum hold (*both*)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask import Flask
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from core.changelog import Actor, log_change
from core.db import db
from profiles.limits import MAX_CENTS, MAX_POINTS
from profiles.members.operations import create_member
from profiles.models import Branch, DuesRecord, Member, PointsEntry
from profiles.writes import RuleViolation
from tests.helpers.console import AuthActions, World
from tests.helpers.pages import path

BAD_NUMBERS = ["DY000024 ZB02", "DY1\tX", "党员01", 'A"; filename=x.html', "A_1", "A/B",
               "A" * 33, "DY1\u00a0"]


# -- item 3: the character set, everywhere -------------------------------------------------

def test_the_database_refuses_a_member_number_outside_the_set(app: Flask,
                                                              world: World) -> None:
    for number in BAD_NUMBERS:
        _database_refuses(world, number)


def _database_refuses(world: World, number: str) -> None:
    with world.app.app_context():
        branch_id = db.session.scalar(select(Branch.id).where(Branch.code == world.a.code))
        with pytest.raises(DBAPIError):
            db.session.execute(insert(Member).values(
                number=number, name="x", branch_id=branch_id, category="full",
                joined_on=dt.date(2010, 1, 1), status="normal", dues_basis="wage",
                probation_extension_months=0, card_generation=1))
            db.session.flush()
        db.session.rollback()
        member = db.session.scalar(select(Member).where(Member.number == world.a.member_numbers[0]))
        with pytest.raises(DBAPIError):
            db.session.execute(text("UPDATE member SET number = :n WHERE id = :i"),
                               {"n": number, "i": member.id})
        db.session.rollback()


def test_the_operations_refuse_a_number_outside_the_set(app: Flask, world: World) -> None:
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        for number in [n for n in BAD_NUMBERS if n.strip() == n]:  # the rest are stripped
            with pytest.raises(RuleViolation) as refused:
                create_member(Actor("t", "test"), branch=branch, number=number, name="x",
                              category="full", joined_on=dt.date(2010, 1, 1))
            assert "number" in {p.field for p in refused.value.problems}
            db.session.rollback()
        made = create_member(Actor("t", "test"), branch=branch, number="ab-12", name="x",
                             category="full", joined_on=dt.date(2010, 1, 1))
        assert made.number == "AB-12"


def test_the_import_refuses_a_number_outside_the_set(app: Flask, world: World,
                                                      auth: AuthActions) -> None:
    header = "姓名,入党日期,人员类别,所在支部,党员编号"
    rows = [f"甲{i},2019-07-01,正式党员,{world.a.name},{n.replace(chr(34), '')}"
            for i, n in enumerate(["DY000024 ZB02", "党员01", "A_1", "A/B"])]
    data = ("\n".join([header, *rows]) + "\n").encode("utf-8-sig")
    auth.login("sec_a")
    response = auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), "r.csv")},
        content_type="multipart/form-data")
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/confirm" not in page
    for row in (2, 3, 4, 5):
        assert re.search(rf"<td>{row}</td><td>E 党员编号</td>", page), row


def test_history_shows_only_the_members_own_keys(app: Flask, world: World,
                                                 auth: AuthActions) -> None:
    """A's member numbered like the start of B's member's number sees none of B's rows."""
    b_number = world.b.member_numbers[0]  # MXB02M0
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        create_member(Actor("t", "test"), branch=branch, number=b_number[:-1], name="前缀",
                      category="full", joined_on=dt.date(2010, 1, 1))
        log_change(Actor("t", "test"), "insert", "dues", f"{b_number} 2026-05",
                   {"paid": (None, "乙秘密金额")})
        log_change(Actor("t", "test"), "insert", "attendance", f"{b_number} MXB02 2026-05-01",
                   {"state": (None, "乙秘密会议")})
        db.session.commit()
    auth.login("sec_a")
    page = auth.client.get(f"/console/members/{b_number[:-1]}/history").get_data(as_text=True)
    assert "乙秘密" not in page and b_number not in page


# -- items 8, 9: ranges --------------------------------------------------------------------

POINTS = ["9223372036854775807", "-9223372036854775807", "99999999999999999999",
          str(MAX_POINTS + 1), "1e5", "NaN", "Infinity", "٣"]


def test_points_beyond_the_range_are_refused_with_a_message(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    number = world.a.member_numbers[0]
    for points in POINTS:
        response = auth.post(f"/console/members/{number}/points", points=points, reason="试",
                             recorded_on="2026-05-01")
        assert response.status_code == 400, (points, response.status_code)
    with app.app_context():
        assert db.session.scalar(select(PointsEntry.id)) is None
    assert auth.client.get(f"/console/members/{number}/points").status_code == 200


def test_the_largest_points_are_accepted(app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    number = world.a.member_numbers[0]
    from console.points import MAX_POINTS as FORM_MAX  # the form's own, within the range

    for points in (str(FORM_MAX), f"-{FORM_MAX}"):
        response = auth.post(f"/console/members/{number}/points", points=points, reason="试",
                             recorded_on="2026-05-01")
        assert response.status_code in (200, 302, 303)
    with app.app_context():
        assert len(db.session.scalars(select(PointsEntry.id)).all()) == 2


def test_the_database_refuses_out_of_range_numbers(app: Flask, world: World) -> None:
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.number == world.a.member_numbers[0]))
        for statement, values in (
                (insert(PointsEntry), {"member_id": member.id, "recorded_on": dt.date(2026, 1, 1),
                                       "points": MAX_POINTS + 1, "reason": "x"}),
                (insert(DuesRecord), {"member_id": member.id, "month": 202601,
                                      "due_cents": MAX_CENTS + 1, "paid_cents": 0}),
                (text("UPDATE member SET dues_base_cents = :v WHERE id = :i"),
                 {"v": MAX_CENTS + 1, "i": member.id})):
            with pytest.raises(DBAPIError):
                db.session.execute(statement, values)
                db.session.flush()
            db.session.rollback()


def _edit_fields(auth: AuthActions, url: str) -> dict[str, str]:
    form = auth.client.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        options = re.findall(r"<option([^>]*)>", body)
        chosen = [o for o in options if "selected" in o] or options[:1]
        value = re.search(r'value="([^"]*)"', chosen[0]) if chosen else None
        fields[name] = value.group(1) if value else ""
    fields.pop("csrf_token", None)
    return fields


BASES = ["NaN", "Infinity", "-Infinity", "1e400", "99999999999", "1000000.01", "0x10", "１e9"]


def test_a_dues_base_beyond_the_range_is_a_message(app: Flask, world: World,
                                                   auth: AuthActions) -> None:
    auth.login("sec_a")
    url = f"/console/members/{world.a.member_numbers[0]}/edit"
    fields = _edit_fields(auth, url)
    for base in BASES:
        response = auth.post(url, **{**fields, "dues_base": base})
        assert response.status_code == 400, base
        assert 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.number == world.a.member_numbers[0]))
        assert member.dues_base_cents == 600_000


def test_the_largest_values_over_a_large_branch_sum_without_overflow(
        app: Flask, world: World, auth: AuthActions) -> None:
    """1,500 members, each at the largest dues base, points and amounts: every page of the
    branch and its members still answers."""
    members = 1500
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        base = dict(branch_id=branch.id, category="full", joined_on=dt.date(2010, 1, 1),
                    converted_on=dt.date(2011, 1, 1), status="normal", dues_basis="wage",
                    probation_extension_months=0, card_generation=1,
                    dues_base_cents=MAX_CENTS)
        db.session.execute(insert(Member), [
            {**base, "number": f"BIG{i:05d}", "name": f"大{i}"} for i in range(members)])
        ids = list(db.session.scalars(select(Member.id).where(Member.number.like("BIG%"))))
        db.session.execute(insert(PointsEntry), [
            {"member_id": i, "recorded_on": dt.date(2026, 5, 1), "points": MAX_POINTS,
             "reason": "最大", "recorded_by": "t"} for i in ids])
        db.session.execute(insert(DuesRecord), [
            {"member_id": i, "month": month, "due_cents": MAX_CENTS, "paid_cents": MAX_CENTS,
             "paid_on": dt.date(2026, 5, 2)} for i in ids for month in (202605, 202606)])
        first, branch_id = ids[0], branch.id
        db.session.commit()
    auth.login("admin")
    for url in ("/console/", f"/console/branches/{world.a.code}",
                f"/console/branches/{world.a.code}/dues", "/console/members/BIG00000/points",
                path(app, "member", first), path(app, "branch", branch_id)):
        response = auth.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
