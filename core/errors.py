"""One base class for every refusal the application shows to a person.

A ``UserError`` carries a message that is already translated (Chinese first) and fit to
show as it is: a CLI prints it, a page or a console form displays it, a test reads it.
Errors that are bugs stay ordinary exceptions and end as a 500 page.
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A refusal shown to a person; ``message`` (also ``str(error)``) says what to do."""

    def __init__(self, message: Any = "") -> None:
        # A lazy string is rendered now, in the locale of whoever triggered the refusal.
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
