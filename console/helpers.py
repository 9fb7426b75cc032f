"""What every console template may use."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from accounts.access import current_access


def local_time(moment: dt.datetime | None) -> str:
    """A stored moment (UTC; SQLite gives it without a zone) in the app's time zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def init_helpers(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    endpoints = frozenset(app.view_functions)  # which screens exist (links to later ones)

    @app.context_processor
    def console_globals() -> dict[str, Any]:
        return {"access": current_access, "endpoints": endpoints}
