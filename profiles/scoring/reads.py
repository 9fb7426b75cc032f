"""Reads of 三级考核: an organisation's rule table (its stored rows, or the defaults until it
has any), its closed months, and the frozen scores of a closed month with their
adjustments; one statement each, whatever the number of branches or members."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.db import db, run
from profiles.org.models import Committee
from profiles.org.reads import BranchScope
from profiles.scoring.models import Score, ScoreAdjustment, ScoreLevel, ScoreMonth, ScoreRule
from profiles.scoring.rules import DEFAULT_RULES, Line, RuleSpec


@dataclass(frozen=True)
class StoredScore:
    """A frozen score, its adjustments summed (the total a reader sees)."""

    id: int
    level: ScoreLevel
    subject_id: int
    branch_id: int
    name: str
    computed_centi: int
    adjusted_centi: int
    lines: tuple[Line, ...]

    @property
    def total_centi(self) -> int:
        return self.computed_centi + self.adjusted_centi


def organisation() -> Committee | None:
    """The organisation (the first committee: one per installation)."""
    return db.session.scalar(select(Committee).order_by(Committee.id).limit(1))


def rules_of(committee_id: int) -> list[RuleSpec]:
    """The organisation's rule table, in the defaults' order; the defaults until it has
    stored rows."""
    stored = db.session.scalars(select(ScoreRule).where(
        ScoreRule.committee_id == committee_id)).all()
    if not stored:
        return list(DEFAULT_RULES)
    order = {(r.level, r.item): i for i, r in enumerate(DEFAULT_RULES)}
    specs = [RuleSpec(r.level, r.item, r.name, r.weight, r.target, r.active) for r in stored]
    return sorted(specs, key=lambda r: order.get((r.level, r.item), len(order)))


def stored_rules(committee_id: int) -> dict[tuple[ScoreLevel, str], ScoreRule]:
    """(level, item) → the stored rule row (to update)."""
    return {(r.level, r.item): r for r in db.session.scalars(
        select(ScoreRule).where(ScoreRule.committee_id == committee_id))}


def closed_month(committee_id: int, month: int) -> ScoreMonth | None:
    return db.session.scalar(select(ScoreMonth).where(
        ScoreMonth.committee_id == committee_id, ScoreMonth.month == month))


def closed_months(committee_id: int) -> list[int]:
    """The organisation's closed months (YYYYMM), newest first."""
    return list(db.session.scalars(select(ScoreMonth.month).where(
        ScoreMonth.committee_id == committee_id).order_by(ScoreMonth.month.desc())))


def score_by_id(score_id: int) -> tuple[Score, int] | None:
    """A frozen score and its committee (None: no such score)."""
    row = db.session.execute(
        select(Score, ScoreMonth.committee_id)
        .join(ScoreMonth, ScoreMonth.id == Score.score_month_id)
        .where(Score.id == score_id)).first()
    return (row[0], int(row[1])) if row else None


def stored_scores(score_month_id: int, scope: BranchScope,
                  branch_id: int | None = None) -> list[StoredScore]:
    """The frozen scores of a closed month within ``scope`` (and one branch), adjustments
    summed in; one statement."""
    adjusted = (select(ScoreAdjustment.score_id, func.sum(ScoreAdjustment.points_centi)
                       .label("points")).group_by(ScoreAdjustment.score_id).subquery())
    stmt = (select(Score.id, Score.level, Score.subject_id, Score.branch_id, Score.name,
                   Score.points_centi, func.coalesce(adjusted.c.points, 0), Score.breakdown)
            .outerjoin(adjusted, adjusted.c.score_id == Score.id)
            .where(Score.score_month_id == score_month_id, scope(Score.branch_id)))
    if branch_id is not None:
        stmt = stmt.where(Score.branch_id == branch_id)
    return [StoredScore(i, level, subject, branch, name, int(points), int(adj),
                        lines_from_json(breakdown))
            for i, level, subject, branch, name, points, adj, breakdown
            in run(stmt.order_by(Score.id)).all()]


def adjustments(score_month_id: int, scope: BranchScope,
                branch_id: int | None = None) -> Sequence[Any]:
    """(score id, points in hundredths, reason, by, at) of the month's adjustments, oldest
    first."""
    stmt = (select(ScoreAdjustment.score_id, ScoreAdjustment.points_centi,
                   ScoreAdjustment.reason, ScoreAdjustment.recorded_by,
                   ScoreAdjustment.created_at)
            .join(Score, Score.id == ScoreAdjustment.score_id)
            .where(Score.score_month_id == score_month_id, scope(Score.branch_id)))
    if branch_id is not None:
        stmt = stmt.where(Score.branch_id == branch_id)
    return run(stmt.order_by(ScoreAdjustment.id)).all()


def lines_to_json(lines: Sequence[Line]) -> str:
    return json.dumps([{"item": x.item, "name": x.name, "weight": x.weight, "part": x.part,
                        "whole": x.whole, "points_centi": x.points_centi} for x in lines],
                      ensure_ascii=False)


def lines_from_json(text: str) -> tuple[Line, ...]:
    return tuple(Line(d["item"], d["name"], int(d["weight"]), int(d["part"]), int(d["whole"]),
                      int(d["points_centi"])) for d in json.loads(text))
