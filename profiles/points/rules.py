"""Pure rules of points entries."""

from __future__ import annotations

from core.problems import Problem, problem
from profiles.limits import MAX_POINTS

# -- points --------------------------------------------------------------------------------

def points_problems(*, points: int | None, reason: str) -> list[Problem]:
    """An entry moves the total and says why (``points`` None: not known, not checked)."""
    found = []
    if points == 0:
        found.append(problem("points", "An entry of 0 points records nothing."))
    elif points is not None and abs(points) > MAX_POINTS:
        found.append(problem("points", "Points go from -%(max)s to %(max)s.", max=MAX_POINTS))
    if not reason.strip():
        found.append(problem("reason", "Give the reason (事由) or the rule."))
    return found
