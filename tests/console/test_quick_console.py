"""Issue 20, a console a secretary is quick in: refusals beside their fields, pinyin order,
tap-to-pay dues, bulk work, meeting deletion, history in words, the console's own 404,
changing one's password. Bad paths included: wrong input, another branch, a supervisor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.db import db
from profiles.enums import Category, EvaluationStage
from profiles.models import ChangeLog, DuesRecord, Evaluation, Meeting, Member, PointsEntry
from tests.helpers import factories
from tests.helpers.console import PASSWORD, AuthActions, make_account

# The screens' behaviour does not depend on the backend: SQLite only (the deletion, which
# meets the ledger's foreign key and triggers, runs on both).
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NAMES = ["赵一", "安二", "曾三", "刘四"]  # pinyin: an, liu, zeng (曾 as a surname), zhao


def _setup(app: Flask) -> tuple[AuthActions, dict[str, str]]:
    with app.app_context():
        branch = factories.make_branch(code="KS01", name="快捷支部")
        other = factories.make_branch(code="KS02", name="别的支部")
        people = {n: factories.make_member(branch, name=n, joined_on=dt.date(2025, 6, 1),
                                           converted_on=dt.date(2026, 6, 1))
                  for n in NAMES}
        stranger = factories.make_member(other, name="外人")
        make_account("sec_ks", Role.SECRETARY, "KS01")
        make_account("super_ks", Role.SUPERVISOR)
        db.session.commit()
        ids = {n: m.number for n, m in people.items()}
        ids.update({f"id:{n}": str(m.id) for n, m in people.items()})
        ids["stranger"] = stranger.number
    auth = AuthActions(app.test_client())
    auth.login("sec_ks")
    return auth, ids


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def _order(text: str, names: list[str]) -> list[str]:
    return sorted(names, key=text.index)


@SQLITE
def test_a_refusal_shows_beside_its_field_not_as_a_success(app: Flask) -> None:
    auth, ids = _setup(app)
    refused = auth.post(f"/console/members/{ids['赵一']}/points", rule="", points="",
                        reason="", recorded_on="2026-11-01")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'class="flash"' not in text  # not in the green banner at the top
    # the field carries the mark and the focus; the problem follows it, with an icon
    field = re.search(r'<input type="number" name="points"[^>]*>', text)
    assert field and 'aria-invalid="true"' in field.group(0) and "autofocus" in field.group(0)
    after = text[field.end():]
    assert after.lstrip().startswith('<span class="problem error" id="problem-points"')
    assert "✖" in after[:200] and "请填写积分" in after[:400]
    # a meeting form's refusal, beside the kind; the form comes back to its anchor
    meeting = auth.post("/console/branches/KS01/meetings/new", kind="", held_on="2026-11-01")
    page = meeting.get_data(as_text=True)
    assert meeting.status_code == 400 and 'id="problem-kind"' in page and "#meeting" in page
    assert _count(app, PointsEntry) == 0 and _count(app, Meeting) == 0


@SQLITE
def test_lists_of_people_are_in_pinyin_order(app: Flask) -> None:
    auth, _ = _setup(app)
    expected = ["安二", "刘四", "曾三", "赵一"]
    for url in ("/console/branches/KS01/dues", "/console/branches/KS01/evaluations?year=2025",
                "/console/branches/KS01/points"):
        text = auth.client.get(url).get_data(as_text=True)
        assert _order(text, NAMES) == expected, url


@SQLITE
def test_a_tapped_month_proposes_it_and_the_open_months_before_it(app: Flask) -> None:
    auth, ids = _setup(app)
    number = ids["赵一"]
    # 2026-10 paid already; tapping 2026-11 proposes the open months up to it, not 10
    assert auth.post("/console/branches/KS01/dues/pay", member=number, first="2026-10",
                     count="1", amount="", paid_on="2026-11-01").status_code == 303
    grid = auth.client.get("/console/branches/KS01/dues?year=2019").get_data(as_text=True)
    assert 'class="outside"' in grid  # before the member joined: not "unpaid"
    page = auth.client.get(f"/console/branches/KS01/dues?pay={number}&upto=202611")
    text = page.get_data(as_text=True)
    months = re.search(r'name="months" value="([0-9,]+)"', text)
    assert months is not None
    chosen = months.group(1).split(",")
    assert "202611" in chosen and "202610" not in chosen and chosen == sorted(chosen)
    # a range holding the paid month is refused, naming it, instead of recording fewer
    overlap = auth.post("/console/branches/KS01/dues/pay", member=number, first="2026-09",
                        count="3", amount="", paid_on="2026-11-20")
    assert overlap.status_code == 400
    assert "2026年10月 已缴纳" in overlap.get_data(as_text=True)
    assert _count(app, DuesRecord) == 1
    # paying the proposal records every month of it, and says the total
    paid = auth.post(f"/console/branches/KS01/dues/pay?pay={number}&upto=202611",
                     member=number, months=months.group(1), paid_on="2026-11-20")
    assert paid.status_code == 303, re.findall(r'</span> ([^<]*)</span>',
                                               paid.get_data(as_text=True))[:3]
    assert _count(app, DuesRecord) == 1 + len(chosen)
    assert "共" in auth.client.get(paid.headers["Location"]).get_data(as_text=True)
    # a second tap of the same button records nothing and says why, in view
    again = auth.post(f"/console/branches/KS01/dues/pay?pay={number}&upto=202611",
                      member=number, months=months.group(1), paid_on="2026-11-20")
    assert again.status_code == 400 and "已缴" in again.get_data(as_text=True)
    assert 'id="pay"' in again.get_data(as_text=True)
    assert _count(app, DuesRecord) == 1 + len(chosen)
    # another branch's member cannot be paid here
    assert auth.post("/console/branches/KS01/dues/pay", member=ids["stranger"],
                     months="202611", paid_on="2026-11-20").status_code == 400


@SQLITE
def test_everyone_moves_on_one_stage_and_the_unrated_are_named(app: Flask) -> None:
    auth, ids = _setup(app)
    moved = auth.post("/console/branches/KS01/evaluations/stage?year=2025", stage="peer")
    assert moved.status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(Evaluation).where(Evaluation.year == 2025)).all()
        assert len(rows) == 4 and {r.stage for r in rows} == {EvaluationStage.PEER}
        assert db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "evaluation")) == 4  # each write logged
    # nobody is moved back
    auth.post("/console/branches/KS01/evaluations/stage?year=2025", stage="self")
    with app.app_context():
        assert {r.stage for r in db.session.scalars(select(Evaluation))} == {
            EvaluationStage.PEER}
    page = auth.client.get("/console/branches/KS01/evaluations?year=2025&open=1")
    text = page.get_data(as_text=True)
    assert "尚未评定（4 名）" in text and text.count('class="highlight"') == 4
    # a sheet showing only some members keeps the others' records
    one = ids["id:安二"]
    saved = auth.post("/console/branches/KS01/evaluations?year=2025",
                      **{f"stage-{one}": "decided", f"rating-{one}": "qualified"})
    assert saved.status_code == 303
    with app.app_context():
        stages = {r.member_id: r.stage for r in db.session.scalars(select(Evaluation))}
        assert stages[int(one)] is EvaluationStage.DECIDED
        assert sum(1 for s in stages.values() if s is EvaluationStage.PEER) == 3
    # an unknown stage is refused beside the choice; a supervisor may not
    bad = auth.post("/console/branches/KS01/evaluations/stage?year=2025", stage="nope")
    assert bad.status_code == 400 and 'id="problem-bulk-stage"' in bad.get_data(as_text=True)
    sup = AuthActions(app.test_client())
    sup.login("super_ks")
    assert sup.post("/console/branches/KS01/evaluations/stage?year=2025",
                    stage="decided").status_code == 403


@SQLITE
def test_one_points_entry_for_several_members(app: Flask) -> None:
    auth, ids = _setup(app)
    url = "/console/branches/KS01/points"
    none = auth.post(url, rule="", points="2", reason="志愿服务", recorded_on="2026-11-01")
    assert none.status_code == 400 and "请至少勾选" in none.get_data(as_text=True)
    foreign = auth.client.post(url, data={"member": [ids["赵一"], ids["stranger"]],
                                          "points": "2", "reason": "志愿服务",
                                          "recorded_on": "2026-11-01",
                                          "csrf_token": auth.csrf()})
    assert foreign.status_code == 400
    too_many = auth.client.post(url, data={"member": [ids["赵一"]], "points": "500",
                                           "reason": "x", "recorded_on": "2026-11-01",
                                           "csrf_token": auth.csrf()})
    assert too_many.status_code == 400
    assert _count(app, PointsEntry) == 0
    ok = auth.client.post(url, data={"member": [ids["赵一"], ids["曾三"]], "points": "2",
                                     "reason": "志愿服务", "recorded_on": "2026-11-01",
                                     "csrf_token": auth.csrf()})
    assert ok.status_code == 303 and _count(app, PointsEntry) == 2


@SQLITE
def test_attendance_for_everyone_not_marked_at_once(app: Flask) -> None:
    auth, ids = _setup(app)
    saved = auth.post("/console/branches/KS01/meetings/new", kind="general",
                      held_on="2026-11-02", topic="", place="")
    meeting = saved.headers["Location"].rsplit("/", 1)[1]
    first = ids["id:赵一"]
    done = auth.post(f"/console/meetings/{meeting}/attendance", rest="present",
                     **{f"status-{first}": "excused"})
    assert done.status_code == 303
    with app.app_context():
        from profiles.models import AttendanceRecord

        rows = {r.member_id: r.status.value for r in db.session.scalars(select(AttendanceRecord))}
    assert rows[int(first)] == "excused" and sorted(rows.values()).count("present") == 3


def test_a_meeting_recorded_by_mistake_is_deleted_with_a_reason(app: Flask) -> None:
    auth, _ = _setup(app)
    saved = auth.post("/console/branches/KS01/meetings/new", kind="general",
                      held_on="2026-11-02", topic="重复", place="")
    meeting = saved.headers["Location"].rsplit("/", 1)[1]
    no_reason = auth.post(f"/console/meetings/{meeting}/delete", reason="")
    assert no_reason.status_code == 400 and 'id="problem-delete-reason"' in \
        no_reason.get_data(as_text=True)
    sup = AuthActions(app.test_client())
    sup.login("super_ks")
    assert sup.post(f"/console/meetings/{meeting}/delete", reason="x").status_code == 403
    gone = auth.post(f"/console/meetings/{meeting}/delete", reason="重复记录")
    assert gone.status_code == 303 and _count(app, Meeting) == 0
    with app.app_context():
        row = db.session.scalar(select(ChangeLog).where(ChangeLog.table_name == "meeting",
                                                        ChangeLog.action == "delete"))
        assert row is not None and "重复记录" in row.changes and row.actor == "sec_ks"
    # the history speaks the reader's words
    history = auth.client.get("/console/branches/KS01/history").get_data(as_text=True)
    assert "原因" in history and "重复记录" in history
    assert "general" not in history


def test_a_meeting_whose_attendance_earned_points_is_not_deleted(app: Flask) -> None:
    auth, ids = _setup(app)
    saved = auth.post("/console/branches/KS01/meetings/new", kind="general",
                      held_on="2026-11-02", topic="", place="")
    meeting = saved.headers["Location"].rsplit("/", 1)[1]
    auth.post(f"/console/meetings/{meeting}/attendance", **{f"status-{ids['id:赵一']}": "present"})
    refused = auth.post(f"/console/meetings/{meeting}/delete", reason="重复记录")
    assert refused.status_code == 400 and "积分" in refused.get_data(as_text=True)
    assert _count(app, Meeting) == 1
    history = auth.client.get("/console/branches/KS01/history").get_data(as_text=True)
    assert "出席" in history and "attendance: present" not in history


@SQLITE
def test_the_consoles_own_404_keeps_the_navigation(app: Flask) -> None:
    auth, _ = _setup(app)
    for url in ("/console/no-such-screen", "/console/branches/KS99", "/console/members/NOPE"):
        page = auth.client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 404 and 'class="menu"' in text and "KS99" not in text, url
    anonymous = app.test_client().get("/console/branches/KS99")
    assert anonymous.status_code in (302, 404) and 'class="menu"' not in anonymous.get_data(
        as_text=True)


@SQLITE
def test_a_request_the_console_cannot_take_gets_its_own_400_page(app: Flask) -> None:
    auth, _ = _setup(app)
    for url in ("/console/reports/file?kind=month&period=2026年11月&format=xlsx",
                "/console/scores/file?month=abc"):
        page = auth.client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 400 and "无法处理这个请求" in text, url
        assert 'class="menu"' in text and "Bad Request" not in text, url
    # a forged form (no CSRF token) keeps its own message
    forged = auth.client.post("/console/password", data={"current": PASSWORD})
    assert forged.status_code == 400 and "表单已过期" in forged.get_data(as_text=True)


@SQLITE
def test_every_account_changes_its_own_password(app: Flask) -> None:
    auth, _ = _setup(app)
    url = "/console/password"
    assert auth.client.get(url).status_code == 200
    wrong = auth.post(url, current="not-it", new="a-new-password-1", repeat="a-new-password-1")
    assert wrong.status_code == 400 and 'id="problem-current"' in wrong.get_data(as_text=True)
    short = auth.post(url, current=PASSWORD, new="short", repeat="short")
    assert short.status_code == 400 and 'id="problem-new"' in short.get_data(as_text=True)
    differ = auth.post(url, current=PASSWORD, new="a-new-password-1", repeat="another-one-22")
    assert differ.status_code == 400 and 'id="problem-repeat"' in differ.get_data(as_text=True)
    assert auth.client.post(url, data={"current": PASSWORD, "new": "a-new-password-1",
                                       "repeat": "a-new-password-1"}).status_code == 400  # CSRF
    done = auth.post(url, current=PASSWORD, new="a-new-password-1", repeat="a-new-password-1")
    assert done.status_code == 303
    assert auth.client.get("/console/").status_code == 302  # this session ended too
    fresh = AuthActions(app.test_client())
    assert fresh.login("sec_ks").status_code != 302  # the old password no longer works
    assert fresh.login("sec_ks", "a-new-password-1").status_code == 302


@SQLITE
def test_probationary_members_and_categories_are_untouched(app: Flask) -> None:
    """The bulk stage move gives no rating, so a probationary member is moved as well."""
    auth, _ = _setup(app)
    with app.app_context():
        branch = db.session.scalar(select(Member).where(Member.name == "赵一")).branch
        factories.make_member(branch, name="预备丙", category=Category.PROBATIONARY,
                              joined_on=dt.date(2025, 3, 1), converted_on=None)
        db.session.commit()
    assert auth.post("/console/branches/KS01/evaluations/stage?year=2025",
                     stage="decided").status_code == 303
    with app.app_context():
        assert all(r.rating is None for r in db.session.scalars(select(Evaluation)))
