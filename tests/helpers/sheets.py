"""Builders for spreadsheet files in tests: real .xlsx through openpyxl, CSV in any encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROSTER_HEADER = ["序号", "姓名", "性别", "出生日期", "入党日期", "转正日期", "人员类别", "所在支部",
                 "党小组", "联系电话", "党员编号"]


def xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str | None = None,
         merge_title: bool = True, sheet: str = "Sheet1") -> Path:
    """Write ``rows`` to a workbook, under an optional merged title row."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    if title:
        ws.append([title])
        if merge_title:
            ws.merge_cells(start_row=1, start_column=1, end_row=1,
                           end_column=max(len(r) for r in rows))
    for row in rows:
        ws.append(list(row))
    workbook.save(path)
    return path


def csv_file(path: Path, rows: Sequence[Sequence[Any]], encoding: str) -> Path:
    """Write ``rows`` as CSV in ``encoding`` (utf-8, utf-8-sig, gbk, gb18030)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path
