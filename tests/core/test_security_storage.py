"""Private data at rest: instance folder 0700, database files 0600, readable ones refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app import create_app
from core.db import db
from core.storage import StorageError, sqlite_path


def _production(tmp_path: Path, **config: object) -> Flask:
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path}/instance/partycard.sqlite3"}
    settings.update(config)
    return create_app(settings, instance_path=str(tmp_path / "instance"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_instance_folder_and_database_files_are_private(tmp_path: Path) -> None:
    app = _production(tmp_path)
    instance = tmp_path / "instance"
    database = instance / "partycard.sqlite3"
    assert _mode(instance) == 0o700 and _mode(database) == 0o600
    with app.app_context():
        with db.engine.begin() as conn:  # WAL mode: -wal and -shm appear while connected
            conn.execute(text("CREATE TABLE t (x)"))
            conn.execute(text("INSERT INTO t VALUES ('13800000000')"))
            sides = [Path(f"{database}{s}") for s in ("-wal", "-shm")]
            assert all(p.exists() for p in sides)
            assert [_mode(p) for p in sides] == [0o600, 0o600]
        db.engine.dispose()
    _production(tmp_path)  # starts again: nothing readable by others


@pytest.mark.parametrize("which", ["", "-wal"])
def test_a_database_readable_by_others_stops_the_start(tmp_path: Path, which: str,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    app = _production(tmp_path)
    database = tmp_path / "instance" / "partycard.sqlite3"
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
    target = Path(f"{database}{which}")
    target.touch()
    target.chmod(0o644)
    before = database.read_bytes()
    with pytest.raises(StorageError, match=f"chmod 600 {target}"):
        _production(tmp_path)
    assert database.read_bytes() == before
    # Debug and testing start, with a warning saying the same.
    with caplog.at_level("WARNING", logger="partycard.storage"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"},
                   instance_path=str(tmp_path / "instance"))
    assert "chmod 600" in caplog.text


def test_only_file_based_sqlite_is_checked() -> None:
    assert sqlite_path("sqlite:///:memory:") is None
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("postgresql+psycopg://u@h/db") is None
    assert sqlite_path("sqlite:////srv/pc/db.sqlite3") == Path("/srv/pc/db.sqlite3")


def test_a_side_file_sqlite_removes_during_the_start_is_not_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process closing the database removes its -wal and -shm between the start's
    listing and its ``stat``: the start goes on (it once ended in FileNotFoundError)."""
    import os

    import core.storage as storage

    _production(tmp_path)
    database = tmp_path / "instance" / "partycard.sqlite3"
    gone = Path(f"{database}-wal")  # listed, then removed before it is looked at
    monkeypatch.setattr(storage, "database_files", lambda path: [path, gone])
    real_walk = os.walk

    def walk_listing_a_vanished_file(top: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for root, dirs, files in real_walk(top, *args, **kwargs):  # type: ignore[call-overload]
            yield root, dirs, [*files, gone.name] if Path(root) == database.parent else files

    monkeypatch.setattr(storage.os, "walk", walk_listing_a_vanished_file)
    app = _production(tmp_path)  # strict (not testing): a failure here would raise
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("partycard.sqlite3")
    assert not gone.exists() and _mode(database) == 0o600
