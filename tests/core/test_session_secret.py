"""The session secret lives apart from the card keys, in instance/, with its own rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core.keys import SigningKeyError
from core.sessions import SESSION_SECRET_FILENAME, load_session_secrets
from tests.helpers.app import make_app


def _session_cookie(app: object, value: int) -> str:
    client = app.test_client()  # type: ignore[attr-defined]
    with client.session_transaction() as session:
        session["who"] = value
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _reads(app: object, cookie: str) -> object:
    client = app.test_client()  # type: ignore[attr-defined]
    client.set_cookie("session", cookie)
    with client.session_transaction() as session:
        return session.get("who")


def test_generated_into_the_instance_and_not_a_card_key(tmp_path: Path) -> None:
    app = make_app("sqlite://", tmp_path / "inst")
    path = tmp_path / "inst" / SESSION_SECRET_FILENAME
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] not in app.config["SIGNING_KEYS"]
    assert app.config["SECRET_KEY_FALLBACKS"] == []


def test_rotating_card_keys_logs_nobody_out(tmp_path: Path) -> None:
    before = make_app("sqlite://", tmp_path / "inst", SIGNING_KEYS=["o" * 48])
    cookie = _session_cookie(before, 7)
    after = make_app("sqlite://", tmp_path / "inst", SIGNING_KEYS=["o" * 48, "n" * 48])
    assert _reads(after, cookie) == 7


def test_rotating_the_session_secret_keeps_sessions_until_the_old_line_goes(
        tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    before = make_app("sqlite://", instance)
    cookie = _session_cookie(before, 8)
    result = before.test_cli_runner().invoke(args=["keys", "rotate-session"])
    assert result.exit_code == 0, result.output
    after = make_app("sqlite://", instance)
    assert after.config["SECRET_KEY"] != before.config["SECRET_KEY"]
    assert after.config["SECRET_KEY_FALLBACKS"] == [before.config["SECRET_KEY"]]
    assert _reads(after, cookie) == 8  # still logged in, through the fallback
    path = instance / SESSION_SECRET_FILENAME
    lines = path.read_text().splitlines()
    path.write_text("\n".join(x for x in lines if x != before.config["SECRET_KEY"]) + "\n")
    dropped = make_app("sqlite://", instance)
    assert _reads(dropped, cookie) is None  # the old secret removed: that session is gone


def test_strict_mode_refuses_a_placeholder_or_a_readable_file(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError):
        load_session_secrets("dev", tmp_path, generate=True, strict=True)
    load_session_secrets(None, tmp_path, generate=True, strict=True)
    (tmp_path / SESSION_SECRET_FILENAME).chmod(0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        load_session_secrets(None, tmp_path, generate=True, strict=True)
    with pytest.raises(SigningKeyError):
        load_session_secrets(None, tmp_path / "none", generate=False, strict=False)
