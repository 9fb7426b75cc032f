"""A report as an .xlsx workbook: a cover sheet, then one sheet per table, Chinese
headings, money as yuan, rates as percentages, every text cell formula-safe."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from profiles.reports.figures import Money, Rate, Report, Table, period_label
from sheets.writing.safe_text import write_as_text
from sheets.writing.styling import BORDER, HEADER_FILL, HEADER_FONT, MONEY_FORMAT, TITLE_FONT

PERCENT_FORMAT = "0.0%"
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name


def _value(cell: object) -> object:
    if isinstance(cell, Money):
        return cell.cents / 100
    if isinstance(cell, Rate):
        value = cell.value
        return float(value) if value is not None else None
    return cell


def _write_table(wb: Workbook, table: Table, report: Report) -> None:
    ws = wb.create_sheet(table.title[:SHEET_TITLE_MAX])
    width = max(len(table.columns), 1)
    ws.append([f"{table.title}（{period_label(report.period)}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(table.columns))
    for index, name in enumerate(table.columns, start=1):
        cell = ws.cell(row=2, column=index)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = max(8, min(28, 2 * len(name) + 2))
    for row in table.rows:
        ws.append([_value(c) for c in row])
        for index, cell in enumerate(row, start=1):
            target = ws.cell(row=ws.max_row, column=index)
            target.border = BORDER
            if isinstance(cell, Money):
                target.number_format = MONEY_FORMAT
            elif isinstance(cell, Rate):
                target.number_format = PERCENT_FORMAT
    ws.freeze_panes = "A3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    write_as_text(ws)


def report_xlsx(report: Report) -> bytes:
    """The workbook's bytes."""
    wb = Workbook()
    cover = wb.active
    cover.title = "说明"
    for line in (report.title, f"单位：{report.organisation}", f"范围：{report.scope}",
                 f"统计期间：{period_label(report.period)}（{report.period.first_day.isoformat()}"
                 f"至{report.period.last_day.isoformat()}）",
                 f"制表日期：{report.made_on.isoformat()}",
                 "口径：党员按当前所在支部统计，已转出党员不计；党费按各月记录汇总，欠缴按现有缴费记录计算。"):
        cover.append([line])
    cover["A1"].font = TITLE_FONT
    cover.column_dimensions["A"].width = 90
    write_as_text(cover)
    for table in report.tables:
        _write_table(wb, table, report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
