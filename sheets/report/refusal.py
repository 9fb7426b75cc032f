"""A problem found in a spreadsheet: where (row, column as Excel shows them) and what."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext, lazy_gettext
from openpyxl.utils import get_column_letter

from core.errors import UserError


@dataclass(frozen=True)
class Problem:
    """One problem; ``message`` is translated when the problem is shown."""

    row: int | None  # 1-based, as Excel numbers rows; None for the whole file
    column: int | None  # 1-based; None for the whole row
    header: str  # the header text of the column, as found in the file
    message: Any  # a lazy string, rendered in the current locale
    sheet: str = ""  # the sheet's name, when a workbook has several data sheets
    sheet_no: int = 0  # the order the sheets were read in, for sorting

    def __str__(self) -> str:
        message = str(self.message)
        if self.sheet:
            return str(gettext("Sheet %(sheet)s: %(problem)s", sheet=self.sheet,
                               problem=replace(self, sheet="")))
        if self.row is not None and self.column is not None:
            return str(gettext("Row %(row)s, column %(column)s (%(header)s): %(message)s",
                           row=self.row, column=get_column_letter(self.column),
                           header=self.header, message=message))
        if self.row is not None:
            return str(gettext("Row %(row)s: %(message)s", row=self.row, message=message))
        return message


def problem(message: str, row: int | None = None, column: int | None = None,
            header: str = "", **params: Any) -> Problem:
    """A problem whose English msgid ``message`` is translated lazily with ``params``."""
    return Problem(row, column, header, lazy_gettext(message, **params))


class SheetRefused(UserError):
    """The file was refused whole; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
