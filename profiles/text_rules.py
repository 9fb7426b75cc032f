"""Rules every text value passes, whatever record it belongs to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.problems import Problem, problem
from core.text import unsafe_characters


def text_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Control characters and direction overrides in any text value: refused, never
    stripped silently (a NUL breaks the database, an override reverses a name on a card)."""
    found = []
    for field, value in values.items():
        if isinstance(value, str) and (bad := unsafe_characters(value)):
            found.append(problem(field, "Holds an invisible control or direction character "
                                 "(%(code)s); retype the text without it.", code=bad[0].code))
    return found


def length_problems(field: str, value: str, max_length: int) -> list[Problem]:
    """Text that fits its column (a spreadsheet cell reports this as it reads it)."""
    if len(value) > max_length:
        return [problem(field, "Too long: at most %(count)s characters.", count=max_length)]
    return []
