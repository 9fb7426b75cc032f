"""Member rows parsed and checked on their own (no database): values, dates, ID numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from profiles.enums import Category, DuesBasis, Gender, MemberStatus, Position
from profiles.members.rules import id_check_digit, number_problems
from sheets.reading.row_cells import Cells
from sheets.reading.spellings import NONE_WORDS

# Column field -> Member attribute, for the fields copied as they are.
ATTRIBUTES = {
    "number": "number", "name": "name", "gender": "gender", "ethnicity": "ethnicity",
    "birth_date": "birth_date", "id_number": "id_number", "phone": "phone",
    "address": "address", "category": "category", "position": "position", "status": "status",
    "joined_on": "joined_on", "converted_on": "converted_on",
    "probation_extension_months": "probation_extension_months", "dues_basis": "dues_basis",
    "dues_base": "dues_base_cents",
}
DEFAULTS: dict[str, Any] = {"status": MemberStatus.NORMAL, "dues_basis": DuesBasis.WAGE,
                            "probation_extension_months": 0}


@dataclass(slots=True)
class MemberRow:
    """One parsed row: the values of the present columns, and where its branch is."""

    cells: Cells
    values: dict[str, Any]
    branch_code: str
    branch_name: str
    group: str | None  # None when the file has no 党小组 column
    committee: str
    # The dated columns that are not member fields (调动日期, units' founding/dissolution),
    # parsed before the raw cells are released: field -> date (None when the cell is empty).
    dates: dict[str, dt.date | None] = dataclasses.field(default_factory=dict)
    # The row ends the membership (a 历史党员 row: 去世 …), written by the standing
    # operations after the member (sheets.importers.standings.take); not dated as an arrival.
    ends: bool = False


# Dated columns of a roster that describe an event, not the member: a move's effective
# date and the founding or dissolution of the member's branch or party group.
EVENT_DATES = ("moved_on", "branch_founded_on", "branch_dissolved_on", "group_founded_on",
               "group_dissolved_on", "status_since", "status_until")


def parse_member_row(cells: Cells, today: dt.date) -> MemberRow:
    """The values of the row's present columns; bad cells become problems."""
    values: dict[str, Any] = {}
    if cells.has("number"):
        values["number"] = cells.text("number", max_length=32).upper()
        for found in number_problems(values["number"]):  # the documented character set
            cells.add(found)
    values["name"] = cells.name("name", required=True)
    plain = {"ethnicity": 20, "phone": 32, "address": 200}
    for field, length in plain.items():
        if cells.has(field):
            values[field] = cells.text(field, max_length=length) or None
    if cells.has("id_number"):
        values["id_number"] = _id_number(cells)
    choices: dict[str, Any] = {"gender": Gender, "position": Position, "status": MemberStatus,
                               "dues_basis": DuesBasis}
    for field, enum_cls in choices.items():
        if cells.has(field):
            values[field] = cells.choice(field, enum_cls)
    if cells.has("category"):  # else inferred for a new member (importers.inference)
        values["category"] = cells.choice("category", Category, required=True)
    values["joined_on"] = cells.date("joined_on", required=True)
    if cells.has("birth_date"):
        values["birth_date"] = cells.date("birth_date", month_only=True)  # often 出生年月
    if cells.has("converted_on"):
        values["converted_on"] = cells.date("converted_on")
    if cells.has("probation_extension_months"):
        months = cells.integer("probation_extension_months") or 0
        if months and not 6 <= months <= 12:
            cells.report("probation_extension_months",
                         "A probation extension is 6 to 12 months (or empty for none).")
        values["probation_extension_months"] = months
    if cells.has("dues_base"):
        values["dues_base"] = cells.cents("dues_base")
    _check_dates(cells, values, today)
    for field, default in DEFAULTS.items():
        if values.get(field) is None and cells.has(field):
            values[field] = default
    dates = {name: cells.date(name) for name in EVENT_DATES if cells.has(name)}
    parsed = MemberRow(cells, values, cells.text("branch_code", max_length=32),
                       cells.text("branch", required=True, max_length=120),
                       _none_word(cells.text("group", max_length=60)) if cells.has("group")
                       else None,
                       cells.text("committee", max_length=120), dates)
    # Every value is parsed: the row's raw cells are not needed any more (the importer
    # only reports by row and column from here), and 100,000 of them weigh ~150 MB.
    cells.release()
    return parsed


def _none_word(text: str) -> str:
    return "" if text in NONE_WORDS else text


def _id_number(cells: Cells) -> str | None:
    raw = cells.raw("id_number")
    if isinstance(raw, (int, float)) and len(str(int(raw))) >= 15:
        cells.report("id_number", "This ID number is stored as a number, so Excel has lost its "
                     "last digits. Format the column as text and type the numbers again.")
        return None
    text = cells.text("id_number").upper().replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"\d{15}", text):
        return text  # first-generation card, no check digit
    if not re.fullmatch(r"\d{17}[\dX]", text):
        cells.report("id_number", "An ID number has 18 characters (17 digits and a digit or X).")
        return None
    if id_check_digit(text[:17]) != text[17]:
        cells.report("id_number", "The ID number's check digit is wrong; please check it.")
        return None
    if id_birth_date(text) is None:
        cells.report("id_number", "Digits 7 to 14 of an ID number are the birth date, and "
                     "%(digits)s is not a date.", digits=text[6:14])
        return None
    return text


def _check_dates(cells: Cells, values: dict[str, Any], today: dt.date) -> None:
    joined, converted = values.get("joined_on"), values.get("converted_on")
    if joined and joined > today:
        cells.report("joined_on", "入党日期 %(date)s is in the future.", date=joined.isoformat())
    if converted and values.get("category") is Category.PROBATIONARY:
        cells.report("converted_on",
                     "A probationary member cannot have a 转正日期; clear it or change 人员类别.")
    elif converted and joined and converted < joined:
        cells.report("converted_on", "转正日期 is before 入党日期.")
    birth = values.get("birth_date")
    if birth and joined and birth >= joined:
        cells.report("birth_date", "出生日期 is not before 入党日期.")
    in_id = id_birth_date(values.get("id_number"))
    # 出生年月 gives only a month (read as its 1st day): then the month must agree.
    if birth and in_id and birth != in_id and not (
            birth.day == 1 and (birth.year, birth.month) == (in_id.year, in_id.month)):
        cells.report("birth_date", "出生日期 %(date)s does not match the birth date in the ID "
                     "number (%(id_date)s); correct one of the two.", date=birth.isoformat(),
                     id_date=in_id.isoformat())


def id_birth_date(id_number: str | None) -> dt.date | None:
    """The birth date inside an ID number (18 digits: YYYYMMDD at 7-14; 15: YYMMDD, 19YY)."""
    if not id_number:
        return None
    text = id_number[6:14] if len(id_number) == 18 else "19" + id_number[6:12]
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
