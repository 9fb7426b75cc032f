"""The secretary console under ``/console``: phone first, Chinese first, no JavaScript needed.

Adding a screen (see console/README.md):

1. Write ``console/<screen>.py`` adding routes to ``console.blueprint.bp``; declare each
   view's access with a decorator from ``accounts.access`` (``@branch_access(write=True)``,
   ``@member_access()``, ``@record_access(...)``, ``@admin_required``, ``@signed_in``).
2. Add the module's name to :data:`SCREENS` below.
3. If a URL takes an argument the permission-matrix test does not know yet, add a sample
   value for it in ``tests/helpers/console_routes.py`` (``URL_VALUES``). The test walks every route
   of :data:`CONSOLE_BLUEPRINTS` and fails for one without a declared access rule.
"""

from __future__ import annotations

import importlib

from flask import Flask

# The modules that add routes to the console blueprint: the one list of screens.
SCREENS: tuple[str, ...] = (
    "console.home",
    "console.members",
    "console.member_writes",
    "console.standing",
    "console.history",
    "console.jobs",
    "console.printing",
    "console.imports",
    "console.exports",
    "console.meetings",
    "console.evidence",
    "console.checkin",
    "console.dues",
    "console.points",
    "console.evaluations",
    "console.recruitment",
    "console.reports",
    "console.scores",
    "console.record_settings",
)

# Blueprints whose routes are console routes (login required, console CSP, no-store,
# and walked by the permission-matrix test).
CONSOLE_BLUEPRINTS: tuple[str, ...] = ("console", "accounts")


def init_console(app: Flask) -> None:
    """Register the console blueprints: accounts' login and account screens, then the
    console blueprint with all its screens."""
    for name in SCREENS:
        importlib.import_module(name)
    from accounts.views import bp as accounts_bp
    from console.blueprint import bp
    from console.evidence import largest_upload
    from console.feedback import init_feedback
    from console.helpers import init_helpers
    from console.scan import checkin_redirect
    from qr.views import SCAN_HOOKS

    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Without a cap a body sent with no Content-Length streamed into temporary files
        # with no end; a deployment may set its own (smaller) cap.
        app.config["MAX_CONTENT_LENGTH"] = largest_upload(app.config)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(bp)
    init_helpers(app)
    init_feedback(app)
    # A signed-in secretary at 签到 who opens a member's card is sent to the check-in.
    app.extensions.setdefault(SCAN_HOOKS, []).append(checkin_redirect)
    if app.config.get("DUES_TRACKED_FROM"):
        # The dues grid once started here; it now counts from the organisation's first
        # tracked month, as the pages do (one arrears computation).
        app.logger.warning("DUES_TRACKED_FROM is no longer read: the dues grid and the "
                           "pages count arrears from the organisation's first tracked "
                           "month (flask record begins) "
                           "(docs/record.md).")
