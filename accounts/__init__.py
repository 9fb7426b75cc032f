"""Console accounts: who logs in, with which grants; sessions, CSRF, login throttling."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask
from flask_wtf import CSRFProtect

csrf = CSRFProtect()


def derive_key(signing_key: str) -> str:
    """The console's session key, derived from a card signing key."""
    return hmac.new(signing_key.encode(), b"partycard.console.session",
                    hashlib.sha256).hexdigest()


def init_accounts(app: Flask) -> None:
    """Models, sessions, CSRF on every form of the app, throttling, views, ``user`` command."""
    import accounts.models  # noqa: F401  (registers the account tables)
    from accounts.cli import user_cli
    from accounts.sessions import init_sessions
    from accounts.throttle import init_throttle
    from accounts.views import bp

    if not app.config.get("SECRET_KEY"):
        # Derived from the card signing keys (instance/signing-keys), so there is no second
        # secret to manage; a separate derivation, so a session cookie can never pass for a
        # card signature. Older keys stay valid fallbacks after `keys generate`.
        keys = [derive_key(k) for k in app.config["SIGNING_KEYS"]]
        app.config["SECRET_KEY"] = keys[-1]
        app.config.setdefault("SECRET_KEY_FALLBACKS", keys[-2::-1])
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid for the session: a long form
    csrf.init_app(app)  # app-wide, nothing exempt
    init_sessions(app)
    init_throttle(app)
    app.register_blueprint(bp)
    app.cli.add_command(user_cli)
