"""The change log: the one writer (and masker) of the trail every write to the record leaves.

Every change to a domain record is logged here, once, in the caller's transaction: by
the operations layer (``profiles/<concept>/operations.py``) one record at a time, by the
importers and the demo loader in bulk.
The page cache depends on it: a cached page is keyed by the newest change-log id, so a
write that forgot to log would leave stale pages behind.

It knows nothing of the domain's models (core does not import profiles); it is handed
table names, keys and (old, new) values.
"""

from __future__ import annotations

import datetime as dt
import enum
import getpass
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, DateTime, String, Text, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from core.db import db
from core.revisions import ALL, mark_logged, register, touch

# The one list of private member fields: stored for the secretary, never shown on a page a
# code opens, masked in the log and in import reports. Member attribute names, plus
# "dues_base", the spreadsheet's name for dues_base_cents.
PRIVATE_MEMBER_FIELDS: tuple[str, ...] = ("id_number", "phone", "address", "birth_date",
                                          "dues_base_cents")  # in the order screens list them
PRIVATE_FIELDS = frozenset(PRIVATE_MEMBER_FIELDS) | {"dues_base"}

BATCH = 5000  # rows per bulk INSERT: bounded statement size, still one round trip per batch


class ChangeLog(db.Model):  # type: ignore[name-defined,misc]
    """One changed record: which table and key, the action, and the changed fields as JSON."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    actor: Mapped[str] = mapped_column(String(60))  # OS user or account that ran the change
    source: Mapped[str] = mapped_column(String(200))  # e.g. "import members roster.xlsx"
    table_name: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field -> [old, new]


def os_user() -> str:
    """The OS user running a command (the actor until accounts exist)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through what: an account or OS user, and e.g. "console",
    "import members roster.xlsx" or "card reissue"."""

    name: str
    source: str

    @classmethod
    def from_os(cls, source: str) -> Actor:
        """The OS user running a command."""
        return cls(os_user(), source)


def plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, enums as codes, money as text)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def mask(field_name: str, value: Any) -> Any:
    """A private value with most characters hidden ('138****5678'); others unchanged."""
    value = plain(value)
    if field_name not in PRIVATE_FIELDS or value is None or value == "":
        return value
    text = str(value)
    if field_name == "id_number" and len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    if field_name == "phone" and len(text) > 7:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if field_name == "birth_date":
        return text[:4] + "-**-**"
    return "***"


def masked(fields: Mapping[str, tuple[Any, Any]]) -> dict[str, list[Any]]:
    """Changed fields as JSON-ready [old, new] pairs, private values masked."""
    return {k: [mask(k, old), mask(k, new)] for k, (old, new) in fields.items()}


@dataclass
class Change:
    """One record inserted or updated, with its changed fields (old, new).

    ``label`` and ``row`` are for the person reading a report (the member's name, the
    spreadsheet row); the log keeps table, key, action and the masked fields.
    """

    action: str  # "insert", "update" or "delete"
    table: str
    key: str  # e.g. the member number, or "DY000001 2026-05"
    label: str = ""
    row: int = 0
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def masked(self) -> dict[str, list[Any]]:
        """The changed fields, private values masked."""
        return masked(self.fields)


def _row(change: Change, actor: Actor) -> dict[str, Any]:
    return {"actor": actor.name[:60], "source": actor.source[:200], "table_name": change.table,
            "record_key": change.key[:80], "action": change.action,
            "changes": json.dumps(change.masked(), ensure_ascii=False)}


def log_change(actor: Actor, action: str, table: str, key: str,
               fields: Mapping[str, tuple[Any, Any]] | None = None) -> int:
    """Log one changed record in the caller's transaction; return the new change-log id.

    The row is inserted at once (not merely added to the session), so the newest id, and
    with it every cached page's key, moves before the caller commits.
    """
    change = Change(action, table, key, fields=dict(fields or {}))
    mark_logged()  # the cached pages this transaction changes move when it commits
    new_id = db.session.execute(insert(ChangeLog).returning(ChangeLog.id),
                                _row(change, actor)).scalar_one()
    return int(new_id)


def log_changes(changes: Iterable[Change], actor: Actor, *,
                connection: Connection | None = None) -> int:
    """Log many changed records in bulk (importers; the demo loader on its ``connection``);
    return how many."""
    rows = [_row(c, actor) for c in changes]
    if connection is None:
        mark_logged()
        touch(ALL)  # a bulk write (an import) may touch any branch: every page moves
    execute = connection.execute if connection is not None else db.session.execute
    for start in range(0, len(rows), BATCH):
        execute(insert(ChangeLog), rows[start:start + BATCH])
    return len(rows)


def latest_changes(where: ColumnElement[bool], before: int | None,
                   limit: int) -> Sequence[ChangeLog]:
    """The newest ``limit`` rows matching ``where`` (and older than id ``before``, to page
    back), newest first. Which rows a reader may see is the caller's ``where``: the log
    knows no branch or member, only the keys it was handed."""
    stmt = select(ChangeLog).where(where)
    if before:
        stmt = stmt.where(ChangeLog.id < before)
    return db.session.scalars(stmt.order_by(ChangeLog.id.desc()).limit(limit)).all()


def newest_id() -> int:
    """The newest change-log id (0 for none): the revision of the whole data set."""
    return int(db.session.scalar(select(func.max(ChangeLog.id))) or 0)


def _logged_by_object(session: Any, _row: Any) -> tuple[str, ...]:
    """A change-log row added as an ORM object (not by :func:`log_change`) is a logged
    change too: the transaction's pages move when it commits."""
    mark_logged(session)
    return ()


register(ChangeLog, _logged_by_object)
