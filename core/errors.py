"""The error the app factory raises when it cannot start as configured."""

from __future__ import annotations

import click


class StartupError(click.ClickException, RuntimeError):
    """The app cannot start as configured; the message says how to fix it.

    A ``ClickException``, so every ``flask ...`` command prints it as one "Error:" line
    (exit status 1) instead of a traceback; a WSGI server logs it like any exception.
    """
