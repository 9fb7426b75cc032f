"""The page cache (Flask-Caching): in-process by default, Redis when configured.

The cache is an optimisation only. If its server is down, slow or refusing, pages are
rendered without it (and the failure logged) instead of failing with a 500; after a
failure the cache is left alone for ``CACHE_RETRY_SECONDS`` so that each request does not
wait on a dead server again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, current_app
from flask_caching import Cache

RETRY_SECONDS = 30
REDIS_TYPES = frozenset({"RedisCache", "redis", "flask_caching.backends.RedisCache",
                         "flask_caching.backends.rediscache.RedisCache"})
# Settings that change what a page shows: they go into every page's cache key, so that a
# section hidden (or a cadence changed) is not served from a shared cache for its lifetime.
PAGE_SETTINGS = ("HIDDEN_SECTIONS", "ORG_NAME", "BABEL_DEFAULT_TIMEZONE", "LANGUAGES")
# The config entry listing the page-shaping settings a feature declares (the audit
# thresholds of profiles): core imports no feature, so app.py passes them in with
# add_page_settings at app creation.
FEATURE_PAGE_SETTINGS = "PAGE_SETTINGS_OF_FEATURES"
_DOWN_UNTIL = "partycard.cache_down_until"


def add_page_settings(app: Flask, names: Iterable[str]) -> None:
    """Declare settings of a feature that change what its pages show (part of every key)."""
    app.config[FEATURE_PAGE_SETTINGS] = sorted(
        {*app.config.get(FEATURE_PAGE_SETTINGS, ()), *names})


def page_settings_fingerprint(config: Mapping[str, Any]) -> str:
    """A short hash of every page-shaping setting (the audit thresholds included)."""
    names = sorted({*PAGE_SETTINGS, *config.get(FEATURE_PAGE_SETTINGS, ()),
                    *(k for k in config if k.startswith("AUDIT_"))})
    shown = {name: config.get(name) for name in names}
    text = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class PageCache(Cache):
    """Flask-Caching's ``Cache`` whose reads and writes never fail the page."""

    def init_app(self, app: Flask, config: dict[str, Any] | None = None) -> None:
        if app.config.get("CACHE_TYPE") in REDIS_TYPES:
            # redis-py waits forever by default; a page must not wait on a dead cache.
            app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 1,
                                                    "socket_timeout": 1})
        super().init_app(app, config)

    def _down(self) -> bool:
        return time.monotonic() < float(current_app.extensions.get(_DOWN_UNTIL, 0.0))

    def _failed(self, action: str, exc: Exception) -> None:
        retry = float(current_app.config.get("CACHE_RETRY_SECONDS", RETRY_SECONDS))
        current_app.extensions[_DOWN_UNTIL] = time.monotonic() + retry
        current_app.logger.warning(
            "page cache %s failed (%s: %s); pages are rendered without the cache, "
            "retrying in %d s", action, exc.__class__.__name__, exc, retry)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        if self._down():
            return None
        try:
            return super().get(*args, **kwargs)
        except Exception as exc:  # any cache failure: render instead
            self._failed("read", exc)
            return None

    def set(self, *args: Any, **kwargs: Any) -> bool | None:
        if self._down():
            return False
        try:
            return super().set(*args, **kwargs)
        except Exception as exc:  # any cache failure: the page is served uncached
            self._failed("write", exc)
            return False

    def clear(self) -> bool:
        """Empty the cache; False (and logged) if it cannot be reached."""
        try:
            return bool(super().clear())
        except Exception as exc:  # reported by the caller (restore says what to do)
            self._failed("clear", exc)
            return False


cache = PageCache()
