"""The console blueprint and what every console response gets.

Screens live in their own modules under ``console/`` and add routes to :data:`bp`; the
list of those modules is :data:`console.SCREENS` (the one place to add a screen).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from accounts.access import access_rule
from accounts.views import bp as accounts_bp
from core.errors import _error_page as error_page

# Only the console may run scripts, and only the app's own files; the public pages
# reached by a code keep the strict policy of core/security.py, with no script at all.
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

bp = Blueprint("console", __name__, url_prefix="/console")


def console_headers(response: Response) -> Response:
    """Console pages hold private records: never stored, never framed, own CSP."""
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def require_login() -> ResponseReturnValue | None:
    """Every console screen but the login page needs an account: anonymous visitors go to
    the login page (also for a URL that does not exist: a 404 would tell them it does not)."""
    view = current_app.view_functions.get(request.endpoint or "")
    rule = access_rule(view) if view is not None else None
    if rule is not None and rule.scope == "public":
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return None


@bp.before_app_request
def unknown_console_path() -> ResponseReturnValue | None:
    """A console path that matches no route (or not with this method) gets the same answer
    as a real one for anonymous visitors: the login page, so routes cannot be listed by
    comparing 404 and 302. Signed-in accounts get the 404."""
    path = request.path
    if request.url_rule is not None or not (path == "/console" or path.startswith("/console/")):
        return None
    if current_user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        from accounts import csrf

        csrf.protect()  # as on a real route: a POST without this session's token is a 400
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def console_blueprint(bp: Blueprint) -> Blueprint:
    """Give a blueprint the console's rules: login required, console headers."""
    bp.before_request(require_login)
    bp.after_request(console_headers)
    return bp


console_blueprint(bp)
# The login and account screens are accounts' blueprint and console pages too: the console
# gives them its rules here, once, and registers them (console.init_console).
console_blueprint(accounts_bp)


@bp.app_errorhandler(403)
def forbidden(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """May read but not change this (a supervisor), or not an administrator."""
    return render_template("console/error.html", status=403, message=_(
        "Your account may not do this.")), 403, {"Cache-Control": "no-store"}


@bp.app_errorhandler(404)
def not_found(error: HTTPException) -> ResponseReturnValue:
    """Inside the console, for a signed-in account: the console's own page, with its
    navigation and a way back; anywhere else (or signed out), the public page."""
    if request.path.startswith(bp.url_prefix or "/console") and current_user.is_authenticated:
        g.error_page = True  # its links name nothing of the address (console.helpers.lang_url)
        return render_template("console/error.html", status=404, message=_(
            "There is no such page, or your account may not see it."),
            hint=_("Check the address, or start again from the console's home.")), 404, {
            "Cache-Control": "no-store"}
    return error_page(error)


@bp.app_errorhandler(400)
def bad_request(error: HTTPException) -> ResponseReturnValue:
    """A request the console cannot take (a tampered form, a month typed as 2026年11月 in
    an address): its own page, in the reader's language, with the way back (werkzeug's
    is English, 980 px wide and without the console). Elsewhere werkzeug's answer."""
    if not request.path.startswith(bp.url_prefix or "/console"):
        return error
    return render_template("console/error.html", status=400, message=_(
        "This request could not be taken; nothing was changed."), hint=_(
        "Go back, check what was typed or chosen (a month is written like 2026-11), and "
        "try again.")), 400, {"Cache-Control": "no-store"}


@bp.app_errorhandler(413)
def too_large(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """A body over the app's cap (MAX_CONTENT_LENGTH), refused before it was read."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("console/error.html", status=413, message=_(
        "What was sent is larger than %(mb)s MB and was not received.",
        mb=f"{limit / 2**20:.1f}".removesuffix(".0")), hint=_(
        "Nothing was saved. Send fewer files at a time, or smaller ones, and try again.")), \
        413, {"Cache-Control": "no-store"}


@bp.app_errorhandler(429)
def too_many(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    """The login form was posted too often from this address."""
    return render_template("console/error.html", status=429, message=_(
        "Too many attempts. Wait a few minutes and try again.")), 429, {
        "Cache-Control": "no-store"}


@bp.app_errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> tuple[str, int, dict[str, str]]:
    """A form without a valid token: forged, or open since before a login or logout."""
    return render_template("console/error.html", status=400, message=_(
        "This form has expired or did not come from this site. Go back, reload the page "
        "and try again.")), 400, {"Cache-Control": "no-store"}
