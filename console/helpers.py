"""What every console template may use."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, url_for
from flask_babel import gettext

from accounts.access import current_access


def local_time(moment: dt.datetime | None) -> str:
    """A stored moment (UTC; SQLite gives it without a zone) in the app's time zone."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    zone = ZoneInfo(str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def month_name(month: int) -> str:
    """A YYYYMM month as people write it: "2026年8月" / "2026-08"."""
    return str(gettext("%(year)d-%(month)02d", year=month // 100, month=month % 100))
def clock(moment: dt.datetime | None) -> str:
    """A stored moment as the time of day in the app's time zone ("09:05"), for 签到."""
    return local_time(moment)[-5:]


def lang_url(code: str) -> str:
    """This page in another language, keeping its query (a search, a page of history).
    After a POST there is no page to reload: the home page in that language."""
    if request.method == "GET" and request.endpoint and not g.get("error_page"):
        args: dict[str, Any] = {**request.args.to_dict(), "lang": code}
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    return url_for("console.home", lang=code)


def init_helpers(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["clock"] = clock
    @app.context_processor
    def console_globals() -> dict[str, Any]:
        # `endpoints`: which screens exist, so a page links to a later screen once it is there.
        return {"access": current_access, "endpoints": current_app.view_functions,
                "lang_url": lang_url, "month_name": month_name}
