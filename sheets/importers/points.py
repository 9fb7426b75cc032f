"""Points entries. The ledger is append-only, so an import only ever adds entries: an entry
already in the database (same member, date, points, rule and reason) is not added again,
and a file holding it twice adds a second copy only if the database holds fewer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.changelog import Change
from core.db import db
from profiles import bulk
from profiles.models import Branch, PointsEntry, PointsRule
from profiles.points import rules as points_rules
from sheets.importers import given
from sheets.importers.membership_checks import member_on
from sheets.importers.record_pipeline import MemberFinder, report, row_is_clean, run_import
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome

EntryKey = tuple[int, dt.date, int, str, str]  # member, date, points, rule name, reason


def import_points(path: SheetFile, *, dry_run: bool = False, actor: str = "unknown",
                  create_rules: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  today: dt.date | None = None, branch: str | None = None,
                  **_: Any) -> Outcome:
    """Import points entries; raises SheetRefused (nothing written) on any problem.
    ``branch``: the branch of a sheet without a branch column."""
    supplied = given.checked(branch=branch, today=today or dt.date.today())

    def planner(rows: list[Cells], outcome: Outcome) -> Callable[[], None]:
        return _plan(rows, outcome, actor, create_rules)

    return run_import("points", path, planner, dry_run=dry_run, actor=actor, progress=progress,
                      supplied=supplied)


def _plan(rows: list[Cells], outcome: Outcome, actor: str,
          create_rules: bool) -> Callable[[], None]:
    finder = MemberFinder()
    committee_of = {code: committee for code, committee in db.session.execute(
        select(Branch.code, Branch.committee_id))}
    rules: dict[tuple[int, str], PointsRule] = {}
    for known in db.session.scalars(select(PointsRule)):
        rules[(known.committee_id, known.code)] = known
        rules.setdefault((known.committee_id, known.name), known)
    rule_names = {r.id: r.name for r in rules.values()}
    ledger = db.session.execute(select(PointsEntry.member_id, PointsEntry.recorded_on,
                                       PointsEntry.points, PointsEntry.rule_id,
                                       PointsEntry.reason))
    in_db = Counter[EntryKey]((member_id, on, points, rule_names.get(rule_id or 0, ""), reason)
                              for member_id, on, points, rule_id, reason in ledger)
    in_file: Counter[EntryKey] = Counter()
    new_rules: dict[tuple[int, str], int] = {}  # (committee, name) -> points
    entries: list[tuple[EntryKey, int, str]] = []  # key, committee, recorded_by
    for cells in rows:
        before = len(cells.problems)
        code = finder.branch_code(cells)
        recorded_on = cells.date("recorded_on", required=True)
        person = finder.find(cells, code)
        points = cells.integer("points", required=True)
        rule_text = cells.text("rule", max_length=120)
        reason = cells.text("reason", max_length=200) or rule_text
        report(cells, points_rules.points_problems(points=points, reason=reason))
        recorded_by = cells.text("recorded_by", max_length=60) or actor
        if person is None or recorded_on is None or points is None \
                or not row_is_clean(cells, before) \
                or not member_on(finder, cells, person, code or "", recorded_on, "recorded_on"):
            continue
        committee = committee_of[person.branch_code]
        rule = rules.get((committee, rule_text)) if rule_text else None
        if rule_text and rule is None:
            if not create_rules:
                cells.report("rule", "No points rule '%(value)s'. Check the name, or import "
                             "with --create-rules to add it.", value=rule_text)
                continue
            new_rules.setdefault((committee, rule_text), points)
        key: EntryKey = (person.id, recorded_on, points, rule.name if rule else rule_text, reason)
        in_file[key] += 1
        if in_file[key] <= in_db[key]:
            outcome.unchanged += 1
            continue
        entries.append((key, committee, recorded_by))
        outcome.changes.append(Change(
            "insert", "points_entry", f"{person.number} {recorded_on.isoformat()}",
            f"{person.name} {points:+d} {reason}", cells.row,
            {"points": (None, points), "reason": (None, reason)}))
    outcome.created = [f"{name} ({points:+d})" for (_, name), points in new_rules.items()]
    outcome.side_changes = [Change("insert", "points_rule", name, name, 0,
                                   {"name": (None, name), "points": (None, points)})
                            for (_, name), points in new_rules.items()]

    def write() -> None:
        ids = {key: rule.id for key, rule in rules.items()}
        taken = {code for (_, code) in rules}
        for (committee, name), points in new_rules.items():
            code = next(f"import{n}" for n in range(1, 10_000) if f"import{n}" not in taken)
            taken.add(code)
            ids[(committee, name)] = bulk.add_points_rule(committee, code, name, points)
        bulk.bulk_insert(PointsEntry, [
            {"member_id": key[0], "recorded_on": key[1], "points": key[2],
             "rule_id": ids[(committee, key[3])] if key[3] else None, "reason": key[4],
             "recorded_by": recorded_by}
            for key, committee, recorded_by in entries])

    return write
