"""The demo organisation: realistic, deterministic and idempotent (how long a large seed
takes, and that it makes every member asked for, is bench/demo.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from core.db import db
from profiles.enums import Attendance, Category, EvaluationStage, MeetingKind, MemberStatus
from profiles.models import (
    AttendanceRecord,
    Branch,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    PartyGroup,
    PointsEntry,
)
from tests.helpers.app import make_app, release_db
from tests.helpers.dates import TODAY

SNAPSHOT_TABLES = ("branch", "party_group", "member", "meeting", "attendance", "dues",
                   "points_entry", "evaluation")


def _snapshot(app: Flask) -> dict[str, list[Any]]:
    with app.app_context():
        out = {}
        for table in SNAPSHOT_TABLES:
            result = db.session.execute(text(f"SELECT * FROM {table}"))
            # updated_at / created_at are wall-clock; everything else must match exactly.
            keep = [i for i, k in enumerate(result.keys()) if k not in ("updated_at", "created_at")]
            out[table] = sorted(tuple(r[i] for i in keep) for r in result.all())
        return out


def _seed(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["demo", "--today", TODAY.isoformat(), *args])


def test_demo_is_deterministic_for_a_seed(tmp_path: Path, sqlite_templates: Any) -> None:
    import shutil

    apps = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(sqlite_templates["empty"], path)
        apps.append(make_app(f"sqlite:///{path}", tmp_path / "instance"))
    for app, seed in zip(apps, ("7", "7", "8"), strict=True):
        result = _seed(app, "--seed", seed)
        assert result.exit_code == 0, result.output
    first, second, other = (_snapshot(a) for a in apps)
    assert first == second
    assert first != other
    for app in apps:
        release_db(app)


def test_demo_refuses_a_non_empty_database_and_changes_nothing(app: Flask) -> None:
    assert _seed(app).exit_code == 0
    before = _snapshot(app)
    result = _seed(app, "--seed", "99")
    assert result.exit_code == 0
    assert "nothing changed" in result.output and "--reset" in result.output
    assert _snapshot(app) == before


def test_demo_reset_replaces_the_data(app: Flask) -> None:
    assert _seed(app).exit_code == 0
    before = _snapshot(app)
    result = _seed(app, "--reset", "--seed", "5", "--members", "60")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Member)) == 60
    assert _snapshot(app) != before


def _foreign_keys() -> dict[str, list[Any]]:
    inspector = inspect(db.engine)
    return {table: sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
                          for fk in inspector.get_foreign_keys(table))
            for table in inspector.get_table_names()}


def test_demo_leaves_every_foreign_key_in_force(app: Flask) -> None:
    # On PostgreSQL the seed drops the bulk tables' foreign keys and re-adds them.
    with app.app_context():
        before = _foreign_keys()
        assert sum(len(keys) for keys in before.values()) >= 10
    assert _seed(app, "--members", "60").exit_code == 0
    with app.app_context():
        assert _foreign_keys() == before
        with pytest.raises(IntegrityError):
            db.session.execute(text("INSERT INTO attendance (meeting_id, member_id, status) "
                                    "SELECT MIN(id), 999999, 'present' FROM meeting"))
            db.session.flush()
        db.session.rollback()


def test_a_failed_seed_keeps_the_foreign_keys(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from demo.builder import DemoBuilder

    build_branch = DemoBuilder._build_branch

    def fail_on_third(self: DemoBuilder, index: int, size: int) -> None:
        # Mid-load: on PostgreSQL the foreign keys are dropped at this point.
        if index == 2:
            raise RuntimeError("disk full")
        build_branch(self, index, size)

    with app.app_context():
        before = _foreign_keys()
    monkeypatch.setattr(DemoBuilder, "_build_branch", fail_on_third)
    result = _seed(app, "--members", "60")
    assert isinstance(result.exception, RuntimeError)
    with app.app_context():
        db.session.remove()
        assert _foreign_keys() == before
        assert db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_demo_shape(demo_app: Flask) -> None:
    with demo_app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(Member) == 150
        assert count(Branch) >= 6
        assert count(PartyGroup) >= 12
        categories = dict(db.session.execute(
            select(Member.category, func.count()).group_by(Member.category)).all())
        assert categories[Category.PROBATIONARY] >= 2
        assert db.session.scalar(select(func.count()).where(Member.position.is_not(None))) >= 18
        assert db.session.scalar(
            select(func.count()).where(Member.status == MemberStatus.AWAY)) >= 1
        kinds = set(db.session.scalars(select(Meeting.kind).distinct()))
        assert kinds == set(MeetingKind)
        first = db.session.scalar(select(func.min(Meeting.held_on)))
        assert first is not None and first.year == TODAY.year - 1
        assert count(AttendanceRecord) > 5000 and count(PointsEntry) > 5000
        # Names are Chinese and mostly distinct.
        names = list(db.session.scalars(select(Member.name)))
        assert all("\u4e00" <= ch <= "\u9fff" for n in names for ch in n)
        assert len(set(names)) > 120


def _unpaid_months(member_id: int) -> int:
    rows = db.session.execute(select(DuesRecord.month, DuesRecord.paid_cents, DuesRecord.due_cents)
                              .where(DuesRecord.member_id == member_id)
                              .order_by(DuesRecord.month.desc())).all()
    n = 0
    for _, paid, due in rows:
        if paid >= due:
            break
        n += 1
    return n


def _member(name: str, code: str) -> Member:
    member = db.session.scalar(select(Member).join(Branch).where(Member.name == name,
                                                                 Branch.code == code))
    assert member is not None, f"{name} in {code}"
    return member


def test_demo_plants_the_deliberate_gaps(demo_app: Flask) -> None:
    with demo_app.app_context():
        assert _unpaid_months(_member("李娜", "ZB02").id) == 4
        assert _unpaid_months(_member("张伟", "ZB03").id) == 7
        wang = _member("王芳", "ZB04")
        assert wang.category is Category.PROBATIONARY and wang.converted_on is None
        assert wang.joined_on < TODAY - dt.timedelta(days=365 + 60)
        liu = _member("刘洋", "ZB03")
        recent = db.session.scalars(
            select(AttendanceRecord.status).join(Meeting)
            .where(AttendanceRecord.member_id == liu.id,
                   Meeting.held_on >= dt.date(2026, 7, 1))).all()
        assert recent and set(recent) == {Attendance.ABSENT}
        unrated = db.session.scalar(
            select(func.count()).select_from(Evaluation).join(Member).join(Branch)
            .where(Branch.code == "ZB05", Evaluation.year == TODAY.year - 1,
                   Evaluation.stage != EvaluationStage.DECIDED))
        assert unrated == 3
        lectures_q3 = db.session.scalar(
            select(func.count()).select_from(Meeting).join(Branch)
            .where(Branch.code == "ZB02", Meeting.kind == MeetingKind.LECTURE,
                   Meeting.held_on.between(dt.date(2026, 7, 1), dt.date(2026, 9, 30))))
        assert lectures_q3 == 0


def test_complete_branch_pays_and_attends(demo_app: Flask) -> None:
    with demo_app.app_context():
        members = db.session.scalars(select(Member).join(Branch).where(Branch.code == "ZB01"))
        for member in members:
            assert _unpaid_months(member.id) <= 1, member.name


def test_private_fields_are_filled_so_privacy_tests_mean_something(demo_app: Flask) -> None:
    with demo_app.app_context():
        member = db.session.scalar(select(Member).limit(1))
        assert member is not None
        assert member.id_number and len(member.id_number) == 18
        assert member.phone and member.address and member.birth_date
        assert member.dues_base_cents is not None

