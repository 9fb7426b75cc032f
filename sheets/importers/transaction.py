"""The transaction an import runs in: one consistent view of the data, one import at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.changelog import Actor, Change, log_changes
from core.db import db

# PostgreSQL advisory lock that every import holds until it commits or rolls back.
IMPORT_LOCK = 0x7061_7274  # "part"


# Set by join_caller_transaction(): tests that build data and import in one uncommitted
# transaction say so explicitly; everything else gets its own locked transaction.
_JOIN: ContextVar[bool] = ContextVar("join_caller_transaction", default=False)


class OpenTransaction(RuntimeError):
    """The caller has uncommitted writes; an import must not commit or discard them.

    A bug of the calling code, not a refusal a person can act on: not a ``UserError``."""


@contextmanager
def join_caller_transaction() -> Iterator[None]:
    """Let imports inside run in the caller's open transaction, without the import lock
    or a snapshot of their own (tests that seed data and import without committing)."""
    token = _JOIN.set(True)
    try:
        yield
    finally:
        _JOIN.reset(token)


def _has_writes(session: Session) -> bool:
    """Whether the session's open transaction has written anything (flushed or not)."""
    if session.new or session.dirty or session.deleted:
        return True
    if db.engine.dialect.name == "sqlite":
        driver = session.connection().connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver.in_transaction  # the driver begins only before a write
    # An xid is assigned at the first write of a PostgreSQL transaction.
    return session.execute(text("SELECT txid_current_if_assigned()")).scalar() is not None


@contextmanager
def import_transaction(dry_run: bool) -> Iterator[None]:
    """Read, check and write inside one transaction begun before the first read.

    An import reads the branches, groups and members in separate statements. Outside a
    transaction those may straddle another import's commit (a member of a branch the
    first statement never saw). So a real import first takes the write lock (SQLite's
    BEGIN IMMEDIATE; an advisory lock on PostgreSQL): a second import waits for the
    first to finish, then reads what it wrote. A dry run reads one snapshot and locks
    nothing. Whatever is not committed inside is rolled back on the way out.

    It does so always: a web request has a transaction open from its first query, so a
    read-only transaction the caller has open is ended first. A caller with uncommitted
    writes gets OpenTransaction (they would be committed or lost with the import), unless
    it opted out with :func:`join_caller_transaction`.
    """
    session = db.session()  # the scoped session's Session (in_transaction is not proxied)
    if _JOIN.get():
        yield
        return
    if session.in_transaction():
        if _has_writes(session):
            raise OpenTransaction("commit or roll back before importing")
        session.rollback()  # only reads so far: end them; the import reads afresh
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
