"""Sheet formatting shared by the export and the templates: title, header style, widths."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sheets.columns import Column

HEADER_FILL = PatternFill("solid", fgColor="C00000")  # the red of party documents
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"
DATE_FIELDS = frozenset({"birth_date", "joined_on", "converted_on", "held_on", "paid_on",
                         "recorded_on"})
MONEY_FIELDS = frozenset({"dues_base", "due", "paid"})
TEXT_FIELDS = frozenset({"number", "id_number", "phone", "month", "branch_code"})


def start_sheet(ws: Worksheet, title: str, columns: Sequence[Column]) -> None:
    """Row 1: a merged title; row 2: the styled header, frozen; column widths and formats."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    ws.append([c.zh for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width + 2
    ws.freeze_panes = "A3"
    # Printed: landscape, one page wide, the header repeated on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"


def format_rows(ws: Worksheet, columns: Sequence[Column], first_row: int = 3) -> None:
    """Borders and number formats on the data rows (dates, yuan, codes kept as text)."""
    for index, column in enumerate(columns, start=1):
        fmt = ("@" if column.field in TEXT_FIELDS else DATE_FORMAT
               if column.field in DATE_FIELDS else MONEY_FORMAT
               if column.field in MONEY_FIELDS else None)
        for row in range(first_row, ws.max_row + 1):
            cell = ws.cell(row=row, column=index)
            cell.border = BORDER
            if fmt:
                cell.number_format = fmt
    if ws.max_row >= first_row:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{ws.max_row}"
