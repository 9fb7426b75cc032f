"""The two database backends of the suite: where PostgreSQL is, building migrated
databases, and emptying them between tests."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text

from core.db import database_uri, db
from tests.helpers.app import make_app
from tests.helpers.dates import TODAY

POSTGRES_ADMIN_URL = os.environ.get(
    "PARTYCARD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")
TABLES = ("job",  # background jobs (core/jobs.py)
          "account_session", "account_grant", "account",  # console accounts (accounts/)
          "applicant",  # 发展党员 (profiles/recruitment)
          "score_adjustment", "score", "score_month", "score_rule",  # 三级考核 (issue 22)
          "change_log", "member_standing", "membership", "points_entry", "points_rule",
          "evaluation", "dues",
          "attendance", "meeting_file",
          "meeting", "member_photo", "member", "party_group", "branch", "general_branch",
          "committee", "column_mapping", "page_revision")


def _postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # any failure means "skip PostgreSQL", with the reason shown
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"


POSTGRES_SKIP_REASON = _postgres_reachable()


def worker_id() -> str:
    """This process's pytest-xdist worker ("gw0", "gw1", ...), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_database_url(name: str) -> str:
    """The URL of database ``name`` on the suite's PostgreSQL server."""
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def migrate(database_url: str, instance: Path, seed_demo: bool = False) -> None:
    """Build the schema with the real Alembic migrations; optionally seed the demo."""
    from flask_migrate import upgrade

    app = make_app(database_url, instance)
    with app.app_context():
        upgrade()
        if seed_demo:
            from demo.builder import DemoBuilder

            with db.engine.begin() as conn:
                DemoBuilder(conn, members=150, seed=2026, today=TODAY).build()
        db.engine.dispose()


def truncate(url: str) -> None:
    """Empty every table of the PostgreSQL database at ``url``; ids start again at 1.

    What ``TRUNCATE ... RESTART IDENTITY CASCADE`` does, about 30 times faster on the few
    rows a test leaves: ``DELETE`` with triggers off (the append-only points ledger's and
    the foreign keys', so any order will do), then every used sequence set back to 1.
    Turning triggers off needs a superuser; as any other user, the ``TRUNCATE`` it is.
    """
    engine = create_engine(database_uri(url))
    try:
        with engine.begin() as conn:
            superuser = conn.execute(text("SHOW is_superuser")).scalar() == "on"
            if not superuser:
                conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
                return
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
            used = conn.execute(text("SELECT schemaname || '.' || sequencename FROM pg_sequences"
                                     " WHERE last_value IS NOT NULL")).scalars().all()
            for sequence in used:
                conn.execute(text("SELECT setval(CAST(:s AS regclass), 1, false)"),
                             {"s": sequence})
    finally:
        engine.dispose()
