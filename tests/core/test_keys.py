"""Signing keys: generated on first run with mode 0600, refused when unusable in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import create_app
from core.keys import KEYS_FILENAME, SigningKeyError, read_keys

GOOD_KEY = "Xq7vR2mPz9LkT4wN8bHc3JdF6sGy1AeU5oQi0nVx"  # random, 40 characters
OLD_KEY = "pW3nZ8rT1yK6vB9mQ2xL5cH7jD4sF0gA"


def production(tmp_path: Path, **config: object) -> object:
    """create_app as a deployment would run it: neither debug nor testing."""
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
    settings.update(config)
    return create_app(settings, instance_path=str(tmp_path / "instance"))


def test_first_run_generates_a_private_key_file(tmp_path: Path) -> None:
    app = production(tmp_path)
    path = tmp_path / "instance" / KEYS_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    keys = read_keys(path)
    assert len(keys) == 1 and len(keys[0]) >= 48
    assert app.config["SIGNING_KEYS"] == keys  # type: ignore[attr-defined]


def test_second_run_reuses_the_key(tmp_path: Path) -> None:
    first = production(tmp_path).config["SIGNING_KEYS"]  # type: ignore[attr-defined]
    second = production(tmp_path).config["SIGNING_KEYS"]  # type: ignore[attr-defined]
    assert first == second


@pytest.mark.parametrize("placeholder", ["change-me", "dev", "short-key"])
def test_production_refuses_a_placeholder_key(tmp_path: Path, placeholder: str) -> None:
    with pytest.raises(SigningKeyError, match="placeholder"):
        production(tmp_path, SIGNING_KEYS=placeholder)


def test_placeholder_in_the_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "instance" / KEYS_FILENAME
    path.parent.mkdir()
    path.write_text("change-me\n")
    path.chmod(0o600)
    with pytest.raises(SigningKeyError, match="keys generate"):
        production(tmp_path)


def test_debug_and_testing_accept_a_placeholder(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SIGNING_KEYS": "dev"}, instance_path=str(tmp_path))
    assert app.config["SIGNING_KEYS"] == ["dev"]


def test_missing_key_is_refused_when_generation_is_off(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="does not exist"):
        production(tmp_path, GENERATE_KEYS=False)


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    production(tmp_path)
    path = tmp_path / "instance" / KEYS_FILENAME
    path.chmod(0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        production(tmp_path)


def test_keys_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTYCARD_SIGNING_KEYS", f"{OLD_KEY},{GOOD_KEY}")
    monkeypatch.setenv("PARTYCARD_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["SIGNING_KEYS"] == [OLD_KEY, GOOD_KEY]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite3"
    assert not (tmp_path / "instance" / KEYS_FILENAME).exists()


def test_keys_generate_appends_a_new_signing_key(tmp_path: Path) -> None:
    app = production(tmp_path)
    path = tmp_path / "instance" / KEYS_FILENAME
    before = read_keys(path)
    result = app.test_cli_runner().invoke(args=["keys", "generate"])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    after = read_keys(path)
    assert after[:-1] == before and len(after) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("weak", ["a" * 32, "a" * 31 + "b", "ab" * 20, "abcdefgh" * 4])
def test_production_refuses_a_low_entropy_key(tmp_path: Path, weak: str) -> None:
    with pytest.raises(SigningKeyError, match="too predictable"):
        production(tmp_path, SIGNING_KEYS=weak)


def test_random_keys_pass_the_entropy_check(tmp_path: Path) -> None:
    import secrets

    from core.keys import is_weak

    for _ in range(200):
        assert not is_weak(secrets.token_hex(16)) and not is_weak(secrets.token_urlsafe(48))


def test_debug_signing_with_the_dev_key_warns_loudly(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="partycard.keys"):
        create_app({"TESTING": True, "SIGNING_KEYS": "dev"}, instance_path=str(tmp_path))
    assert "forge" in caplog.text and "keys generate" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="partycard.keys"):
        create_app({"TESTING": True, "SIGNING_KEYS": GOOD_KEY}, instance_path=str(tmp_path))
    assert not caplog.text


def test_a_key_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "instance" / KEYS_FILENAME
    path.parent.mkdir()
    path.write_bytes(b"\xff\xfe" + "钥匙".encode("gbk"))
    path.chmod(0o600)
    with pytest.raises(SigningKeyError, match="not UTF-8"):
        production(tmp_path)


def test_a_key_file_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "instance" / KEYS_FILENAME
    path.mkdir(parents=True)
    with pytest.raises(SigningKeyError, match="not a file") as refused:
        production(tmp_path)
    assert "readable" not in str(refused.value)
    with pytest.raises(SigningKeyError, match="not a file"):
        create_app({"TESTING": True}, instance_path=str(tmp_path / "instance"))
