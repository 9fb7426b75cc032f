"""三级考核, the pure part: the default rule table, and a score from measures.

Each level (支部, 党小组, 党员) has items; an item is worth its *weight* in points at most
and earns the share of it its measure reached (a fraction 0..1). An item with nothing to
measure this month (no meeting owed, no dues owed) earns its full weight: nobody loses
points for what was not asked of them. The defaults (docs/scoring.md) add up to 100 per
level; an organisation may change weights and targets or switch items off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.problems import Problem, problem
from profiles.scoring.models import ScoreLevel

BRANCH, GROUP, MEMBER = ScoreLevel.BRANCH, ScoreLevel.GROUP, ScoreLevel.MEMBER


@dataclass(frozen=True)
class RuleSpec:
    """One item of the rule table."""

    level: ScoreLevel
    item: str
    name: str
    weight: int
    target: int | None = None
    active: bool = True


# The defaults, seeded into an organisation's table the first time it is changed or a month
# is closed (until then the scores are computed with these very values).
DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(BRANCH, "meetings", "按期召开组织生活会议", 40),
    RuleSpec(BRANCH, "attendance", "党员出席率", 30),
    RuleSpec(BRANCH, "dues", "党费按月收缴", 20),
    RuleSpec(BRANCH, "gaps", "问题按期整改", 10),
    RuleSpec(GROUP, "meetings", "按月召开党小组会", 50),
    RuleSpec(GROUP, "attendance", "小组党员出席率", 50),
    RuleSpec(MEMBER, "attendance", "参加组织生活", 50),
    RuleSpec(MEMBER, "points", "党员积分", 30, target=10),
    RuleSpec(MEMBER, "dues", "按时交纳党费", 20),
)
ITEMS: dict[ScoreLevel, tuple[str, ...]] = {
    level: tuple(r.item for r in DEFAULT_RULES if r.level is level) for level in ScoreLevel}
MAX_ADJUSTMENT = 100  # points, either way


@dataclass(frozen=True)
class Measure:
    """What an item measured: ``part`` of ``whole`` (whole 0: nothing to measure)."""

    part: int
    whole: int

    @property
    def share(self) -> Fraction:
        if self.whole <= 0:
            return Fraction(1)
        return min(Fraction(1), Fraction(max(self.part, 0), self.whole))


@dataclass(frozen=True)
class Line:
    """One item of a score: its rule, what was measured, and the points it earned."""

    item: str
    name: str
    weight: int
    part: int
    whole: int
    points_centi: int


@dataclass(frozen=True)
class ScoreResult:
    total_centi: int
    lines: tuple[Line, ...]


def score(rules: Sequence[RuleSpec], measures: Mapping[str, Measure]) -> ScoreResult:
    """The score of one branch, group or member from the active rules of its level; an
    item without a measure counts as nothing to measure (full weight)."""
    lines = []
    for rule in rules:
        if not rule.active:
            continue
        measure = measures.get(rule.item, Measure(0, 0))
        if rule.target is not None and measure.whole > 0:
            measure = Measure(measure.part, rule.target)  # a count against the target
        points = round(measure.share * rule.weight * 100)
        lines.append(Line(rule.item, rule.name, rule.weight, measure.part, measure.whole,
                          int(points)))
    return ScoreResult(sum(line.points_centi for line in lines), tuple(lines))


def gaps_measure(critical: int, total: int) -> Measure:
    """问题按期整改 from the self-audit's open gaps: all of it with none open, half with no
    serious one open, nothing with a serious one."""
    if total == 0:
        return Measure(2, 2)
    return Measure(0 if critical else 1, 2)


def rule_problems(*, weight: int | None, target: int | None, name: str) -> list[Problem]:
    """A weight of 0 to 100, a target of 1 to 1000 (or none), a name."""
    found = []
    if weight is None or not 0 <= weight <= 100:
        found.append(problem("weight", "Give a weight from 0 to 100."))
    if target is not None and not 1 <= target <= 1000:
        found.append(problem("target", "Give a target from 1 to 1000, or leave it empty."))
    if not name.strip() or len(name) > 120:
        found.append(problem("name", "Give the item a name of at most 120 characters."))
    return found


def adjustment_problems(*, points: float | None, reason: str) -> list[Problem]:
    """An adjustment of -100 to 100 points (not 0), with a reason of at most 200 characters."""
    found = []
    if points is None or points == 0 or abs(points) > MAX_ADJUSTMENT:
        found.append(problem("points", "Give the correction in points, from -100 to 100, "
                             "not 0."))
    if not reason.strip():
        found.append(problem("reason", "Say why the score is corrected."))
    elif len(reason) > 200:
        found.append(problem("reason", "Keep the reason within 200 characters."))
    return found
