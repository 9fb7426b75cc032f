"""The roster's as-of date on the console's import screens (issue 18): the day the roster
was true, given with the upload or, when new members have no date at all, asked for in the
preview and used by the confirmation. The importer dates arrivals and moves by it
(``sheets.importers.arrivals``)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from core.clock import today
from sheets.importers.arrivals import FIRST_DAY


def as_of_from(text: str | None) -> tuple[dt.date | None, str | None]:
    """The date typed (YYYY-MM-DD, as a date field sends it; empty: none), or the message
    saying what to give: a day from 1949-10-01 to today."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= today():
        return None, _("The as-of date must be a day from %(first)s to today (%(today)s): the "
                       "day the roster was true, from which the new members' obligations "
                       "here are counted.", first=FIRST_DAY.isoformat(),
                       today=today().isoformat())
    return day, None
