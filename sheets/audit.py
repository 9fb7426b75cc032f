"""The trail every import leaves: one ChangeLog row per written record, private values masked."""

from __future__ import annotations

import datetime as dt
import enum
import getpass
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from core.db import db
from profiles.models import ChangeLog

# Importable (they are the secretary's records) but never shown or logged in full.
PRIVATE = frozenset({"id_number", "phone", "address", "birth_date", "dues_base"})


def default_actor() -> str:
    """The OS user running the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, enums as codes, money as yuan)."""
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
    if field_name not in PRIVATE or value is None or value == "":
        return value
    text = str(value)
    if field_name == "id_number" and len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    if field_name == "phone" and len(text) > 7:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if field_name == "birth_date":
        return text[:4] + "-**-**"
    return "***"


@dataclass
class Change:
    """One record an import inserts or updates, with its changed fields (old, new)."""

    action: str  # "insert" or "update"
    table: str
    key: str  # e.g. the member number, or "DY000001 2026-05"
    label: str  # what a person reads: the member's name, the meeting...
    row: int
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def masked(self) -> dict[str, list[Any]]:
        """The changed fields, private values masked."""
        return {k: [mask(k, old), mask(k, new)] for k, (old, new) in self.fields.items()}


def record_changes(changes: list[Change], actor: str, source: str) -> None:
    """Insert one ChangeLog row per change, in the caller's transaction."""
    rows = [{"actor": actor[:60], "source": source[:200], "table_name": c.table,
             "record_key": c.key[:80], "action": c.action,
             "changes": json.dumps(c.masked(), ensure_ascii=False)} for c in changes]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(ChangeLog), rows[start:start + 5000])
