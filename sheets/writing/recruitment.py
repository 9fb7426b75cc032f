"""The yearly development table of a branch as a workbook (no private data: counts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from openpyxl import Workbook

from profiles.recruitment.report import COUNTED, YearRow
from sheets.columns import Column
from sheets.writing.safe_text import write_as_text
from sheets.writing.styling import format_rows, start_sheet

TABLE_COLUMNS = (
    Column("year", "年度", "Year", width=8),
    Column("applications", "递交入党申请", "Applications"),
    Column("activists", "确定入党积极分子", "Activists"),
    Column("candidates", "确定发展对象", "Candidates"),
    Column("admitted", "发展党员（预备党员）", "Admitted"),
    Column("converted", "预备党员转正", "Converted"),
    Column("ended", "终止发展", "Ended"),
)


def write_yearly_table(path: BinaryIO, branch_name: str, year: int,
                       rows: Sequence[YearRow]) -> None:
    """Title, header and one row per year, with a total row."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "发展党员统计"
    start_sheet(ws, f"{branch_name} 发展党员工作年度统计（截至{year}年）", TABLE_COLUMNS)
    for row in rows:
        ws.append([row.year, *(getattr(row, name) for name, _ in COUNTED)])
    ws.append(["合计", *(sum(getattr(r, name) for r in rows) for name, _ in COUNTED)])
    format_rows(ws, TABLE_COLUMNS)
    write_as_text(ws)
    workbook.save(path)
