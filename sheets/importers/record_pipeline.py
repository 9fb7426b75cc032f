"""What the record importers share: finding the member a row names, and the
read → check → plan → write-in-one-transaction pipeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from core.db import db
from core.problems import Problem, problem
from profiles import bulk
from profiles.members.history import Span, histories, span_on
from profiles.models import Branch, Member
from sheets.importers.consequences import foresee
from sheets.importers.record_start import record_months
from sheets.importers.transaction import commit_import, import_transaction
from sheets.reading.row_cells import Cells
from sheets.reading.rows import read_rows
from sheets.reading.sheet_file import SheetFile
from sheets.reading.supplied import Supplied
from sheets.report.outcome import Outcome
from sheets.report.refusal import SheetRefused

Planner = Callable[[list[Cells], Outcome], Callable[[], None]]


@dataclass(frozen=True)
class Person:
    """The member fields record importers need."""

    id: int
    number: str
    name: str
    branch_id: int
    branch_code: str
    spans: tuple[Span, ...] = field(default=(), compare=False)  # membership history


class MemberFinder:
    """Every member and their membership history, loaded in three queries, found by
    党员编号 or by name (+ the branch they were in on the record's date)."""

    def __init__(self) -> None:
        branches = db.session.execute(select(Branch.id, Branch.code, Branch.name)).all()
        self.codes = {branch_id: code for branch_id, code, _ in branches}
        self.branch_names = {code: name for _, code, name in branches}
        self.by_number: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        spans = histories()
        rows = db.session.execute(select(Member.id, Member.number, Member.name,
                                         Member.branch_id)).all()
        for member_id, number, name, branch_id in rows:
            person = Person(member_id, number, name, branch_id, self.codes[branch_id],
                            tuple(spans.get(member_id, ())))
            self.by_number[number] = person
            self.by_name.setdefault(name, []).append(person)

    def branch_on(self, person: Person, day: dt.date) -> str | None:
        """The code of the branch the member was in on ``day`` (None: not a member then)."""
        if not person.spans:
            return person.branch_code  # no history on record: the current branch
        span = span_on(person.spans, day)
        return self.codes[span.branch_id] if span else None

    def group_on(self, person: Person, day: dt.date) -> int | None:
        """The party group the member was in on ``day``."""
        span = span_on(person.spans, day)
        return span.group_id if span else None

    def in_branch_on(self, cells: Cells, person: Person, code: str, day: dt.date,
                     field: str = "name") -> bool:
        """Whether the member was in branch ``code`` on ``day``; a problem saying where
        they were if not. Records belong to the branch of their date, so a meeting held
        before a move imports into the old branch, and one after it into the new."""
        actual = self.branch_on(person, day)
        if actual == code:
            return True
        if actual is None:
            cells.report(field, "%(name)s was not a member of the organisation on %(date)s.",
                         name=person.name, date=day.isoformat())
        else:
            cells.report(field, "%(name)s was a member of %(branch)s on %(date)s, not of "
                         "%(other)s.", name=person.name, branch=self.branch_names[actual],
                         date=day.isoformat(), other=self.branch_names.get(code, code))
        return False

    def branch_code(self, cells: Cells) -> str | None:
        """The branch a row names by 支部编号 or 所在支部 ('' if none; None if unknown)."""
        code, name = cells.text("branch_code"), cells.text("branch")
        if code:
            if code not in self.branch_names:
                cells.report("branch_code", "No branch has the code '%(value)s'.", value=code)
                return None
            if name and name != self.branch_names[code]:
                cells.report("branch", "Branch %(code)s is called %(name)s, not %(value)s; "
                             "correct one of the two cells.", code=code,
                             name=self.branch_names[code], value=name)
                return None
            return code
        if not name:
            return ""
        found = [c for c, n in self.branch_names.items() if n == name]
        if len(found) != 1:
            cells.report("branch", "Branch '%(value)s' does not exist." if not found else
                         "Several branches are called '%(value)s'; add a 支部编号 column to "
                         "say which.", value=name)
            return None
        return found[0]

    def find(self, cells: Cells, branch_code: str | None, required: bool = True,
             on: dt.date | None = None) -> Person | None:
        """The member the row names; a problem if none, unknown or ambiguous.

        By name, the branch narrows the search: the member's branch on ``on`` (the
        record's date) if given, else their current one.
        """
        number = cells.text("number").upper()
        name = cells.name("name")
        if number:
            person = self.by_number.get(number)
            if person is None:
                cells.report("number", "No member has the number '%(value)s'.", value=number)
            elif name and name != person.name:
                cells.report("name", "Member %(number)s is %(expected)s, not %(value)s.",
                             number=number, expected=person.name, value=name)
                return None
            return person
        if not name:
            if required:
                cells.report("name", "Give the member's 党员编号 or 姓名.")
            return None
        found = [p for p in self.by_name.get(name, [])
                 if not branch_code or (self.branch_on(p, on) if on else p.branch_code)
                 == branch_code]
        if len(found) == 1:
            return found[0]
        cells.report("name", "No member called %(value)s." if not found else
                     "Several members are called %(value)s; add their 党员编号.", value=name)
        return None


def run_import(kind: str, path: SheetFile, planner: Planner, *, dry_run: bool, actor: str,
               progress: Callable[[int, int], None] | None = None,
               supplied: Supplied | None = None) -> Outcome:
    """Read and check every row; write nothing unless all are good, then all in one go.

    ``supplied`` stands in for the columns a sheet lacks (--branch, --year)."""
    intake = read_rows(path, kind, supplied=supplied)
    problems, rows = intake.problems, intake.rows
    if not rows and not problems:
        raise SheetRefused([problem(None, "The sheet has a header but no data rows.")
                            .at(row=intake.header.row)])
    if progress:
        progress(0, len(rows))
    outcome = Outcome(kind, path.name, len(rows), dry_run=dry_run)
    outcome.notes = intake.notes
    outcome.record_months = record_months(kind, rows)
    with import_transaction(dry_run):
        write = planner(rows, outcome)
        if progress:
            progress(len(rows), len(rows))
        if problems:
            raise SheetRefused(sorted(problems, key=lambda p: (p.sheet_no, p.row or 0,
                                                               p.column or 0)))
        if not dry_run and outcome.changes:
            commit_import(write, outcome.side_changes + outcome.changes, actor,
                          f"import {kind} {path.name}")
        elif dry_run:  # the checklist lines it would add and close, if asked for
            foresee(write, outcome.side_changes + outcome.changes, outcome.record_months)
    return outcome


def first_time(cells: Cells, field: str, key: Any, seen: dict[Any, int], message: str) -> bool:
    """False (and ``message``, naming the earlier row) when ``key`` is already in the file."""
    if key in seen:
        cells.report(field, message, other=seen[key])
        return False
    seen[key] = cells.row
    return True


def report(cells: Cells, problems: Sequence[Problem]) -> bool:
    """Report each problem the write rules found at its column; whether there was any."""
    for found in problems:
        cells.add(found)
    return bool(problems)


def row_is_clean(cells: Cells, before: int) -> bool:
    """Whether no problem was recorded since ``before`` problems were counted."""
    return len(cells.problems) == before


def bulk_writer(model: Any, inserts: list[dict[str, Any]],
                updates: list[dict[str, Any]]) -> Callable[[], None]:
    """A writer that applies the planned rows in bulk, through the operations layer."""

    def write() -> None:
        bulk.bulk_insert(model, inserts)
        bulk.bulk_update(model, updates)

    return write
