"""Pure rules of democratic evaluations (民主评议党员)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.problems import Problem, problem
from profiles.enums import Category, EvaluationStage, Rating
from profiles.months import FIRST_YEAR, LAST_YEAR

# -- evaluations ---------------------------------------------------------------------------

def evaluation_problems(*, year: int | None, stage: EvaluationStage | None,
                        rating: Rating | None) -> list[Problem]:
    """A plausible year; a rating only once the branch has decided (支部评定)."""
    found = []
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        found.append(problem("year", "Not a plausible year: %(value)s.", value=year))
    if rating is not None and stage is not None and stage is not EvaluationStage.DECIDED:
        found.append(problem("rating", "A rating is given only at the stage 支部评定; clear it "
                             "or set the stage to 支部评定."))
    return found


# -- evaluations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationLine:
    """One member's line of the evaluation sheet as submitted."""

    name: str
    category: Category
    stage: EvaluationStage | None
    rating: Rating | None


def evaluation_sheet_problems(year: int, lines: Sequence[EvaluationLine]) -> list[Problem]:
    """A rating only at 支部评定; a probationary member takes part without a rating."""
    found = []
    for line in lines:
        if line.rating is not None and line.stage is None:
            found.append(problem("rating", "%(name)s: a rating needs the stage 支部评定.",
                                 name=line.name))
            continue
        for p in evaluation_problems(year=year, stage=line.stage, rating=line.rating):
            found.append(problem(p.field, "%(name)s: %(problem)s", name=line.name,
                                 problem=str(p)))
        if line.rating is not None and line.category is Category.PROBATIONARY:
            found.append(problem("rating", "%(name)s is a probationary member: 预备党员 take "
                                 "part in the evaluation without a rating; clear it.",
                                 name=line.name))
    return found


def excellent_count(lines: Sequence[EvaluationLine]) -> int:
    """How many lines of the sheet are rated 优秀."""
    return sum(1 for line in lines if line.rating is Rating.EXCELLENT)


def excellent_over_share(excellent: int, members: int, share: Fraction) -> bool:
    """More than ``share`` of ``members`` rated 优秀 (normally at most one third): the one
    rule, for the console's evaluation sheet and the self-audit alike."""
    return members > 0 and Fraction(excellent, members) > share
