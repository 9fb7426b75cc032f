"""Language selection: Simplified Chinese first, English on request."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import Babel, get_locale

babel = Babel()

LANG_COOKIE = "lang"


def select_locale() -> str:
    """``?lang=`` wins, then the ``lang`` cookie, then Accept-Language, then Chinese (also
    outside a request)."""
    supported: list[str] = current_app.config["LANGUAGES"]
    if not has_request_context():
        return supported[0]  # a command or a job: Chinese, unless it forces a locale
    for choice in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if choice in supported:
            return choice
    best = request.accept_languages.best_match(supported)
    return best or supported[0]


def remember_language(response: Response) -> Response:
    """Keep a language chosen with ``?lang=`` for the pages opened from this one."""
    choice = request.args.get("lang", "")
    if choice in current_app.config["LANGUAGES"] and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(LANG_COOKIE, choice, max_age=365 * 86400, samesite="Lax",
                            httponly=True)
    return response


def init_i18n(app: Flask) -> None:
    """Bind Babel with our locale selector, expose ``get_locale`` to templates, keep ?lang=."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.after_request(remember_language)


def compile_catalogs(directory: Path) -> list[Path]:
    """Compile every ``.po`` under ``directory`` into a ``.mo`` beside it, when stale.

    Each feature keeps its own domain (``messages.po`` for pages, ``sheets.po`` for
    spreadsheets, ...); the app loads them all through ``BABEL_DOMAIN``.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


def domains(directory: Path) -> str:
    """The ``BABEL_DOMAIN`` value naming every catalog present (``messages`` at least)."""
    names = {p.stem for p in directory.glob("*/LC_MESSAGES/*.po")} | {"messages"}
    return ";".join(sorted(names))
