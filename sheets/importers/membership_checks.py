"""Points entries and evaluations against the membership on their date (as attendance and
dues are): an entry dated before a member came, or an evaluation for a year they were not
in the branch, is refused with a message that says how to fix it."""

from __future__ import annotations

import datetime as dt

from profiles.members.history import Span
from sheets.importers.record_pipeline import MemberFinder, Person
from sheets.reading.row_cells import Cells


def _since(person: Person) -> str:
    return min(s.since for s in person.spans).isoformat()


def member_on(finder: MemberFinder, cells: Cells, person: Person, code: str, day: dt.date,
              field: str) -> bool:
    """Whether the member was in branch ``code`` (or, '' , in the organisation) on
    ``day``; a problem at ``field`` saying what to do if not."""
    if not person.spans:
        return True  # no history on record
    actual = finder.branch_on(person, day)
    if actual is None:
        if day < min(s.since for s in person.spans):
            cells.report(field, "%(name)s was not a member here on %(date)s (their record "
                         "here begins on %(since)s). Check the date; if they came earlier, "
                         "correct the day they came on the member's edit screen first.",
                         name=person.name, date=day.isoformat(), since=_since(person))
        else:
            cells.report(field, "%(name)s was not a member here on %(date)s (they had left "
                         "on %(until)s). Check the date.", name=person.name,
                         date=day.isoformat(), until=max(
                             s.until for s in person.spans
                             if s.until and s.until <= day).isoformat())
        return False
    if code and actual != code:
        return finder.in_branch_on(cells, person, code, day, field)
    return True


def _overlaps(span: Span, first: dt.date, last: dt.date) -> bool:
    return span.since <= last and (span.until is None or span.until > first)


def member_during(finder: MemberFinder, cells: Cells, person: Person, code: str,
                  year: int) -> bool:
    """Whether the member was in branch ``code`` (or, '', in the organisation) on some day
    of ``year``: an evaluation is owed only for such a year."""
    if not person.spans:
        return True
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    spans = [s for s in person.spans
             if not code or finder.codes.get(s.branch_id) == code]
    if any(_overlaps(s, first, last) for s in spans):
        return True
    branch = finder.branch_names.get(code, code) if code else None
    if branch:
        cells.report("year", "%(name)s was not in %(branch)s during %(year)s, so no "
                     "evaluation is owed there for that year. Check the 年度 (their record "
                     "here begins on %(since)s), or correct the day they came on the "
                     "member's edit screen.", name=person.name, branch=branch, year=year,
                     since=_since(person))
    else:
        cells.report("year", "%(name)s was not a member here during %(year)s, so no "
                     "evaluation is owed for that year. Check the 年度 (their record here "
                     "begins on %(since)s), or correct the day they came on the member's "
                     "edit screen.", name=person.name, year=year, since=_since(person))
    return False
