"""Login throttling: bad passwords counted per account, per address and per device, in
one count that every worker shares.

Where the count lives (``RATELIMIT_STORAGE_URI``):

* ``redis://…``: Redis, shared by every worker on every machine (production needs it
  when the app runs on more than one machine);
* anything else (the default): a small SQLite file, ``instance/login-throttle.sqlite3``
  (0600), shared by every worker process of this machine;
* Redis down or refusing: the SQLite file, said in the log, Redis tried again after
  ``THROTTLE_RETRY_SECONDS``; if even the file fails, this process's memory. A dead
  Redis never turns a login into a 500.

The limits, chosen so that nobody's failures can lock out somebody's right password for
long (docs/security.md, "Login"):

* ``LOGIN_SLOW`` (5 in 5 minutes) per account *and client*: the client is the browser's
  device cookie for that account (set at a successful login) or else the address. It
  stops guessing one account from one place, and only that place waits.
* ``LOGIN_LOCK`` (10 in an hour) per account, from everywhere: a distributed guess at one
  account. It refuses only clients without the account's device cookie, so a secretary
  on the browser they logged in with before is never locked out by others' failures.
* ``LOGIN_ADDRESS`` (30 in 10 minutes) per address: one machine trying many accounts.
  It too refuses only clients without the account's device cookie, so a script trying
  many names from behind the same proxy or NAT does not lock out people who logged in
  there before. The address is the peer's, or with ``PROXY_FIX`` set, the one the
  trusted proxy forwards (``core.security.apply_proxy_fix``).

Only failures are counted; a right password clears its account's per-client count.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, Request, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse_many
from werkzeug.wrappers import Response

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
    "THROTTLE_RETRY_SECONDS": 30,
    "LOGIN_DEVICE_DAYS": 180,
}
KEEP_SECONDS = 24 * 3600  # no window is longer than a day; older failures are dropped
DEVICE_COOKIE = "pc_device_"


@dataclass(frozen=True)
class Lockout:
    """The login is refused for ``seconds`` more; ``locked`` is the long (hour) lock."""

    seconds: int
    locked: bool

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


class Counter(Protocol):
    """Failures per key, as timestamps: the moving windows are counted from them."""

    def hit(self, key: str, now: float) -> None: ...

    def window(self, key: str, since: float) -> tuple[int, float | None]:
        """How many hits since ``since``, and the oldest of them."""
        ...

    def clear(self, key: str) -> None: ...


class MemoryCounter:
    """This process only: the last resort when neither Redis nor the file answers."""

    def __init__(self) -> None:
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    def hit(self, key: str, now: float) -> None:
        with self.lock:
            kept = [t for t in self.hits[key] if t > now - KEEP_SECONDS]
            self.hits[key] = [*kept[-1000:], now]

    def window(self, key: str, since: float) -> tuple[int, float | None]:
        with self.lock:
            found = [t for t in self.hits.get(key, []) if t > since]
        return len(found), min(found, default=None)

    def clear(self, key: str) -> None:
        with self.lock:
            self.hits.pop(key, None)


class SqliteCounter:
    """A file every worker process of this machine shares (WAL; each call its own short
    connection, so a fork shares nothing open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self.ready:
            from core.storage import private_file

            private_file(self.path)
        conn = sqlite3.connect(self.path, timeout=2, isolation_level=None)
        if not self.ready:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS failure (key TEXT NOT NULL, "
                         "at REAL NOT NULL)")
            conn.execute("CREATE INDEX IF NOT EXISTS failure_key_at ON failure (key, at)")
            self.ready = True
        return conn

    def hit(self, key: str, now: float) -> None:
        with self._connect() as conn:
            conn.execute("INSERT INTO failure (key, at) VALUES (?, ?)", (key, now))
            if secrets.randbelow(50) == 0:  # now and then, forget what no window needs
                conn.execute("DELETE FROM failure WHERE at < ?", (now - KEEP_SECONDS,))
        conn.close()

    def window(self, key: str, since: float) -> tuple[int, float | None]:
        conn = self._connect()
        try:
            count, oldest = conn.execute("SELECT count(*), min(at) FROM failure WHERE key = ? "
                                         "AND at > ?", (key, since)).fetchone()
        finally:
            conn.close()
        return int(count), oldest

    def clear(self, key: str) -> None:
        with self._connect() as conn:
            conn.execute("DELETE FROM failure WHERE key = ?", (key,))
        conn.close()


class RedisCounter:
    """A sorted set per key (score = time), shared by every worker on every machine."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def hit(self, key: str, now: float) -> None:
        pipe = self.client.pipeline()
        pipe.zadd(key, {f"{now:.6f}:{secrets.token_hex(4)}": now})
        pipe.zremrangebyscore(key, 0, now - KEEP_SECONDS)
        pipe.expire(key, KEEP_SECONDS)
        pipe.execute()

    def window(self, key: str, since: float) -> tuple[int, float | None]:
        pipe = self.client.pipeline()
        pipe.zcount(key, f"({since}", "+inf")
        pipe.zrangebyscore(key, f"({since}", "+inf", start=0, num=1, withscores=True)
        count, first = pipe.execute()
        return int(count), (float(first[0][1]) if first else None)

    def clear(self, key: str) -> None:
        self.client.delete(key)


class Throttle:
    """The bad-password counters of one application: the shared counter, and the ones
    it falls back to."""

    def __init__(self, uri: str, prefix: str, file: Path, retry: float = 30) -> None:
        self.prefix = prefix
        self.uri = uri
        self.file = SqliteCounter(file)
        self.memory = MemoryCounter()
        self.primary: Counter = RedisCounter(uri) if uri.startswith(
            ("redis://", "rediss://", "unix://")) else self.file
        self.retry = retry
        self.down_until = 0.0  # the primary failed: use the file until then
        self.file_down = False

    @property
    def degraded(self) -> bool:
        return self.down_until > time.time() or self.file_down

    def _call(self, method: str, *args: Any) -> Any:
        chain: list[Counter] = []
        if self.primary is not self.file and self.down_until <= time.time():
            chain.append(self.primary)
        if not self.file_down:
            chain.append(self.file)
        chain.append(self.memory)
        for counter in chain:
            try:
                return getattr(counter, method)(*args)
            except Exception as exc:  # any storage error: Redis down, timeout, a bad file
                if counter is self.memory:
                    raise
                if counter is self.file:
                    self.file_down = True
                    log.warning("login throttle file %s unavailable (%s); counting in memory",
                                self.file.path, exc.__class__.__name__)
                else:
                    self.down_until = time.time() + self.retry
                    log.warning("login throttle storage %s unavailable (%s); counting in "
                                "%s for %ss", self.uri, exc.__class__.__name__,
                                self.file.path.name, int(self.retry))
        raise AssertionError("unreachable")

    # -- keys ---------------------------------------------------------------------------

    def _key(self, *parts: str) -> str:
        digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
        return f"{self.prefix}:login:{parts[0]}:{digest}"

    def _limits(self, setting: str) -> list[RateLimitItem]:
        return list(parse_many(str(current_app.config[setting])))

    def _checks(self, username: str) -> list[tuple[str, str, bool]]:
        """(setting, key, is it the long lock) that apply to this request's client."""
        account = username.strip().lower()
        device = known_device(account)
        client = f"device:{device}" if device else f"address:{request.remote_addr or '-'}"
        checks = [("LOGIN_SLOW", self._key("pair", account, client), False)]
        if device is None:  # a known device is refused only for its own failures
            checks += [("LOGIN_LOCK", self._key("account", account), True),
                       ("LOGIN_ADDRESS", self._key("address", request.remote_addr or "-"),
                        False)]
        return checks

    def _hit_keys(self, username: str) -> list[str]:
        """Every count a failure adds to (the account and the address whatever the client)."""
        account = username.strip().lower()
        device = known_device(account)
        client = f"device:{device}" if device else f"address:{request.remote_addr or '-'}"
        return [self._key("pair", account, client), self._key("account", account),
                self._key("address", request.remote_addr or "-")]

    # -- the login's three questions ----------------------------------------------------

    def refused(self, username: str) -> Lockout | None:
        """Whether a login for ``username`` from this client must wait, and how long."""
        now = time.time()
        for setting, key, locked in self._checks(username):
            for item in self._limits(setting):
                expiry = item.get_expiry()
                count, oldest = self._call("window", key, now - expiry)
                if count >= item.amount:
                    reset = (oldest or now) + expiry
                    return Lockout(max(1, int(reset - now)), locked)
        return None

    def failed(self, username: str) -> None:
        """Count one bad password against the account, the client and the address."""
        now = time.time()
        for key in self._hit_keys(username):
            self._call("hit", key, now)

    def succeeded(self, username: str) -> None:
        """A right password clears the account's count for this client."""
        self._call("clear", self._hit_keys(username)[0])


# -- the device cookie: "this browser logged in to this account before" -------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="partycard-login-device")


def _cookie_name(account: str) -> str:
    return DEVICE_COOKIE + hashlib.sha256(account.encode()).hexdigest()[:12]


def known_device(account: str, req: Request | None = None) -> str | None:
    """The device id of this browser's cookie for ``account`` (a lower-case username), if
    it carries a valid one."""
    req = req or request
    value = req.cookies.get(_cookie_name(account))
    if not value:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != account:
        return None
    issued = data.get("t")
    days = int(current_app.config["LOGIN_DEVICE_DAYS"])
    if not isinstance(issued, (int, float)) or issued < time.time() - days * 86400:
        return None
    device = data.get("d")
    return device if isinstance(device, str) and len(device) <= 64 else None


def remember_device(response: Response, username: str) -> None:
    """After a right password: this browser is a known device of the account."""
    account = username.strip().lower()
    device = known_device(account) or secrets.token_urlsafe(12)
    value = _serializer().dumps({"u": account, "d": device, "t": int(time.time())})
    days = int(current_app.config["LOGIN_DEVICE_DAYS"])
    response.set_cookie(_cookie_name(account), value, max_age=days * 86400, httponly=True,
                        secure=request.is_secure, samesite="Lax", path="/console")


def throttle() -> Throttle:
    return current_app.extensions["partycard_throttle"]  # type: ignore[no-any-return]


def init_throttle(app: Flask) -> None:
    """Storage from config; Flask-Limiter for the flood limit on the login form."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limiter.init_app(app)
    app.extensions["partycard_throttle"] = Throttle(
        str(app.config["RATELIMIT_STORAGE_URI"]), str(app.config["RATELIMIT_KEY_PREFIX"]),
        Path(app.instance_path) / "login-throttle.sqlite3",
        float(app.config["THROTTLE_RETRY_SECONDS"]))
