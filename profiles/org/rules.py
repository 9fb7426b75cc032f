"""Pure rules of the organisation tree: a unit's life span, a branch's committee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.problems import Problem, problem


@dataclass(frozen=True)
class Lifespan:
    """When a branch or party group existed: founded (None: before the record began) and
    dissolved (None: still exists)."""

    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether the unit existed on ``day``."""
        return ((self.founded_on is None or self.founded_on <= day)
                and (self.dissolved_on is None or day < self.dissolved_on))


# -- branches and party groups -------------------------------------------------------------

def unit_problems(*, code: str | None = None, name: str, founded_on: dt.date | None,
                  dissolved_on: dt.date | None = None) -> list[Problem]:
    """A branch (with a code) or party group has a name, and ends after it begins."""
    found = []
    if code is not None and not code.strip():
        found.append(problem("code", "Give the branch's code (支部编号)."))
    elif code is not None and len(code) > 32:
        found.append(problem("code", "Too long: at most %(count)s characters.", count=32))
    if not name.strip():
        found.append(problem("name", "Give the name."))
    elif len(name) > 120:
        found.append(problem("name", "Too long: at most %(count)s characters.", count=120))
    if founded_on and dissolved_on and dissolved_on < founded_on:
        found.append(problem("dissolved_on", "It cannot be dissolved before it was founded "
                             "(%(date)s).", date=founded_on.isoformat()))
    return found


COMMITTEE_MIN_FULL_MEMBERS = 7  # 《中国共产党支部工作条例(试行)》 ch. 6


def has_committee(full_members: int, setting: bool | None) -> bool:
    """Whether a branch has a 支部委员会: 7+ full members, unless its record says otherwise."""
    if setting is not None:
        return setting
    return full_members >= COMMITTEE_MIN_FULL_MEMBERS


def alive_through(first_day: dt.date, last_day: dt.date, founded_on: dt.date | None,
                  dissolved_on: dt.date | None) -> bool:
    """Whether a unit existed for the whole of a period (only such periods are audited)."""
    return ((founded_on is None or founded_on <= first_day)
            and (dissolved_on is None or last_day < dissolved_on))
