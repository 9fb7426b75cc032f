"""The person's own column map: a file's column name → the field it holds.

What the importer cannot map by itself, the person importing maps once, on the command
line (``--map "原列名=字段"``) or in the console's import preview; the map is remembered
(one database is one organisation) and used for every later file of that kind.

The small API for the console's import preview:

- ``field_choices(kind)``: the fields a column may be mapped to, with their names;
- ``unmapped_columns(path, kind)`` (in ``sheets.reading.unmapped``): the columns of a
  file no field was found for;
- ``set_mapping(kind, header, field, actor)``: remember a mapping ("" ignores the column);
- ``remembered(kind)``: the remembered map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import DateTime, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core.changelog import Actor, log_change
from core.db import db
from core.errors import UserError
from sheets.columns import read_columns
from sheets.reading.header_row import IGNORE, normalise

# Words that map a column to "nothing" (its values are not imported, and not reported).
IGNORE_WORDS = frozenset({"", "-", "忽略", "不导入", "ignore", "none"})

# A map given for one run (``--map``), on top of the remembered one. A context variable
# rather than a parameter: every importer reads its file through sheets.reading.rows, and
# threading a parameter through each importer's signature would touch them all.
_RUN_MAP: ContextVar[dict[str, dict[str, str]] | None] = ContextVar("run_column_map",
                                                                    default=None)


class ColumnMapping(db.Model):  # type: ignore[name-defined,misc]
    """One remembered mapping of a column name (normalised) for one kind of sheet."""

    __tablename__ = "column_mapping"
    __table_args__ = (UniqueConstraint("kind", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # members, meetings, dues, ...
    header: Mapped[str] = mapped_column(String(200))  # as headers.normalise gives it
    field: Mapped[str] = mapped_column(String(40))  # "" = ignore the column
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MapError(UserError, ValueError):
    """A map entry that names no column or no field; ``str()`` says which. A refusal the
    person fixes (a ``UserError``); still a ``ValueError`` for the callers that catch one."""


def field_choices(kind: str) -> dict[str, str]:
    """field → its Chinese header, for the fields a column of ``kind`` may be mapped to."""
    return {c.field: c.zh for c in read_columns(kind)}


def resolve_field(kind: str, name: str) -> str:
    """The field ``name`` means: a field key, its Chinese or English header, or an alias;
    IGNORE for the words meaning "do not import". Raises MapError otherwise."""
    wanted = normalise(name)
    if wanted in IGNORE_WORDS:
        return IGNORE
    for column in read_columns(kind):
        if wanted in {normalise(n) for n in (column.field, column.zh, column.en,
                                             *column.aliases)}:
            return column.field
    raise MapError(name)


def parse_map(kind: str, entries: list[str]) -> dict[str, str]:
    """``["原列名=字段", ...]`` as normalised header → field. Raises MapError naming the
    first entry that is not of that form or names an unknown field."""
    out: dict[str, str] = {}
    for entry in entries:
        header, sep, name = entry.partition("=")
        if not sep or not normalise(header):
            raise MapError(entry)
        out[normalise(header)] = resolve_field(kind, name)
    return out


def remembered(kind: str) -> dict[str, str]:
    """The remembered map for ``kind`` (normalised header → field)."""
    # On a connection of its own: the import's session must begin its transaction (and
    # take the import lock) at its own first read, not at this one.
    with db.engine.connect() as connection:
        rows = connection.execute(select(ColumnMapping.header, ColumnMapping.field)
                                  .where(ColumnMapping.kind == kind)).all()
    return {header: field for header, field in rows}


def active_map(kind: str) -> dict[str, str]:
    """The remembered map with this run's ``--map`` on top."""
    return {**remembered(kind), **(_RUN_MAP.get() or {}).get(kind, {})}


@contextmanager
def using_map(kind: str, mapping: Mapping[str, str]) -> Iterator[None]:
    """Apply ``mapping`` to the imports of ``kind`` run inside (not remembered)."""
    token = _RUN_MAP.set({**(_RUN_MAP.get() or {}), kind: dict(mapping)})
    try:
        yield
    finally:
        _RUN_MAP.reset(token)


def set_mapping(kind: str, header: str, field: str, actor: str,
                now: dt.datetime | None = None) -> None:
    """Remember that a column named ``header`` holds ``field`` ("" or a word of
    IGNORE_WORDS: nothing to import). Commits. Raises MapError for an unknown field."""
    field = resolve_field(kind, field)
    key = normalise(header)
    if not key:
        raise MapError(header)
    old = remembered(kind).get(key)
    db.session.execute(delete(ColumnMapping).where(ColumnMapping.kind == kind,
                                                   ColumnMapping.header == key))
    db.session.add(ColumnMapping(kind=kind, header=key[:200], field=field,
                                 updated_by=actor[:60],
                                 updated_at=now or dt.datetime.now(dt.UTC)))
    log_change(Actor(actor, "column map"), "update" if old is not None else "insert",
               "column_mapping", f"{kind} {key}", {"field": (old, field)})
    db.session.commit()


def forget_mapping(kind: str, header: str, actor: str) -> None:
    """Forget the remembered mapping of a column name. Commits."""
    key = normalise(header)
    old = remembered(kind).get(key)
    db.session.execute(delete(ColumnMapping).where(ColumnMapping.kind == kind,
                                                   ColumnMapping.header == key))
    if old is not None:
        log_change(Actor(actor, "column map"), "delete", "column_mapping", f"{kind} {key}",
                   {"field": (old, None)})
    db.session.commit()
