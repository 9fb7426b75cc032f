"""Console pages run a fixed number of SQL statements, whatever the branch's size: no query
per member (bench/console.py times them on the 10,000-member demo)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Branch, Member
from tests.helpers import factories
from tests.helpers.console import AuthActions, World
from tests.helpers.pages import count_statements


def _pages(world: World) -> dict[str, str]:
    return {"home": "/console/",
            "member list": f"/console/members?branch={world.a.code}",
            "print": f"/console/branches/{world.a.code}/print",
            "jobs": "/console/jobs"}


def _count(app: Flask, auth: AuthActions, url: str) -> int:
    auth.client.get(url)  # warm: first-request work (sessions, catalogs) is not the page's
    with count_statements(app) as statements:
        response = auth.client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_statements_per_console_page_do_not_grow_with_the_branch(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    small = {name: _count(app, auth, url) for name, url in _pages(world).items()}
    assert all(n > 0 for n in small.values()), small  # the listener sees the page's queries
    with app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
        assert branch is not None
        for i in range(40):
            factories.make_member(branch, name=f"新增成员{i:02d}", number=f"GROW{i:03d}")
        db.session.commit()
        assert db.session.query(Member).filter_by(branch_id=branch.id).count() == 42
    large = {name: _count(app, auth, url) for name, url in _pages(world).items()}
    assert large == small
