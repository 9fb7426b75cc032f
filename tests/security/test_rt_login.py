"""Red-team items 5 and 6 (issue 24): login does the same work for unknown accounts, one
count is shared by every worker (Redis, or the instance file when there is none or it is
dead), the forwarded address counts only with PROXY_FIX, and a script trying many names
cannot lock out a right password (*both*)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts import passwords
from tests.helpers.app import make_app, release_db
from tests.helpers.console import PASSWORD, World

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _login(client: FlaskClient, username: str, password: str, address: str = "10.0.0.1",
           forwarded: str | None = None) -> int:
    environ = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = client.get("/console/login", environ_base=environ, headers=headers)
    token = _TOKEN.search(page.get_data(as_text=True))
    assert token
    response = client.post("/console/login", data={
        "username": username, "password": password, "csrf_token": token.group(1)},
        environ_base=environ, headers=headers)
    return response.status_code


def test_an_unknown_name_costs_one_verification_like_a_known_one(
        app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = passwords.PasswordHasher.hash, passwords.PasswordHasher.verify

    def counting_hash(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counting_verify(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(passwords.PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(passwords.PasswordHasher, "verify", counting_verify)
    client = app.test_client()
    dummies = dict(passwords._DUMMY)  # one per argon2 profile this process has used
    work = {}
    for name in ("sec_a", "nobody-here", "nobody-else", "SEC_A ", "x" * 60):
        before = dict(calls)
        assert _login(client, name, "wrong password", address=f"10.1.0.{len(work)}") == 401
        work[name] = (calls["hash"] - before["hash"], calls["verify"] - before["verify"])
    assert set(work.values()) == {(0, 1)}, work  # no hash is built per call
    assert passwords._DUMMY == dummies  # made once, not per name: nothing grows


def test_workers_share_one_count_without_redis(world: World, database_url: str,
                                               tmp_path: Path) -> None:
    """Two apps on one instance folder are two gunicorn workers: 5 failures in all."""
    workers = [make_app(database_url, tmp_path / "shared") for _ in range(2)]
    clients = [w.test_client() for w in workers]
    for i in range(5):
        assert _login(clients[i % 2], "sec_a", "wrong") == 401
    assert _login(clients[0], "sec_a", PASSWORD) == 429
    assert _login(clients[1], "sec_a", PASSWORD) == 429
    for worker in workers:
        release_db(worker)


def test_a_dead_redis_still_shares_the_count(world: World, database_url: str,
                                             tmp_path: Path) -> None:
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}
    workers = [make_app(database_url, tmp_path / "shared", **config) for _ in range(2)]
    clients = [w.test_client() for w in workers]
    for i in range(5):
        assert _login(clients[i % 2], "sec_a", "wrong") == 401
    assert _login(clients[1], "sec_a", PASSWORD) == 429
    assert _login(clients[0], "sec_b", PASSWORD) == 302  # nobody else is held up
    for worker in workers:
        release_db(worker)


def test_the_forwarded_address_counts_only_with_proxy_fix(world: World, database_url: str,
                                                          tmp_path: Path) -> None:
    # No PROXY_FIX: a forged X-Forwarded-For does not give each attempt a new address.
    plain = make_app(database_url, tmp_path / "plain", LOGIN_ADDRESS="3 per 10 minutes",
                     LOGIN_SLOW="100 per minute")
    client = plain.test_client()
    for i, name in enumerate(("a1", "a2", "a3")):
        assert _login(client, name, "wrong", forwarded=f"198.51.100.{i}") == 401
    assert _login(client, "a4", "wrong", forwarded="198.51.100.99") == 429
    release_db(plain)
    # Behind one proxy (PROXY_FIX=1): each user is counted at their own address, so 30
    # bad logins from one do not lock out an untouched account's right password.
    proxied = make_app(database_url, tmp_path / "proxied", PROXY_FIX=1,
                       LOGIN_ADDRESS="3 per 10 minutes", LOGIN_SLOW="100 per minute")
    attacker, user = proxied.test_client(), proxied.test_client()
    for name in ("a1", "a2", "a3", "a4"):
        _login(attacker, name, "wrong", address="10.9.9.9", forwarded="203.0.113.7")
    assert _login(attacker, "a5", "wrong", address="10.9.9.9", forwarded="203.0.113.7") == 429
    assert _login(user, "sec_b", PASSWORD, address="10.9.9.9", forwarded="203.0.113.8") == 302
    release_db(proxied)


def test_a_script_on_many_names_cannot_lock_out_a_known_browser(
        world: World, database_url: str, tmp_path: Path) -> None:
    """The secretary logged in on this browser before; then a script on the same address
    fails on every name, sec_a's included, past every limit."""
    app = make_app(database_url, tmp_path / "many", LOGIN_ADDRESS="5 per 10 minutes",
                   LOGIN_LOCK="3 per hour", LOGIN_SLOW="3 per 5 minutes")
    secretary, script = app.test_client(), app.test_client()
    assert _login(secretary, "sec_a", PASSWORD) == 302
    secretary.post("/console/logout", data={"csrf_token": _TOKEN.search(
        secretary.get("/console/").get_data(as_text=True)).group(1)})
    for round_ in range(3):
        for name in ("sec_a", "sec_b", "super", "admin", *(f"u{i}" for i in range(5))):
            _login(script, name, f"guess{round_}")
    assert _login(script, "sec_a", PASSWORD) == 429  # the script itself is stopped
    assert _login(secretary, "sec_a", PASSWORD) == 302  # the known browser is not
    # A forged device cookie is no way round the lock.
    forged = app.test_client()
    for cookie in secretary._cookies.values():  # type: ignore[attr-defined]
        if cookie.key.startswith("pc_device_"):
            forged.set_cookie(cookie.key, cookie.value[:-2] + "xx", path="/console")
    assert _login(forged, "sec_a", PASSWORD) == 429
    release_db(app)
