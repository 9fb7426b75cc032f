"""The one error the print module raises for anything a user can fix."""

from __future__ import annotations

from core.errors import UserError


class PrintError(UserError):
    """Printing cannot go on; the message says why and what to do."""
