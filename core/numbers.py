"""Whole numbers typed into a URL or a form: ASCII digits only, within a range.

``str.isdigit`` and ``int`` accept far more than a person means (``"²"`` is a digit that
``int`` refuses; ``"٣"`` is read as 3; ``"9" * 30`` overflows every database column), so
every number taken from a request goes through :func:`bounded_int`."""

from __future__ import annotations

import re

_WHOLE = re.compile(r"[+-]?[0-9]{1,18}")
DB_INT_MAX = 2**31 - 1  # PostgreSQL's integer; ids and counts fit


def bounded_int(text: object, low: int = 0, high: int = DB_INT_MAX) -> int | None:
    """``text`` as an int if it is an ASCII whole number from ``low`` to ``high``; else None."""
    if not isinstance(text, str) or not _WHOLE.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None
