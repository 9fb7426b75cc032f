"""What every console template may use."""

from __future__ import annotations

from typing import Any

from flask import Flask

from accounts.access import current_access


def init_helpers(app: Flask) -> None:
    endpoints = frozenset(app.view_functions)  # which screens exist (links to later ones)

    @app.context_processor
    def console_globals() -> dict[str, Any]:
        return {"access": current_access, "endpoints": endpoints}
