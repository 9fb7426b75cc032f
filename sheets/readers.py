"""Read the rows of a .xlsx sheet or a .csv file (UTF-8 with or without BOM, or GB18030)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheets.problems import SheetRefused, problem
from sheets.upload import SheetFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls (and other Office 97 files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK/GB2312


@dataclass
class Table:
    """The cell values of one sheet; ``rows[i]`` is Excel row ``i + 1``."""

    name: str
    rows: list[list[Any]]


def read_table(path: SheetFile, sheet_names: Sequence[str] = ()) -> Table:
    """The rows of ``path``; for a workbook, the first sheet named in ``sheet_names``
    (the export's sheet for this kind of record), else the first sheet.

    Raises SheetRefused when the file cannot be read at all.
    """
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetRefused([problem("Cannot read the file: %(reason)s",
                                    reason=exc.strerror or str(exc))]) from None
    if not data.strip():
        raise SheetRefused([problem("The file is empty.")])
    if suffix == ".csv":
        table = Table(path.name, _csv_rows(data))
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(data, sheet_names)
    elif suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise SheetRefused([problem(
            "Old .xls files cannot be read. Open the file in Excel or WPS and save it as "
            ".xlsx (Excel workbook), then import that.")])
    else:
        raise SheetRefused([problem("Only .xlsx and .csv files can be imported.")])
    while table.rows and not any(_filled(v) for v in table.rows[-1]):
        table.rows.pop()
    if not table.rows:
        raise SheetRefused([problem("The file is empty.")])
    return table


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _csv_rows(data: bytes) -> list[list[Any]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Excel's "Text (Tab delimited)" is also saved as .csv by some secretaries.
        head = text[:4096]
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""),
                                                delimiter=delimiter)]
    raise SheetRefused([problem(
        "The CSV file is neither UTF-8 nor GBK/GB18030 text. Save it from Excel as "
        "'CSV UTF-8' and import it again.")])


def _xlsx_table(data: bytes, sheet_names: Sequence[str]) -> Table:
    from openpyxl import load_workbook

    if data.startswith(OLE_MAGIC):
        raise SheetRefused([problem(
            "This file is named .xlsx but is an old .xls workbook. Open it in Excel or WPS "
            "and save it as .xlsx (Excel workbook), then import that.")])
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetRefused([problem(
            "This file is named .xlsx but is not an Excel workbook (it may be a renamed CSV, "
            "HTML or damaged file). Open it in Excel or WPS and save it as .xlsx.")])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged package; all mean the same
        raise SheetRefused([problem(
            "This file is named .xlsx but could not be opened as an Excel workbook "
            "(it may be damaged). Open it in Excel or WPS and save it again.")]) from None
    try:
        sheet = next((workbook[n] for n in sheet_names if n in workbook.sheetnames),
                     workbook.worksheets[0])
        sheet.reset_dimensions()  # some writers store a wrong size; read what is there
        rows = [list(r) for r in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()
    width = max((len(r) for r in rows), default=0)
    return Table(sheet.title, [r + [None] * (width - len(r)) for r in rows])
