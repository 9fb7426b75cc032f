"""`flask backup` makes a consistent copy that `flask restore` brings back, keys included."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.db import db
from core.keys import KEYS_FILENAME, read_keys
from profiles.models import ChangeLog, Member
from qr.tokens import make_token, read_token
from tests.helpers.app import make_app, release_db
from tests.helpers.databases import BACKENDS, truncate


def _urls(backend: str, request: pytest.FixtureRequest, tmp_path: Path,
          templates: dict[str, Path]) -> tuple[str, str]:
    """(demo database, empty database) of one backend."""
    if backend == "sqlite":
        demo, empty = tmp_path / "demo.sqlite3", tmp_path / "empty.sqlite3"
        shutil.copy(templates["demo"], demo)
        shutil.copy(templates["empty"], empty)
        return f"sqlite:///{demo}", f"sqlite:///{empty}"
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    return request.getfixturevalue("postgres_demo_url"), request.getfixturevalue("postgres_url")


def _members(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Member)) or 0
    release_db(app)
    return count


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path: Path,
         sqlite_templates: dict[str, Path]) -> Any:
    demo_url, empty_url = _urls(request.param, request, tmp_path, sqlite_templates)
    source = make_app(demo_url, tmp_path / "source")
    target = make_app(empty_url, tmp_path / "target")
    yield source, target
    for app in (source, target):
        release_db(app)
    if request.param == "postgresql":
        truncate(empty_url)  # the session's empty database must be empty for the next test


def test_backup_then_restore_into_an_empty_database(pair: Any, tmp_path: Path) -> None:
    source, target = pair
    archive = tmp_path / "backup.zip"
    result = source.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds the signing keys
    with zipfile.ZipFile(archive) as z:
        assert KEYS_FILENAME in z.namelist() and "manifest.json" in z.namelist()

    source_keys = source.config["SIGNING_KEYS"]
    token = make_token(source_keys, "member", 1, 1)  # a card printed before the restore
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert _members(target) == _members(source) == 150
    restored = make_app(target.config["DATABASE_URL"], tmp_path / "target")
    assert read_token(restored.config["SIGNING_KEYS"], "member", token).record_id == 1
    # Served: the card printed before the backup opens its page on the restored copy.
    with source.app_context():
        name = db.session.get(Member, 1).name  # type: ignore[union-attr]
    page = restored.test_client().get(f"/M/{token}")
    assert page.status_code == 200 and name in page.get_data(as_text=True)
    assert read_keys(tmp_path / "target" / KEYS_FILENAME)[-1] == target.config["SIGNING_KEYS"][-1]
    release_db(restored)


def test_restore_refuses_to_overwrite_data_without_force(pair: Any, tmp_path: Path) -> None:
    source, _ = pair
    archive = tmp_path / "backup.zip"
    assert source.test_cli_runner().invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    result = source.test_cli_runner().invoke(args=["restore", "--lang", "en", str(archive)])
    assert result.exit_code != 0
    assert "--force" in result.output and "nothing was changed" in result.output
    assert _members(source) == 150


def test_restore_refuses_garbage_and_the_wrong_database_kind(app: Flask, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    result = app.test_cli_runner().invoke(args=["restore", "--lang", "en", str(junk)])
    assert result.exit_code != 0 and "not a partycard backup" in result.output

    other = "postgresql" if app.config["DATABASE_URL"].startswith("sqlite") else "sqlite"
    fake = tmp_path / "other.zip"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("manifest.json", f'{{"format": 1, "dialect": "{other}", "created_at": "x"}}')
    result = app.test_cli_runner().invoke(args=["restore", "--lang", "en", str(fake)])
    assert result.exit_code != 0 and f"backup is of a {other} database" in result.output


def test_sqlite_backup_is_consistent_while_another_connection_writes(
        tmp_path: Path, sqlite_templates: dict[str, Path]) -> None:
    path = tmp_path / "busy.sqlite3"
    shutil.copy(sqlite_templates["demo"], path)
    app = make_app(f"sqlite:///{path}", tmp_path / "instance")
    stop = threading.Event()

    def writer() -> None:
        conn = sqlite3.connect(path, timeout=10)
        n = 0
        while not stop.is_set() and n < 2000:
            with conn:
                conn.execute("INSERT INTO change_log (actor, source, table_name, record_key, "
                             "action, changes) VALUES ('t', 'load', 'member', ?, 'update', '{}')",
                             (str(n),))
            n += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = []
        for i in range(3):
            archive = tmp_path / f"b{i}.zip"
            result = app.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
            assert result.exit_code == 0, result.output
            archives.append(archive)
    finally:
        stop.set()
        thread.join()
    for archive in archives:
        with zipfile.ZipFile(archive) as z:
            z.extract("database.sqlite3", tmp_path / archive.stem)
        copy = sqlite3.connect(tmp_path / archive.stem / "database.sqlite3")
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM member").fetchone() == (150,)
        copy.close()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangeLog)) >= 1
    release_db(app)
