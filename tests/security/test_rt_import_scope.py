"""Red-team items 1 and 2 (issue 24): a secretary's import may change exactly what the
account may write (members, their records, their branches' and groups' dates), and its
refusals name nothing of another branch, the same whether or not it exists (*both*)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Branch, Member, PartyGroup
from tests.helpers.console import AuthActions, World

JOB_URL = re.compile(r"/console/jobs/([0-9a-f]{32})$")
HEADER = ["姓名", "性别", "入党日期", "转正日期", "人员类别", "支部编号", "所在支部", "党小组",
          "党员编号", "身份证号", "支部成立日期", "党小组成立日期", "支部撤销日期"]
B_ID = "11010519491231002X"  # B's member's ID number (valid check digit)


def _row(**cells: str) -> list[str]:
    base = {"姓名": "张测试", "性别": "男", "入党日期": "2019-07-01", "转正日期": "2020-07-01",
            "人员类别": "正式党员"}
    base.update(cells)
    return [base.get(h, "") for h in HEADER]


def _csv(*rows: list[str]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _check(auth: AuthActions, data: bytes) -> tuple[str, str]:
    """Upload as the signed-in account; the job's id and page."""
    response = auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), "roster.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = JOB_URL.search(response.headers["Location"])
    assert found
    page = auth.client.get(f"/console/jobs/{found.group(1)}")
    assert page.status_code == 200
    return found.group(1), page.get_data(as_text=True)


def _units(app: Flask, code: str) -> tuple[Any, ...]:
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == code))
        groups = db.session.execute(select(PartyGroup.name, PartyGroup.founded_on,
                                           PartyGroup.dissolved_on)
                                    .where(PartyGroup.branch_id == branch.id)
                                    .order_by(PartyGroup.name)).all()
        return branch.founded_on, branch.dissolved_on, tuple(groups)


@pytest.fixture
def b_member_with_id(app: Flask, world: World) -> str:
    with app.app_context():
        member = db.session.scalar(select(Member).where(
            Member.number == world.b.member_numbers[0]))
        member.id_number = B_ID
        db.session.commit()
    return B_ID


def _leaks(page: str, world: World, typed: tuple[str, ...] = ()) -> list[str]:
    """Strings of branch B on the page that the attacker did not type themselves."""
    secrets = [*world.b.secrets(), "第1小组", "第2小组", B_ID]
    return [s for s in secrets if s in page and s not in typed
            and not any(s in t for t in typed)]


# -- item 1: effects on units --------------------------------------------------------------

UNIT_PAYLOADS = [{"支部成立日期": "2001-03-04"},
                 {"党小组": "第1小组", "党小组成立日期": "2002-05-06"},
                 {"支部撤销日期": "2030-01-01"},
                 {"党小组": "第9小组"}]  # a new party group


def test_a_row_naming_another_branch_changes_none_of_its_units(
        app: Flask, world: World, auth: AuthActions) -> None:
    """Each payload, naming B by code, by name and by both (one world for all twelve)."""
    before = _units(app, world.b.code)
    auth.login("sec_a")
    for cells in UNIT_PAYLOADS:
        for where in ({"支部编号": world.b.code, "所在支部": world.a.name},
                      {"所在支部": world.b.name},
                      {"支部编号": world.b.code, "所在支部": world.b.name}):
            job_id, page = _check(auth, _csv(_row(**where, **cells)))
            assert f"/console/jobs/{job_id}/confirm" not in page, (where, cells)
            assert auth.post(f"/console/jobs/{job_id}/confirm").status_code == 302
            assert _units(app, world.b.code) == before, (where, cells)
            assert _leaks(page, world, tuple(where.values())) == [], (where, cells)


def test_own_units_dates_are_imported_and_said_in_the_dry_run(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    job_id, page = _check(auth, _csv(_row(所在支部=world.a.name, 党员编号=world.a.member_numbers[0],
                                          姓名="甲成员一", 支部成立日期="2001-03-04")))
    assert "2001-03-04" in page and f"/console/jobs/{job_id}/confirm" in page
    auth.post(f"/console/jobs/{job_id}/confirm")
    assert _units(app, world.a.code)[0] == dt.date(2001, 3, 4)


def test_the_scope_check_looks_at_effects_not_only_at_rows(app: Flask, world: World) -> None:
    """Whatever way a row's branch was resolved, an effect outside the codes is refused."""
    from core.changelog import Change
    from sheets.report.outcome import Outcome
    from sheets.upload_jobs import branch_scope

    check = branch_scope(frozenset({world.a.code}))
    assert check is not None
    with app.app_context():
        for change in (Change("update", "branch", world.b.code, world.b.name, 0,
                              {"founded_on": (None, dt.date(2001, 1, 1))}),
                       Change("update", "party_group", f"{world.b.code} 第1小组", "第1小组", 0,
                              {"dissolved_on": (None, dt.date(2030, 1, 1))}),
                       Change("insert", "party_group", f"{world.b.code} 新组", "新组", 0, {}),
                       Change("insert", "branch", "ZZ9", "新支部", 0, {})):
            outcome = Outcome("members", "x.csv", 1, side_changes=[change])
            assert check(outcome), change
        moved = Outcome("members", "x.csv", 1, changes=[Change(
            "update", "member", world.b.member_numbers[0], "x", 2, {"name": ("a", "b")})])
        assert check(moved)
        ok = Outcome("members", "x.csv", 1, side_changes=[Change(
            "update", "branch", world.a.code, world.a.name, 0,
            {"founded_on": (None, dt.date(2001, 1, 1))})])
        assert check(ok) == []


# -- item 2: refusals name nothing, and say the same for real and made-up things -----------

def _message(page: str) -> str:
    cells = re.findall(r"<td>([^<]*(?:branches your account|你的账号|本组织)[^<]*)</td>", page)
    return " ".join(cells)


def test_another_branch_and_a_made_up_one_get_the_same_refusal(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    answers = []
    for name, code in ((world.b.name, world.b.code), ("并无此支部", "NOPE99")):
        for where in ({"所在支部": name}, {"支部编号": code, "所在支部": name}):
            _, page = _check(auth, _csv(_row(**where)))
            assert _leaks(page, world, (name, code)) == []
            answers.append(_message(page).replace(name, "X").replace(code, "X"))
    assert answers[0] and answers[0] == answers[2] and answers[1] == answers[3]


def test_an_id_number_of_another_branchs_member_names_nobody(
        app: Flask, world: World, auth: AuthActions, b_member_with_id: str) -> None:
    auth.login("sec_a")
    # new member, and an existing member of A given B's ID number
    for row in (_row(所在支部=world.a.name, 身份证号=B_ID),
                _row(所在支部=world.a.name, 身份证号=B_ID.lower(),
                     党员编号=world.a.member_numbers[1], 姓名="甲成员二")):
        job_id, page = _check(auth, _csv(row))
        assert f"/console/jobs/{job_id}/confirm" not in page
        assert _leaks(page, world, (B_ID, B_ID.lower())) == []
        assert "本组织其他记录" in page


def test_a_file_of_candidate_id_numbers_does_not_say_which_one_exists(
        app: Flask, world: World, auth: AuthActions, b_member_with_id: str) -> None:
    from profiles.members.rules import id_check_digit

    candidates = []
    for day in range(20, 32):  # the real one, 19491231, among made-up birth dates
        body = f"110105194912{day:02d}002"
        candidates.append(body + id_check_digit(body))
    assert B_ID in candidates
    rows = [_row(所在支部=world.a.name, 身份证号=c, 姓名=f"候选{i}",
                 入党日期=f"2019-07-{i + 1:02d}") for i, c in enumerate(candidates)]
    auth.login("sec_a")
    _, page = _check(auth, _csv(*rows))
    assert _leaks(page, world, tuple(candidates)) == []
    # No row is singled out: the file is refused as a whole for that reason.
    row_of_real = candidates.index(B_ID) + 2
    assert not re.search(rf"<td>{row_of_real}</td><td>[^<]*身份证号", page)


def test_a_member_number_of_another_branch_is_not_an_oracle_of_its_data(
        app: Flask, world: World, auth: AuthActions) -> None:
    """A row copying B's member exactly is refused like any other use of the number, not
    reported as unchanged; the refusal names neither the member nor the branch."""
    auth.login("sec_a")
    number = world.b.member_numbers[0]
    for row in (_row(所在支部=world.b.name, 党员编号=number, 姓名=world.b.member_names[0],
                     入党日期="2010-07-01", 转正日期="2011-07-01"),
                _row(所在支部=world.a.name, 党员编号=number.lower(), 姓名="随便")):
        job_id, page = _check(auth, _csv(row))
        assert f"/console/jobs/{job_id}/confirm" not in page
        assert "unchanged" not in page and "未变" not in page.replace("0 未变", "")
        assert _leaks(page, world, (world.b.name, number, number.lower(),
                                    world.b.member_names[0])) == []


def test_a_party_group_of_another_branch_is_not_listed(
        app: Flask, world: World, auth: AuthActions) -> None:
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.b.code))
        db.session.add(PartyGroup(branch_id=branch.id, name="乙专属小组"))
        db.session.commit()
    auth.login("sec_a")
    _, page = _check(auth, _csv(_row(所在支部=world.a.name, 党小组="乙专属小组x")))
    assert "乙专属小组" not in page.replace("乙专属小组x", "")


def test_the_member_edit_form_names_nobody_for_a_taken_id_number(
        app: Flask, world: World, auth: AuthActions, b_member_with_id: str) -> None:
    auth.login("sec_a")
    url = f"/console/members/{world.a.member_numbers[0]}/edit"
    form = auth.client.get(url).get_data(as_text=True)
    assert 'name="id_number"' in form
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', form))
    for select_name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', form,
                                        re.S):
        options = re.findall(r"<option([^>]*)>", body)
        chosen = [o for o in options if "selected" in o] or options[:1]
        value = re.search(r'value="([^"]*)"', chosen[0]) if chosen else None
        fields[select_name] = value.group(1) if value else ""
    fields.pop("csrf_token", None)
    for change in ({"id_number": B_ID}, {"id_number": B_ID.lower()}):
        response = auth.post(url, **{**fields, **change})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, page[:400]
        assert _leaks(page, world, tuple(change.values())) == [], change
        assert "本组织其他记录" in page
