"""The organisation home in the console: who sees which branches, sorting and filtering by
query parameters, and one tap into a branch."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.enums import Category
from profiles.recruitment import operations as recruitment
from tests.helpers import factories
from tests.helpers.console import AuthActions, World, make_account
from tests.helpers.dates import TODAY


def _branch_links(html: str) -> list[str]:
    return re.findall(r'class="branchlink" href="/console/branches/([^"]+)"', html)


def test_a_supervisor_sees_every_branch_sorted_and_filtered(
        app: Flask, world: World, auth: AuthActions) -> None:
    with app.app_context():
        # A third branch with a serious gap: a probation run out long ago is a warning, a
        # member six months behind with dues is critical.
        c = factories.make_branch(code="MXC03", name="丙落后支部")
        factories.make_member(c, category=Category.PROBATIONARY, joined_on=dt.date(2024, 1, 5),
                              converted_on=None)
        # An application whose talk (within a month) is long overdue: a 发展党员 gap.
        recruitment.apply(Actor("t", "test"), branch=c, name="申请人甲",
                          applied_on=dt.date(2026, 6, 1), birth_date=dt.date(2000, 1, 1),
                          today=TODAY)
        db.session.commit()
    auth.login("super")
    body = auth.client.get("/console/").get_data(as_text=True)
    assert set(_branch_links(body)) == {world.a.code, world.b.code, "MXC03"}
    by_code = auth.client.get("/console/?sort=code&order=asc").get_data(as_text=True)
    assert _branch_links(by_code) == sorted([world.a.code, world.b.code, "MXC03"])
    desc = auth.client.get("/console/?sort=code&order=desc").get_data(as_text=True)
    assert _branch_links(desc) == sorted([world.a.code, world.b.code, "MXC03"], reverse=True)
    only = auth.client.get("/console/?kind=probation_overdue").get_data(as_text=True)
    assert _branch_links(only) == ["MXC03"]
    recruits = auth.client.get("/console/?kind=recruitment").get_data(as_text=True)
    assert "MXC03" in _branch_links(recruits)  # (the world's applicants may have gaps too)
    assert 'class="tag kind-recruitment"' in recruits
    text = auth.client.get("/console/?q=%E4%B9%99").get_data(as_text=True)  # 乙
    assert _branch_links(text) == [world.b.code]
    # Unknown values are ignored, not errors.
    assert auth.client.get("/console/?sort=x&order=y&gb=999&kind=z").status_code == 200
    # One tap into the branch.
    assert auth.client.get(f"/console/branches/{world.a.code}").status_code == 200


def test_a_secretary_of_two_branches_sees_those_two_only(app: Flask, world: World) -> None:
    with app.app_context():
        factories.make_branch(code="MXC03", name="丙落后支部")
        make_account("sec_ac", Role.SECRETARY, world.a.code, "MXC03")
        db.session.commit()
    auth = AuthActions(app.test_client())
    auth.login("sec_ac")
    home = auth.client.get("/console/").get_data(as_text=True)
    assert 'href="/console/organisation"' in home  # their home links to the overview
    body = auth.client.get("/console/organisation?sort=code&order=asc").get_data(as_text=True)
    assert _branch_links(body) == sorted([world.a.code, "MXC03"])
    assert world.b.name not in body and world.b.code not in body
    assert 'action="/console/organisation"' in body
    # A single-branch secretary keeps the checklist home.
    single = AuthActions(app.test_client())
    single.login("sec_a")
    home = single.client.get("/console/").get_data(as_text=True)
    assert 'class="checklist"' in home and "gaprows" not in home
    assert 'href="/console/organisation"' not in home
