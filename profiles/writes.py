"""What every operation shares: the refusal (:class:`RuleViolation`, a
``core.errors.UserError`` carrying every problem) and the small helpers that compare and
apply field values. Operations validate, write, log through ``core.changelog`` and flush;
the caller commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import UserError
from core.problems import Problem, problem
from profiles.models import (
    Branch,
    PartyGroup,
)
from profiles.org.rules import Lifespan


class RuleViolation(UserError):
    """The write breaks a rule; ``problems`` lists every reason, nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("；".join(str(p) for p in self.problems))


def check(problems: list[Problem]) -> None:
    if problems:
        raise RuleViolation(problems)


def refuse(field: str | None, message: str, **params: Any) -> RuleViolation:
    return RuleViolation([problem(field, message, **params)])


def lifespan_of(unit: Branch | PartyGroup) -> Lifespan:
    return Lifespan(unit.founded_on, unit.dissolved_on)


def changed_values(record: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value would change, as (old, new)."""
    return {k: (getattr(record, k), v) for k, v in values.items() if getattr(record, k) != v}


def apply_values(record: Any, changed: Mapping[str, tuple[Any, Any]]) -> None:
    for name, (_, new) in changed.items():
        setattr(record, name, new)
