"""Signing in and out: server-side sessions behind Flask-Login.

Flask's own session is a signed cookie: deleting it in one browser does not stop a copy
of it elsewhere. So a login creates an :class:`AccountSession` row holding the SHA-256 of
a random token, the cookie carries the token (as Flask-Login's user id), and logging out
deletes the row: a copied cookie is worthless afterwards. A new login always gets a new
token in a cleared cookie (no session fixation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask import Flask, current_app, session
from flask_login import LoginManager, login_user, logout_user
from sqlalchemy import delete, select

from accounts.access import Access
from accounts.models import Account, AccountSession, Grant, Role
from core.db import db

login_manager = LoginManager()

DEFAULT_SESSION_HOURS = 14  # a long working day, so a secretary is not logged out mid-meeting


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in person as Flask-Login sees them: one session of one account."""

    token: str
    account_id: int
    username: str
    display_name: str
    access: Access

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def session_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config.get("SESSION_HOURS",
                                                           DEFAULT_SESSION_HOURS)))


def access_of(grants: list[Grant]) -> Access:
    """Fold an account's grants into what it may do."""
    return Access(
        admin=any(g.role is Role.ADMIN for g in grants),
        supervisor=any(g.role is Role.SUPERVISOR for g in grants),
        branches=frozenset(g.branch_id for g in grants
                           if g.role is Role.SECRETARY and g.branch_id is not None),
    )


def load_user(token: str) -> ConsoleUser | None:
    """The user of a live session token, or None (expired, logged out, account disabled)."""
    row = db.session.execute(
        select(Account)
        .join(AccountSession, AccountSession.account_id == Account.id)
        .where(AccountSession.token_hash == _hash(token), AccountSession.expires_at > _now(),
               Account.active.is_(True))
    ).scalar_one_or_none()
    if row is None:
        return None
    grants = list(db.session.scalars(select(Grant).where(Grant.account_id == row.id)))
    return ConsoleUser(token, row.id, row.username, row.display_name or row.username,
                       access_of(grants))


def start_session(account: Account) -> ConsoleUser:
    """Sign ``account`` in: clear the cookie, store a new session, remember the login time.
    The caller commits."""
    session.clear()  # nothing from before the login survives into it
    # Expired sessions are only dead weight: each login sweeps them away.
    db.session.execute(delete(AccountSession).where(AccountSession.expires_at <= _now()))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountSession(token_hash=_hash(token), account_id=account.id,
                                  expires_at=_now() + session_lifetime()))
    account.last_login_at = _now()
    db.session.flush()
    user = ConsoleUser(token, account.id, account.username,
                       account.display_name or account.username, access_of(account.grants))
    session.permanent = True  # lasts PERMANENT_SESSION_LIFETIME, not until the browser closes
    login_user(user)
    return user


def end_session(token: str | None) -> None:
    """Sign out: delete the session row and clear the cookie. The caller commits."""
    if token:
        db.session.execute(delete(AccountSession).where(AccountSession.token_hash == _hash(token)))
    logout_user()
    session.clear()


def end_all_sessions(account_id: int) -> None:
    """Every session of an account ends (password reset, account disabled)."""
    db.session.execute(delete(AccountSession).where(AccountSession.account_id == account_id))


def init_sessions(app: Flask) -> None:
    """Configure Flask-Login and the session cookie."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page says it
    # "basic", not "strong": "strong" drops the session whenever the address changes, which
    # on a phone moving between Wi-Fi and mobile data would log a secretary out mid-meeting.
    # The server-side token is what makes a session end for good.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    hours = float(app.config.get("SESSION_HOURS", DEFAULT_SESSION_HOURS))
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=hours)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if str(app.config.get("BASE_URL", "")).lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
