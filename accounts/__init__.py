"""Console accounts: who logs in, with which grants; sessions, CSRF, login throttling."""

from __future__ import annotations

from flask import Flask
from flask_wtf import CSRFProtect

csrf = CSRFProtect()


def init_accounts(app: Flask) -> None:
    """Models, sessions, CSRF on every form of the app, throttling, ``user`` command.

    The login and account screens (``accounts.views.bp``) are console pages: the console
    registers them with its rules (``console.init_console``).
    """
    import accounts.models  # noqa: F401  (registers the account tables)
    from accounts.cli import user_cli
    from accounts.sessions import init_sessions
    from accounts.throttle import init_throttle

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session: a long form
    csrf.init_app(app)  # app-wide, nothing exempt
    init_sessions(app)
    init_throttle(app)
    from accounts.passwords import dummy_hash

    with app.app_context():
        dummy_hash()  # once, at start: the first unknown name costs no more than the next
    app.cli.add_command(user_cli)
