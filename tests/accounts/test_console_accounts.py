"""Logging in and out of the console: passwords, sessions, CSRF, throttling, redirects."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from accounts.models import Account, AccountSession, Role
from accounts.passwords import hash_password, verify_password
from accounts.views import safe_next
from core.db import db
from profiles.models import ChangeLog
from tests.helpers.app import make_app, release_db
from tests.helpers.console import PASSWORD, AuthActions, World
from tests.helpers.console_routes import build_url, console_routes


def _sessions(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(AccountSession.id))) or 0)


def test_passwords_are_argon2id_and_verify(app: Flask) -> None:
    with app.app_context():
        stored = hash_password("a long passphrase")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "a long passphrase")
    assert not verify_password(stored, "a long passphrasE")
    assert not verify_password("not a hash", "anything")


def test_login_page_is_chinese_by_default(client: Flask, world: World) -> None:
    page = client.get("/console/login")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert "登录管理后台" in page.get_data(as_text=True)


def test_login_sets_a_private_cookie_and_opens_the_console(
        app: Flask, world: World, auth: AuthActions) -> None:
    response = auth.login("sec_a")
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie  # the suite's BASE_URL is https
    home = auth.client.get("/console/")
    assert home.status_code == 200
    assert world.a.name in home.get_data(as_text=True)
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "sec_a"))
        assert account is not None and account.last_login_at is not None


def test_a_wrong_password_is_refused_in_chinese_and_says_nothing_of_the_account(
        app: Flask, world: World, auth: AuthActions) -> None:
    wrong = auth.login("sec_a", "not the password")
    unknown = auth.login("nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    # Same message whether or not the account exists.
    def error(page: str) -> str:
        return page.split('role="alert">')[1].split("<")[0]

    assert error(wrong.get_data(as_text=True)) == error(unknown.get_data(as_text=True))
    assert auth.client.get("/console/").status_code == 302
    assert _sessions(app) == 0


def test_a_disabled_account_cannot_log_in_and_is_logged_out(
        app: Flask, world: World, auth: AuthActions) -> None:
    assert auth.login("sec_a").status_code == 302
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "disable", "sec_a"])
    assert result.exit_code == 0, result.output
    assert auth.client.get("/console/").status_code == 302  # the live session ended
    assert auth.login("sec_a").status_code == 401


def test_login_rotates_the_session(app: Flask, world: World, auth: AuthActions) -> None:
    old_token = auth.csrf()  # a token of the anonymous session
    before = auth.client.get_cookie("session")
    assert before is not None
    assert auth.login("sec_a").status_code == 302
    after = auth.client.get_cookie("session")
    assert after is not None and after.value != before.value
    # Nothing from before the login survives into it: the old CSRF token is refused.
    refused = auth.client.post("/console/logout", data={"csrf_token": old_token})
    assert refused.status_code == 400
    # Logging in again makes a new server-side session.
    auth.logout()
    auth.login("sec_a")
    with app.app_context():
        assert db.session.scalar(select(func.count(AccountSession.id))) == 1


def test_logout_ends_the_session_even_for_a_copied_cookie(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    stolen = auth.client.get_cookie("session")
    assert stolen is not None
    response = auth.logout()
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert auth.client.get("/console/").status_code == 302
    assert _sessions(app) == 0
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert thief.get("/console/").status_code == 302


def test_a_session_lasts_a_working_day_then_ends(app: Flask, world: World,
                                                 auth: AuthActions) -> None:
    import datetime as dt

    auth.login("sec_a")
    with app.app_context():
        row = db.session.scalar(select(AccountSession))
        assert row is not None
        created = row.created_at.replace(tzinfo=None)
        lasts = row.expires_at.replace(tzinfo=None) - created
        assert dt.timedelta(hours=12) <= lasts <= dt.timedelta(hours=16)
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.commit()
    assert auth.client.get("/console/").status_code == 302
    AuthActions(app.test_client()).login("sec_b")  # a login sweeps expired sessions away
    assert _sessions(app) == 1


def test_logout_needs_a_post_with_the_token(app: Flask, world: World,
                                            auth: AuthActions) -> None:
    auth.login("sec_a")
    assert auth.client.get("/console/logout").status_code == 405
    assert auth.client.post("/console/logout").status_code == 400
    assert auth.client.get("/console/").status_code == 200  # still logged in


def test_every_console_post_without_a_token_is_refused(app: Flask, world: World,
                                                       auth: AuthActions) -> None:
    auth.login("admin")
    posts = [r for r in console_routes(app) if "POST" in r.methods]
    assert posts
    for route in posts:
        response = auth.client.post(build_url(route.rule, world), data={"x": "1"})
        assert response.status_code == 400, route.endpoint
        assert "表单已过期" in response.get_data(as_text=True)
    with app.app_context():  # nothing was revealed or written
        assert db.session.scalar(select(func.count(ChangeLog.id)).where(
            ChangeLog.action == "reveal")) == 0
    assert auth.client.get("/console/").status_code == 200


@pytest.mark.parametrize("target", [
    "//evil.example/console/", "https://evil.example/console/", "/\\evil.example",
    "http:/evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "/other/page",
    "/console/login?next=//evil.example",
])
def test_next_never_leaves_the_console(app: Flask, target: str) -> None:
    with app.test_request_context():
        assert safe_next(target) in ("/console/", target)
        if target.startswith("/console/") and "login" not in target:
            return
        assert safe_next(target) == "/console/"


def test_next_is_followed_inside_the_console(app: Flask, world: World,
                                             auth: AuthActions) -> None:
    start = auth.client.get(f"/console/members/{world.a.member_numbers[0]}")
    assert start.status_code == 302
    assert "next=/console/members/" in start.headers["Location"]
    response = auth.login("sec_a", next_url=f"/console/members/{world.a.member_numbers[0]}")
    assert response.headers["Location"] == f"/console/members/{world.a.member_numbers[0]}"
    other = AuthActions(app.test_client())
    assert other.login("sec_a", next_url="//evil.example/").headers["Location"] == "/console/"


# -- throttling ------------------------------------------------------------------------


def _throttled_app(tmp_path: Path, database_url: str, **config: str) -> Flask:
    app = make_app(database_url, tmp_path / "throttled", **config)
    return app


def test_bad_passwords_slow_down_then_the_right_one_waits_too(
        app: Flask, world: World, auth: AuthActions) -> None:
    for _ in range(5):
        assert auth.login("sec_a", "wrong password").status_code == 401
    refused = auth.login("sec_a", PASSWORD)
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "密码错误次数过多" in body and "分钟后再试" in body
    assert auth.client.get("/console/").status_code == 302
    # Another account from elsewhere is not affected.
    assert AuthActions(app.test_client()).login("sec_b").status_code == 302


def test_many_bad_passwords_lock_the_account(
        world: World, database_url: str, tmp_path: Path) -> None:
    app = _throttled_app(tmp_path, database_url, LOGIN_SLOW="100 per minute",
                         LOGIN_LOCK="3 per hour")
    auth = AuthActions(app.test_client())
    for _ in range(3):
        assert auth.login("sec_a", "wrong password").status_code == 401
    locked = auth.login("sec_a", PASSWORD)
    assert locked.status_code == 429
    assert "已被锁定" in locked.get_data(as_text=True)
    release_db(app)


def test_one_address_trying_many_accounts_is_stopped(
        world: World, database_url: str, tmp_path: Path) -> None:
    app = _throttled_app(tmp_path, database_url, LOGIN_ADDRESS="4 per 10 minutes")
    auth = AuthActions(app.test_client())
    for name in ("sec_a", "sec_b", "super", "admin"):
        assert auth.login(name, "wrong password").status_code == 401
    assert auth.login("admin", PASSWORD).status_code == 429
    release_db(app)


def test_a_right_password_clears_the_count(app: Flask, world: World,
                                           auth: AuthActions) -> None:
    for _ in range(4):
        auth.login("sec_a", "wrong password")
    assert auth.login("sec_a").status_code == 302
    auth.logout()
    for _ in range(4):
        assert auth.login("sec_a", "wrong password").status_code == 401
    assert auth.login("sec_a").status_code == 302


def test_a_dead_redis_does_not_break_login(
        world: World, database_url: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    app = _throttled_app(tmp_path, database_url,
                         RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    auth = AuthActions(app.test_client())
    assert auth.login("sec_a", "wrong password").status_code == 401
    assert auth.login("sec_a").status_code == 302
    assert "unavailable" in caplog.text
    release_db(app)


def test_redis_storage_counts_across_apps(world: World, database_url: str,
                                          tmp_path: Path) -> None:
    """Two workers sharing Redis share the count."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except Exception:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    prefix = f"pctest{uuid.uuid4().hex}"  # unique across xdist workers and runs
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
              "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_SLOW": "2 per 5 minutes"}
    one = _throttled_app(tmp_path / "one", database_url, **config)
    two = _throttled_app(tmp_path / "two", database_url, **config)
    AuthActions(one.test_client()).login("sec_a", "wrong")
    AuthActions(two.test_client()).login("sec_a", "wrong")
    assert AuthActions(one.test_client()).login("sec_a").status_code == 429
    release_db(one)
    release_db(two)


# -- the user command ------------------------------------------------------------------


def test_user_commands(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(args=["user", "add", "li", "--role", "secretary",
                                "--branch", world.a.code, "--branch", world.b.code])
    assert added.exit_code == 0, added.output
    password = added.output.strip().rsplit(" ", 1)[-1]
    assert len(password) >= 12
    listing = runner.invoke(args=["user", "list"]).output
    assert f"secretary:{world.a.code}" in listing and f"secretary:{world.b.code}" in listing
    assert AuthActions(app.test_client()).login("li", password).status_code == 302
    reset = runner.invoke(args=["user", "reset", "li"])
    new_password = reset.output.strip().rsplit(" ", 1)[-1]
    assert AuthActions(app.test_client()).login("li", password).status_code == 401
    assert AuthActions(app.test_client()).login("li", new_password).status_code == 302
    bad = runner.invoke(args=["user", "add", "wang", "--role", "secretary"])
    assert bad.exit_code != 0 and "--branch" in bad.output
    unknown = runner.invoke(args=["user", "add", "wang", "--role", "secretary",
                                  "--branch", "NOPE"])
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
    twice = runner.invoke(args=["user", "add", "li", "--role", "admin"])
    assert twice.exit_code != 0
    granted = runner.invoke(args=["user", "grant", "li", "--role", "supervisor"])
    assert granted.exit_code == 0 and "supervisor" in granted.output
    revoked = runner.invoke(args=["user", "revoke", "li", "--role", "secretary",
                                  "--branch", world.b.code])
    assert revoked.exit_code == 0
    assert f"secretary:{world.b.code}" not in revoked.output
    assert f"secretary:{world.a.code}" in revoked.output
    none = runner.invoke(args=["user", "revoke", "li", "--role", "admin"])
    assert none.exit_code != 0 and "no such grant" in none.output
    last = runner.invoke(args=["user", "revoke", "admin", "--role", "admin"])
    assert last.exit_code != 0 and "最后一个管理员" in last.output
    assert runner.invoke(args=["user", "disable", "admin"]).exit_code != 0
    assert AuthActions(app.test_client()).login("admin").status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(ChangeLog).where(ChangeLog.table_name == "account",
                                                          ChangeLog.record_key == "li")).all()
        assert {r.action for r in rows} >= {"insert", "grant", "reset"}
        assert all(password not in r.changes and new_password not in r.changes for r in rows)
        assert db.session.scalar(select(func.count(Account.id)).where(
            Account.username == "wang")) == 0


def test_user_demo_creates_two_accounts_once(app: Flask, make_branch: object) -> None:
    from tests.helpers import factories

    with app.app_context():
        factories.make_branch(code="ZB01", name="第一党支部")
        factories.make_branch(code="ZB02", name="第二党支部")
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["user", "demo", "--branch", "ZB02"])
    assert first.exit_code == 0, first.output
    assert "管理员：admin /" in first.output and "ZB02 第二党支部 书记：secretary /" in first.output
    assert "https://pc.example.org/console/login" in first.output
    second = runner.invoke(args=["user", "demo"])
    assert second.exit_code == 0 and second.output == ""
    with app.app_context():
        roles = {(a.username, g.role, g.branch.code if g.branch else None)
                 for a in db.session.scalars(select(Account)) for g in a.grants}
    assert roles == {("admin", Role.ADMIN, None), ("secretary", Role.SECRETARY, "ZB02")}


def test_admin_manages_accounts_in_the_console(app: Flask, world: World,
                                               auth: AuthActions) -> None:
    auth.login("admin")
    created = auth.post("/console/accounts/new", username="zhao", display_name="赵书记",
                        role="secretary", branch=world.b.code)
    assert created.status_code == 200
    body = created.get_data(as_text=True)
    assert "只显示这一次" in body
    password = body.split('<code id="new-password">')[1].split("</code>")[0]
    assert AuthActions(app.test_client()).login("zhao", password).status_code == 302
    missing_branch = auth.post("/console/accounts/new", username="qian", role="secretary",
                               branch="")
    assert missing_branch.status_code == 400
    assert "需要选择支部" in missing_branch.get_data(as_text=True)
    disabled = auth.post("/console/accounts/zhao", action="disable")
    assert disabled.status_code == 302
    assert AuthActions(app.test_client()).login("zhao", password).status_code == 401
    self_disable = auth.post("/console/accounts/admin", action="disable")
    assert self_disable.status_code == 400
    with app.app_context():
        rows = db.session.scalars(select(ChangeLog).where(ChangeLog.record_key == "zhao")).all()
        assert {r.actor for r in rows} == {"admin"}
        assert any(json.loads(r.changes).get("active") == [True, False] for r in rows)


def test_posting_the_login_form_too_often_is_refused_in_chinese(
        world: World, database_url: str, tmp_path: Path) -> None:
    app = _throttled_app(tmp_path, database_url, LOGIN_FLOOD="2 per minute")
    auth = AuthActions(app.test_client())
    assert auth.login("sec_a", "wrong").status_code == 401
    assert auth.login("sec_a", "wrong").status_code == 401
    flooded = auth.login("sec_a")
    assert flooded.status_code == 429
    assert "尝试次数过多" in flooded.get_data(as_text=True)
    assert flooded.headers["Cache-Control"] == "no-store"
    release_db(app)


def test_user_demo_falls_back_to_the_first_branch(app: Flask) -> None:
    """make run names the demo's branch with gaps; on data without it, the first branch."""
    from tests.helpers import factories

    with app.app_context():
        factories.make_branch(code="ZB01", name="第一党支部")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["user", "demo", "--branch", "ZB02"])
    assert result.exit_code == 0, result.output
    assert "ZB01 第一党支部 书记：secretary /" in result.output
