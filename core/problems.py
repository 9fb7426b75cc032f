"""One problem: why a write or a file is refused, carried from the rule to the page or the
import report.

A problem names the field it concerns (None: the whole record), its English msgid and the
msgid's parameters; it is translated when shown, in the locale of whoever reads it. Found
in a spreadsheet, it also says where: ``problem(...).at(row=, column=, header=)`` is the
same problem at a cell (row and column as Excel numbers them), and ``sheet`` names the
sheet when a workbook has several.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Problem:
    """One reason a write or a file is refused; ``str(problem)`` translates it, with where
    it was found in a file when it was found in one."""

    field: str | None
    msgid: str  # the English msgid, with %(name)s parameters
    params: tuple[tuple[str, Any], ...] = ()
    row: int | None = None  # 1-based, as Excel numbers rows; None for the whole file
    column: int | None = None  # 1-based; None for the whole row
    header: str = ""  # the header text of the column, as found in the file
    sheet: str = ""  # the sheet's name, when a workbook has several data sheets
    sheet_no: int = 0  # the order the sheets were read in, for sorting

    @property
    def kwargs(self) -> dict[str, Any]:
        """The message's parameters."""
        return dict(self.params)

    @property
    def message(self) -> str:
        """The message alone (no place), translated in the current locale."""
        return str(gettext(self.msgid, **self.kwargs))

    def at(self, row: int | None = None, column: int | None = None,
           header: str | None = None, sheet: str | None = None,
           sheet_no: int | None = None) -> Problem:
        """This problem found at a place in a file; what is not given is kept."""
        where: dict[str, Any] = {"row": row, "column": column, "header": header,
                                 "sheet": sheet, "sheet_no": sheet_no}
        return replace(self, **{k: v for k, v in where.items() if v is not None})

    def __str__(self) -> str:
        if self.sheet:
            return str(gettext("Sheet %(sheet)s: %(problem)s", sheet=self.sheet,
                               problem=replace(self, sheet="")))
        if self.row is not None and self.column is not None:
            return str(gettext("Row %(row)s, column %(column)s (%(header)s): %(message)s",
                               row=self.row, column=get_column_letter(self.column),
                               header=self.header, message=self.message))
        if self.row is not None:
            return str(gettext("Row %(row)s: %(message)s", row=self.row,
                               message=self.message))
        return self.message


def problem(field: str | None, msgid: str, **params: Any) -> Problem:
    """A problem with ``msgid`` (an English msgid with %(name)s parameters)."""
    return Problem(field, msgid, tuple(sorted(params.items())))
