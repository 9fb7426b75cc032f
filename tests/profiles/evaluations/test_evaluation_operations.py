"""Operations on democratic evaluations: insert, then update."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from core.db import db
from profiles.enums import EvaluationStage, Rating
from profiles.evaluations import operations as evaluation_ops
from profiles.models import (
    Evaluation,
)
from tests.helpers.operations import ACTOR, logged, refused


def test_set_evaluation_inserts_then_updates(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with logged(2) as rows:
        evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.ASSESSMENT)
        record = evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.DECIDED,
                                               Rating.EXCELLENT)
        assert record.rating is Rating.EXCELLENT
    assert json.loads(rows[1].changes) == {"stage": ["assessment", "decided"],
                                           "rating": [None, "excellent"]}
    with refused("rating"):
        evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.PEER, Rating.QUALIFIED)
    with refused("year"):
        evaluation_ops.set_evaluation(ACTOR, li, 1900, EvaluationStage.SELF)
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0
