"""Writes of 三级考核: the rule table (seeded with the defaults on the first change), closing
a month (its scores stored, frozen), a logged adjustment, and the organisation's ranking
and member-score settings. Validate → write → log → flush; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert

from core.changelog import Actor, log_change
from core.db import db
from core.problems import problem
from profiles.org.models import Committee
from profiles.scoring.compute import Scored
from profiles.scoring.models import Score, ScoreAdjustment, ScoreLevel, ScoreMonth, ScoreRule
from profiles.scoring.reads import closed_month, lines_to_json, stored_rules
from profiles.scoring.rules import DEFAULT_RULES, ITEMS, adjustment_problems, rule_problems
from profiles.text_rules import text_problems
from profiles.writes import check, refuse


def seed_rules(actor: Actor, committee_id: int) -> dict[tuple[ScoreLevel, str], ScoreRule]:
    """Store the default rule table for an organisation that has none yet (logged)."""
    rules = stored_rules(committee_id)
    if rules:
        return rules
    for spec in DEFAULT_RULES:
        rule = ScoreRule(committee_id=committee_id, level=spec.level, item=spec.item,
                         name=spec.name, weight=spec.weight, target=spec.target,
                         active=spec.active)
        db.session.add(rule)
        rules[(spec.level, spec.item)] = rule
    db.session.flush()
    log_change(actor, "insert", "score_rule", f"{committee_id} defaults",
               {"rules": (None, len(DEFAULT_RULES))})
    return rules


def set_rule(actor: Actor, committee_id: int, *, level: ScoreLevel, item: str, name: str,
             weight: int | None, target: int | None, active: bool) -> ScoreRule:
    """Change one item of the rule table; closed months keep the scores they were given."""
    if item not in ITEMS.get(level, ()):
        raise refuse("item", "There is no such item of the rule table.")
    check(rule_problems(weight=weight, target=target, name=name)
          + text_problems({"name": name}))
    rule = seed_rules(actor, committee_id)[(level, item)]
    changed = {k: (getattr(rule, k), v) for k, v in
               {"name": name.strip(), "weight": weight, "target": target,
                "active": active}.items() if getattr(rule, k) != v}
    for key, (_, new) in changed.items():
        setattr(rule, key, new)
    db.session.flush()
    if changed:
        log_change(actor, "update", "score_rule", f"{committee_id} {level.value} {item}",
                   changed)
    return rule


def close_month(actor: Actor, committee_id: int, month: int, current_month: int,
                scores: Sequence[Scored]) -> ScoreMonth:
    """Freeze ``month``: store every score as computed now. A month is closed once, and
    only after it has ended."""
    if month >= current_month:
        raise refuse("month", "Only a month that has ended can be closed.")
    if closed_month(committee_id, month) is not None:
        raise refuse("month", "That month is already closed; correct a score with an "
                     "adjustment.")
    seed_rules(actor, committee_id)  # the rules it was scored with are on record
    closed = ScoreMonth(committee_id=committee_id, month=month, closed_by=actor.name[:60])
    db.session.add(closed)
    db.session.flush()
    rows = [{"score_month_id": closed.id, "level": s.level, "subject_id": s.subject_id,
             "branch_id": s.branch_id, "name": s.name[:120],
             "points_centi": s.result.total_centi,
             "breakdown": lines_to_json(s.result.lines)} for s in scores]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Score), rows[start:start + 5000])
    log_change(actor, "insert", "score_month", f"{committee_id} {month}",
               {"scores": (None, len(rows))})
    db.session.flush()
    return closed


def adjust_score(actor: Actor, score: Score, *, points: float | None,
                 reason: str) -> ScoreAdjustment:
    """Correct a frozen score by ``points`` (hundredths kept), with the reason (logged)."""
    problems = adjustment_problems(points=points, reason=reason) + text_problems(
        {"reason": reason})
    check(problems)
    assert points is not None
    centi = round(points * 100)
    if centi == 0:
        check([problem("points", "Give the correction in points, from -100 to 100, not 0.")])
    adjustment = ScoreAdjustment(score_id=score.id, points_centi=centi, reason=reason.strip(),
                                 recorded_by=actor.name[:60])
    db.session.add(adjustment)
    db.session.flush()
    log_change(actor, "insert", "score_adjustment",
               f"{score.level.value} {score.subject_id} {score.score_month_id}",
               {"points": (None, centi / 100), "reason": (None, reason.strip())})
    return adjustment


def set_score_settings(actor: Actor, committee: Committee, *, rankings_enabled: bool,
                       member_scores_visible: bool) -> Committee:
    """Turn rankings (points and scores) and the member's own score on their page on or off."""
    changed = {k: (getattr(committee, k), v) for k, v in
               {"rankings_enabled": rankings_enabled,
                "member_scores_visible": member_scores_visible}.items()
               if getattr(committee, k) != v}
    for key, (_, new) in changed.items():
        setattr(committee, key, new)
    db.session.flush()
    if changed:
        log_change(actor, "update", "committee", str(committee.id), changed)
    return committee
