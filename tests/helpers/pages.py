"""Shared helpers for the page tests: tokens, seeding a branch with history, counting SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from core.db import db
from profiles.enums import Attendance, EvaluationStage, MeetingKind, Position, Rating
from profiles.models import DuesRecord, Evaluation, Member, PointsEntry
from qr.tokens import Kind, make_token
from tests.helpers import factories


def token(app: Flask, kind: Kind, record_id: int, generation: int = 1) -> str:
    """A token signed with the app's keys."""
    return make_token(app.config["SIGNING_KEYS"], kind, record_id, generation)


def path(app: Flask, kind: Kind, record_id: int, generation: int = 1) -> str:
    """The path a code opens."""
    return f"/{'M' if kind == 'member' else 'B'}/{token(app, kind, record_id, generation)}"


def seed_branch(members: int, months: int, **member_fields: Any) -> tuple[int, list[int]]:
    """A branch with ``members`` members and ``months`` months of meetings, dues and points.

    Call inside an app context; commits. Returns (branch id, member ids).
    """
    branch = factories.make_branch()
    people: list[Member] = []
    for i in range(members):
        fields: dict[str, Any] = {"position": Position.SECRETARY} if i == 0 else {}
        fields.update(member_fields if i == 0 else {})
        people.append(factories.make_member(branch, **fields))
    start = dt.date(2026, 11, 1)
    # The organisation's records (and so its dues tracking) start with the seeded history.
    factories.committee().records_from = _month_back(start, max(0, months - 1))
    for back in range(months):
        month_start = _month_back(start, back)
        factories.make_meeting(
            branch, MeetingKind.THEME_DAY, month_start + dt.timedelta(days=9),
            {m: Attendance.PRESENT if (j + back) % 5 else Attendance.EXCUSED
             for j, m in enumerate(people)}, topic="主题党日")
        for m in people:
            month = month_start.year * 100 + month_start.month
            db.session.add(DuesRecord(member_id=m.id, month=month, due_cents=3000,
                                      paid_cents=3000, paid_on=month_start))
            db.session.add(PointsEntry(member_id=m.id, recorded_on=month_start, points=2,
                                       reason="参加组织生活", recorded_by="书记"))
    for m in people:
        for year in (2024, 2025):
            db.session.add(Evaluation(member_id=m.id, year=year, stage=EvaluationStage.DECIDED,
                                      rating=Rating.QUALIFIED))
    db.session.commit()
    return branch.id, [m.id for m in people]


def _month_back(start: dt.date, back: int) -> dt.date:
    index = start.year * 12 + start.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


@contextmanager
def count_statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app runs inside the block."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
