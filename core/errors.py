"""One base class for every refusal the application shows to a person.

A ``UserError`` carries a message that is already translated (Chinese first) and fit to
show as it is: a CLI prints it, a page or a console form displays it, a test reads it.
Errors that are bugs stay ordinary exceptions and end as a 500 page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed


class UserError(Exception):
    """A refusal shown to a person; ``message`` (also ``str(error)``) says what to do."""

    def __init__(self, message: Any = "") -> None:
        # A lazy string is rendered now, in the locale of whoever triggered the refusal.
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


# -- the application's own error pages --------------------------------------------------------
# Werkzeug's default pages are English only and say which server answered; ours are Chinese
# first, carry the security headers (set on every response, errors included) and are never
# stored in a shared cache (a 404 or 410 answers a token, which is one person's).

NO_STORE = "private, no-store"
PAGES = (404, 405, 410, 500)


def _error_page(error: HTTPException | Exception) -> ResponseReturnValue:
    code = error.code if isinstance(error, HTTPException) and error.code in PAGES else 500
    headers: dict[str, str] = {"Cache-Control": NO_STORE}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    try:
        body = render_template(f"errors/{code}.html")
    except Exception:  # the failure may be in templates or i18n themselves: still answer
        current_app.logger.exception("error page %s could not be rendered", code)
        body = "<!doctype html><title>partycard</title><h1>服务器出错 / Server error</h1>"
    return body, code, headers


def register_error_pages(app: Flask) -> None:
    """Answer 404, 405, 410 and 500 (and any unhandled exception) with our own pages."""
    for code in PAGES:
        app.register_error_handler(code, _error_page)
