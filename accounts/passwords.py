"""Password hashing with argon2id (argon2-cffi), and the random passwords we hand out."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# RFC 9106's second recommendation (argon2id, t=3, 64 MiB): strong, and fits a small server.
DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"
MIN_LENGTH = 10
# No 0/O, 1/l/I: a password read aloud or copied from a printout must survive.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _profile() -> str:
    name = DEFAULT_PROFILE
    if has_app_context():
        name = current_app.config.get("PASSWORD_HASH_PROFILE") or DEFAULT_PROFILE
    if not hasattr(profiles, name):
        raise ValueError(f"PASSWORD_HASH_PROFILE {name!r} is not an argon2 profile")
    return str(name)


def _hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, _profile()))


def hash_password(password: str) -> str:
    """The argon2id PHC string for ``password``."""
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """True if ``password`` matches ``stored``; False for any mismatch or unreadable hash."""
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


# Verified against when the username is unknown, so a wrong name costs as long as a wrong
# password and timing does not tell which accounts exist. One hash per argon2 profile
# (a handful of names, so the dict is bounded), made once per process.
_DUMMY: dict[str, str] = {}


def dummy_hash() -> str:
    """The process's dummy hash for the configured profile (computed on first use)."""
    name = _profile()
    if name not in _DUMMY:
        _DUMMY[name] = _hasher().hash(secrets.token_hex(16))
    return _DUMMY[name]


def burn_time(password: str) -> None:
    """Spend one verification's time on nothing: the same work as a wrong password."""
    verify_password(dummy_hash(), password)


def random_password(length: int = 14) -> str:
    """A random password for a new or reset account (shown once)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def password_problem(password: str) -> str | None:
    """Why a chosen password is refused, in English source text (translated by the caller)."""
    if len(password) < MIN_LENGTH:
        return "A password needs at least 10 characters."
    return None
