"""Refusals and warnings shown where the mistake is: next to the field they concern.

A view records each problem under the name of the form field it concerns
(:func:`problem`); the template shows it beside that field (``feedback.html``'s
``problems(name)``) and marks the first field with a problem ``autofocus``, so the browser
opens the page scrolled to it, with JavaScript or without. A form's ``action`` carries its
own anchor too (``#pay``), for the problems that concern the form as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, g

from core.errors import UserError

WARNING = "warning"  # a problem that a confirmation may override (shown amber, not red)


def problem(field: str, message: str, kind: str = "error") -> None:
    """Show ``message`` next to the form field ``field`` (``form``: the form as a whole)."""
    found: dict[str, list[tuple[str, str]]] = g.setdefault("field_problems", {})
    found.setdefault(field, []).append((kind, str(message)))
    g.setdefault("first_problem", field)


def refuse_at(error: UserError, fields: Mapping[str, str] | None = None,
              default: str = "form") -> None:
    """A refusal from an operation: each of a rule violation's problems beside its field
    (``fields`` maps a problem's field to the form's name for it), the others at ``default``."""
    problems = getattr(error, "problems", None)
    if not problems:
        problem(default, error.message)
        return
    for p in problems:
        name = (fields or {}).get(p.field or "", p.field or "")
        problem(name or default, str(p))


def has_problems() -> bool:
    return bool(g.get("field_problems"))


def problems_of(field: str) -> list[tuple[str, str]]:
    """``(kind, message)`` pairs for ``field``."""
    found: dict[str, list[tuple[str, str]]] = g.get("field_problems") or {}
    return found.get(field, [])


def first_problem() -> str | None:
    found = g.get("first_problem")
    return str(found) if found is not None else None


def init_feedback(app: Flask) -> None:
    @app.context_processor
    def feedback_globals() -> dict[str, Any]:
        return {"problems_of": problems_of, "first_problem": first_problem}
