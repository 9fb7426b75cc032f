"""Pure rules of the organisation tree: a unit's life span, a branch's committee."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.problems import Problem, problem
from profiles.months import add_months


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


def full_here_since(here_since: dt.date | None, joined_on: dt.date,
                    converted_on: dt.date | None) -> dt.date:
    """The day a current full member began to count as one of this branch's full members:
    the later of their arrival in the branch and their 转正 (without a 转正日期 on record, a
    year after admission, the probation's length)."""
    full = converted_on or add_months(joined_on, 12)
    return max(full, here_since) if here_since is not None else full


def committee_from(full_since: Iterable[dt.date], setting: bool | None) -> dt.date | None:
    """From when a branch has had its 支部委员会 by the 7-member rule: the day its seventh
    current full member came to count (None: no such bound; the record says whether it has
    one, or it has fewer than seven). Periods before it owe no 支委会: a branch that reached
    7 full members in September was not short of a committee meeting in May."""
    if setting is not None:
        return None
    days = sorted(full_since)
    return days[COMMITTEE_MIN_FULL_MEMBERS - 1] if len(days) >= COMMITTEE_MIN_FULL_MEMBERS \
        else None


def before_committee(is_committee_meeting: bool, first_day: dt.date,
                     committee_from: dt.date | None) -> bool:
    """Whether a period starting ``first_day`` owes no 支委会 because the branch had not yet
    its committee (:func:`committee_from`): the one test the checklist, the cadence table,
    the reports and 三级考核 apply."""
    return is_committee_meeting and committee_from is not None and first_day < committee_from


def alive_through(first_day: dt.date, last_day: dt.date, founded_on: dt.date | None,
                  dissolved_on: dt.date | None) -> bool:
    """Whether a unit existed for the whole of a period (only such periods are audited)."""
    return ((founded_on is None or founded_on <= first_day)
            and (dissolved_on is None or last_day < dissolved_on))


# -- where the record begins ---------------------------------------------------------------

RECORDS_EARLIEST = dt.date(1949, 10, 1)  # no organisation's record begins before the PRC
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?\s*$")


def parse_month(text: str) -> dt.date | None:
    """The first day of a month written 2025-01, 2025/1, 2025.01 or 2025年1月 (None: not a
    month)."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def records_from_problems(month: dt.date | None, today: dt.date) -> list[Problem]:
    """Where the record begins is the first day of a month from October 1949 to the current
    month (None: not set, each member's own dates)."""
    if month is None:
        return []
    last = today.replace(day=1)
    if month.day != 1 or not RECORDS_EARLIEST <= month <= last:
        return [problem("records_from", "Give a month from 1949-10 to %(last)s, written "
                        "like 2025-01.", last=f"{last.year}-{last.month:02d}")]
    return []
