"""One reason a write is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext


@dataclass(frozen=True)
class Problem:
    """One reason a write is refused: the field it concerns (None: the whole record) and
    what to do about it. ``message`` is the English msgid; ``str(problem)`` translates it."""

    field: str | None
    message: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        """The message's parameters, e.g. to report it at a spreadsheet cell."""
        return dict(self.params)

    def __str__(self) -> str:
        return str(gettext(self.message, **self.kwargs))


def problem(field: str | None, message: str, **params: Any) -> Problem:
    """A problem with ``message`` (an English msgid with %(name)s parameters)."""
    return Problem(field, message, tuple(sorted(params.items())))
