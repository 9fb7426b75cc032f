"""Consistent backups: one zip holding the database snapshot, the signing keys and a manifest.

SQLite is copied with its online backup API (a consistent snapshot even while pages are
served or an import writes); PostgreSQL with ``pg_dump``. The signing keys travel with the
data because without them no printed card can be verified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from core.errors import UserError
from core.files import output_path
from core.keys import KEYS_FILENAME, read_keys

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(UserError, RuntimeError):
    """A backup could not be made or restored; the message says why and what to do."""


def _postgres_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    url = engine.url
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres", "-d", url.database or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client "
                          "(e.g. apt-get install postgresql-client).")
    return found


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def make_backup(engine: Engine, instance_path: Path, out: Path) -> dict[str, object]:
    """Write a backup archive to ``out`` (atomically) and return its manifest."""
    dialect = engine.dialect.name
    manifest: dict[str, object] = {
        "format": FORMAT, "dialect": dialect, "revision": _revision(engine),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / (SQLITE_MEMBER if dialect == "sqlite" else PG_MEMBER)
        if dialect == "sqlite":
            with engine.connect() as conn:
                source = conn.connection.driver_connection
                assert isinstance(source, sqlite3.Connection)
                target = sqlite3.connect(snapshot)
                with target:
                    source.backup(target)  # one step: a single consistent read snapshot
                target.close()
        elif dialect == "postgresql":
            args, env = _postgres_args(engine)
            result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                                     "-f", str(snapshot), *args],
                                    env=env, capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"backups of {dialect} databases are not supported")
        # Whole or not at all, and readable by the owner only: it holds the signing keys.
        with output_path(out, private=True) as partial, \
                zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(snapshot, snapshot.name)
            keys = instance_path / KEYS_FILENAME
            if keys.exists():
                archive.write(keys, KEYS_FILENAME)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


def read_manifest(archive_path: Path) -> dict[str, object]:
    """The manifest of a backup archive, or BackupError if it is not one."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            manifest: dict[str, object] = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(f"{archive_path} is not a partycard backup ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path}: unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore_backup(engine: Engine, instance_path: Path, archive_path: Path) -> dict[str, object]:
    """Replace the database with the archive's snapshot and merge its signing keys."""
    manifest = read_manifest(archive_path)
    dialect = engine.dialect.name
    if manifest["dialect"] != dialect:
        raise BackupError(f"The backup is of a {manifest['dialect']} database; this app uses "
                          f"{dialect}. Point DATABASE_URL at a {manifest['dialect']} database.")
    with zipfile.ZipFile(archive_path) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extractall(tmp)
        folder = Path(tmp)
        if dialect == "sqlite":
            database = engine.url.database
            if not database or database == ":memory:":
                raise BackupError("Restoring needs a file-based SQLite database.")
            engine.dispose()  # no pooled connection may keep the old file open
            staged = Path(database).with_name(Path(database).name + ".restoring")
            shutil.copyfile(folder / SQLITE_MEMBER, staged)
            for suffix in ("-wal", "-shm"):
                Path(database + suffix).unlink(missing_ok=True)
            os.replace(staged, database)
        else:
            args, env = _postgres_args(engine)
            engine.dispose()
            result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                                     "--single-transaction", *args, str(folder / PG_MEMBER)],
                                    env=env, capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        if (folder / KEYS_FILENAME).exists():
            _merge_keys(folder / KEYS_FILENAME, instance_path / KEYS_FILENAME)
    return manifest


def _merge_keys(backup_keys: Path, instance_keys: Path) -> None:
    """Keep every key: the backup's as older ones, the instance's newest still signs."""
    restored = read_keys(backup_keys)
    current = read_keys(instance_keys) if instance_keys.exists() else []
    merged = restored + [k for k in current if k not in restored]
    instance_keys.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(instance_keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# partycard signing keys, oldest first; the last one signs.\n")
        fh.write("".join(k + "\n" for k in merged))
    os.chmod(instance_keys, 0o600)
