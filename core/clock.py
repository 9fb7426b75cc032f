"""The date pages and audits are computed for; tests and demos pin it through config."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context


def today() -> dt.date:
    """Return the configured ``TODAY`` (ISO date) if set, else the real date."""
    if has_app_context():
        pinned = current_app.config.get("TODAY")
        if pinned:
            return pinned if isinstance(pinned, dt.date) else dt.date.fromisoformat(str(pinned))
    return dt.date.today()
