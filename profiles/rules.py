"""The checks every write to the record must pass, as pure functions.

Plain values in, a list of problems out; no database, no request. The operations layer
(``profiles.operations``), the importers (``sheets/``) and the console's forms call the
same functions, so a record refused in one place is refused everywhere, with the same words.
Each message is an English msgid (translated when shown) that says how to fix the problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.problems import Problem as Problem  # the one Problem type, re-exported
from core.problems import problem as problem
from core.text import unsafe_characters
from profiles.enums import Category, EvaluationStage, MeetingKind, Rating

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FIRST_YEAR, LAST_YEAR = 1921, 2200  # evaluation years the schema accepts


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


# -- meetings and attendance ------------------------------------------------------------

def meeting_problems(kind: MeetingKind, *, has_group: bool, held_on: dt.date | None = None,
                     branch: Lifespan | None = None, topic: str = "") -> list[Problem]:
    """A 党小组会 belongs to a party group and every other kind to the whole branch; a
    meeting is held while its branch exists."""
    found = []
    if kind is MeetingKind.GROUP and not has_group:
        found.append(problem("group", "A 党小组会 needs the party group."))
    elif kind is not MeetingKind.GROUP and has_group:
        found.append(problem("group",
                             "Only a 党小组会 belongs to a party group; clear this cell."))
    if held_on is not None and branch is not None and not branch.covers(held_on):
        found.append(problem("held_on", "The branch did not exist on %(date)s; check the date.",
                             date=held_on.isoformat()))
    if len(topic) > 200:
        found.append(problem("topic", "Too long: at most %(count)s characters.", count=200))
    return found


def attendee_problems(*, member_name: str, member_branch_id: int | None,
                      meeting_branch_id: int) -> list[Problem]:
    """Only a member of the branch that held the meeting, on the meeting's date, can
    attend it (``member_branch_id``: their branch on that date, None if not a member)."""
    if member_branch_id != meeting_branch_id:
        return [problem("name", "%(value)s is a member of another branch.", value=member_name)]
    return []


# -- dues --------------------------------------------------------------------------------

def month_problems(month: int) -> list[Problem]:
    """A dues month is YYYYMM."""
    if not (FIRST_YEAR * 100 < month < (LAST_YEAR + 1) * 100 and 1 <= month % 100 <= 12):
        return [problem("month", "Not a month: %(value)s (write it as YYYYMM, e.g. 202605).",
                        value=month)]
    return []


def dues_problems(*, due_cents: int | None, paid_cents: int | None,
                  paid_on: dt.date | None) -> list[Problem]:
    """Amounts are not negative; a payment has a date, and only a payment has one."""
    found = []
    if due_cents is not None and due_cents < 0:
        found.append(problem("due", "An amount cannot be negative."))
    if paid_cents is not None and paid_cents < 0:
        found.append(problem("paid", "An amount cannot be negative."))
    if paid_cents and paid_on is None:
        found.append(problem("paid_on", "A payment needs the date it was paid."))
    if paid_cents == 0 and paid_on is not None:
        found.append(problem("paid_on",
                             "Nothing was paid, so there is no payment date; clear it."))
    return found


# -- points --------------------------------------------------------------------------------

def points_problems(*, points: int | None, reason: str) -> list[Problem]:
    """An entry moves the total and says why (``points`` None: not known, not checked)."""
    found = []
    if points == 0:
        found.append(problem("points", "An entry of 0 points records nothing."))
    if not reason.strip():
        found.append(problem("reason", "Give the reason (事由) or the rule."))
    return found


def text_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Control characters and direction overrides in any text value: refused, never
    stripped silently (a NUL breaks the database, an override reverses a name on a card)."""
    found = []
    for field, value in values.items():
        if isinstance(value, str) and (bad := unsafe_characters(value)):
            found.append(problem(field, "Holds an invisible control or direction character "
                                 "(%(code)s); retype the text without it.", code=bad[0].code))
    return found


def length_problems(field: str, value: str, max_length: int) -> list[Problem]:
    """Text that fits its column (a spreadsheet cell reports this as it reads it)."""
    if len(value) > max_length:
        return [problem(field, "Too long: at most %(count)s characters.", count=max_length)]
    return []


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


# -- members --------------------------------------------------------------------------------

def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an 18-character resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_number_problems(id_number: str) -> list[Problem]:
    """A 15-digit (first generation) or 18-character ID with the right check character."""
    if re.fullmatch(r"\d{15}", id_number):
        return []  # first-generation card, no check digit
    if not re.fullmatch(r"\d{17}[\dX]", id_number):
        return [problem("id_number",
                        "An ID number has 18 characters (17 digits and a digit or X).")]
    if id_check_digit(id_number[:17]) != id_number[17]:
        return [problem("id_number", "The ID number's check digit is wrong; please check it.")]
    return []


@dataclass(frozen=True)
class MemberFacts:
    """The member fields the rules read (as they would be after the write)."""

    number: str
    name: str
    category: Category | None
    joined_on: dt.date | None
    converted_on: dt.date | None = None
    birth_date: dt.date | None = None
    probation_extension_months: int = 0
    dues_base_cents: int | None = None
    id_number: str | None = None


def member_problems(facts: MemberFacts, today: dt.date | None = None) -> list[Problem]:
    """A member has a number, a name, a category and a 入党日期, in a sensible order."""
    found = []
    if not facts.number.strip():
        found.append(problem("number", "Give the member's 党员编号."))
    elif len(facts.number) > 32:
        found.append(problem("number", "Too long: at most %(count)s characters.", count=32))
    if not facts.name.strip():
        found.append(problem("name", "Give the member's name."))
    elif len(facts.name) > 60:
        found.append(problem("name", "Too long: at most %(count)s characters.", count=60))
    if facts.category is None:
        found.append(problem("category", "Give the member's category (正式党员 or 预备党员)."))
    joined, converted = facts.joined_on, facts.converted_on
    if joined is None:
        found.append(problem("joined_on", "Give the member's 入党日期."))
    elif today is not None and joined > today:
        found.append(problem("joined_on", "入党日期 %(date)s is in the future.",
                             date=joined.isoformat()))
    if converted and facts.category is Category.PROBATIONARY:
        found.append(problem("converted_on", "A probationary member cannot have a 转正日期; "
                             "clear it or change 人员类别."))
    elif converted and joined and converted < joined:
        found.append(problem("converted_on", "转正日期 is before 入党日期."))
    if facts.birth_date and joined and facts.birth_date >= joined:
        found.append(problem("birth_date", "出生日期 is not before 入党日期."))
    if facts.probation_extension_months and not 6 <= facts.probation_extension_months <= 12:
        found.append(problem("probation_extension_months",
                             "A probation extension is 6 to 12 months (or empty for none)."))
    if facts.dues_base_cents is not None and facts.dues_base_cents < 0:
        found.append(problem("dues_base_cents", "An amount cannot be negative."))
    if facts.id_number:
        found.extend(id_number_problems(facts.id_number))
    return found


def placement_problems(*, group_branch_id: int | None, branch_id: int,
                       branch: Lifespan | None = None, group: Lifespan | None = None,
                       on: dt.date | None = None) -> list[Problem]:
    """A member's party group is one of the member's branch; both exist on the day."""
    found = []
    if group_branch_id is not None and group_branch_id != branch_id:
        found.append(problem("group", "That party group belongs to another branch."))
    if on is not None and branch is not None and not branch.covers(on):
        found.append(problem("branch", "The branch did not exist on %(date)s; check the date.",
                             date=on.isoformat()))
    if on is not None and group is not None and not group.covers(on):
        found.append(problem("group", "The party group did not exist on %(date)s; check "
                             "the date.", date=on.isoformat()))
    return found


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
