"""What the person importing supplies when a sheet does not say it (``--branch``, ``--year``;
on the console, the branch being imported into), and what a sheet's own title gives.

A branch's own roster has no branch column, an evaluation sheet often no 年度 column: the
value supplied stands in for the missing column in every row (a row then reads as if the
column were there), and the report says so. A row that leaves its branch cell empty takes
the branch given too; a row naming another branch than the one imported into is a
problem at that row. Also here: the sheets no importer can
take as they are (a 历史党员 roster), refused before any row is read, saying what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext

from core.problems import problem
from sheets.columns import read_columns
from sheets.reading.header_row import HeaderRow, normalise
from sheets.reading.row_cells import Cells
from sheets.reading.values import clean_text
from sheets.reading.workbooks import Table
from sheets.report.refusal import SheetRefused

# A required field an importer infers from another column when the sheet lacks it:
# 人员类别 from 入党日期/转正日期, 评议阶段 (支部评定) from a 评定等次.
INFERRED = {"members": {"category": "joined_on"}, "evaluations": {"stage": "rating"}}
_YEAR = re.compile(r"((?:19|20|21)\d{2})\s*年")
# A roster of former members: its sheet or title says so, or its columns say why and
# when each membership ended (全国党员管理信息系统's 历史党员 / 党员减少 lists).
_FORMER_TITLE = re.compile(r"历史党员|减少党员|党员减少|出党人员|已故党员")
# Only the columns of such a list: a roster of current members may date a death or an
# expulsion in its status columns (状态日期, 去世日期 …) and is not a list of former members.
_FORMER_COLUMNS = frozenset(normalise(h) for h in (
    "减少类型", "减少原因", "减少方式", "减少日期", "减少时间", "出党方式", "出党原因", "离开原因",
    "党籍终止日期", "终止原因"))


@dataclass(frozen=True)
class Supplied:
    """Values given with the import for what a sheet may not say."""

    branch_code: str = ""  # --branch: the branch a roster or register is about
    branch_name: str = ""  # that branch's name (checked against the database first)
    year: int | None = None  # --year: the year of an evaluation sheet

    def present(self, kind: str, header: HeaderRow, table: Table) -> set[str]:
        """The required fields this sheet does not have but that are given otherwise."""
        fields = header.fields
        given = set()
        if self.branch_code and not {"branch", "branch_code"} & fields.keys():
            given.add("branch")
        if kind == "evaluations" and "year" not in fields and (
                self.year is not None or sheet_year(table, header) is not None):
            given.add("year")
        # Inferred from another column by the importer (sheets/importers/inference.py),
        # unless a column named for the field holds something else: then the person maps
        # the column that holds it (the refusal says how) rather than have it guessed.
        for field, source in INFERRED.get(kind, {}).items():
            if field not in fields and source in fields and not _named_for(
                    kind, field, [d.header for d in header.decisions if d.field is None]):
                given.add(field)
        return given


def _named_for(kind: str, field: str, headers: list[str]) -> bool:
    names = {normalise(n) for c in read_columns(kind) if c.field == field
             for n in (c.zh, c.en, *c.aliases)}
    return any(normalise(h) in names for h in headers)


def sheet_year(table: Table, header: HeaderRow) -> int | None:
    """The year a sheet's title rows (or the sheet's name) give: 2026年党费收缴台账."""
    for row in table.rows[:header.first - 1]:
        for value in row:
            match = _YEAR.search(clean_text(value))
            if match:
                return int(match.group(1))
    match = _YEAR.search(table.name) or re.search(r"((?:19|20|21)\d{2})", table.name)
    return int(match.group(1)) if match else None


def supply(kind: str, cells: Cells, supplied: Supplied, table: Table) -> Cells:
    """The row with the supplied values standing in for its missing columns."""
    fields = cells.header.fields
    overrides: dict[str, Any] = {}
    if supplied.branch_code:
        # No branch column, or a row that leaves its branch empty: the branch given.
        if not {"branch", "branch_code"} & fields.keys() or not (
                cells.text("branch_code") or cells.text("branch")):
            overrides = {"branch_code": supplied.branch_code, "branch": supplied.branch_name}
        else:
            _check_branch(cells, supplied)
    if kind == "evaluations" and "year" not in fields:
        year = supplied.year if supplied.year is not None else sheet_year(table, cells.header)
        if year is not None:
            overrides["year"] = year
    return cells.with_values(**overrides) if overrides else cells


def _check_branch(cells: Cells, supplied: Supplied) -> None:
    code, name = cells.text("branch_code"), cells.text("branch")
    if (code and code != supplied.branch_code) or (name and name != supplied.branch_name):
        cells.report("branch_code" if code and code != supplied.branch_code else "branch",
                     "This row is about %(value)s, but the file is being imported into "
                     "%(branch)s; correct the row, or import the file without choosing a "
                     "branch.",
                     value=name or code, branch=supplied.branch_name)


def supplied_notes(kind: str, headers: list[tuple[Table, HeaderRow]],
                   supplied: Supplied) -> list[Any]:
    """What the report says about the values that stood in for missing columns."""
    notes: list[Any] = []
    for table, header in headers:
        where = header.sheet or table.name
        if supplied.branch_code and not {"branch", "branch_code"} & header.fields.keys():
            notes.append(lazy_gettext(
                "Sheet %(sheet)s has no branch column: every row was read as %(branch)s, the "
                "branch being imported into.", sheet=where, branch=supplied.branch_name))
        elif supplied.branch_code:
            notes.append(lazy_gettext(
                "Sheet %(sheet)s: rows that leave the branch empty were read as %(branch)s, "
                "the branch being imported into.", sheet=where, branch=supplied.branch_name))
        if kind == "evaluations" and "year" not in header.fields:
            if supplied.year is not None:
                notes.append(lazy_gettext(
                    "Sheet %(sheet)s has no 年度 column: every row was read as %(year)s, the "
                    "year given with the import.", sheet=where, year=supplied.year))
            elif (year := sheet_year(table, header)) is not None:
                notes.append(lazy_gettext(
                    "Sheet %(sheet)s has no 年度 column: every row was read as %(year)s, the "
                    "year in its title. If that is wrong, give the year with the import "
                    "(--year).", sheet=where, year=year))
    return notes


def missing_help(kind: str, missing: set[str]) -> list[Any]:
    """How to supply a required column a sheet lacks, where it can be supplied."""
    found = []
    if "branch" in missing:
        found.append(problem(None,
            "The sheet names no branch (所在支部 or 支部编号). If it is one branch's own "
            "list, choose that branch when you import it."))
    if kind == "evaluations" and "year" in missing:
        found.append(problem(None,
            "The sheet does not say the year: add a 年度 column, put the year in the title "
            "(2025年度民主评议党员), or give the year with the import (--year 2025)."))
    return found


def refuse_former_members(headers: list[tuple[Table, HeaderRow]]) -> None:
    """A roster of former members (历史党员) is imported as ended memberships when it says
    why each ended (减少类型, read as the status, with 减少日期 as its date); one that does
    not say why is refused, saying what to add."""
    for table, header in headers:
        title = " ".join(clean_text(v) for row in table.rows[:header.first - 1] for v in row)
        columns = [h for h in header.headers.values() if normalise(h) in _FORMER_COLUMNS]
        if "status" in header.fields:
            continue
        if _FORMER_TITLE.search(table.name) or _FORMER_TITLE.search(title) or columns:
            raise SheetRefused([problem(None,
                "Sheet %(sheet)s is a list of former members (历史党员: %(columns)s) but does "
                "not say why each membership ended: add a 减少类型 column (去世, 转出, "
                "自行脱党除名, 开除党籍 or 退党) and a 减少日期 column, or take this sheet (or "
                "these rows) out of the file and import the current members.",
                sheet=header.sheet or table.name,
                columns="、".join(columns) or table.name).at(row=header.row)])


def former_list(header: HeaderRow) -> bool:
    """Whether the sheet's status column says why a membership ended (减少类型 …): every
    row of it is a former member."""
    return "status" in header.fields and normalise(header.header("status")) in _FORMER_COLUMNS
