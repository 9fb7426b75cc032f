"""Democratic evaluation (民主评议党员): one row per member and year, stage and rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.changelog import Change
from core.db import db
from profiles.enums import EvaluationStage, Rating
from profiles.evaluations import rules as evaluation_rules
from profiles.models import Evaluation
from sheets.importers import given, inference
from sheets.importers.membership_checks import member_during
from sheets.importers.record_pipeline import (
    MemberFinder,
    bulk_writer,
    first_time,
    report,
    row_is_clean,
    run_import,
)
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome


def import_evaluations(path: SheetFile, *, dry_run: bool = False, actor: str = "unknown",
                       progress: Callable[[int, int], None] | None = None,
                       today: dt.date | None = None, branch: str | None = None,
                       year: int | None = None, **_: Any) -> Outcome:
    """Import evaluations; raises SheetRefused (nothing written) on any problem.

    ``year`` is the year of a sheet without a 年度 column (else its title's);
    ``branch`` the branch of a sheet without a branch column."""
    supplied = given.checked(branch=branch, year=year, today=today or dt.date.today())
    return run_import("evaluations", path, _plan, dry_run=dry_run, actor=actor,
                      progress=progress, supplied=supplied)


def _plan(rows: list[Cells], outcome: Outcome) -> Callable[[], None]:
    finder = MemberFinder()
    existing = {(e.member_id, e.year): e for e in db.session.scalars(select(Evaluation))}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    stages = inference.Inferences()
    for cells in rows:
        before = len(cells.problems)
        code = finder.branch_code(cells)
        year = cells.integer("year", required=True)
        person = finder.find(cells, code)
        rating = cells.choice("rating", Rating)
        stage = (cells.choice("stage", EvaluationStage, required=True) if cells.has("stage")
                 else inference.infer_stage(cells, rating, stages))
        report(cells, evaluation_rules.evaluation_problems(year=year, stage=stage, rating=rating))
        if person is None or year is None:
            continue
        first_time(cells, "year", (person.id, year), seen,
                   "This member's evaluation for this year is already in row %(other)s.")
        if stage is None or not row_is_clean(cells, before) \
                or not member_during(finder, cells, person, code or "", year):
            continue
        old = existing.get((person.id, year))
        key, label = f"{person.number} {year}", person.name
        if old is None:
            inserts.append({"member_id": person.id, "year": year, "stage": stage,
                            "rating": rating})
            outcome.changes.append(Change("insert", "evaluation", key, label, cells.row,
                                          {"stage": (None, stage), "rating": (None, rating)}))
            continue
        fields = {f: (o, n) for f, o, n in (("stage", old.stage, stage),
                                            ("rating", old.rating, rating)) if o != n}
        if fields:
            updates.append({"id": old.id, "stage": stage, "rating": rating})
            outcome.changes.append(Change("update", "evaluation", key, label, cells.row, fields))
        else:
            outcome.unchanged += 1
    outcome.notes += inference.stage_notes(stages)
    return bulk_writer(Evaluation, inserts, updates)
