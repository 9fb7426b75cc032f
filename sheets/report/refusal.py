"""A file refused whole: every problem found in it (``core.problems.Problem``, each at its
row and column as Excel shows them)."""

from __future__ import annotations

from core.errors import UserError
from core.problems import Problem


class SheetRefused(UserError):
    """The file was refused whole; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
