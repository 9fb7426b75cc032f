"""Operations on the points ledger: entries appended with the actor as recorder."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.db import db
from profiles.models import (
    PointsEntry,
    PointsRule,
)
from profiles.points import operations as points_ops
from tests.helpers.operations import ACTOR, DAY, logged, refused


def test_add_points_appends_with_the_actor_as_recorder(org: dict[str, Any]) -> None:
    li = org["members"][0]
    rule = PointsRule(committee_id=org["branch"].committee_id, code="attend", name="参加会议",
                      points=2)
    db.session.add(rule)
    db.session.commit()
    with logged() as rows:
        entry = points_ops.add_points(ACTOR, li, recorded_on=DAY, points=2, reason="参加会议",
                                      rule=rule)
        assert entry.recorded_by == "secretary1" and entry.rule_id == rule.id
    assert rows[0].table_name == "points_entry"
    with refused("points"):
        points_ops.add_points(ACTOR, li, recorded_on=DAY, points=0, reason="无")
    with refused("reason"):
        points_ops.add_points(ACTOR, li, recorded_on=DAY, points=3, reason="  ")
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 0
