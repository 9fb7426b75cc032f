"""Pure rules of a member's record: the fields, the ID number, the probation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.problems import Problem, problem
from profiles.collation import name_key
from profiles.enums import Category
from profiles.limits import MAX_CENTS, MEMBER_NUMBER
from profiles.months import add_months
from profiles.org.rules import Lifespan

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


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


def number_problems(number: str) -> list[Problem]:
    """A 党员编号 is 1 to 32 letters, digits or hyphens (checked upper-cased, as stored)."""
    if number and not MEMBER_NUMBER.fullmatch(number):
        return [problem("number", "党员编号 %(value)s: use only letters, digits and hyphens "
                        "(-), at most 32, no spaces.", value=number)]
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
    elif facts.dues_base_cents is not None and facts.dues_base_cents > MAX_CENTS:
        found.append(problem("dues_base_cents", "At most %(max)s yuan, please.",
                             max=MAX_CENTS // 100))
    found.extend(number_problems(facts.number))
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


def probation_end(joined_on: dt.date, extension_months: int) -> dt.date:
    """When a probation ends: one year after admission plus any extension."""
    return add_months(joined_on, 12 + extension_months)


def full_years(start: dt.date, today: dt.date) -> int:
    """Whole years from ``start`` to ``today`` (years of membership)."""
    years = today.year - start.year
    return years - 1 if (today.month, today.day) < (start.month, start.day) else years


@dataclass(frozen=True)
class PoliticalBirthday:
    """A member whose 入党日期 (政治生日) falls in the month, and the years it marks."""

    member_id: int
    name: str
    joined_on: dt.date
    years: int


def political_birthdays(members: Iterable[tuple[int, str, dt.date]], year: int,
                        month: int) -> list[PoliticalBirthday]:
    """(id, name, joined on) → those whose 政治生日 is in ``month`` of ``year``, by day then
    name, with the years of membership that birthday completes (a member admitted this
    very month, 0 years, is welcomed rather than congratulated: left out)."""
    found = [PoliticalBirthday(i, name, joined, year - joined.year)
             for i, name, joined in members
             if joined.month == month and year - joined.year > 0]
    return sorted(found, key=lambda b: (b.joined_on.day, name_key(b.name), b.member_id))
