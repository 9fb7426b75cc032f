"""Find the header row (under title rows and merged cells) and map headers to fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheets.columns import Column
from sheets.problems import Problem, SheetRefused, problem
from sheets.values import clean_text

SEARCH_ROWS = 15  # a header further down than this is not a roster we understand

# Decorations around header text: required-markers, notes in brackets, colons.
_DECOR = re.compile(r"[\s\u3000*＊:：]|[(（]必填[)）]|[(（]选填[)）]")


def normalise(header: Any) -> str:
    """A header reduced for comparison: no spaces, markers or case; brackets made full-width."""
    text = _DECOR.sub("", clean_text(header)).casefold()
    return text.replace("(", "（").replace(")", "）")


def _lookup(columns: Sequence[Column]) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in columns:
        for name in (column.zh, column.en, column.field, *column.aliases):
            table.setdefault(normalise(name), column.field)
    return table


@dataclass
class HeaderRow:
    """Where the header is (1-based row) and which column (1-based) holds which field."""

    row: int
    fields: dict[str, int]
    headers: dict[int, str]  # the header text as written, per column

    def header(self, field: str) -> str:
        """The header text of a field's column."""
        return self.headers[self.fields[field]]


def find_header(rows: list[list[Any]], columns: Sequence[Column], sheet: str = "") -> HeaderRow:
    """The row among the first few that names the most known columns.

    Raises SheetRefused when no header is found, a column appears twice or a
    required column is missing.
    """
    lookup = _lookup(columns)
    best: tuple[int, int] = (0, -1)
    for index, row in enumerate(rows[:SEARCH_ROWS]):
        known = {lookup[n] for n in map(normalise, row) if n in lookup}
        if len(known) > best[0]:
            best = (len(known), index)
    if best[0] < 2:
        names = "、".join(c.zh for c in columns if c.required)
        raise SheetRefused([problem(
            "No header row found in the first %(count)s rows of sheet '%(sheet)s'. The sheet "
            "needs a row of column names such as %(names)s.", count=SEARCH_ROWS, names=names,
            sheet=sheet)])
    index = best[1]
    fields: dict[str, int] = {}
    headers: dict[int, str] = {}
    problems: list[Problem] = []
    for col, cell in enumerate(rows[index], start=1):
        field = lookup.get(normalise(cell))
        if field is None:
            continue
        if field in fields:
            problems.append(problem(
                "This column repeats column %(other)s; delete one of them.",
                index + 1, col, clean_text(cell), other=clean_text(rows[index][fields[field] - 1])))
            continue
        fields[field] = col
        headers[col] = clean_text(cell)
    for column in columns:
        if column.required and column.field not in fields:
            problems.append(problem("Required column '%(name)s' is missing.", index + 1,
                                    name=column.zh))
    if problems:
        raise SheetRefused(problems)
    return HeaderRow(index + 1, fields, headers)
