"""How where the record begins is written for people: "2025年1月" / "January 2025"."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from profiles.audit.wording import gettext, locale_code


def month_words(day: dt.date) -> str:
    """The month of ``day``: "2025年1月" in Chinese, "January 2025" in English."""
    if locale_code().startswith("zh"):
        return f"{day.year}年{day.month}月"
    return str(format_date(day, "MMMM y", locale="en"))


def record_since(records_from: dt.date | None) -> str:
    """"记录自2025年1月起" / "Record since January 2025"; "" when it is not set (the pages
    then say nothing)."""
    if records_from is None:
        return ""
    return gettext("Record since %(month)s", month=month_words(records_from))
