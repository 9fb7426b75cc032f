"""Pure rules of a member's record: the fields, the ID number, the probation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.problems import Problem, problem
from profiles.collation import name_key
from profiles.enums import EXEMPT, Category, MemberStatus
from profiles.limits import MAX_CENTS, MEMBER_NUMBER
from profiles.months import add_month, add_months, first_day, month_range, yyyymm
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


# -- standing: 流动, 失联, 停止党籍, 出国（境）暂留 ------------------------------------------

LOST_CONTACT_DECISION_MONTHS = 6  # 失联 this long: the branch decides on 停止党籍
ABROAD_MAX_YEARS = 5  # 出国（境）暂留 is approved for at most this long at a time


@dataclass(frozen=True)
class Standing:
    """One period of a member's standing other than 正常, from ``since`` up to, not
    including, ``until`` (None: open; for 暂留, the approved end date)."""

    status: MemberStatus
    since: dt.date
    until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


def standing_on(standings: Iterable[Standing], day: dt.date) -> MemberStatus:
    """What held on ``day``: the status of the period covering it, or 正常."""
    found = next((s for s in standings if s.covers(day)), None)
    return found.status if found else MemberStatus.NORMAL


def exempt_months(standings: Iterable[Standing], first: int, last: int) -> frozenset[int]:
    """The months (YYYYMM, ``first`` to ``last``) for which nothing is owed: those wholly
    under 停止党籍 or 出国（境）暂留 (dues not owed or deferred, organisational life
    suspended). The month of the decision and the month of 恢复 are owed: the member was
    under the ordinary rules for part of them."""
    out = set()
    for s in standings:
        if s.status not in EXEMPT:
            continue
        for month in month_range(max(first, yyyymm(s.since)), last):
            start, end = first_day(month), first_day(add_month(month, 1))
            if s.since <= start and (s.until is None or s.until >= end):
                out.add(month)
    return frozenset(out)


def months_lost(since: dt.date, today: dt.date) -> int:
    """Whole months of 失联 from ``since`` to ``today`` (5 months 29 days is 5)."""
    months = (today.year - since.year) * 12 + today.month - since.month
    return months - 1 if add_months(since, months) > today else months


def standing_problems(status: MemberStatus, since: dt.date, until: dt.date | None,
                      today: dt.date, joined_on: dt.date,
                      until_required: bool = True) -> list[Problem]:
    """The dates of a change of standing: on or after admission, not in the future; a 暂留
    up to a date after it begins and at most five years on (a roster that does not give
    the end date: ``until_required=False``, and the checklist asks for it)."""
    found = []
    if since > today:
        found.append(problem("since", "The date %(date)s is in the future; give the day it "
                             "happened (today or earlier).", date=since.isoformat()))
    if since < joined_on:
        found.append(problem("since", "The date %(date)s is before admission "
                             "(%(joined)s); check it.", date=since.isoformat(),
                             joined=joined_on.isoformat()))
    if status is MemberStatus.ABROAD:
        if until is None and until_required:
            found.append(problem("until", "Give the date up to which 出国（境）暂留 is "
                                 "approved."))
        elif until is None:
            pass
        elif until <= since:
            found.append(problem("until", "The end of 暂留 (%(until)s) must be after its "
                                 "start (%(since)s).", until=until.isoformat(),
                                 since=since.isoformat()))
        elif until > add_months(since, 12 * ABROAD_MAX_YEARS):
            found.append(problem("until", "暂留 is approved for at most %(years)d years at a "
                                 "time; give an end date on or before %(date)s.",
                                 years=ABROAD_MAX_YEARS,
                                 date=add_months(since, 12 * ABROAD_MAX_YEARS).isoformat()))
    return found
