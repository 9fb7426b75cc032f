"""Fixtures: every database test runs on SQLite and, where it answers, on PostgreSQL.

The schema is built once per session by the real Alembic migrations (into a SQLite
template file and a throw-away PostgreSQL database); each test then gets a fresh copy
(SQLite) or emptied tables (PostgreSQL). Under pytest-xdist (``make test`` runs
``-n auto``) every worker builds its own: its templates sit in its own temporary folder
and its PostgreSQL databases carry its worker id. What tests import lives in
``tests/helpers/``; this file holds the fixtures and the report hooks only.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from core.db import database_uri
from tests.helpers import factories
from tests.helpers.app import make_app, release_db
from tests.helpers.databases import (
    BACKENDS,
    POSTGRES_ADMIN_URL,
    POSTGRES_SKIP_REASON,
    migrate,
    postgres_database_url,
    truncate,
    worker_id,
)


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translation catalogs once, so the suite never depends on a stale .mo.

    In the controlling process only: xdist workers would write the same files at once.
    """
    if hasattr(config, "workerinput"):
        return
    from core.i18n import compile_catalogs

    compile_catalogs(Path(__file__).resolve().parent.parent / "translations")


def pytest_report_header(config: pytest.Config) -> str:
    pg = "yes" if POSTGRES_SKIP_REASON is None else f"SKIPPED ({POSTGRES_SKIP_REASON})"
    return f"partycard databases: sqlite yes; postgresql {pg}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    counts = {backend: 0 for backend in BACKENDS}
    for report in terminalreporter.stats.get("passed", []):
        for backend in BACKENDS:
            if f"[{backend}" in report.nodeid or f"-{backend}" in report.nodeid:
                counts[backend] += 1
    line = ", ".join(f"{b}: {n} passed" for b, n in counts.items())
    if POSTGRES_SKIP_REASON:
        line += f" (postgresql skipped: {POSTGRES_SKIP_REASON})"
    terminalreporter.write_line(f"partycard database tests — {line}")


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrated SQLite files: one empty, one with the demo organisation."""
    root = tmp_path_factory.mktemp("templates")
    files = {}
    for name, seed in (("empty", False), ("demo", True)):
        path = root / f"{name}.sqlite3"
        migrate(f"sqlite:///{path}", root / "instance", seed_demo=seed)
        files[name] = path
    return files


def _postgres_database(instance: Path, seed_demo: bool) -> Iterator[str]:
    if POSTGRES_SKIP_REASON:
        pytest.skip(POSTGRES_SKIP_REASON)
    # One database per xdist worker (and per run: colleagues share the server).
    name = f"partycard_test_{worker_id()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_uri(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_database_url(name)
    try:
        migrate(url, instance, seed_demo=seed_demo)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for the session (tables truncated per test)."""
    yield from _postgres_database(tmp_path_factory.mktemp("pg-instance"), seed_demo=False)


@pytest.fixture(scope="session")
def postgres_demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL database holding the demo organisation; tests must only read it."""
    yield from _postgres_database(tmp_path_factory.mktemp("pg-demo-instance"), seed_demo=True)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path,
                 sqlite_templates: dict[str, Path]) -> Iterator[str]:
    """An empty, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(sqlite_templates["empty"], path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        truncate(url)


@pytest.fixture(params=BACKENDS)
def demo_database_url(request: pytest.FixtureRequest, tmp_path: Path,
                      sqlite_templates: dict[str, Path]) -> str:
    """A database holding the demo organisation (seed 2026, built around TODAY)."""
    if request.param == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copy(sqlite_templates["demo"], path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_demo_url")
    return url


def _app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path / "instance")
    yield app
    release_db(app)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A testing app on an empty database."""
    yield from _app(database_url, tmp_path)


@pytest.fixture
def demo_app(demo_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A testing app on the demo organisation. On PostgreSQL the data is shared: read only."""
    yield from _app(demo_database_url, tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo_client(demo_app: Flask) -> FlaskClient:
    return demo_app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context on the empty database, for model-level tests."""
    with app.app_context():
        yield


@pytest.fixture
def make_branch(ctx: None) -> Callable[..., Any]:
    """Factory: a committee (shared) and a branch with two party groups."""
    return factories.make_branch


@pytest.fixture
def make_member(ctx: None) -> Callable[..., Any]:
    """Factory: a member of a branch, with sensible defaults for every field."""
    return factories.make_member


@pytest.fixture
def make_meeting(ctx: None) -> Callable[..., Any]:
    """Factory: a meeting with attendance rows for the given members."""
    return factories.make_meeting


@pytest.fixture
def auth(client: FlaskClient) -> Any:
    """Log in and out of the console through its forms (see tests/helpers/console.py)."""
    from tests.helpers.console import AuthActions

    return AuthActions(client)


@pytest.fixture
def world(app: Flask) -> Any:
    """Two branches (A: this one, B: another) and an account per console role."""
    from tests.helpers.console import build_world

    return build_world(app)
