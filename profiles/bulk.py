"""The importers' bulk path: planned rows written in a handful of statements.

An import reads and checks every row first (``sheets/``, with each concept's pure rules),
then writes here and logs every planned change in one bulk insert through the same logger
(``core.changelog.log_changes``, called by ``sheets.importers.transaction``). One ORM object per row
would make a 10,000-row import several times slower. These functions flush (statements run
at once) and never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, update

from core.db import db
from core.revisions import ALL, touch
from profiles.models import (
    Branch,
    Committee,
    Meeting,
    Member,
    PartyGroup,
    PointsRule,
)

# -- bulk: the importers' path --------------------------------------------------------------
# An import reads and checks every row first (sheets/, with the same ``rules``), then writes
# here in a handful of statements, and logs every planned change in one bulk insert through
# the same logger (``core.changelog.log_changes``, called by ``sheets.importers.transaction``). One
# ORM object per row would make a 10,000-row import several times slower. These functions
# flush (statements run at once) and never commit.

BULK_BATCH = 2000  # rows per executemany: bounded parameter lists on every driver


def bulk_insert(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert planned rows, batched by column set so executemany groups them."""
    execute_batched(insert(model), rows)


def bulk_update(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Update rows by primary key (each row carries it), batched by column set."""
    execute_batched(update(model), rows)


def execute_batched(statement: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    touch(ALL)  # bulk rows of any branch: every cached page moves (core.revisions)
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for batch in groups.values():
        for start in range(0, len(batch), BULK_BATCH):
            db.session.execute(statement, batch[start:start + BULK_BATCH])


def release_id_numbers(member_ids: Sequence[int]) -> None:
    """Clear the ID numbers of members about to get new ones, so two members may swap
    or pass one on within one import (the column is unique)."""
    for start in range(0, len(member_ids), BULK_BATCH):
        db.session.execute(
            update(Member).where(Member.id.in_(member_ids[start:start + BULK_BATCH]))
            .values(id_number=None), execution_options={"synchronize_session": False})


def add_committee(name: str) -> int:
    """Insert a committee an import names; its id."""
    committee = Committee(name=name)
    db.session.add(committee)
    db.session.flush()
    return int(committee.id)


def add_branch(code: str, name: str, committee_id: int) -> Branch:
    """Insert a branch an import creates (``--create-branches``)."""
    branch = Branch(code=code, name=name, committee_id=committee_id)
    db.session.add(branch)
    db.session.flush()
    return branch


def add_group(branch_id: int, name: str) -> int:
    """Insert a party group an import creates; its id."""
    group = PartyGroup(branch_id=branch_id, name=name)
    db.session.add(group)
    db.session.flush()
    return int(group.id)


def add_meeting(values: Mapping[str, Any]) -> int:
    """Insert a meeting an import names; its id (its attendance follows in bulk)."""
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.flush()
    return int(meeting.id)


def set_meeting_topics(topics: Mapping[int, str]) -> None:
    """Update the topics of existing meetings, by id."""
    set_meeting_values({meeting_id: {"topic": topic} for meeting_id, topic in topics.items()})


def set_meeting_values(values: Mapping[int, Mapping[str, Any]]) -> None:
    """Update fields of existing meetings (topic, minutes, host, recorder), by id."""
    for meeting_id, fields in values.items():
        if fields:
            db.session.execute(update(Meeting).where(Meeting.id == meeting_id).values(**fields))


def add_points_rule(committee_id: int, code: str, name: str, points: int) -> int:
    """Insert a points rule an import creates (``--create-rules``); its id."""
    rule = PointsRule(committee_id=committee_id, code=code, name=name, points=points)
    db.session.add(rule)
    db.session.flush()
    return int(rule.id)
