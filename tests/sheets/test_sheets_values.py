"""Pure parsing: dates as people type them, months, money, names; headers under titles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profiles.enums import Attendance, Category, Position
from profiles.labels import parse_label
from sheets.columns import MEMBER_COLUMNS
from sheets.reading.header_row import find_header
from sheets.reading.values import (
    clean_name,
    clean_text,
    parse_cell_yuan,
    parse_date,
    parse_month,
)
from sheets.reading.workbooks import read_table
from sheets.report.refusal import SheetRefused
from tests.helpers.sheets import csv_file, xlsx

JULY_1 = dt.date(2019, 7, 1)


@pytest.mark.parametrize("typed", [
    "2019-07-01", "2019/7/1", "2019.07.01", "2019年7月1日", "2019年07月01日", "20190701",
    20190701, " 2019-7-1 ", "2019 年 7 月 1 日", dt.datetime(2019, 7, 1, 0, 0), JULY_1,
    43647, 43647.0,  # the Excel serial of 2019-07-01 in a cell without a date format
])
def test_every_date_form(typed: object) -> None:
    assert parse_date(typed) == JULY_1


@pytest.mark.parametrize("typed", ["2019-13-01", "2019/2/30", "7/1/2019", "二〇一九年", "", "x",
                                   43647.5, True, 2019, "2019"])
def test_impossible_or_unknown_dates_are_refused(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_date(typed)


@given(st.dates(min_value=dt.date(1921, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_typed_forms_round_trip(day: dt.date) -> None:
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}",
                 f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d"),
                 day.strftime("%Y.%m.%d")):
        assert parse_date(text) == day


@pytest.mark.parametrize("typed", ["2026-01", "2026/1", "2026年1月", "202601", 202601,
                                   dt.date(2026, 1, 15), "2026-01-15"])
def test_months(typed: object) -> None:
    assert parse_month(typed) == 202601


@pytest.mark.parametrize(("typed", "cents"), [("12.5", 1250), ("¥30.00", 3000), ("30元", 3000),
                                              (0.2, 20), (Decimal("150"), 15000),
                                              (0.1 + 0.2, 30), (60.00000000001, 6000),
                                              ("1,234.56", 123456)])
def test_money(typed: object, cents: int) -> None:
    assert parse_cell_yuan(typed) == cents


@pytest.mark.parametrize("typed", ["-1", "abc", "1.234", "NaN"])
def test_bad_money(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_cell_yuan(typed)


def test_full_width_spaces_and_stray_whitespace() -> None:
    assert clean_name("张　三 ") == "张三"
    assert clean_name(" 李 \u00a0四\u200b") == "李四"
    assert clean_name("John  Smith") == "John Smith"
    assert clean_text(13812345678.0) == "13812345678"


def test_label_variants() -> None:
    assert parse_label("正式", Category) is Category.FULL
    assert parse_label("预备 党员", Category) is Category.PROBATIONARY
    assert parse_label("支部书记", Position) is Position.SECRETARY
    assert parse_label("病假", Attendance) is Attendance.EXCUSED
    assert parse_label("病假", Category) is None


def test_header_found_under_title_rows_and_merged_cells(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["填表日期：2026年11月"], [],
                                      ["序号", "姓　名", "入党时间", "党员类别 *", "所在党支部"]],
                title="机关第一党支部党员花名册")
    table = read_table(path)
    header = find_header(table.rows, MEMBER_COLUMNS)
    assert header.row == 4
    assert header.fields == {"name": 2, "joined_on": 3, "category": 4, "branch": 5}


def test_english_headers() -> None:
    rows: list[list[object]] = [["Name", "Branch", "Category", "Joined on", "Phone"]]
    header = find_header(rows, MEMBER_COLUMNS)
    assert set(header.fields) == {"name", "branch", "category", "joined_on", "phone"}


def test_missing_required_column_names_it() -> None:
    with pytest.raises(SheetRefused) as refused:
        find_header([["姓名", "所在支部", "人员类别"]], MEMBER_COLUMNS)
    [only] = refused.value.problems
    assert only.row == 1 and "入党日期" in str(only.message)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    rows = [["姓名", "所在支部"], ["张三", "机关第一党支部"], ["䶮", "x"]]
    if encoding == "gbk":
        rows.pop()  # 䶮 is beyond GBK, inside GB18030
    path = csv_file(tmp_path / "r.csv", rows, encoding)
    assert read_table(path).rows == rows


@pytest.mark.parametrize(("name", "content", "says"), [
    ("fake.xlsx", "姓名,所在支部\n张三,一支部\n".encode(), "not an Excel workbook"),
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old .xls"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "could not be opened"),
    ("fake.xls", "姓名,所在支部\n".encode(), "could not be opened"),
    ("empty.csv", b"", "empty"),
    ("blank.xlsx", b"  \n", "empty"),
    ("roster.pdf", b"%PDF-1.4", "Only .xlsx, .xls, .ods, .csv"),
    ("roster.ods", b"not a zip", "could not be opened"),
    ("broken.xlsx", b"PK\x03\x04" + b"\0" * 100, "not an Excel workbook"),
])
def test_unreadable_files_are_refused_with_a_reason(tmp_path: Path, name: str, content: bytes,
                                                    says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetRefused) as refused:
        read_table(path)
    assert says in str(refused.value.problems[0].message)


def test_tab_delimited_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("姓名\t所在支部\n张三\t机关第一党支部,二组\n".encode("gb18030"))
    assert read_table(path).rows == [["姓名", "所在支部"], ["张三", "机关第一党支部,二组"]]
