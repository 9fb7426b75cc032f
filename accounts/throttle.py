"""Login throttling: bad passwords per account and per address slow down, then lock.

Flask-Limiter supplies the storage (memory by default, Redis when ``RATELIMIT_STORAGE_URI``
says so) and the flood limit on the login form. The bad-password counters are ``limits``
moving windows over that storage, hit only on a failed login, so a secretary who types
the password right is never counted:

* per account: after ``LOGIN_SLOW`` failures (default 5 in 5 minutes) the account waits
  out the window ("slowed"); after ``LOGIN_LOCK`` (default 10 in an hour) it is locked
  until the hour has passed;
* per address: ``LOGIN_ADDRESS`` (default 30 in 10 minutes) stops one machine trying
  many accounts.

If the shared storage is down (Redis gone), the counters fall back to this process's
memory and say so in the log: a dead Redis must not turn a login into a 500.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter

log = logging.getLogger(__name__)

limiter = Limiter(key_func=get_remote_address)

DEFAULTS = {
    "LOGIN_SLOW": "5 per 5 minutes",
    "LOGIN_LOCK": "10 per hour",
    "LOGIN_ADDRESS": "30 per 10 minutes",
    "LOGIN_FLOOD": "60 per minute",  # any POST to the login form, right or wrong
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "partycard",
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,  # the flood limit fails open rather than 500
    "RATELIMIT_HEADERS_ENABLED": False,
}


@dataclass(frozen=True)
class Lockout:
    """The login is refused for ``seconds`` more; ``locked`` is the long (hour) lock."""

    seconds: int
    locked: bool

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


class Throttle:
    """The bad-password counters of one application."""

    def __init__(self, uri: str, prefix: str) -> None:
        self.prefix = prefix
        self.uri = uri
        self.shared: RateLimiter = MovingWindowRateLimiter(storage_from_string(uri))
        self.local: RateLimiter = MovingWindowRateLimiter(MemoryStorage())
        self.degraded = False

    def _strategy(self) -> RateLimiter:
        return self.local if self.degraded else self.shared

    def _call(self, method: str, *args: object) -> object:
        try:
            return getattr(self._strategy(), method)(*args)
        except Exception as exc:  # any storage error: Redis down, timeout, refused
            if self.degraded:
                raise
            log.warning("login throttle storage %s unavailable (%s); counting in memory",
                        self.uri, exc.__class__.__name__)
            self.degraded = True
            return getattr(self.local, method)(*args)

    def _limits(self) -> list[tuple[RateLimitItem, str, bool]]:
        """(limit, which key, is it the long lock) for the current request."""
        config = current_app.config
        out: list[tuple[RateLimitItem, str, bool]] = []
        for setting, key, locked in (("LOGIN_LOCK", "account", True),
                                     ("LOGIN_SLOW", "account", False),
                                     ("LOGIN_ADDRESS", "address", False)):
            out.extend((item, key, locked) for item in parse_many(str(config[setting])))
        return out

    def _key(self, kind: str, username: str) -> str:
        value = username.strip().lower() if kind == "account" else get_remote_address()
        return f"{self.prefix}:login:{kind}:{value}"

    def refused(self, username: str) -> Lockout | None:
        """Whether a login for ``username`` from this address must wait, and how long."""
        for item, kind, locked in self._limits():
            key = self._key(kind, username)
            if not self._call("test", item, key):
                stats = self._call("get_window_stats", item, key)
                reset = float(getattr(stats, "reset_time", time.time() + item.get_expiry()))
                return Lockout(max(1, int(reset - time.time())), locked)
        return None

    def failed(self, username: str) -> None:
        """Count one bad password against the account and the address."""
        for item, kind, _ in self._limits():
            self._call("hit", item, self._key(kind, username))

    def succeeded(self, username: str) -> None:
        """A right password clears the account's counters (not the address's)."""
        for item, kind, _ in self._limits():
            if kind == "account":
                self._call("clear", item, self._key(kind, username))


def throttle() -> Throttle:
    return current_app.extensions["partycard_throttle"]  # type: ignore[no-any-return]


def init_throttle(app: Flask) -> None:
    """Storage from config; Flask-Limiter for the flood limit on the login form."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limiter.init_app(app)
    app.extensions["partycard_throttle"] = Throttle(
        str(app.config["RATELIMIT_STORAGE_URI"]), str(app.config["RATELIMIT_KEY_PREFIX"]))
