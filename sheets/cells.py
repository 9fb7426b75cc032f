"""Read typed values from one data row, recording a problem (row, column) for each bad cell."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from profiles.labels import LABELS, parse_label
from sheets.headers import HeaderRow
from sheets.problems import Problem, problem
from sheets.readers import Table
from sheets.values import clean_name, clean_text, parse_date, parse_int, parse_month, parse_yuan

E = TypeVar("E", bound=enum.StrEnum)
# What secretaries type for "none" in an optional column (e.g. 党内职务: 无).
NONE_WORDS = frozenset({"", "无", "暂无", "/", "-", "—", "－", "／"})
T = TypeVar("T")


class Cells:
    """The cells of one data row, addressed by field name."""

    def __init__(self, header: HeaderRow, row: int, values: list[Any],
                 problems: list[Problem]) -> None:
        self.header = header
        self.row = row  # as Excel numbers it
        self.values = values
        self.problems = problems

    def has(self, field: str) -> bool:
        """Whether the sheet has this column."""
        return field in self.header.fields

    def raw(self, field: str) -> Any:
        """The cell value as read, None if the column is absent or the cell empty."""
        col = self.header.fields.get(field)
        if col is None or col > len(self.values):
            return None
        value = self.values[col - 1]
        return None if isinstance(value, str) and not clean_text(value) else value

    def report(self, field: str, message: str, **params: Any) -> None:
        """Record a problem in this row at the field's column (or the row if absent)."""
        col = self.header.fields.get(field)
        header = self.header.headers.get(col, "") if col else ""
        self.problems.append(problem(message, self.row, col, header, **params))

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
            return dt.date(month // 100, month % 100, 1)
        self.report(field, "Incomplete date '%(value)s': give the day too, like 2019-07-01.",
                    value=clean_text(value))
        return None

    def month(self, field: str, required: bool = False) -> int | None:
        """A month as YYYYMM."""
        return self._parse(field, parse_month, required,
                           "Unrecognised month '%(value)s' (write it like 2026-01)")

    def cents(self, field: str, required: bool = False) -> int | None:
        """An amount in yuan, as fen."""
        return self._parse(field, parse_yuan, required,
                           "Not an amount of money in yuan: '%(value)s'")

    def integer(self, field: str, required: bool = False) -> int | None:
        """A whole number."""
        return self._parse(field, parse_int, required, "Not a whole number: '%(value)s'")

    def choice(self, field: str, enum_cls: type[E], required: bool = False) -> E | None:
        """One of a fixed set of values, from its Chinese or English label."""
        text = clean_text(self.raw(field))
        if text in NONE_WORDS and not required:
            return None
        if not text:
            if required:
                self.report(field, "This cell is empty but required.")
            return None
        found = parse_label(text, enum_cls)
        if found is None:
            choices = "、".join(LABELS[v][0] for v in enum_cls)
            self.report(field, "Unknown value '%(value)s'; expected one of: %(choices)s",
                        value=text, choices=choices)
            return None
        return found  # type: ignore[return-value]


def data_rows(table: Table, header: HeaderRow, problems: list[Problem]) -> Iterator[Cells]:
    """The non-empty rows below the header."""
    for index in range(header.row, len(table.rows)):
        values = table.rows[index]
        if any(clean_text(v) for v in values):
            yield Cells(header, index + 1, values, problems)
