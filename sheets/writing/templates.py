"""Blank templates: title, header, one example row, drop-down lists for the fixed values,
and a sheet explaining each column."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from profiles.enums import (
    Attendance,
    Category,
    DuesBasis,
    EvaluationStage,
    Gender,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
    RecruitEnd,
    RecruitStage,
    ReviewConclusion,
)
from profiles.labels import LABELS
from sheets.columns import COLUMNS, SHEET_NAMES, TITLES
from sheets.writing.safe_text import write_as_text
from sheets.writing.styling import format_rows, start_sheet

TEMPLATE_ROWS = 1000  # rows that get the drop-down lists

CHOICES: dict[str, type[enum.StrEnum]] = {
    "gender": Gender, "category": Category, "position": Position, "status": MemberStatus,
    "dues_basis": DuesBasis, "kind": MeetingKind, "attendance": Attendance,
    "stage": EvaluationStage, "rating": Rating,
    "recruit_stage": RecruitStage, "review_conclusion": ReviewConclusion,
    "end_reason": RecruitEnd,
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "members": {
        "number": "DY000001", "name": "张三", "gender": "男", "ethnicity": "汉族",
        "birth_date": dt.date(1985, 3, 2), "id_number": "11010519850302002X",
        "phone": "13800000000", "address": "示范区东大街1号", "committee": "示范区直属机关党委",
        "branch_code": "ZB01", "branch": "机关第一党支部", "group": "第一党小组",
        "category": "正式党员", "position": "组织委员", "status": "正常",
        "joined_on": dt.date(2010, 7, 1), "converted_on": dt.date(2011, 7, 1),
        "dues_basis": "工资", "dues_base": Decimal("6000.00"),
    },
    "meetings": {
        "branch_code": "ZB01", "branch": "机关第一党支部", "kind": "支部党员大会",
        "held_on": dt.date(2026, 5, 10), "topic": "学习贯彻全会精神", "number": "DY000001",
        "name": "张三", "attendance": "出席",
    },
    "dues": {
        "branch_code": "ZB01", "branch": "机关第一党支部", "number": "DY000001", "name": "张三",
        "month": "2026-05", "due": Decimal("60.00"), "paid": Decimal("60.00"),
        "paid_on": dt.date(2026, 5, 8),
    },
    "points": {
        "branch_code": "ZB01", "branch": "机关第一党支部", "number": "DY000001", "name": "张三",
        "recorded_on": dt.date(2026, 5, 10), "points": 2, "rule": "参加组织生活",
        "reason": "参加5月支部党员大会", "recorded_by": "李书记",
    },
    "evaluations": {
        "branch_code": "ZB01", "branch": "机关第一党支部", "number": "DY000001", "name": "张三",
        "year": 2025, "stage": "支部评定", "rating": "合格",
    },
    "recruitment": {
        "branch_code": "ZB01", "branch": "机关第一党支部", "name": "王五", "gender": "男",
        "birth_date": dt.date(2001, 3, 5), "recruit_stage": "入党积极分子",
        "applied_on": dt.date(2025, 3, 1), "talk_on": dt.date(2025, 3, 15),
        "activist_on": dt.date(2025, 5, 1), "activist_filed_on": dt.date(2025, 5, 8),
        "contacts": "张三", "training_on": dt.date(2025, 9, 1), "training_hours": 32,
    },
}


def write_template(kind: str, path: Path | BinaryIO) -> None:
    """Write the blank template for ``kind`` (members, meetings, dues, points, evaluations)
    to a path or a stream (a download needs no temporary file)."""
    columns = COLUMNS[kind]
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_NAMES[kind]
    start_sheet(ws, f"XX党支部{TITLES[kind]}（模板：请删除示例行后填写）", columns)
    ws.append([EXAMPLES[kind].get(c.field) for c in columns])
    format_rows(ws, columns)
    for index, column in enumerate(columns, start=1):
        enum_cls = CHOICES.get(column.field)
        if enum_cls is None:
            continue
        letter = get_column_letter(index)
        choices = ",".join(LABELS[v][0] for v in enum_cls)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=column.zh,
                                    error=f"请从下拉列表中选择：{choices}")
        validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
        ws.add_data_validation(validation)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in columns:
        enum_cls = CHOICES.get(column.field)
        hint = ("可选：" + "、".join(LABELS[v][0] for v in enum_cls)) if enum_cls else ""
        if column.field in ("birth_date", "joined_on", "converted_on", "held_on", "paid_on",
                            "recorded_on"):
            hint = "日期，如 2019-07-01、2019/7/1、2019年7月1日"
        notes.append([column.zh, "必填" if column.required else "", hint])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 60
    for sheet in workbook.worksheets:
        write_as_text(sheet)
    workbook.save(path)
