"""What the record importers share: finding the member a row names, and the
read → check → plan → write-in-one-transaction pipeline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.db import db
from profiles import operations as ops
from profiles import rules
from profiles.models import Branch, Member
from sheets.cells import Cells, data_rows
from sheets.columns import COLUMNS, SHEET_NAMES
from sheets.headers import find_header
from sheets.outcome import Outcome
from sheets.problems import Problem, SheetRefused, problem
from sheets.readers import read_table
from sheets.transaction import commit_import, import_transaction
from sheets.upload import SheetFile

Planner = Callable[[list[Cells], Outcome], Callable[[], None]]


@dataclass(frozen=True)
class Person:
    """The member fields record importers need."""

    id: int
    number: str
    name: str
    branch_id: int
    branch_code: str


class MemberFinder:
    """Every member, loaded in two queries, found by 党员编号 or by name (+ branch)."""

    def __init__(self) -> None:
        branches = db.session.execute(select(Branch.id, Branch.code, Branch.name)).all()
        codes = {branch_id: code for branch_id, code, _ in branches}
        self.branch_names = {code: name for _, code, name in branches}
        self.by_number: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        rows = db.session.execute(select(Member.id, Member.number, Member.name,
                                         Member.branch_id)).all()
        for member_id, number, name, branch_id in rows:
            person = Person(member_id, number, name, branch_id, codes[branch_id])
            self.by_number[number] = person
            self.by_name.setdefault(name, []).append(person)

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

    def find(self, cells: Cells, branch_code: str | None, required: bool = True) -> Person | None:
        """The member the row names; a problem if none, unknown or ambiguous."""
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
                 if not branch_code or p.branch_code == branch_code]
        if len(found) == 1:
            return found[0]
        cells.report("name", "No member called %(value)s." if not found else
                     "Several members are called %(value)s; add their 党员编号.", value=name)
        return None


def run_import(kind: str, path: SheetFile, planner: Planner, *, dry_run: bool, actor: str,
               progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Read and check every row; write nothing unless all are good, then all in one go."""
    table = read_table(path, (SHEET_NAMES[kind],))
    header = find_header(table.rows, COLUMNS[kind], table.name)
    problems: list[Problem] = []
    rows = list(data_rows(table, header, problems))
    if not rows:
        raise SheetRefused([problem("The sheet has a header but no data rows.", header.row)])
    if progress:
        progress(0, len(rows))
    outcome = Outcome(kind, path.name, len(rows), dry_run=dry_run)
    with import_transaction(dry_run):
        write = planner(rows, outcome)
        if progress:
            progress(len(rows), len(rows))
        if problems:
            raise SheetRefused(sorted(problems, key=lambda p: (p.row or 0, p.column or 0)))
        if not dry_run and outcome.changes:
            commit_import(write, outcome.side_changes + outcome.changes, actor,
                          f"import {kind} {path.name}")
    return outcome


def first_time(cells: Cells, field: str, key: Any, seen: dict[Any, int], message: str) -> bool:
    """False (and ``message``, naming the earlier row) when ``key`` is already in the file."""
    if key in seen:
        cells.report(field, message, other=seen[key])
        return False
    seen[key] = cells.row
    return True


def report(cells: Cells, problems: Sequence[rules.Problem]) -> bool:
    """Report each problem the write rules found at its column; whether there was any."""
    for found in problems:
        cells.report(found.field or "", found.message, **found.kwargs)
    return bool(problems)


def row_is_clean(cells: Cells, before: int) -> bool:
    """Whether no problem was recorded since ``before`` problems were counted."""
    return len(cells.problems) == before


def bulk_writer(model: Any, inserts: list[dict[str, Any]],
                updates: list[dict[str, Any]]) -> Callable[[], None]:
    """A writer that applies the planned rows in bulk, through the operations layer."""

    def write() -> None:
        ops.bulk_insert(model, inserts)
        ops.bulk_update(model, updates)

    return write
