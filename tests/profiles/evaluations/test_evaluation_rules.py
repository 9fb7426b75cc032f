"""The pure rules of an evaluation sheet, and the share of 优秀."""

from __future__ import annotations

from fractions import Fraction

from profiles.enums import Category, EvaluationStage, Rating
from profiles.evaluations.rules import (
    EvaluationLine,
    evaluation_sheet_problems,
    excellent_count,
    excellent_over_share,
)


def test_evaluation_sheet() -> None:
    full, prob = Category.FULL, Category.PROBATIONARY
    good = [EvaluationLine("甲", full, EvaluationStage.DECIDED, Rating.EXCELLENT),
            EvaluationLine("乙", prob, EvaluationStage.DECIDED, None),
            EvaluationLine("丙", full, EvaluationStage.PEER, None)]
    assert evaluation_sheet_problems(2025, good) == []
    bad = [EvaluationLine("甲", full, EvaluationStage.PEER, Rating.QUALIFIED),
           EvaluationLine("乙", prob, EvaluationStage.DECIDED, Rating.QUALIFIED),
           EvaluationLine("丙", full, None, Rating.QUALIFIED)]
    assert [p.kwargs["name"] for p in evaluation_sheet_problems(2025, bad)] == ["甲", "乙", "丙"]
    assert not excellent_over_share(excellent_count(good), len(good), Fraction(1, 3))
    assert excellent_over_share(excellent_count(good[:2]), len(good[:2]), Fraction(1, 3))
