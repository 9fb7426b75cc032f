"""Private data at rest: the SQLite database holds ID numbers, phones, addresses and wages.

The instance folder is created 0700 and the database file 0600 before SQLite first opens
it (SQLite gives its -wal and -shm files the database file's mode). Outside debug and
testing, a database file that other users can read stops the start, as a readable key
file does, with the command that fixes it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import StartupError

log = logging.getLogger("partycard.storage")

SIDE_FILES = ("-wal", "-shm", "-journal")


class StorageError(StartupError):
    """The database file is not private; the message says how to fix it."""


def sqlite_path(uri: str) -> Path | None:
    """The file of a file-based SQLite URI; None for other databases and in-memory ones."""
    try:
        url = make_url(uri)
    except ArgumentError:
        return None
    if not url.drivername.startswith("sqlite"):
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:") \
            or url.query.get("mode") == "memory":
        return None
    return Path(database)


def database_files(path: Path) -> list[Path]:
    """The database file and the side files SQLite keeps beside it, those that exist."""
    return [p for p in [path, *(Path(f"{path}{s}") for s in SIDE_FILES)] if p.exists()]


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read (SQLite opens it as a new database)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def prepare_database_file(uri: str, strict: bool) -> Path | None:
    """Create a new SQLite database file 0600; refuse (strict) or warn on a readable one."""
    path = sqlite_path(uri)
    if path is None or not path.parent.is_dir():
        return path  # not SQLite, or SQLite will report the missing folder itself
    if not path.exists():
        try:
            create_private(path)
        except OSError:
            return path  # a read-only folder: the import and pages report it when they write
    readable = [p for p in database_files(path) if p.stat().st_mode & 0o077]
    if readable:
        names = " ".join(str(p) for p in readable)
        message = (f"{names}: the database can be read by other users, and it holds ID "
                   f"numbers, phones, addresses and wages. Run `chmod 600 {names}` "
                   f"(and `chmod 700 {path.parent}`), then start again.")
        if strict:
            raise StorageError(message)
        log.warning("WARNING: %s", message)
    return path
