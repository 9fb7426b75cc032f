"""Checks of a workbook's package before any parser reads it: a part that unpacks too
large (a zip bomb), an XML part declaring entities, an .xlsx sheet whose cells would make
calamine's dense rectangle too large, an .ods repeating a value across thousands of cells."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from core.problems import problem
from sheets.report.refusal import SheetRefused

MAX_COLUMNS = 256  # the .xls limit (IV); no roster or register has more
MAX_XML_BYTES = 256 * 1024 * 1024  # one decompressed part (a zip bomb is refused)
MAX_INFLATED_BYTES = 512 * 1024 * 1024  # all parts of one package together


def inflated_size(data: bytes | None = None, path: str | None = None) -> int:
    """What a package says it unpacks to, from the zip central directory alone (nothing
    is inflated): the sum of its parts' sizes. Not a zip (.xls, .csv): its own size."""
    source: Any = io.BytesIO(data) if data is not None else path
    try:
        with zipfile.ZipFile(source) as package:
            return sum(max(0, info.file_size) for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return len(data) if data is not None else 0


def check_directory(package: zipfile.ZipFile) -> None:
    """Refuse a package whose central directory declares a part, or parts together, larger
    than the limits, before any part is read. A part cannot unpack to more than it
    declares: zipfile stops at the declared size (and a lie fails its CRC check)."""
    total = 0
    for info in package.infolist():
        total += info.file_size
        if info.file_size > MAX_XML_BYTES:
            raise SheetRefused([problem(None,
                "Part %(part)s of the workbook unpacks to more than %(size)s MB.",
                part=info.filename, size=MAX_XML_BYTES // (1024 * 1024))])
    if total > MAX_INFLATED_BYTES:
        raise SheetRefused([problem(None,
            "The workbook unpacks to more than %(size)s MB.",
            size=MAX_INFLATED_BYTES // (1024 * 1024))])


def not_a(kind: str) -> SheetRefused:
    """The refusal of a file whose content is not the format its name says."""
    return SheetRefused([problem(None,
        "This file is named .%(kind)s but could not be opened as one (it may be damaged or "
        "another kind of file renamed). Open it in Excel or WPS and save it again.",
        kind=kind)])


_CELL_REF = re.compile(rb'c r="([A-Z]{1,3})([0-9]{1,7})"')


def xlsx_extent(package: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """An upper bound on the rectangle calamine would allocate for this sheet, in cells.

    Cheap bounds first (the longest column letters, the longest row number, found by
    C-speed searches); the exact extent only when those are not small enough. A sheet
    whose cells do not all carry an ``r="A1"`` reference right after ``<c`` cannot be
    measured this way and gets ``limit + 1`` (it is then read by openpyxl).
    """
    data = read_part(package, info)
    cells = (data.count(b"<c ") + data.count(b"<c>") + data.count(b":c ")
             + data.count(b":c>"))
    if data.count(b'c r="') < cells:
        return limit + 1
    width = next((26 ** n for n in (3, 2) if re.search(
        rb'c r="[A-Z]{%d}[0-9]' % n, data)), 26)
    height = next((10 ** n for n in range(7, 0, -1) if re.search(
        rb'c r="[A-Z]{1,3}[0-9]{%d}"' % n, data)), 1)
    if width * height <= limit:
        return width * height
    refs = _CELL_REF.findall(data)
    if not refs:
        return 0
    columns = {c for c, _ in refs}
    last = max(columns, key=lambda c: (len(c), c))
    width = 0
    for letter in last.decode():
        width = width * 26 + ord(letter) - 64
    return width * max(int(r) for r in {r for _, r in refs})


def read_part(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytearray:
    """A part's bytes, read into one buffer of its declared size (checked first), chunk
    by chunk: never held twice, never grown by copying."""
    if info.file_size > MAX_XML_BYTES:
        raise SheetRefused([problem(None,
            "Part %(part)s of the workbook unpacks to more than %(size)s MB.",
            part=info.filename, size=MAX_XML_BYTES // (1024 * 1024))])
    out = bytearray(info.file_size)
    view = memoryview(out)
    filled = 0
    with package.open(info) as part:
        while filled < len(out):
            read = part.readinto(view[filled:filled + (1 << 20)])  # type: ignore[attr-defined]
            if not read:
                break
            filled += read
    view.release()
    if filled < len(out):
        del out[filled:]
    return out


def check_prolog(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part declaring a document type (entities): no office program writes one."""
    with package.open(info) as part:
        head = part.read(64 * 1024)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise SheetRefused([problem(None,
            "The workbook contains XML entity declarations (part %(part)s), which no "
            "spreadsheet program writes; it is refused as unsafe.", part=info.filename)])


_ODS_CELL_REPEAT = re.compile(rb'number-columns-repeated="([0-9]+)"[^>]*?(/?)>')
_ODS_ROW_REPEAT = re.compile(
    rb'<table:table-row\b[^>]*?number-rows-repeated="([0-9]+)"[^>]*>(.*?)</table:table-row>',
    re.DOTALL)


def check_ods(data: bytes) -> None:
    """Refuse what would make calamine's rectangle huge: a value repeated across thousands
    of columns or rows (LibreOffice repeats only empty cells that way)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_directory(package)
            for info in package.infolist():
                if info.filename.endswith(".xml"):
                    check_prolog(package, info)
            content = read_part(package, package.getinfo("content.xml"))
    except SheetRefused:
        raise
    except Exception:
        raise not_a("ods") from None
    for found in _ODS_CELL_REPEAT.finditer(content):
        if int(found.group(1)) > MAX_COLUMNS and not found.group(2):
            raise SheetRefused([problem(None,
                "The workbook repeats a cell across more than %(count)s columns.",
                count=MAX_COLUMNS)])
    for found in _ODS_ROW_REPEAT.finditer(content):
        inner = found.group(2)
        if int(found.group(1)) > 1000 and (b"office:value" in inner or b"<text:p" in inner):
            raise SheetRefused([problem(None,
                "The workbook repeats a row holding values %(count)s times.",
                count=int(found.group(1)))])
