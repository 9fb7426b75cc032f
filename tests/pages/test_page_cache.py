"""The page cache: repeat views skip the page queries, and nothing stale is ever served."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from core.db import db
from profiles.models import ChangeLog, PointsEntry
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.pages import count_statements, path


def _redis_reason() -> str | None:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
        return None
    except Exception as exc:  # any failure means "skip the Redis variant", with the reason
        return f"Redis not reachable at 127.0.0.1:6379: {exc.__class__.__name__}"


REDIS_SKIP = _redis_reason()


@pytest.fixture(params=["SimpleCache", "RedisCache"])
def cached_app(request: pytest.FixtureRequest, database_url: str,
               tmp_path: Path) -> Iterator[Flask]:
    """An app with the page cache on (in-process, or Redis where it answers)."""
    config: dict[str, object] = {"CACHE_TYPE": request.param}
    if request.param == "RedisCache":
        if REDIS_SKIP:
            pytest.skip(REDIS_SKIP)
        # A prefix of our own, so parallel runs and real deployments never share entries.
        config.update(CACHE_REDIS_URL="redis://127.0.0.1:6379/0",
                      CACHE_KEY_PREFIX=f"partycard-test-{tmp_path.name}:")
    app = make_app(database_url, tmp_path / "instance", **config)
    yield app
    from core.cache import cache

    with app.app_context():
        cache.clear()
    release_db(app)


@pytest.fixture
def member_path(cached_app: Flask) -> str:
    with cached_app.app_context():
        member = factories.make_member(name="赵敏")
        db.session.commit()
        member_id = member.id
    return path(cached_app, "member", member_id)


def test_repeat_view_runs_one_statement_and_serves_the_same_page(cached_app: Flask,
                                                                 member_path: str) -> None:
    client = cached_app.test_client()
    with count_statements(cached_app) as first:
        body = client.get(member_path).get_data()
    with count_statements(cached_app) as repeat:
        again = client.get(member_path)
    assert again.status_code == 200 and again.get_data() == body
    assert len(first) >= 6 and len(repeat) == 1  # only the card/revision check
    assert again.headers["Cache-Control"] == "private, no-store"


def test_reissue_answers_410_at_once_even_with_the_old_page_cached(cached_app: Flask,
                                                                   member_path: str) -> None:
    client = cached_app.test_client()
    assert client.get(member_path).status_code == 200
    with cached_app.app_context():
        from core.changelog import Actor
        from profiles.cards import reissue_card
        from profiles.models import Member

        reissue_card(Actor("test", "test"), db.session.scalars(db.select(Member)).one())
        db.session.commit()
    assert client.get(member_path).status_code == 410


def test_a_logged_change_is_seen_on_the_next_view(cached_app: Flask, member_path: str) -> None:
    client = cached_app.test_client()
    before = client.get(member_path).get_data(as_text=True)
    assert "+7" not in before
    with cached_app.app_context():
        from profiles.models import Member

        member = db.session.scalars(db.select(Member)).one()
        db.session.add(PointsEntry(member_id=member.id, recorded_on=dt.date(2026, 11, 20),
                                   points=7, reason="志愿服务", recorded_by="书记"))
        db.session.add(ChangeLog(actor="test", source="test", table_name="points_entry",
                                 record_key=member.number, action="insert",
                                 changes=json.dumps({"points": [None, 7]})))
        db.session.commit()
    after = client.get(member_path).get_data(as_text=True)
    assert "+7" in after


def test_each_language_gets_its_own_entry(cached_app: Flask, member_path: str) -> None:
    client = cached_app.test_client()
    zh = client.get(member_path + "?lang=zh").get_data(as_text=True)
    en = client.get(member_path + "?lang=en").get_data(as_text=True)
    assert 'lang="zh-Hans"' in zh and 'lang="en"' in en
    assert client.get(member_path + "?lang=zh").get_data(as_text=True) == zh


def test_pages_shaping_settings_are_part_of_the_key(cached_app: Flask,
                                                    member_path: str) -> None:
    """With a shared cache, a section just hidden is not served from an older entry."""
    client = cached_app.test_client()
    shown = client.get(member_path).get_data(as_text=True)
    cached_app.config["HIDDEN_SECTIONS"] = ["points"]
    hidden = client.get(member_path).get_data(as_text=True)
    assert hidden != shown
    cached_app.config["HIDDEN_SECTIONS"] = []
    cached_app.config["DUES_WARN_MONTHS"] = 2
    from core.cache import page_settings_fingerprint

    fingerprints = {page_settings_fingerprint(cached_app.config)}
    cached_app.config["DUES_WARN_MONTHS"] = 3
    fingerprints.add(page_settings_fingerprint(cached_app.config))
    assert len(fingerprints) == 2
    assert client.get(member_path).get_data(as_text=True) == shown


@pytest.fixture
def redis_down_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """RedisCache pointed at a port nothing listens on: no running Redis needed."""
    app = make_app(database_url, tmp_path / "instance", CACHE_TYPE="RedisCache",
                   CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    yield app
    release_db(app)


def test_a_dead_redis_falls_back_to_rendering(redis_down_app: Flask,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with redis_down_app.app_context():
        member = factories.make_member(name="赵敏")
        db.session.commit()
        member_path = path(redis_down_app, "member", member.id)
        branch_path = path(redis_down_app, "branch", member.branch_id)
    client = redis_down_app.test_client()
    with caplog.at_level("WARNING"):
        first = client.get(member_path)
        assert first.status_code == 200 and "赵敏" in first.get_data(as_text=True)
        assert client.get(branch_path).status_code == 200
    assert "page cache read failed (ConnectionError" in caplog.text
    assert caplog.text.count("page cache") == 1  # the dead server is left alone for a while
    redis_down_app.config["CACHE_RETRY_SECONDS"] = 0
    redis_down_app.extensions.pop("partycard.cache_down_until")
    assert client.get(member_path).status_code == 200
    with redis_down_app.app_context():
        from core.cache import cache

        assert cache.clear() is False


def test_a_standing_and_the_record_start_are_seen_on_the_next_view(cached_app: Flask) -> None:
    """Issue 18's writes move the cached pages too: a member's 失联 (a standing period, a
    type no resolver names: every page moves) and where the record begins (a committee)."""
    import datetime as dt

    from core.changelog import Actor
    from profiles.enums import MemberStatus
    from profiles.members import standing
    from profiles.models import Member
    from profiles.org.operations import set_records_from
    from tests.helpers.dates import TODAY

    with cached_app.app_context():
        member = factories.make_member(name="钱某")
        db.session.commit()
        branch_path = path(cached_app, "branch", member.branch_id)
    client = cached_app.test_client()
    before = client.get(branch_path).get_data(as_text=True)
    assert "钱某：失联" not in before and "记录自" not in before
    with cached_app.app_context():
        who = Actor("test", "test")
        standing.set_standing(who, db.session.scalars(db.select(Member)).one(),
                              MemberStatus.LOST_CONTACT, since=dt.date(2026, 3, 1),
                              until=None, today=TODAY)
        db.session.commit()
    after = client.get(branch_path).get_data(as_text=True)
    assert "钱某：失联" in after
    with cached_app.app_context():
        set_records_from(Actor("test", "test"), dt.date(2025, 1, 1), today=TODAY)
        db.session.commit()
    assert "记录自2025年1月起" in client.get(branch_path).get_data(as_text=True)
