"""The page cache (Flask-Caching): in-process by default, Redis when configured."""

from __future__ import annotations

from flask_caching import Cache

cache = Cache()
