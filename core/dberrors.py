"""Tell apart why a database refused a write: busy, unreachable, or read-only.

The advice differs: run again (busy), check the server or the path (unreachable),
check permissions or the replica (read-only). A single "busy, run again" sent people
re-running an import against a server that was down.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import DBAPIError, IntegrityError

Cause = Literal["busy", "unreachable", "read_only"]

# SQLSTATE classes and codes (PostgreSQL appendix A).
_READ_ONLY = {"25006"}  # read_only_sql_transaction (a standby, default_transaction_read_only)
_BUSY = {"40001", "40P01", "55P03", "55006", "57014"}  # serialization, deadlock, lock, cancel
_GONE = {"57P01", "57P02", "57P03", "53300"}  # shut down, crash, cannot connect now, too many


def _sqlstate(orig: object) -> str | None:
    state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None),
                                                         "sqlstate", None)
    return state if isinstance(state, str) else None


def classify(exc: DBAPIError) -> Cause | None:
    """Why the database refused, or None if it is none of the three (a real error)."""
    if isinstance(exc, IntegrityError):
        return "busy"  # another writer changed the same rows between our read and write
    orig = exc.orig
    state = _sqlstate(orig)
    if state in _READ_ONLY:
        return "read_only"
    if state in _BUSY:
        return "busy"
    if state in _GONE or (state or "").startswith("08"):
        return "unreachable"
    text = str(orig).lower()
    if "readonly database" in text or "read-only" in text or "read only" in text:
        return "read_only"
    if "database is locked" in text or "database table is locked" in text or "busy" in text:
        return "busy"
    if exc.connection_invalidated or any(s in text for s in (
            "unable to open database file", "connection refused", "could not connect",
            "connection failed", "server closed the connection", "timeout expired",
            "name or service not known", "no such host", "disk i/o error")):
        return "unreachable"
    if state is None and type(orig).__module__.startswith("psycopg") \
            and type(orig).__name__ == "OperationalError":
        return "unreachable"  # psycopg's connection failures carry no SQLSTATE
    return None


def database_refusal(cause: Cause | None, exc: DBAPIError) -> str:
    """The message for a refused import, in the current language; nothing was written."""
    from flask_babel import gettext

    if cause == "busy":
        # Another writer (a second import, say) got there first: simply run it again.
        return str(gettext("The database was busy or was changed by another import at the "
                           "same time; nothing was written. Run the import again."))
    detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
    if cause == "read_only":
        return str(gettext("The database is read-only (%(detail)s); nothing was written. "
                           "Check the permissions of the database file and its folder, or "
                           "that DATABASE_URL points at the primary server, not a replica.",
                           detail=detail))
    if cause == "unreachable":
        return str(gettext("The database cannot be reached (%(detail)s); nothing was written. "
                           "Check that the database server is running and that DATABASE_URL "
                           "is right, then run the import again.", detail=detail))
    return str(gettext("The database refused the import (%(detail)s); nothing was written. "
                       "If the schema is older than the code, run `flask --app app db "
                       "upgrade`.", detail=detail))
