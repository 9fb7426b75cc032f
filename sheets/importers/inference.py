"""What an importer infers when a sheet lacks a column, and says it did.

- **人员类别** (a roster without it): 正式党员 when the row gives a 转正日期; 预备党员 when
  the 入党日期 is within the probation year (one year, plus any 延长预备期) before the
  import date; 正式党员 when it is two years or more before (no probation, even extended,
  lasts longer). Between the two, without a 转正日期, the row is a problem: only the
  person importing knows whether the member was converted. Only new members are given
  an inferred category; a member already on record keeps theirs.
- **评议阶段** (an evaluation sheet of ratings only): 支部评定, the only stage a rating is
  given at. A row without a rating then is a problem.
- **缴纳日期** (a 补缴 or dues sheet without it): the day given with ``--paid-on``, else the
  import date, for each row that paid something.
- **交费人** (an online-payment export): the payer is not the member. The member is the
  row's 党员姓名/党员编号; a payer who is someone else is named in the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext

from core.problems import problem
from profiles.enums import Category, EvaluationStage
from profiles.labels import label
from profiles.members.rules import probation_end
from profiles.months import add_months
from sheets.reading.row_cells import Cells
from sheets.reading.rows import MAX_NOTES_ROWS
from sheets.report.refusal import SheetRefused

PROBATION_LIMIT_MONTHS = 24  # one year, plus an extension of at most twelve months


def inferred_category(joined_on: dt.date | None, converted_on: dt.date | None,
                      extension_months: int, today: dt.date) -> Category | None:
    """The category a roster's dates imply, or None when they cannot tell."""
    if converted_on is not None:
        return Category.FULL
    if joined_on is None:
        return None
    if today < probation_end(joined_on, extension_months):
        return Category.PROBATIONARY
    if add_months(joined_on, PROBATION_LIMIT_MONTHS) <= today:
        return Category.FULL
    return None


@dataclass
class Inferences:
    """The rows given each inferred value, for the report."""

    rows: dict[Any, list[int]] = field(default_factory=dict)

    def add(self, value: Any, row: int) -> None:
        self.rows.setdefault(value, []).append(row)


def infer_category(values: dict[str, Any], cells: Cells, today: dt.date,
                   found: Inferences) -> None:
    """Give a new member without 人员类别 the category their dates imply; a problem when
    they cannot tell."""
    if values.get("category") is not None or "category" in cells.header.fields:
        return
    category = inferred_category(values.get("joined_on"), values.get("converted_on"),
                                 values.get("probation_extension_months") or 0, today)
    if category is None:
        if values.get("joined_on") is not None:
            cells.report("joined_on",
                         "The file has no 人员类别, and %(name)s joined more than a year and "
                         "less than two years ago without a 转正日期: fill in 转正日期 if the "
                         "member has been converted, or add a 人员类别 column.",
                         name=values.get("name", ""))
        return
    values["category"] = category
    found.add(category, cells.row)


def category_notes(found: Inferences) -> list[Any]:
    """What the report says about the categories inferred."""
    notes = []
    for category, rows in sorted(found.rows.items()):
        why = (lazy_gettext("a 转正日期, or 入党日期 two years or more ago")
               if category is Category.FULL else
               lazy_gettext("入党日期 within the past probation year"))
        notes.append(lazy_gettext(
            "The file has no 人员类别; new members read as %(category)s (%(why)s): %(count)s, "
            "rows %(rows)s. If one is wrong, add a 人员类别 column, or correct the member in "
            "the console.", count=len(rows), category=label(category), why=why,
            rows=_rows(rows)))
    return notes


def infer_stage(cells: Cells, rating: Any, found: Inferences) -> EvaluationStage | None:
    """支部评定 for a row with a rating on a sheet without 评议阶段; a problem without one."""
    if rating is None:
        cells.report("rating", "The sheet has no 评议阶段, so each row needs its 评定等次 (a "
                     "rating is given at 支部评定); fill it in or add a 评议阶段 column.")
        return None
    found.add(EvaluationStage.DECIDED, cells.row)
    return EvaluationStage.DECIDED


def stage_notes(found: Inferences) -> list[Any]:
    rows = found.rows.get(EvaluationStage.DECIDED)
    if not rows:
        return []
    return [lazy_gettext("The sheet has no 评议阶段; rows with a 评定等次 read as 支部评定, the "
                         "stage a rating is given at: %(count)s.", count=len(rows))]


def payment_date(cells: Cells, paid: int | None, given: dt.date, found: Inferences,
                 ) -> dt.date | None:
    """The day a row was paid: its own 缴纳日期, else (no such column) ``given``."""
    if cells.has("paid_on"):
        return cells.date("paid_on")
    if not paid:
        return None
    found.add(given, cells.row)
    return given


def payment_date_notes(found: Inferences, from_option: bool) -> list[Any]:
    notes = []
    for day, rows in found.rows.items():
        notes.append(lazy_gettext(
            "The file gives no 缴纳日期; payments recorded as paid on %(date)s, the day given "
            "with the import: %(count)s." if from_option else
            "The file gives no 缴纳日期; payments recorded as paid on %(date)s, the import "
            "date: %(count)s. If they were paid on another day, import again with --paid-on "
            "DATE or add a 缴纳日期 column.", count=len(rows), date=day.isoformat()))
    return notes


def refuse_payer_only(rows: Sequence[Cells]) -> None:
    """A payment list naming only who paid (交费人) cannot say whose dues these are."""
    header = rows[0].header if rows else None
    if header is not None and "payer" in header.fields and not {"name", "number"} & \
            header.fields.keys():
        raise SheetRefused([problem(None,
            "The sheet names who paid (%(header)s) but not the member: the payer is not "
            "always the member. Add the member's 党员姓名 or 党员编号 column.",
            header=header.header("payer")).at(row=header.row)])


def payer_note(payers: Sequence[tuple[int, str, str]]) -> list[Any]:
    """Rows whose 交费人 is not the member the dues are recorded for."""
    if not payers:
        return []
    shown = "；".join(f"{row}: {payer} → {member}" for row, payer, member in
                     payers[:MAX_NOTES_ROWS])
    return [lazy_gettext(
        "Payments made by someone other than the member (row: 交费人 → 党员): %(count)s; "
        "%(rows)s. The dues are recorded for the member, never for the payer.",
        count=len(payers), rows=shown + ("…" if len(payers) > MAX_NOTES_ROWS else ""))]


def _rows(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:MAX_NOTES_ROWS])
    return shown + ("…" if len(rows) > MAX_NOTES_ROWS else "")
