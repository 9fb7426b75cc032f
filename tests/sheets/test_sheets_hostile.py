"""Hostile and damaged files are refused with a message, never a traceback or a crash;
and the pure pieces of reading: control characters, dates with times, none-spellings."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from openpyxl import Workbook

from core.text import for_terminal, unsafe_characters
from sheets.reading import workbooks as readers
from sheets.reading.values import parse_date, parse_month
from sheets.reading.workbooks import read_book
from sheets.report.refusal import SheetRefused
from tests.helpers.sheets import xlsx


@pytest.fixture
def en(app: Flask) -> object:
    with app.app_context(), force_locale("en"):
        yield None


def _refusal(path: Path) -> str:
    with pytest.raises(SheetRefused) as refused:
        read_book(path)
    return " ".join(str(p) for p in refused.value.problems)


def _replace_sheet(path: Path, xml: bytes) -> Path:
    """The workbook at ``path`` with its first sheet's XML replaced."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, xml if info.filename.endswith("sheet1.xml")
                            else data)
    path.write_bytes(out.getvalue())
    return path


def test_five_kilobyte_xlsx_declaring_xfd3_and_a60000(en: None, tmp_path: Path) -> None:
    # calamine would allocate 983 million cells (31 GB) for this rectangle and abort.
    workbook = Workbook()
    ws = workbook.active
    ws["A1"], ws["B1"] = "姓名", "所在支部"
    ws["XFD3"], ws["A60000"] = "x", "y"
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    assert path.stat().st_size < 10_000
    says = _refusal(path)
    assert "XFD3" in says and "IV" in says


def test_wide_but_empty_cells_do_not_reach_calamine(tmp_path: Path) -> None:
    # Styled empty cells far out make the rectangle large but hold nothing: read, not refused.
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "所在支部"], ["张三", "一支部"]])
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"</sheetData>", b'<row r="90000"><c r="ZZ90000" s="0"/></row>'
                      b"</sheetData>")
    book = read_book(_replace_sheet(path, xml))
    assert book.reader == "openpyxl"
    assert book.tables[0].rows[:2] == [["姓名", "所在支部"], ["张三", "一支部"]]


def test_calamine_reads_a_normal_xlsx(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "电话", "出生年月"], ["张三", 13812345678, 1990.1]])
    book = read_book(path)
    assert book.reader == "calamine"
    assert book.tables[0].rows[1] == ["张三", 13812345678, 1990.1]  # ints stay ints


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
    b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c>'
    b"</row></sheetData></worksheet>",
])
def test_xml_entities_are_refused(en: None, tmp_path: Path, xml: bytes) -> None:
    path = _replace_sheet(xlsx(tmp_path / "r.xlsx", [["姓名"], ["张三"]]), xml)
    assert "entity" in _refusal(path)


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_damaged_sheet_xml_is_refused(en: None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93</t></is></c>'
           b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>')
    path = _replace_sheet(xlsx(tmp_path / "r.xlsx", [["姓名"], ["张三"]]), xml)
    if engine == "openpyxl":
        monkeypatch.setattr(readers, "MAX_CELLS", 0)  # force the streaming reader
    assert "damaged" in _refusal(path)


def test_ods_cell_repeated_across_columns_is_refused(en: None, tmp_path: Path) -> None:
    content = (b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
               b'tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument'
               b':xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               b'<office:body><office:spreadsheet><table:table table:name="S"><table:table-row>'
               b'<table:table-cell table:number-columns-repeated="16384" office:value-type='
               b'"string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>'
               b"</office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "r.ods"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", content)
    assert "repeats a cell" in _refusal(path)


def test_csv_field_over_the_csv_limit(en: None, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('姓名,所在支部\n"张三' + "x" * 200_000 + '",一支部\n', encoding="utf-8")
    says = _refusal(path)
    assert "line 2" in says and "131072" in says


def test_rows_beyond_the_cap(en: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_ROWS", 5)
    path = xlsx(tmp_path / "r.xlsx", [["姓名"]] + [[f"人{i}"] for i in range(10)])
    assert "more than 5 rows" in _refusal(path)


def test_instruction_sheet_alone_is_an_empty_file(en: None, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["请按模板填写"]], sheet="填写说明")
    assert "empty" in _refusal(path)


def test_unsafe_characters_and_terminal_text() -> None:
    assert unsafe_characters("张三 Zhang\tSan\n") == []
    found = unsafe_characters("张\u202egnp.exe伟\x1b[2K\x00\x85")
    assert [u.code for u in found] == ["U+202E", "U+001B", "U+0000", "U+0085"]
    assert found[0].index == 1
    assert for_terminal("a\x1b[2Kb\rc\u2066d\te\n") == "a[2Kbcd\te\n"


@pytest.mark.parametrize(("text", "day"), [
    ("2019-07-01 09:30", dt.date(2019, 7, 1)),
    ("2019/7/1 9:30:00", dt.date(2019, 7, 1)),
    ("2019年7月1日 14:30", dt.date(2019, 7, 1)),
    ("2019年7月1日下午2:30", dt.date(2019, 7, 1)),
    ("2024-03-15T14:30", dt.date(2024, 3, 15)),
    ("2024-03-15 14:30-16:00", dt.date(2024, 3, 15)),
    (dt.datetime(2024, 3, 15, 14, 30), dt.date(2024, 3, 15)),
])
def test_dates_with_a_time(text: object, day: dt.date) -> None:
    assert parse_date(text) == day


def test_month_forms_and_the_general_cell_trap() -> None:
    assert parse_month("2003年7月") == 200307
    assert parse_month("2003.07") == 200307
    with pytest.raises(ValueError):
        parse_month(1990.1)  # typed 1990.10 or 1990.1: never read as January
    with pytest.raises(ValueError):
        parse_date(1990.1)
