"""Read typed values from one data row, recording a problem (row, column) for each bad cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from core.problems import Problem, problem
from core.text import unsafe_characters
from profiles.labels import LABELS
from profiles.limits import MAX_CENTS, MAX_POINTS
from profiles.months import first_day
from sheets.reading.header_row import HeaderRow
from sheets.reading.spellings import NONE_WORDS, E, parse_value
from sheets.reading.values import (
    clean_name,
    clean_text,
    parse_cell_yuan,
    parse_date,
    parse_int,
    parse_month,
    year_fraction,
)
from sheets.reading.workbooks import Table

T = TypeVar("T")

# The largest amount and points a cell may hold are the domain's (profiles/limits.py).

_RELEASED: list[Any] = []  # shared by every released row; never appended to


class Cells:
    """The cells of one data row, addressed by field name."""

    # Slots: an import of 100,000 rows holds 100,000 of these until it commits.
    __slots__ = ("header", "row", "values", "problems", "overrides")

    def __init__(self, header: HeaderRow, row: int, values: list[Any],
                 problems: list[Problem], overrides: dict[str, Any] | None = None) -> None:
        self.header = header
        self.row = row  # as Excel numbers it
        self.values = values
        self.problems = problems
        # Values that replace a column's cell: a dues row spread over a month range, a
        # month column turned into a row (the row number stays the sheet's).
        self.overrides = overrides

    def release(self) -> None:
        """Drop the row's raw values once they are parsed (reports still name the cell)."""
        self.values = _RELEASED
        self.overrides = None

    def with_values(self, **overrides: Any) -> Cells:
        """This row with some fields' values replaced (and present, if they were not)."""
        return Cells(self.header, self.row, self.values, self.problems,
                     {**(self.overrides or {}), **overrides})

    def has(self, field: str) -> bool:
        """Whether the sheet has this column."""
        return field in self.header.fields or (self.overrides is not None
                                               and field in self.overrides)

    def raw(self, field: str) -> Any:
        """The cell value as read, None if the column is absent or the cell empty
        (or holds a word for "none": 无, -, —, / …)."""
        if self.overrides is not None and field in self.overrides:
            value = self.overrides[field]
        else:
            col = self.header.fields.get(field)
            if col is None or col > len(self.values):
                return None
            value = self.values[col - 1]
        if isinstance(value, str) and clean_text(value) in NONE_WORDS:
            return None
        return value

    def report(self, field: str, message: str, **params: Any) -> None:
        """Record a problem in this row at the field's column (or the row if absent)."""
        self.add(problem(field or None, message, **params))

    def add(self, found: Problem) -> None:
        """Record a problem (a write rule's, say) in this row at its field's column (or the
        row if the sheet has no such column)."""
        col = self.header.fields.get(found.field or "")
        header = self.header.headers.get(col, "") if col else ""
        found = found.at(row=self.row, column=col, header=header)
        if self.header.sheet:
            found = found.at(sheet=self.header.sheet, sheet_no=self.header.sheet_no)
        self.problems.append(found)

    def check_characters(self) -> None:
        """A problem for each read cell holding a control character or bidi override."""
        texts = [v for v in self.values if isinstance(v, str)]
        if not unsafe_characters("".join(texts)):
            return  # the usual case: one search over the whole row
        for field, col in self.header.fields.items():
            value = self.values[col - 1] if col <= len(self.values) else None
            if isinstance(value, str):
                found = unsafe_characters(value)
                if found:
                    self.report(field, "The cell holds an invisible control character "
                                "(%(code)s), which no name or date contains; retype the "
                                "cell.", code=found[0].code)

    def text(self, field: str, required: bool = False, max_length: int = 200) -> str:
        """Cleaned text ('' if empty); too long or required-but-empty is a problem."""
        value = clean_text(self.raw(field))
        return self._check_text(field, value, required, max_length)

    def name(self, field: str, required: bool = False) -> str:
        """A person's name with full-width and stray spaces removed."""
        return self._check_text(field, clean_name(self.raw(field)), required, 60)

    def _check_text(self, field: str, value: str, required: bool, max_length: int) -> str:
        if required and not value:
            self.report(field, "This cell is empty but required.")
        elif len(value) > max_length:
            self.report(field, "Too long: at most %(count)s characters.", count=max_length)
        return value

    def _parse(self, field: str, parser: Callable[[Any], T], required: bool,
               message: str) -> T | None:
        value = self.raw(field)
        if value is None:
            if required:
                self.report(field, "This cell is empty but required.")
            return None
        try:
            return parser(value)
        except (ValueError, OverflowError):
            self.report(field, message, value=clean_text(value))
            return None

    def date(self, field: str, required: bool = False,
             month_only: bool = False) -> dt.date | None:
        """A date in any of the forms people type, or an Excel date cell.

        ``month_only`` accepts a year and month (出生年月 '1985.03') as the 1st of the month;
        elsewhere a date without its day is refused with a message saying so.
        """
        value = self.raw(field)
        if value is None or isinstance(value, (dt.date, dt.datetime)):
            return self._parse(field, parse_date, required, "Unrecognised date '%(value)s'")
        if year_fraction(value):
            self._year_fraction(field, value)
            return None
        try:
            return parse_date(value)
        except (ValueError, OverflowError):
            pass
        try:
            month = parse_month(value)
        except (ValueError, OverflowError):
            self.report(field, "Unrecognised date '%(value)s'", value=clean_text(value))
            return None
        if month_only:
            return first_day(month)
        self.report(field, "Incomplete date '%(value)s': give the day too, like 2019-07-01.",
                    value=clean_text(value))
        return None

    def _year_fraction(self, field: str, value: float) -> None:
        self.report(field, "The cell holds the number %(value)s, not a date: a month typed "
                    "as %(value)s0 into a General cell loses its last 0, so October and "
                    "January cannot be told apart. Type it as %(year)s-10 or %(year)s-01 "
                    "(or format the column as text).", value=f"{value:g}",
                    year=int(value))

    def month(self, field: str, required: bool = False) -> int | None:
        """A month as YYYYMM."""
        value = self.raw(field)
        if year_fraction(value):
            self._year_fraction(field, value)
            return None
        return self._parse(field, parse_month, required,
                           "Unrecognised month '%(value)s' (write it like 2026-01)")

    def cents(self, field: str, required: bool = False) -> int | None:
        """An amount in yuan, as fen (at most a million yuan)."""
        found = self._parse(field, parse_cell_yuan, required,
                            "Not an amount of money in yuan: '%(value)s'")
        if found is not None and found > MAX_CENTS:
            self.report(field, "The amount %(value)s yuan is beyond what a cell may hold "
                        "(at most %(max)s yuan).", value=clean_text(self.raw(field)),
                        max=MAX_CENTS // 100)
            return None
        return found

    def integer(self, field: str, required: bool = False,
                limit: int = MAX_POINTS) -> int | None:
        """A whole number from -limit to limit."""
        found = self._parse(field, parse_int, required, "Not a whole number: '%(value)s'")
        if found is not None and abs(found) > limit:
            self.report(field, "The number %(value)s is out of range (from -%(max)s to "
                        "%(max)s).", value=found, max=limit)
            return None
        return found

    def choice(self, field: str, enum_cls: type[E], required: bool = False) -> E | None:
        """One of a fixed set of values, from its Chinese or English label."""
        text = clean_text(self.raw(field))
        if not text:
            if required:
                self.report(field, "This cell is empty but required.")
            return None
        known, found = parse_value(text, enum_cls)
        if not known:
            choices = "、".join(LABELS[v][0] for v in enum_cls)
            self.report(field, "Unknown value '%(value)s'; expected one of: %(choices)s",
                        value=text, choices=choices)
            return None
        if found is None and required:
            self.report(field, "This cell is empty but required.")
        return found


def data_rows(table: Table, header: HeaderRow, problems: list[Problem]) -> Iterator[Cells]:
    """The non-empty rows below the header."""
    for index in range(header.row, len(table.rows)):
        values = table.rows[index]
        if any(clean_text(v) for v in values):
            cells = Cells(header, index + 1, values, problems)
            cells.check_characters()
            yield cells
