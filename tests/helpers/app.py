"""A testing app on a given database, and releasing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app import create_app
from core.db import db
from tests.helpers.dates import TODAY

BASE_URL = "https://pc.example.org"


def make_app(database_url: str, instance: Path, **config: Any) -> Flask:
    """A testing app on ``database_url`` with the suite's fixed date and base URL."""
    settings = {"TESTING": True, "DATABASE_URL": database_url, "BASE_URL": BASE_URL,
                "TODAY": TODAY.isoformat(),
                "PASSWORD_HASH_PROFILE": "CHEAPEST"}  # argon2id, but fast: tests log in a lot
    settings.update(config)
    return create_app(settings, instance_path=str(instance))


def release_db(app: Flask) -> None:
    """Return the session's connection, then close the pool (in that order, or it leaks)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
