"""What the operations tests share: the actor, a day, and context managers that assert
what a write logged or that it was refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.changelog import Actor, newest_id
from core.db import db
from core.errors import UserError
from profiles import writes
from profiles.models import (
    ChangeLog,
)

ACTOR = Actor("secretary1", "console")


DAY = dt.date(2026, 5, 10)


@dataclass(frozen=True)
class Logged:
    """A change-log row, copied out before the rollback."""

    actor: str
    source: str
    table_name: str
    record_key: str
    action: str
    changes: str


def _log(since: int) -> list[Logged]:
    return [Logged(r.actor, r.source, r.table_name, r.record_key, r.action, r.changes)
            for r in db.session.scalars(select(ChangeLog).where(ChangeLog.id > since)
                                        .order_by(ChangeLog.id))]


@contextmanager
def logged(count: int = 1) -> Iterator[list[Logged]]:
    """Run the body; it must log ``count`` rows (by ACTOR), uncommitted: a rollback undoes
    them, which it could not if the operation had committed."""
    before = newest_id()
    rows: list[Logged] = []
    yield rows
    rows.extend(_log(before))
    assert newest_id() > before
    assert len(rows) == count
    assert {(r.actor, r.source) for r in rows} == {("secretary1", "console")}
    for row in rows:
        assert row.table_name and row.record_key and row.action in {"insert", "update"}
        json.loads(row.changes)
    db.session.rollback()
    assert newest_id() == before


@contextmanager
def refused(*fields: str | None) -> Iterator[None]:
    """The body must raise RuleViolation naming ``fields``, logging and writing nothing."""
    before = newest_id()
    with pytest.raises(writes.RuleViolation) as info:
        yield
    assert [p.field for p in info.value.problems] == list(fields)
    assert isinstance(info.value, UserError) and str(info.value)
    assert newest_id() == before
