"""Every kind of self-audit checklist line can be closed from the console: each test finds
the line on the public branch page (page cache on), closes it through the console's forms,
and finds it gone on the next view."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from accounts.models import Role
from core.db import db
from profiles.audit.checklist import Finding, run_audit, settings_from_config
from profiles.audit.wording import describe
from profiles.enums import Attendance, Category, EvaluationStage, MeetingKind, Rating
from profiles.models import DuesRecord, Evaluation, Member
from profiles.months import Period
from profiles.queries import branch_page
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.console import AuthActions, make_account
from tests.helpers.dates import TODAY
from tests.helpers.pages import path


@dataclass
class Branch:
    id: int
    code: str
    members: dict[str, int]  # name -> id


@pytest.fixture
def cached_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance", CACHE_TYPE="SimpleCache")
    yield app
    from core.cache import cache

    with app.app_context():
        cache.clear()
    release_db(app)


def _world(app: Flask) -> Branch:
    """A branch with a gap of every kind."""
    with app.app_context():
        branch = factories.make_branch(code="ZC01", name="自查支部", groups=1)
        people = {name: factories.make_member(branch, name=name)
                  for name in ("李娜", "刘洋", "张伟")}
        people["王芳"] = factories.make_member(branch, name="王芳",
                                             category=Category.PROBATIONARY,
                                             joined_on=dt.date(2025, 1, 1), converted_on=None)
        # The record begins in January 2025 (so 2025's evaluation is owed); everyone paid
        # up to June 2026 (arrears count months with no row too): 李娜 owes all five months
        # since, the others have paid them.
        factories.committee().records_from = dt.date(2025, 1, 1)
        for month in [*range(202501, 202513), *range(202601, 202607)]:
            for person in people.values():
                db.session.add(DuesRecord(member_id=person.id, month=month, due_cents=9000,
                                          paid_cents=9000, paid_on=dt.date(2026, 6, 1)))
        for month in (202607, 202608, 202609, 202610, 202611):  # 李娜: 5 months unpaid
            db.session.add(DuesRecord(member_id=people["李娜"].id, month=month, due_cents=9000,
                                      paid_cents=0))
            for name in ("刘洋", "张伟", "王芳"):
                db.session.add(DuesRecord(member_id=people[name].id, month=month,
                                          due_cents=9000, paid_cents=9000,
                                          paid_on=dt.date(2026, 11, 1)))
        for month in range(6, 12):  # 刘洋 absent from every meeting since June
            factories.make_meeting(branch, MeetingKind.THEME_DAY, dt.date(2026, month, 10), {
                people["刘洋"]: Attendance.ABSENT, people["张伟"]: Attendance.PRESENT})
        make_account("sec_zc", Role.SECRETARY, "ZC01")
        db.session.commit()
        return Branch(branch.id, branch.code, {n: m.id for n, m in people.items()})


def _findings(app: Flask, branch_id: int) -> list[tuple[Finding, str]]:
    with app.test_request_context("/"):
        settings = settings_from_config(app.config)
        page = branch_page(branch_id, TODAY, settings.lookback_months)
        assert page is not None
        return [(f, html.escape(describe(f), quote=False))
                for f in run_audit(page.audit, settings, TODAY)]


def _public(app: Flask, branch_id: int) -> str:
    response = app.test_client().get(path(app, "branch", branch_id))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _line(app: Flask, branch: Branch, match: Callable[[Finding], bool]) -> str:
    """The text of the one finding ``match`` picks; it is on the public page now."""
    found = [text for f, text in _findings(app, branch.id) if match(f)]
    assert len(found) == 1, found
    assert found[0] in _public(app, branch.id)
    return found[0]


def _secretary(app: Flask) -> AuthActions:
    auth = AuthActions(app.test_client())
    assert auth.login("sec_zc").status_code == 302
    return auth


def test_missed_meeting_closed_by_recording_one(cached_app: Flask) -> None:
    branch = _world(cached_app)
    line = _line(cached_app, branch, lambda f: f.rule == "meeting_missed"
                 and f.params["kind"] is MeetingKind.LECTURE
                 and f.params["period"] == Period(2026, 3, "quarter"))
    auth = _secretary(cached_app)
    # The checklist links to the form for that kind and period.
    checklist = auth.client.get("/console/branches/ZC01").get_data(as_text=True)
    assert "/console/branches/ZC01/meetings/new?kind=lecture&amp;period=2026-07-01" in checklist
    form = auth.client.get("/console/branches/ZC01/meetings/new?kind=lecture&period=2026-07-01")
    assert 'value="lecture" selected' in form.get_data(as_text=True)
    saved = auth.post("/console/branches/ZC01/meetings/new", kind="lecture",
                      held_on="2026-08-15", topic="党史学习", place="会议室", group="")
    assert saved.status_code == 303
    assert line not in _public(cached_app, branch.id)


def test_dues_arrears_closed_by_a_payment_of_several_months(cached_app: Flask) -> None:
    branch = _world(cached_app)
    line = _line(cached_app, branch, lambda f: f.rule == "dues_unpaid")
    auth = _secretary(cached_app)
    number = _number(cached_app, branch.members["李娜"])
    grid = auth.client.get("/console/branches/ZC01/dues?month=202611").get_data(as_text=True)
    assert "李娜" in grid
    paid = auth.post("/console/branches/ZC01/dues/pay", member=number, first="2026-07",
                     count="5", amount="450", paid_on="2026-11-20")
    assert paid.status_code == 303
    assert line not in _public(cached_app, branch.id)
    with cached_app.app_context():
        rows = db.session.scalars(select(DuesRecord).where(
            DuesRecord.member_id == branch.members["李娜"], DuesRecord.month >= 202607)
            .order_by(DuesRecord.month)).all()
        assert [(r.month, r.paid_cents, r.paid_on) for r in rows] == [
            (m, 9000, dt.date(2026, 11, 20)) for m in (202607, 202608, 202609, 202610, 202611)]


def test_probation_overdue_closed_by_converting_the_member(cached_app: Flask) -> None:
    branch = _world(cached_app)
    line = _line(cached_app, branch, lambda f: f.rule == "probation_overdue")
    auth = _secretary(cached_app)
    number = _number(cached_app, branch.members["王芳"])
    checklist = auth.client.get("/console/branches/ZC01").get_data(as_text=True)
    assert f"/console/members/{number}/edit" in checklist
    form = _form_values(auth.client.get(f"/console/members/{number}/edit").get_data(
        as_text=True))
    form.update(category="full", converted_on="2026-01-05")
    saved = auth.post(f"/console/members/{number}/edit", **form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert line not in _public(cached_app, branch.id)


def test_missing_evaluation_closed_on_the_evaluation_sheet(cached_app: Flask) -> None:
    branch = _world(cached_app)
    line = _line(cached_app, branch, lambda f: f.rule == "evaluation_missing")
    auth = _secretary(cached_app)
    ids = branch.members
    data = {f"stage-{i}": "decided" for i in ids.values()}
    data.update({f"rating-{ids[n]}": "qualified" for n in ("李娜", "刘洋", "张伟")})
    saved = auth.post("/console/branches/ZC01/evaluations?year=2025", **data)
    assert saved.status_code == 303
    assert line not in _public(cached_app, branch.id)


def test_too_many_excellent_closed_after_the_warning(cached_app: Flask) -> None:
    branch = _world(cached_app)
    with cached_app.app_context():
        for name, rating in (("李娜", Rating.EXCELLENT), ("刘洋", Rating.EXCELLENT),
                             ("张伟", Rating.QUALIFIED), ("王芳", None)):
            db.session.add(Evaluation(member_id=branch.members[name], year=2025,
                                      stage=EvaluationStage.DECIDED, rating=rating))
        db.session.commit()
    line = _line(cached_app, branch, lambda f: f.rule == "excellent_share")
    auth = _secretary(cached_app)
    ids = branch.members
    data = {f"stage-{i}": "decided" for i in ids.values()}
    data.update({f"rating-{ids['李娜']}": "excellent", f"rating-{ids['刘洋']}": "excellent",
                 f"rating-{ids['张伟']}": "excellent"})
    warned = auth.post("/console/branches/ZC01/evaluations?year=2025", **data)
    assert warned.status_code == 409
    assert "超过支部的 1/3" in warned.get_data(as_text=True)
    data[f"rating-{ids['刘洋']}"] = "qualified"
    data[f"rating-{ids['张伟']}"] = "qualified"
    saved = auth.post("/console/branches/ZC01/evaluations?year=2025", **data)
    assert saved.status_code == 303
    assert line not in _public(cached_app, branch.id)


def test_absence_closed_by_attending_a_meeting(cached_app: Flask) -> None:
    branch = _world(cached_app)
    line = _line(cached_app, branch, lambda f: f.rule == "absent")
    auth = _secretary(cached_app)
    checklist = auth.client.get("/console/branches/ZC01").get_data(as_text=True)
    assert "/console/branches/ZC01/meetings" in checklist
    saved = auth.post("/console/branches/ZC01/meetings/new", kind="general",
                      held_on="2026-11-18", topic="", place="", group="")
    meeting_url = saved.headers["Location"]
    marked = auth.post(meeting_url + "/attendance",
                       **{f"status-{branch.members['刘洋']}": "present"})
    assert marked.status_code == 303
    assert line not in _public(cached_app, branch.id)


def _number(app: Flask, member_id: int) -> str:
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert member is not None
        return member.number


def _form_values(page: str) -> dict[str, str]:
    """The values a browser would post from a form's inputs and selects."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        options = re.findall(r"<option[^>]*>", body)
        chosen = next((o for o in options if "selected" in o), options[0] if options else "")
        value = re.search(r'value="([^"]*)"', chosen)
        values[name] = html.unescape(value.group(1)) if value else ""
    return values
