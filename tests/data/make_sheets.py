"""Regenerate the spreadsheets of tests/data/sheets/ (see tests/data/README.md).

    .venv/bin/python tests/data/make_sheets.py      # needs soffice (libreoffice-calc)

Each file is laid out as a real system or secretary lays it out. The sources are written
with openpyxl or xlsxwriter; LibreOffice Calc then converts them into the formats it
saves (.xls "MS Excel 97", .ods, UTF-16 "Unicode text"), so the test files come from
the programs secretaries use, not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import Workbook

OUT = Path(__file__).parent / "sheets"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(area: str, birth: dt.date, serial: str) -> str:
    """An ID number with a valid check digit."""
    body = f"{area}{birth:%Y%m%d}{serial}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


ZHANG_ID = id_number("110101", dt.date(1985, 3, 2), "123")
LI_ID = id_number("110101", dt.date(1990, 5, 6), "246")
WANG_ID = id_number("110101", dt.date(1998, 7, 15), "135")


def roster_two_sheets(path: Path) -> None:
    """A national-system style export: an instruction sheet first, full and probationary
    members on two sheets, system header names, none-spellings, dates with a time, a
    birth month only, pre-numbered empty rows and a note under the data."""
    wb = Workbook()
    info = wb.active
    info.title = "填写说明"
    info.append(["1. 日期请按 2019-07-01 格式填写；2. 无内容请填“无”。"])
    header = ["序号", "姓名", "性别", "公民身份号码", "出生日期", "所属党支部", "党籍状态",
              "加入党组织日期", "转正日期", "党内职务", "党员状况", "联系电话", "备注"]
    full = wb.create_sheet("正式党员")
    full.append(["机关党委党员信息采集表（正式党员）"])
    full.append(header)
    full.append([1, "张三", "男", ZHANG_ID, "1985-03-02", "机关第一党支部", "正式党员",
                 "2019-07-01 09:30", "2020/7/1 0:00:00", "支部书记", "正常", "13812345678",
                 "—"])
    full.append([2, "王芳", "女", WANG_ID, "1998年7月", "机关第一党支部", "正式党员",
                 "2019年7月1日", "2020.07.01", "普通党员", "出国（境）", "/", "无"])
    for n in range(3, 8):  # pre-numbered rows nobody filled in
        full.append([n])
    full.append([])
    full.append(["注：本表由支部组织委员填报，经支部书记审核。"])
    full.merge_cells("A11:M11")
    probationary = wb.create_sheet("预备党员")
    probationary.append(header)
    probationary.append([1, "李四", "女", LI_ID, "1990-05-06", "机关第一党支部", "预备党员",
                         "2025-12-01", "—", "无", "正常", "13900000001", ""])
    wb.save(path)


def roster_xlsxwriter(path: Path) -> None:
    """An .xlsx from a second writer: a two-row merged header, date cells with a format,
    a category column under another system's name (政治面貌)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("花名册")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range("A1:H1", "机关第一党支部党员花名册")
    ws.merge_range("A2:A3", "序号")
    ws.merge_range("B2:B3", "姓名")
    ws.merge_range("C2:C3", "政治面貌")
    ws.merge_range("D2:D3", "所在党支部")
    ws.merge_range("E2:F2", "入党")
    ws.write_row("E3", ["时间", "介绍人"])
    ws.merge_range("G2:H2", "转正")
    ws.write_row("G3", ["时间", "备注"])
    rows: list[list[Any]] = [
        [1, "张三", "中共党员", "机关第一党支部", dt.date(2019, 7, 1), "赵一", dt.date(2020, 7, 1),
         ""],
        [2, "李四", "中共预备党员", "机关第一党支部", dt.date(2025, 12, 1), "钱二", None, ""],
    ]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()


def meetings_counts(path: Path) -> None:
    """A 三会一课 register that gives only counts (应到/实到/请假)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "三会一课登记"
    ws.append(["机关第一党支部“三会一课”开展情况登记表（2026年）"])
    ws.append(["序号", "所在党支部", "会议类型", "实际会议时间", "会议议题", "应到人数", "实到人数",
               "请假人数", "记录人"])
    ws.append([1, "机关第一党支部", "主题党日活动", "2026-03-15 14:30", "学习二十届三中全会精神",
               2, 2, 0, "张三"])
    ws.append([2, "机关第一党支部", "支部党员大会", "2026/4/10 9:00", "讨论发展对象", 2, 1, 1,
               "张三"])
    ws.append([3, "机关第一党支部", "专题党课", dt.datetime(2026, 6, 28, 15, 0), "书记讲党课", 2,
               2, 0, "张三"])
    ws.append(["合计", "", "", "", "", 6, 5, 1])
    wb.save(path)


def dues_by_month(path: Path) -> None:
    """A 党费 ledger with one column per month, the year in the title."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党费收缴"
    ws.append(["机关第一党支部2026年党费收缴台账"])
    ws.append(["序号", "党员编号", "姓名", "一月", "二月", "三月", "四月", "备注"])
    ws.append([1, "DY000001", "张三", 60, 60, 60, None, ""])
    ws.append([2, "DY000002", "李四", 0.2, None, 0.2, 0.2, "学生"])
    wb.save(path)


def dues_range(path: Path) -> None:
    """补缴 rows over a month range (起始–截止), amounts for the whole range."""
    wb = Workbook()
    ws = wb.active
    ws.title = "补缴党费"
    ws.append(["党员编号", "姓名", "起始月份", "截止月份", "应交金额", "实交金额", "交费日期"])
    ws.append(["DY000001", "张三", "2026-01", "2026-03", 180, 180, "2026-04-02"])
    ws.append(["DY000002", "李四", "2026年1月", "2026年2月", 0.4, 0.4, "2026/4/2"])
    wb.save(path)


def dues_yearly(path: Path) -> None:
    """A sheet of yearly totals only: refused (dues are kept per month)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["党员编号", "姓名", "全年应缴", "全年实缴"])
    ws.append(["DY000001", "张三", 720, 720])
    wb.save(path)


def evaluations(path: Path) -> None:
    """民主评议 results with a grade outside the four official ones (良好)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["党员编号", "姓名", "评议年度", "评议阶段", "评议等次"])
    ws.append(["DY000001", "张三", 2025, "支部评定", "优秀"])
    ws.append(["DY000002", "李四", 2025, "支部评定", "良好"])
    wb.save(path)


def convert(source: Path, target: Path, filter_spec: str) -> None:
    """Convert ``source`` with LibreOffice into ``target`` (format and filter given)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", filter_spec, "--outdir", tmp, str(source)],
                       check=True, capture_output=True)
        made = next(p for p in Path(tmp).iterdir() if p.is_file())
        shutil.move(made, target)


def main() -> None:
    """Write every source, convert the ones LibreOffice should save."""
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: apt-get install libreoffice-calc-nogui")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        roster_two_sheets(work / "roster-two-sheets.xlsx")
        meetings_counts(work / "meetings-counts.xlsx")
        dues_by_month(work / "dues-by-month.xlsx")
        convert(work / "roster-two-sheets.xlsx", OUT / "roster-two-sheets.xls", "xls:MS Excel 97")
        convert(work / "roster-two-sheets.xlsx", OUT / "roster-two-sheets.ods", "ods")
        convert(work / "roster-two-sheets.xlsx", OUT / "roster-unicode.txt",
                'txt:Text - txt - csv (StarCalc):9,34,65535,1,,0,false,true,true,false,false,2')
        convert(work / "meetings-counts.xlsx", OUT / "meetings-counts.xls", "xls:MS Excel 97")
        convert(work / "dues-by-month.xlsx", OUT / "dues-by-month.ods", "ods")
    roster_xlsxwriter(OUT / "roster-xlsxwriter.xlsx")
    dues_range(OUT / "dues-range.xlsx")
    dues_yearly(OUT / "dues-yearly.xlsx")
    evaluations(OUT / "evaluations-grades.xlsx")
    for made in sorted(OUT.iterdir()):
        print(made.relative_to(OUT.parent), made.stat().st_size)


if __name__ == "__main__":
    main()
