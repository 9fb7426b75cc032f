"""Consistent backups: one zip holding the database snapshot, the signing keys, the evidence
(meetings' photos and files, ``evidence/<key>``) and a manifest.

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
import zlib
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import Engine, inspect, text

from core.blobs import BlobStore, check_key
from core.errors import UserError
from core.files import output_path
from core.keys import KEYS_FILENAME, SigningKeyError, read_keys
from core.storage import create_private

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(UserError, RuntimeError):
    """A backup could not be made or restored; the message says why and what to do."""


def _(text: str, **values: object) -> str:
    """``text`` in the current language (the command forces the default one), filled in."""
    return str(gettext(text, **values))


def _not_a_backup(archive_path: Path, exc: Exception) -> BackupError:
    return BackupError(_("%(archive)s is not a partycard backup (%(detail)s).",
                         archive=archive_path, detail=exc))


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
        raise BackupError(_("%(tool)s not found: install the PostgreSQL client "
                            "(e.g. apt-get install postgresql-client).", tool=name))
    return found


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def make_backup(engine: Engine, instance_path: Path, out: Path,
                store: BlobStore | None = None) -> dict[str, object]:
    """Write a backup archive to ``out`` (atomically) and return its manifest; with
    ``store``, the evidence it keeps (meetings' photos and files) goes in too, each blob
    under ``evidence/<key>``."""
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
                raise BackupError(_("pg_dump failed: %(detail)s", detail=result.stderr.strip()))
        else:
            raise BackupError(_("backups of %(dialect)s databases are not supported",
                                 dialect=dialect))
        # Whole or not at all, and readable by the owner only: it holds the signing keys.
        with output_path(out, private=True) as partial, \
                zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(snapshot, snapshot.name)
            keys = instance_path / KEYS_FILENAME
            if keys.exists():
                archive.write(keys, KEYS_FILENAME)
            count = 0
            for key in (store.keys() if store is not None else ()):
                assert store is not None
                # Photos are JPEG/PNG already: stored, not deflated again.
                archive.writestr(zipfile.ZipInfo(EVIDENCE_PREFIX + check_key(key),
                                                 date_time=(1980, 1, 1, 0, 0, 0)),
                                 store.get(key), zipfile.ZIP_STORED)
                count += 1
            manifest["evidence"] = count
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return manifest


MANIFEST = "manifest.json"
EVIDENCE_PREFIX = "evidence/"
MAX_EVIDENCE_BYTES = 256 * 1024**2  # one evidence file (uploads are capped far lower)
DIALECTS = ("sqlite", "postgresql")
# What restore extracts, at most: a lying or hostile archive (a 2.5 MB zip declaring a
# 2 GB entry, say) is refused before it fills the disk. The database limit is generous
# and can be raised with RESTORE_MAX_BYTES.
MAX_DATABASE_BYTES = 4 * 1024**3
MAX_SMALL_BYTES = 1024**2  # the manifest and the key file
_SYMLINK = 0o120000


def _read_member(archive: zipfile.ZipFile, name: str, limit: int, archive_path: Path,
                 out: Path | None = None) -> bytes:
    """One entry, checked: present, a regular file, within ``limit`` bytes as declared and as
    actually inflated. Written to ``out`` (mode 0600) if given, else returned."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BackupError(_("%(archive)s is incomplete: it has no %(name)s. Nothing was "
                            "changed; use another backup.", archive=archive_path,
                            name=name)) from None
    if (info.external_attr >> 16) & 0o170000 == _SYMLINK or info.is_dir():
        raise BackupError(_("%(archive)s: %(name)s is a link or folder, not a file. Nothing "
                            "was changed.", archive=archive_path, name=name))
    too_big = BackupError(_("%(archive)s: %(name)s is larger than %(limit)s bytes, the most "
                            "restore accepts. Nothing was changed.", archive=archive_path,
                            name=name, limit=limit))
    if info.file_size > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if out else None
    try:
        with archive.open(info) as source:
            while chunk := source.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise too_big
                if fd is None:
                    chunks.append(chunk)
                else:
                    os.write(fd, chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError) as exc:
        # RuntimeError: an encrypted entry. BadZipFile: a CRC mismatch.
        raise BackupError(_("%(archive)s: %(name)s is damaged (%(detail)s). Nothing was "
                            "changed.", archive=archive_path, name=name, detail=exc)) from None
    finally:
        if fd is not None:
            os.close(fd)
    return b"".join(chunks)


def _check_manifest(manifest: object, archive_path: Path) -> dict[str, object]:
    """The manifest if it has the fields restore needs, with the right types."""
    def bad(why: str) -> BackupError:
        return BackupError(_("%(archive)s: the backup's manifest is malformed (%(detail)s). "
                             "Nothing was changed.", archive=archive_path, detail=why))

    if not isinstance(manifest, dict):
        raise bad("not a JSON object")
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(archive)s: unknown backup format %(format)r.",
                            archive=archive_path, format=manifest.get("format")))
    if manifest.get("dialect") not in DIALECTS:
        raise bad(f"dialect must be one of {', '.join(DIALECTS)}")
    if not isinstance(manifest.get("created_at"), str):
        raise bad("created_at missing")
    if not isinstance(manifest.get("revision"), (str, type(None))):
        raise bad("revision is not text")
    return manifest


def read_manifest(archive_path: Path) -> dict[str, object]:
    """The manifest of a backup archive, or BackupError if it is not one."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            raw = _read_member(archive, MANIFEST, MAX_SMALL_BYTES, archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_a_backup(archive_path, exc) from None
    except BackupError as exc:
        raise _not_a_backup(archive_path, exc) from None
    try:
        manifest = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _not_a_backup(archive_path, exc) from None
    return _check_manifest(manifest, archive_path)


def _check_sqlite(snapshot: Path, manifest: dict[str, object], known: frozenset[str] | None,
                  archive_path: Path) -> None:
    """Refuse a snapshot that is not a sound partycard database of a schema this code knows."""
    try:
        conn = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone()
                        if "alembic_version" in tables else None)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("%(archive)s: the database in the backup is damaged or not a "
                            "SQLite database (%(detail)s). Nothing was changed.",
                            archive=archive_path, detail=exc)) from None
    if result != [("ok",)]:
        raise BackupError(_("%(archive)s: the database in the backup fails SQLite's "
                            "integrity check (%(detail)s). Nothing was changed.",
                            archive=archive_path, detail=result[0][0]))
    if revision is None or not {"member", "branch", "committee"} <= tables:
        raise BackupError(_("%(archive)s: the database in the backup is not a partycard "
                            "database. Nothing was changed.", archive=archive_path))
    if revision[0] != manifest.get("revision"):
        raise BackupError(_("%(archive)s: the database is at schema %(found)r but the "
                            "manifest says %(expected)r. Nothing was changed.",
                            archive=archive_path, found=revision[0],
                            expected=manifest.get("revision")))
    _check_revision(revision[0], known, archive_path)


def _check_revision(revision: object, known: frozenset[str] | None, archive_path: Path) -> None:
    if known is not None and revision not in known:
        raise BackupError(_("%(archive)s: the backup's schema %(revision)r is unknown to this "
                            "version of partycard (made by a newer one?). Upgrade partycard, "
                            "then restore. Nothing was changed.", archive=archive_path,
                            revision=revision))


def _check_pgdump(dump: Path, archive_path: Path) -> None:
    """Refuse a file ``pg_restore`` cannot read, or one without partycard's tables."""
    result = subprocess.run([_tool("pg_restore"), "--list", str(dump)],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(_("%(archive)s: the database dump is damaged (%(detail)s). "
                            "Nothing was changed.", archive=archive_path,
                            detail=result.stderr.strip()))
    listed = result.stdout
    if not all(f"TABLE DATA public {t} " in listed
               for t in ("alembic_version", "member", "branch")):
        raise BackupError(_("%(archive)s: the dump is not of a partycard database. Nothing "
                            "was changed.", archive=archive_path))


def restore_backup(engine: Engine, instance_path: Path, archive_path: Path,
                   known_revisions: frozenset[str] | None = None,
                   max_bytes: int = MAX_DATABASE_BYTES,
                   store: BlobStore | None = None) -> dict[str, object]:
    """Replace the database with the archive's snapshot and merge its signing keys.

    Everything is checked before the live data is touched: the manifest, each entry
    (present, a plain file, within ``max_bytes``), the database itself (SQLite's
    integrity check, partycard's tables, a migration revision in ``known_revisions``)
    and the key file. Only the entries restore needs are extracted. With ``store``, the
    backup's evidence is written back into it (each entry checked first, like the others);
    blobs the store holds that the backup does not are left alone.
    """
    manifest = read_manifest(archive_path)
    dialect = engine.dialect.name
    if manifest["dialect"] != dialect:
        raise BackupError(_("The backup is of a %(backup)s database; this app uses "
                            "%(dialect)s. Point DATABASE_URL at a %(backup)s database.",
                            backup=manifest["dialect"], dialect=dialect))
    member = SQLITE_MEMBER if dialect == "sqlite" else PG_MEMBER
    with zipfile.ZipFile(archive_path) as archive, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        snapshot = folder / member
        _read_member(archive, member, max_bytes, archive_path, out=snapshot)
        backup_keys: list[str] = []
        if KEYS_FILENAME in archive.namelist():
            _read_member(archive, KEYS_FILENAME, MAX_SMALL_BYTES, archive_path,
                         out=folder / KEYS_FILENAME)
            try:
                backup_keys = read_keys(folder / KEYS_FILENAME)
            except SigningKeyError:
                raise BackupError(_("%(archive)s: the signing-key file in the backup is not "
                                    "UTF-8 text. Nothing was changed.",
                                    archive=archive_path)) from None
        evidence: list[tuple[str, Path]] = []
        if store is not None:
            for n, name in enumerate(sorted(archive.namelist())):
                if not name.startswith(EVIDENCE_PREFIX) or name.endswith("/"):
                    continue
                key = name[len(EVIDENCE_PREFIX):]
                try:
                    check_key(key)
                except ValueError:
                    raise BackupError(_("%(archive)s: %(name)s is not a file name partycard "
                                        "writes. Nothing was changed.", archive=archive_path,
                                        name=name)) from None
                staged_blob = folder / f"evidence-{n}"
                _read_member(archive, name, MAX_EVIDENCE_BYTES, archive_path, out=staged_blob)
                evidence.append((key, staged_blob))
        if dialect == "sqlite":
            database = engine.url.database
            if not database or database == ":memory:":
                raise BackupError(_("Restoring needs a file-based SQLite database."))
            _check_sqlite(snapshot, manifest, known_revisions, archive_path)
            engine.dispose()  # no pooled connection may keep the old file open
            staged = Path(database).with_name(Path(database).name + ".restoring")
            staged.unlink(missing_ok=True)
            create_private(staged)  # 0600 like the live file: it holds the same private data
            with snapshot.open("rb") as src, staged.open("r+b") as dst:
                shutil.copyfileobj(src, dst)
            for suffix in ("-wal", "-shm"):
                Path(database + suffix).unlink(missing_ok=True)
            os.replace(staged, database)
        else:
            _check_revision(manifest.get("revision"), known_revisions, archive_path)
            _check_pgdump(snapshot, archive_path)
            args, env = _postgres_args(engine)
            engine.dispose()
            result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                                     "--single-transaction", *args, str(snapshot)],
                                    env=env, capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(_("pg_restore failed: %(detail)s", detail=result.stderr.strip()))
        if backup_keys:
            _merge_keys(backup_keys, instance_path / KEYS_FILENAME)
        if store is not None:
            for key, staged_blob in evidence:
                store.put(key, staged_blob.read_bytes(), "application/octet-stream")
    return manifest


def known_revisions(migrations: Path) -> frozenset[str]:
    """Every migration revision this code ships (``migrations/versions``)."""
    from alembic.script import ScriptDirectory

    return frozenset(s.revision for s in ScriptDirectory(str(migrations)).walk_revisions())


def _merge_keys(restored: list[str], instance_keys: Path) -> None:
    """Keep every key: the backup's as older ones, the instance's newest still signs."""
    current = read_keys(instance_keys) if instance_keys.exists() else []
    merged = restored + [k for k in current if k not in restored]
    instance_keys.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(instance_keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# partycard signing keys, oldest first; the last one signs.\n")
        fh.write("".join(k + "\n" for k in merged))
    os.chmod(instance_keys, 0o600)
