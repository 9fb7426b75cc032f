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


def _mode(path: Path) -> int:
    """The file's mode, 0 for one gone since it was listed: SQLite removes the -wal and -shm
    files when another process closes the database, between ``exists`` and ``stat``
    (seen as a failed start in a test whose importer started while a probe closed)."""
    try:
        return path.stat().st_mode
    except FileNotFoundError:
        return 0


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
    readable = [p for p in database_files(path) if _mode(p) & 0o077]
    if readable:
        names = " ".join(str(p) for p in readable)
        message = (f"{names}: the database can be read by other users, and it holds ID "
                   f"numbers, phones, addresses and wages. Run `chmod 600 {names}` "
                   f"(and `chmod 700 {path.parent}`), then start again.")
        if strict:
            raise StorageError(message)
        log.warning("WARNING: %s", message)
    return path


def private_file(path: Path) -> None:
    """Make ``path`` exist as a file only its owner can read (0600), whoever made it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_private(path)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def secure_instance(instance: Path, strict: bool) -> list[Path]:
    """Make the instance folder 0700 and everything partycard keeps in it private: folders
    0700, files 0600 (the database and its side files, keys, the job queue, the login
    count, uploads and job results), whatever git or an older version created. Run at
    every start; what cannot be fixed (another owner) stops a strict start with the
    ``chmod`` to run, as a readable database does. Returns what was changed."""
    changed: list[Path] = []
    problems: list[Path] = []

    def fix(path: Path, mode: int) -> None:
        try:
            if path.is_symlink():
                return  # never follow a link out of the folder
            if path.stat().st_mode & 0o777 & ~mode:
                path.chmod(mode)
                changed.append(path)
        except FileNotFoundError:
            return  # gone since the walk listed it (a side file SQLite removed): nothing to fix
        except OSError:
            problems.append(path)

    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    fix(instance, 0o700)
    for root, dirs, files in os.walk(instance):
        for name in dirs:
            fix(Path(root) / name, 0o700)
        for name in files:
            fix(Path(root) / name, 0o600)
    if changed:
        log.info("instance folder: made %d entries private", len(changed))
    if problems:
        names = " ".join(str(p) for p in problems)
        message = (f"{names}: cannot be made private (owned by another user?). Run "
                   f"`chmod -R go-rwx {instance}` as their owner, then start again.")
        if strict:
            raise StorageError(message)
        log.warning("WARNING: %s", message)
    return changed
