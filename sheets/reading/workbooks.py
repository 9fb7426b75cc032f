"""Read the sheets of a workbook (.xlsx, .xls, .ods) or a text file (.csv, .txt).

Workbooks are read with python-calamine (a Rust reader of all three formats). On the
10,000-row roster it reads an .xlsx more than ten times faster than openpyxl's read-only
mode (bench/import_members.py measures both in the same run), and openpyxl cannot read
.xls or .ods at all.

calamine builds a dense rectangle of every sheet: a 5 KB .xlsx with one value in XFD3
and another in A60000 asks it for 983 million cells (31 GB) and the process aborts, which
no ``except`` can catch. So every .xlsx sheet is measured first, cheaply, from its XML
(``package_checks.xlsx_extent``); a sheet whose rectangle would be too large, or whose
cells cannot be measured that way, is read by openpyxl's streaming reader instead, row by
row and without padding rows to the declared size, and any value beyond the caps is
refused by its cell.
An XML part with a document type declaration (entity definitions: "billion laughs",
external entities) is refused before any parser sees it; Excel, WPS and LibreOffice
never write one (those checks: ``sheets.reading.package_checks``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from core.problems import problem
from sheets.reading.package_checks import (
    MAX_COLUMNS,
    check_directory,
    check_ods,
    check_prolog,
    not_a,
    xlsx_extent,
)
from sheets.reading.sheet_file import SheetFile
from sheets.report.refusal import SheetRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls (and other Office 97 files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK/GB2312
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXTS = (".csv", ".txt", ".tsv")

MAX_ROWS = 200_000  # a roster of 100,000 members must pass; a million-row file is refused
MAX_CELLS = 6_000_000  # calamine's rectangle: 32 bytes a cell, so under 200 MB
MAX_SHEETS = 50
MAX_FILE_BYTES = 200 * 1024 * 1024
CSV_FIELD_LIMIT = 131_072  # the csv module's default: a longer field is refused, named

# Sheets that explain how to fill in the others (read by nobody but people).
INSTRUCTION_SHEETS = re.compile(
    r"^(填写说明|填表说明|说明|使用说明|注意事项|填报说明|说明页|模板说明|示例|readme|"
    r"instructions?|notes?)\d*$", re.IGNORECASE)


@dataclass
class Table:
    """The cell values of one sheet; ``rows[i]`` is sheet row ``i + 1``.

    Rows are not padded: a row is as long as its last non-empty cell (or shorter).
    """

    name: str
    rows: list[list[Any]]


@dataclass
class Book:
    """The sheets of a file worth reading, and the sheets skipped (with why)."""

    tables: list[Table]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet, reason code)
    reader: str = ""  # which library read it (for the benchmark and the report)


def read_table(path: SheetFile, sheet_names: Sequence[str] = ()) -> Table:
    """The rows of ``path``; for a workbook, the first sheet named in ``sheet_names``
    (the export's sheet for this kind of record), else the first data sheet.

    Raises SheetRefused when the file cannot be read at all.
    """
    book = read_book(path)
    for name in sheet_names:
        for table in book.tables:
            if table.name == name:
                return table
    return book.tables[0]


def read_book(path: SheetFile, engine: str | None = None) -> Book:
    """Every sheet of ``path`` that holds something, instruction sheets left out.

    ``engine`` forces "calamine" or "openpyxl" for an .xlsx (the benchmark compares them).
    Raises SheetRefused when the file cannot be read, or is beyond the size caps.
    """
    suffix = path.suffix.lower()
    try:
        # A file on disk is measured before it is read; an upload is already in memory.
        size = path.stat().st_size if isinstance(path, Path) else None
        data = b"" if size is not None and size > MAX_FILE_BYTES else path.read_bytes()
        if (size if size is not None else len(data)) > MAX_FILE_BYTES:
            raise SheetRefused([problem(None,
                "The file is larger than %(size)s MB; split it and import the parts.",
                size=MAX_FILE_BYTES // (1024 * 1024))])
    except OSError as exc:
        raise SheetRefused([problem(None, "Cannot read the file: %(reason)s",
                                    reason=exc.strerror or str(exc))]) from None
    if not data.strip():
        raise SheetRefused([problem(None, "The file is empty.")])
    if suffix in TEXTS:
        book = Book([Table(path.name, _text_rows(data))], reader="csv")
    elif suffix in (".xlsx", ".xlsm"):
        book = _xlsx_book(data, engine)
    elif suffix == ".xls":
        if not data.startswith(OLE_MAGIC):
            raise not_a("xls")
        book = _calamine_book(data, "xls")
    elif suffix == ".ods":
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise not_a("ods")
        check_ods(data)
        book = _calamine_book(data, "ods")
    else:
        raise SheetRefused([problem(None,
            "Only .xlsx, .xls, .ods, .csv and .txt files can be imported.")])
    kept = []
    for table in book.tables:
        while table.rows and not any(_filled(v) for v in table.rows[-1]):
            table.rows.pop()
        if INSTRUCTION_SHEETS.match(re.sub(r"\s", "", table.name)):
            book.skipped.append((table.name, "instructions"))
        elif not table.rows:
            if len(book.tables) > 1:
                book.skipped.append((table.name, "empty"))
        else:
            kept.append(table)
    if not kept:
        raise SheetRefused([problem(None, "The file is empty.")])
    book.tables = kept
    return book


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


SHARED_VALUES = 2_000  # distinct texts a column may have and still share its strings


def _capped(name: str, rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """The rows with trailing empty cells dropped; a value beyond the caps is refused.

    A column that repeats a few texts (branch, committee, category, gender) keeps one
    string object per distinct text: a reader makes a new one per cell, and on a
    100,000-row roster those copies weigh tens of megabytes.
    """
    out: list[list[Any]] = []
    shared: list[dict[str, str] | None] = []
    for index, row in enumerate(rows, start=1):
        cells = list(row)
        while cells and not _filled(cells[-1]):
            cells.pop()
        if len(shared) < len(cells):
            shared.extend({} for _ in range(len(cells) - len(shared)))
        for col, value in enumerate(cells):
            known = shared[col]
            if known is not None and type(value) is str:
                cells[col] = known.setdefault(value, value)
                if len(known) > SHARED_VALUES:
                    shared[col] = None  # names, phones: all different, nothing to share
        if len(cells) > MAX_COLUMNS:
            raise SheetRefused([problem(None,
                "Sheet '%(sheet)s' has a value in cell %(cell)s, beyond column %(last)s: a "
                "sheet is read up to %(count)s columns. Delete what is there and save again.",
                sheet=name, cell=f"{get_column_letter(len(cells))}{index}",
                last=get_column_letter(MAX_COLUMNS), count=MAX_COLUMNS)])
        if index > MAX_ROWS:
            if not cells:
                continue  # empty rows below the data cost nothing
            raise _too_many_rows(name)
        out.append(cells)
    return out


def _too_many_rows(name: str) -> SheetRefused:
    return SheetRefused([problem(None,
        "Sheet '%(sheet)s' has more than %(count)s rows; split it into smaller files.",
        sheet=name, count=MAX_ROWS)])


# ---------------------------------------------------------------- text files


def _text_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    # Excel's "Text (Tab delimited)" and "Unicode text" are also saved as .csv/.txt.
    head = text[:4096]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                if any(c.strip() for c in row):
                    raise _too_many_rows("")
                rows.pop()
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise SheetRefused([problem(None,
                "A cell in line %(line)s is longer than %(count)s characters; no field of a "
                "roster is that long (is a quote left open?).", line=line,
                count=CSV_FIELD_LIMIT)]) from None
        raise SheetRefused([problem(None, "The text file cannot be read as CSV at line %(line)s.",
                                    line=line)]) from None
    return _capped("", rows)


def _decode(data: bytes) -> str:
    # Excel's "Unicode text" (and Notepad's "Unicode") is UTF-16 with a byte-order mark.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0:4:2] != b"\0\0":
        try:
            return data.decode("utf-16-le")  # UTF-16 without its mark
        except UnicodeDecodeError:
            pass
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetRefused([problem(None,
        "The CSV file is neither UTF-8 nor GBK/GB18030 text. Save it from Excel as "
        "'CSV UTF-8' and import it again.")])


# ---------------------------------------------------------------- workbooks


def _calamine_book(data: bytes, kind: str) -> Book:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several types for a damaged file; all mean the same
        raise not_a(kind) from None
    try:
        names = workbook.sheet_names
        if len(names) > MAX_SHEETS:
            raise SheetRefused([problem(None, "The workbook has more than %(count)s sheets.",
                                        count=MAX_SHEETS)])
        tables = []
        for name in names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                # Row by row from calamine's rectangle: no second list of lists.
                rows = _capped(name, map(_plain_row, sheet.iter_rows()))
                del sheet  # calamine's rectangle is freed here, before the next sheet
            except SheetRefused:
                raise
            except Exception:
                raise not_a(kind) from None
            tables.append(Table(name, rows))
    finally:
        workbook.close()
    _give_back_memory()
    return Book(tables, reader="calamine")


def _give_back_memory() -> None:
    """Return the heap calamine freed to the system (glibc keeps it otherwise, and a
    100,000-row sheet's rectangle is ~100 MB that Python's own allocator never reuses)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def _plain_row(row: Sequence[Any]) -> list[Any]:
    # calamine gives every number as a float; openpyxl (and the parsers) expect a whole
    # number as an int (a phone number 13812345678, a count). 1990.1 stays a float.
    return [int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e16 else v
            for v in row]


def _xlsx_book(data: bytes, engine: str | None) -> Book:
    if data.startswith(OLE_MAGIC):
        raise SheetRefused([problem(None,
            "This file is named .xlsx but is an old .xls workbook. Rename it to .xls and "
            "import it again.")])
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SheetRefused([problem(None,
            "This file is named .xlsx but is not an Excel workbook (it may be a renamed CSV, "
            "HTML or damaged file). Open it in Excel or WPS and save it as .xlsx.")])
    damaged = SheetRefused([problem(None,
        "This file is named .xlsx but could not be opened as an Excel workbook "
        "(it may be damaged). Open it in Excel or WPS and save it again.")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_directory(package)  # declared sizes first: nothing inflated yet
            small = all(xlsx_extent(package, info, MAX_CELLS) <= MAX_CELLS
                        for info in package.infolist()
                        if info.filename.startswith("xl/worksheets/")
                        and info.filename.endswith(".xml"))
            for info in package.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    check_prolog(package, info)
    except SheetRefused:
        raise
    except Exception:  # zipfile raises several types for a damaged package
        raise damaged from None
    if engine != "openpyxl" and (small or engine == "calamine"):
        try:
            return _calamine_book(data, "xlsx")
        except SheetRefused as refused:
            raise damaged if _isnot_a(refused) else refused from None
    return _openpyxl_book(data, damaged)


def _isnot_a(refused: SheetRefused) -> bool:
    return "could not be opened" in str(refused.problems[0].message)


def _openpyxl_book(data: bytes, damaged: SheetRefused) -> Book:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged package; all mean the same
        raise damaged from None
    try:
        if len(workbook.sheetnames) > MAX_SHEETS:
            raise SheetRefused([problem(None, "The workbook has more than %(count)s sheets.",
                                        count=MAX_SHEETS)])
        tables = []
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # a chart sheet
            sheet.reset_dimensions()  # some writers store a wrong size; read what is there
            try:
                rows = _capped(sheet.title, sheet.iter_rows(values_only=True))
            except SheetRefused:
                raise
            except Exception:  # damaged sheet XML (ParseError and others)
                raise damaged from None
            tables.append(Table(sheet.title, rows))
    finally:
        workbook.close()
    return Book(tables, reader="openpyxl")
