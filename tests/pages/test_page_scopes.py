"""The page cache keyed by page revisions (core.revisions): a write makes stale only the
pages it changes — the member's, their branch's — and every other branch's pages are still
served from the cache; the old "global" keying (newest change-log id) renders them anew."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from core.cache import cache
from core.changelog import Actor
from core.db import db
from profiles.enums import MeetingKind
from profiles.meetings.attendance_points import ATTENDED, rule_for
from profiles.meetings.checkin import Scan, perform_checkin
from profiles.members.operations import move_membership
from profiles.models import Branch, Meeting, Member
from profiles.points.operations import seed_points_rule
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.pages import count_statements, path

ACTOR = Actor("secretary", "test")


def _app(database_url: str, tmp_path: Path, keying: str) -> Flask:
    return make_app(database_url, tmp_path / "instance", CACHE_TYPE="SimpleCache",
                    PAGE_CACHE_KEYING=keying)


@pytest.fixture(params=["scoped", "global"])
def keyed(request: pytest.FixtureRequest, database_url: str,
          tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    app = _app(database_url, tmp_path, request.param)
    yield app, request.param
    with app.app_context():
        cache.clear()
    release_db(app)


def _statements(app: Flask, url: str) -> int:
    client = app.test_client()
    with count_statements(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_a_check_in_makes_stale_only_its_branchs_pages(keyed: tuple[Flask, str]) -> None:
    app, keying = keyed
    with app.app_context():
        a, b = factories.make_branch(code="SCA01"), factories.make_branch(code="SCB02")
        here, there = factories.make_member(a, name="甲"), factories.make_member(b, name="乙")
        mover = factories.make_member(a, name="调动者")
        meeting = factories.make_meeting(a, MeetingKind.GENERAL, dt.date(2026, 11, 20),
                                         checkin_open=True)
        rule_for(factories.committee().id, ATTENDED)  # seeded (an organisation-wide write)
        db.session.commit()
        ids = {"a": a.id, "b": b.id, "here": here.id, "there": there.id, "mover": mover.id,
               "meeting": meeting.id}
    pages = {name: path(app, kind, ids[name]) for name, kind in
             (("a", "branch"), ("b", "branch"), ("here", "member"), ("there", "member"))}
    for url in pages.values():
        _statements(app, url)  # rendered and cached
    assert all(_statements(app, url) == 1 for url in pages.values())  # repeat views: hits

    with app.app_context():
        perform_checkin(ACTOR, db.session.get_one(Meeting, ids["meeting"]),
                        Scan(db.session.get_one(Member, ids["here"])))
        db.session.commit()
    assert _statements(app, pages["here"]) > 1 and _statements(app, pages["a"]) > 1
    other_branch = [_statements(app, pages["b"]), _statements(app, pages["there"])]
    if keying == "scoped":
        assert other_branch == [1, 1]  # branch B's pages are still the cached ones
    else:
        assert min(other_branch) > 1  # the old keying renders everything again

    # A move between branches makes both branches' pages stale; an organisation-wide
    # change (a points rule) every page.
    for url in pages.values():
        _statements(app, url)
    with app.app_context():
        move_membership(ACTOR, db.session.get_one(Member, ids["mover"]),
                        branch=db.session.get_one(Branch, ids["b"]), group=None,
                        on=dt.date(2026, 11, 21))
        db.session.commit()
    assert _statements(app, pages["a"]) > 1 and _statements(app, pages["b"]) > 1
    with app.app_context():
        seed_points_rule(ACTOR, factories.committee().id, "extra", "额外", 1)
        db.session.commit()
    assert _statements(app, pages["there"]) > 1 and _statements(app, pages["here"]) > 1


def test_signing_in_or_a_write_without_a_log_moves_nothing(database_url: str,
                                                          tmp_path: Path) -> None:
    app = _app(database_url, tmp_path, "scoped")
    try:
        with app.app_context():
            member = factories.make_member(factories.make_branch(code="SCC03"))
            db.session.commit()
            url = path(app, "member", member.id)
        _statements(app, url)
        with app.app_context():
            from core.revisions import PageRevision

            before = db.session.scalars(db.select(PageRevision.revision)).all()
            member = db.session.get_one(Member, member.id)
            member.phone = "13900000000"  # not through an operation: nothing logged
            db.session.commit()
            assert db.session.scalars(db.select(PageRevision.revision)).all() == before
        assert _statements(app, url) == 1
    finally:
        with app.app_context():
            cache.clear()
        release_db(app)
