"""A testing app on a given database, and releasing it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing.rules import Rule

from app import create_app
from core.db import db
from tests.helpers.dates import TODAY

BASE_URL = "https://pc.example.org"


def _memoise_url_builders() -> None:
    """Every test makes its own app, and werkzeug compiles two URL builders per route per
    app from a syntax tree (1,100 ``compile`` calls for ~550 rules): a ``create_app`` took
    76 ms here, 23 ms with this (about a minute of the suite on two cores). A builder's
    code depends only on the rule's trace and defaults (it reads the converters through
    ``self`` when called), so the suite compiles each once and binds it to every rule.
    Tests only: the app itself is built once per process."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "memoised", False):
        return
    cache: dict[Any, Any] = {}

    def memoised(self: Rule, append_unknown: bool = True) -> Any:
        try:
            key = (tuple(self._trace), repr(sorted((self.defaults or {}).items())),
                   append_unknown)
        except (AttributeError, TypeError):
            return compile_builder(self, append_unknown)
        if key not in cache:
            cache[key] = compile_builder(self, append_unknown)
        return cache[key]

    memoised.memoised = True  # type: ignore[attr-defined]
    Rule._compile_builder = memoised  # type: ignore[method-assign]


_memoise_url_builders()


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
