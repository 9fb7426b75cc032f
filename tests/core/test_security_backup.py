"""`flask restore` checks the whole archive before it replaces anything (issue 14)."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.db import db
from core.keys import KEYS_FILENAME
from profiles.models import Member
from tests.helpers.app import make_app, release_db


def _members(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Member)) or 0
        db.session.remove()
    return count


@pytest.fixture
def backup(demo_app: Flask, tmp_path: Path) -> Path:
    if not demo_app.config["DATABASE_URL"].startswith("sqlite") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    archive = tmp_path / "good.zip"
    result = demo_app.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    return archive


def _variant(good: Path, out: Path, change: Callable[[dict[str, bytes | None]], None],
             extra: tuple[tuple[zipfile.ZipInfo, bytes], ...] = ()) -> Path:
    """A copy of the archive with members changed (None removes one)."""
    with zipfile.ZipFile(good) as z:
        members: dict[str, bytes | None] = {name: z.read(name) for name in z.namelist()}
    change(members)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            if data is not None:
                z.writestr(name, data)
        for info, data in extra:
            z.writestr(info, data)
    return out


def _db_member(app: Flask) -> str:
    return "database.sqlite3" if app.config["DATABASE_URL"].startswith("sqlite") \
        else "database.pgdump"


def _refused(app: Flask, archive: Path, *expected: str, **config: object) -> None:
    """restore --force refuses ``archive`` with a message holding one of ``expected``, and
    the database keeps its 150 members (and, on SQLite, its bytes)."""
    url = app.config["DATABASE_URL"]
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    before = path.read_bytes() if path else None
    app.config.update(config)
    result = app.test_cli_runner().invoke(args=["restore", "--force", "--lang", "en",
                                                str(archive)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Restored" not in result.output
    assert any(e in result.output for e in expected), result.output
    assert "Nothing was changed" in result.output or "not a partycard backup" in result.output
    assert _members(app) == 150
    if path:
        assert path.read_bytes() == before


def _set(name: str, data: bytes | None) -> Callable[[dict[str, bytes | None]], None]:
    def change(members: dict[str, bytes | None]) -> None:
        members[name] = data
    return change


def test_garbage_database_is_refused(demo_app: Flask, backup: Path, tmp_path: Path) -> None:
    archive = _variant(backup, tmp_path / "x.zip", _set(_db_member(demo_app), b"\0garbage" * 999))
    _refused(demo_app, archive, "damaged", "not a SQLite database")


def _other_postgres_dump(tmp_path: Path) -> bytes:
    """A pg_dump (custom format) of another program's database."""
    import subprocess
    import uuid

    from sqlalchemy import create_engine, text

    from core.db import database_uri
    from tests.helpers.databases import POSTGRES_ADMIN_URL

    name = f"partycard_other_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_uri(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    other = create_engine(database_uri(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name))
    try:
        with other.begin() as conn:
            conn.execute(text("CREATE TABLE contacts (name text, phone text)"))
            conn.execute(text("INSERT INTO contacts VALUES ('张三', '13800000000')"))
        url = other.url
        dump = tmp_path / "other.pgdump"
        subprocess.run(["pg_dump", "--format=custom", "-h", url.host or "127.0.0.1",
                        "-p", str(url.port or 5432), "-U", url.username or "postgres",
                        "-d", name, "-f", str(dump)], check=True, capture_output=True)
        return dump.read_bytes()
    finally:
        other.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_another_programs_database_is_refused(demo_app: Flask, backup: Path,
                                              tmp_path: Path) -> None:
    if demo_app.config["DATABASE_URL"].startswith("sqlite"):
        other = tmp_path / "other.sqlite3"
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE contacts (name, phone)")
        conn.commit()
        conn.close()
        data = other.read_bytes()
    else:
        data = _other_postgres_dump(tmp_path)
    archive = _variant(backup, tmp_path / "x.zip", _set(_db_member(demo_app), data))
    _refused(demo_app, archive, "not a partycard database", "not of a partycard database")


def test_a_damaged_sqlite_file_fails_the_integrity_check(demo_app: Flask, backup: Path,
                                                         tmp_path: Path) -> None:
    if not demo_app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("an SQLite file")
    with zipfile.ZipFile(backup) as z:
        data = bytearray(z.read("database.sqlite3"))
    page = 4096
    for offset in range(page * 20, len(data) - page, page * 3):  # scribble over many pages
        data[offset + 100:offset + 400] = b"\xa5" * 300
    archive = _variant(backup, tmp_path / "x.zip", _set("database.sqlite3", bytes(data)))
    _refused(demo_app, archive, "integrity check", "damaged")


def test_a_schema_this_code_does_not_know_is_refused(demo_app: Flask, backup: Path,
                                                     tmp_path: Path) -> None:
    def newer(members: dict[str, bytes | None]) -> None:
        manifest = json.loads(members["manifest.json"] or b"")
        manifest["revision"] = "9999"
        members["manifest.json"] = json.dumps(manifest).encode()
        if "database.sqlite3" in members:
            copy = tmp_path / "newer.sqlite3"
            copy.write_bytes(members["database.sqlite3"] or b"")
            conn = sqlite3.connect(copy)
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
            conn.commit()
            conn.close()
            members["database.sqlite3"] = copy.read_bytes()

    _refused(demo_app, _variant(backup, tmp_path / "x.zip", newer), "unknown to this version")


def test_missing_members_and_malformed_manifests_are_clear(demo_app: Flask, backup: Path,
                                                           tmp_path: Path) -> None:
    archive = _variant(backup, tmp_path / "a.zip", _set(_db_member(demo_app), None))
    _refused(demo_app, archive, f"has no {_db_member(demo_app)}")
    dialect = "sqlite" if demo_app.config["DATABASE_URL"].startswith("sqlite") else "postgresql"
    for manifest, expected in ((b"[1, 2]", "not a JSON object"),
                               (b'{"format": 1}', "dialect must be"),
                               (f'{{"format": 1, "dialect": "{dialect}"}}'.encode(),
                                "created_at"),
                               (b"\xff{", "not a partycard backup"),
                               (None, "has no manifest.json")):
        archive = _variant(backup, tmp_path / "m.zip", _set("manifest.json", manifest))
        _refused(demo_app, archive, expected)


def test_oversized_and_bomb_entries_are_refused(demo_app: Flask, backup: Path,
                                                tmp_path: Path) -> None:
    size = len(zipfile.ZipFile(backup).read(_db_member(demo_app)))
    _refused(demo_app, backup, "larger than", RESTORE_MAX_BYTES=size - 1)
    # A small archive (zeros compress well) holding a large entry: refused, never extracted.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_db_member(demo_app), b"\0" * (8 << 20))
    archive = _variant(backup, tmp_path / "b.zip", _set(_db_member(demo_app), None),
                       extra=((zipfile.ZipFile(io.BytesIO(bomb.getvalue())).infolist()[0],
                               b"\0" * (8 << 20)),))
    assert archive.stat().st_size < 100_000
    _refused(demo_app, archive, "larger than", RESTORE_MAX_BYTES=1 << 20)


def test_refusals_are_in_chinese_by_default(demo_app: Flask, backup: Path,
                                            tmp_path: Path) -> None:
    archive = _variant(backup, tmp_path / "a.zip", _set(_db_member(demo_app), None))
    result = demo_app.test_cli_runner().invoke(args=["restore", "--force", str(archive)])
    assert result.exit_code == 1
    assert f"不完整：缺少 {_db_member(demo_app)}。没有做任何修改" in result.output
    assert _members(demo_app) == 150


def test_symlink_entries_are_refused(demo_app: Flask, backup: Path, tmp_path: Path) -> None:
    link = zipfile.ZipInfo(_db_member(demo_app))
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _variant(backup, tmp_path / "l.zip", _set(_db_member(demo_app), None),
                       extra=((link, b"/etc/passwd"),))
    _refused(demo_app, archive, "is a link")


def test_a_key_file_that_is_not_utf8_is_refused(demo_app: Flask, backup: Path,
                                                tmp_path: Path) -> None:
    archive = _variant(backup, tmp_path / "k.zip", _set(KEYS_FILENAME, b"\xff\xfe\x00k"))
    _refused(demo_app, archive, "not UTF-8")


def test_restored_sqlite_copy_is_private_and_restart_is_asked_for(
        tmp_path: Path, sqlite_templates: dict[str, Path]) -> None:
    source_path = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_templates["demo"], source_path)
    source = make_app(f"sqlite:///{source_path}", tmp_path / "source")
    archive = tmp_path / "b.zip"
    assert source.test_cli_runner().invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    target_path = tmp_path / "target.sqlite3"
    target = make_app(f"sqlite:///{target_path}", tmp_path / "target")
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "请立即重启所有正在运行的 partycard 服务器" in result.output
    assert stat.S_IMODE(target_path.stat().st_mode) == 0o600
    assert _members(target) == 150
    for app in (source, target):
        release_db(app)
