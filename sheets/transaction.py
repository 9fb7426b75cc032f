"""The transaction an import runs in: one consistent view of the data, one import at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text

from core.changelog import Actor, Change, log_changes
from core.db import db

# PostgreSQL advisory lock that every import holds until it commits or rolls back.
IMPORT_LOCK = 0x7061_7274  # "part"


@contextmanager
def import_transaction(dry_run: bool) -> Iterator[None]:
    """Read, check and write inside one transaction begun before the first read.

    An import reads the branches, groups and members in separate statements. Outside a
    transaction those may straddle another import's commit (a member of a branch the
    first statement never saw). So a real import first takes the write lock (SQLite's
    BEGIN IMMEDIATE; an advisory lock on PostgreSQL): a second import waits for the
    first to finish, then reads what it wrote. A dry run reads one snapshot and locks
    nothing. Whatever is not committed inside is rolled back on the way out.
    A transaction the caller already has open (tests) is left to the caller.
    """
    session = db.session()  # the scoped session's Session (in_transaction is not proxied)
    if session.in_transaction():
        yield
        return
    if db.engine.dialect.name == "sqlite":
        driver = session.connection().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        if not driver.in_transaction:
            driver.execute("BEGIN" if dry_run else "BEGIN IMMEDIATE")
    elif dry_run:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})
    try:
        yield
    finally:
        if session.in_transaction():
            session.rollback()  # refused, a dry run, or failed: nothing is kept


def commit_import(write: Callable[[], None], changes: Sequence[Change], actor: str,
                  source: str) -> None:
    """Apply the planned writes and log every change, then commit; all or nothing."""
    try:
        write()
        log_changes(changes, Actor(actor, source))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
