"""From a file to the data rows an importer checks: every data sheet, its header, the
column map, the rows that are records (and those that are not), and the layouts that are
not one row per record (meeting counts, dues over a month range or by month column).

Nothing is dropped silently: sheets skipped, columns ignored, decisions taken from the
values and rows skipped all become notes of the import's report.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext

from core.problems import Problem, problem
from profiles.months import month_label, month_range
from sheets.columns import SHEET_NAMES, read_columns
from sheets.reading.column_map import active_map
from sheets.reading.header_row import HeaderRow, NoHeader, find_header, missing_columns, normalise
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.reading.supplied import (
    Supplied,
    missing_help,
    refuse_former_members,
    sheet_year,
    supplied_notes,
    supply,
)
from sheets.reading.values import clean_text, parse_cell_yuan
from sheets.reading.workbooks import Table, read_book
from sheets.report.refusal import SheetRefused

# The first cell of a row that ends the data: a note, a signature line or a total.
_STOP = re.compile(r"^(注|备注|说明|附注|附件|合计|总计|小计|统计|汇总|填表人|填报人|制表人|审核人|"
                   r"负责人|联系人|签字|盖章|单位负责人|党支部书记签字|以上|共\d+人)")
_MONTH_HEADER = re.compile(
    r"^(?:(\d{4})年)?(0?[1-9]|1[0-2]|[一二三四五六七八九十]|十一|十二)月(?:份)?$")
_CHINESE_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                   "九": 9, "十": 10, "十一": 11, "十二": 12}
# Headers of a dues sheet that only gives a year's totals.
_YEARLY = re.compile(
    r"^(全年|年度|本年|年)(应缴|应交|实缴|实交|合计|党费|缴纳|交纳)|^(合计|年度合计|全年合计)$")
MAX_NOTES_ROWS = 20  # row numbers listed per note of skipped rows


@dataclass
class Intake:
    """The data rows of a file, ready for an importer, and what the report should say."""

    rows: list[Cells]
    problems: list[Problem]
    notes: list[Any] = field(default_factory=list)  # lazy strings
    headers: list[tuple[Table, HeaderRow]] = field(default_factory=list)
    layout: str = "rows"  # rows, counts, month_range, month_columns

    @property
    def header(self) -> HeaderRow:
        """The header of the first data sheet."""
        return self.headers[0][1]


def read_rows(path: SheetFile, kind: str, *, require: bool = True,
              mapping: Mapping[str, str] | None = None, keep: bool = False,
              supplied: Supplied | None = None) -> Intake:
    """Read ``path`` for an importer of ``kind``. Raises SheetRefused when the file cannot
    be read, has no header or lacks a required column (and ``supplied`` does not give it).

    The tables keep only their header rows (the data rows live on in the Cells, which an
    importer may release once parsed), unless ``keep``."""
    book = read_book(path)
    columns = read_columns(kind)
    column_map = active_map(kind) if mapping is None else dict(mapping)
    notes: list[Any] = []
    tables = book.tables
    own = [t for t in tables if t.name == SHEET_NAMES[kind]]
    if own and len(tables) > 1:  # the export's workbook: only this kind's sheet
        tables = own
    for name, reason in book.skipped:
        notes.append(lazy_gettext("Sheet %(sheet)s skipped: instructions, not data.",
                                  sheet=name) if reason == "instructions" else
                     lazy_gettext("Sheet %(sheet)s skipped: it is empty.", sheet=name))
    headers: list[tuple[Table, HeaderRow]] = []
    first_refusal: SheetRefused | None = None
    for number, table in enumerate(tables, start=1):
        try:
            header = find_header(table.rows, columns, table.name, column_map, require=False)
        except NoHeader as refused:
            first_refusal = first_refusal or refused
            if len(tables) > 1:
                notes.append(lazy_gettext(
                    "Sheet %(sheet)s skipped: no header row of this kind of sheet in it.",
                    sheet=table.name))
            continue
        if len(tables) > 1:
            header.sheet, header.sheet_no = table.name, number
        headers.append((table, header))
    if not headers:
        assert first_refusal is not None
        raise first_refusal
    given = supplied or Supplied()
    if kind == "members" and require:
        refuse_former_members(headers)
    problems: list[Problem] = []
    intake = Intake([], problems, notes, headers)
    for table, header in headers:
        layout = _layout(kind, table, header)
        if require:
            _require(kind, layout, table, header, columns, given.present(kind, header, table))
        intake.layout = layout if layout != "rows" else intake.layout
        where = header.sheet or table.name
        _describe(intake, table, header, where)
        rows = _records(intake, table, header, where)
        for cells in rows:
            cells.check_characters()
            cells = supply(kind, cells, given, table)
            if layout == "counts":
                _check_counts(cells)
            if layout == "month_range" and not clean_text(cells.raw("month")):
                intake.rows.extend(_spread(cells))
            elif layout == "month_columns":
                intake.rows.extend(_by_month(cells, table, header))
            else:
                intake.rows.append(cells)
        if not keep:
            del table.rows[header.row:]
    _layout_notes(intake)
    notes.extend(supplied_notes(kind, headers, given))
    if len(headers) > 1 or book.reader != "csv":
        read = "、".join(f"{t.name}" for t, _ in headers)
        notes.insert(0, lazy_gettext("Sheets read: %(sheets)s.", sheets=read))
    return intake


def _layout(kind: str, table: Table, header: HeaderRow) -> str:
    fields = header.fields
    if kind == "meetings" and not {"name", "number"} & fields.keys() and \
            {"expected_count", "present_count"} & fields.keys():
        return "counts"
    if kind != "dues" or "month" in fields and "month_start" not in fields:
        return "rows"
    if "month_start" in fields and "month_end" in fields:
        return "month_range"
    months = _month_columns(header)
    if months:
        return "month_columns"
    yearly = [text for text in header.ignored.values() if _YEARLY.match(normalise(text))]
    if yearly and "month" not in fields:
        raise SheetRefused([problem(None,
            "This dues sheet gives only yearly totals (%(headers)s); dues are kept per month. "
            "Give one row per member and month (月份, 实缴金额), one column per month "
            "(一月 … 十二月), or a month range (起始月份, 截止月份).",
            headers="、".join(yearly)).at(row=header.row)])
    return "rows"


def _month_columns(header: HeaderRow) -> dict[int, tuple[int | None, int]]:
    """Columns named after a month (一月, 1月, 2024年1月): column → (year or None, month)."""
    found = {}
    for col, text in header.headers.items():
        match = _MONTH_HEADER.match(normalise(text))
        if match and col not in header.fields.values():
            year, month = match.groups()
            number = int(month) if month.isdigit() else _CHINESE_MONTHS[month]
            found[col] = (int(year) if year else None, number)
    return found if len(found) >= 2 else {}


def _require(kind: str, layout: str, table: Table, header: HeaderRow,
             columns: tuple[Any, ...], given: set[str]) -> None:
    fields = dict(header.fields)
    fields.update((name, 0) for name in given if name not in fields)
    if layout in ("month_range", "month_columns"):
        fields.setdefault("month", 0)
    if layout == "month_columns":
        fields.setdefault("paid", 0)
        if "year" not in fields and not any(y for y, _ in _month_columns(header).values()) \
                and sheet_year(table, header) is None:
            raise SheetRefused([problem(None,
                "This dues sheet has a column per month but does not say the year: add a "
                "年度 column, or put the year in the title (2026年党费收缴台账)."
                ).at(row=header.row)])
    problems = missing_columns(fields, columns, header.row, header.decisions)
    if problems:
        problems += [p.at(row=header.row) for p in missing_help(kind, {
            c.field for c in columns if c.required and c.field not in fields} - (
                {"branch"} if "branch_code" in fields else set()))]
        if header.sheet:
            problems = [p.at(sheet=header.sheet, sheet_no=header.sheet_no)
                        for p in problems]
        raise SheetRefused(problems)



def _describe(intake: Intake, table: Table, header: HeaderRow, where: str) -> None:
    for decision in header.decisions:
        values = "、".join(decision.samples) or "—"
        if decision.field is None:
            intake.notes.append(lazy_gettext(
                "Sheet %(sheet)s: column %(header)s holds %(values)s …, not what its name "
                "usually means; it was not read.", sheet=where, header=decision.header,
                values=values))
        else:
            name = next((c.zh for c in read_columns_all() if c.field == decision.field),
                        decision.field)
            intake.notes.append(lazy_gettext(
                "Sheet %(sheet)s: column %(header)s holds %(values)s …; read as %(field)s.",
                sheet=where, header=decision.header, values=values, field=name))
    months = _month_columns(header) if intake.layout == "month_columns" else {}
    ignored = [text for col, text in sorted(header.ignored.items()) if col not in months]
    if ignored:
        intake.notes.append(lazy_gettext(
            "Sheet %(sheet)s: columns not imported: %(columns)s.", sheet=where,
            columns="、".join(ignored)))


def read_columns_all() -> list[Any]:
    """Every column of every kind (for naming a field in a note)."""
    from sheets.columns import COLUMNS

    return [c for kind in COLUMNS for c in read_columns(kind)]


def _records(intake: Intake, table: Table, header: HeaderRow, where: str) -> list[Cells]:
    """The rows below the header that are records; the others are noted.

    Not records: a repeat of the header (a printed register repeats it on every page),
    rows whose read columns are all empty (pre-numbered rows, a note merged across the
    sheet), and everything from a note, signature or total line down.
    """
    read = sorted(set(header.fields.values()))
    # A repeated header shows in the read columns: three of them are enough to tell.
    probe = [(col, header.headers[col]) for col in read[:3]]
    skipped: list[int] = []
    repeats: list[int] = []
    stopped: tuple[int, str] | None = None
    out = []
    for index in range(header.row, len(table.rows)):
        values = table.rows[index]
        first = next((t for v in values if (t := clean_text(v))), "")
        if not first:
            continue
        if _STOP.match(first):
            stopped = (index + 1, first)
            break
        if sum(1 for col, name in probe if col <= len(values)
               and clean_text(values[col - 1]) == name) >= 2:
            repeats.append(index + 1)
            continue
        if not any(col <= len(values) and clean_text(values[col - 1]) for col in read):
            skipped.append(index + 1)
            continue
        out.append(Cells(header, index + 1, values, intake.problems))
    if repeats:
        intake.notes.append(lazy_gettext(
            "Sheet %(sheet)s: the header is repeated in rows %(rows)s; those rows were "
            "skipped.", sheet=where, rows=_ranges(repeats)))
    if skipped:
        intake.notes.append(lazy_gettext(
            "Sheet %(sheet)s: rows %(rows)s hold nothing in the imported columns (a running "
            "number or a note only) and were skipped.", sheet=where, rows=_ranges(skipped)))
    if stopped is not None:
        intake.notes.append(lazy_gettext(
            "Sheet %(sheet)s: the data ends at row %(row)s (\"%(text)s\"); rows %(rows)s "
            "were not read as records.", sheet=where, row=stopped[0], text=stopped[1][:30],
            rows=_ranges(list(range(stopped[0], len(table.rows) + 1)))))
    return out


def _ranges(rows: list[int]) -> str:
    spans: list[list[int]] = []
    for row in rows:
        if spans and spans[-1][1] == row - 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    text = [f"{a}–{b}" if a != b else str(a) for a, b in spans[:MAX_NOTES_ROWS]]
    if len(spans) > MAX_NOTES_ROWS:
        text.append("…")
    return "、".join(text)


def _check_counts(cells: Cells) -> None:
    counts = {f: cells.integer(f) for f in ("expected_count", "present_count",
                                           "excused_count", "absent_count") if cells.has(f)}
    for name, value in counts.items():
        if value is not None and value < 0:
            cells.report(name, "A count of people cannot be negative.")
    expected, present = counts.get("expected_count"), counts.get("present_count")
    if expected is not None and present is not None and present > expected:
        cells.report("present_count", "More present (%(present)s) than expected "
                     "(%(expected)s).", present=present, expected=expected)


def _split(total: Any, count: int) -> list[str | None]:
    """A total in yuan split over ``count`` months, the odd fen on the first months."""
    if total is None or clean_text(total) == "":
        return [None] * count
    try:
        cents = parse_cell_yuan(total)
    except ValueError:
        return [total] * count  # reported (once per month row) by the importer's parser
    if cents is None:
        return [None] * count
    share, extra = divmod(cents, count)
    return [f"{(share + (1 if i < extra else 0)) / 100:.2f}" for i in range(count)]


def _spread(cells: Cells) -> list[Cells]:
    """A 补缴 row over 起始月份–截止月份, as one row per month (amounts split evenly)."""
    start, end = cells.month("month_start", required=True), cells.month("month_end",
                                                                       required=True)
    if start is None or end is None:
        return []
    if end < start:
        cells.report("month_end", "截止月份 is before 起始月份.")
        return []
    months = month_range(start, end)
    if len(months) > 120:
        cells.report("month_end", "A range of more than ten years of months.")
        return []
    dues = _split(cells.raw("due"), len(months))
    paid = _split(cells.raw("paid"), len(months))
    return [cells.with_values(month=month_label(m), due=d, paid=p)
            for m, d, p in zip(months, dues, paid, strict=True)]


def _by_month(cells: Cells, table: Table, header: HeaderRow) -> list[Cells]:
    """A row with one column per month, as one row per month with an amount."""
    year = cells.integer("year", limit=2200) if cells.has("year") else None
    year = year or sheet_year(table, header)
    out = []
    for col, (col_year, month) in sorted(_month_columns(header).items()):
        value = cells.values[col - 1] if col <= len(cells.values) else None
        if not clean_text(value):
            continue
        when = col_year or year
        if when is None:
            cells.report("year", "Say which year (年度) this row is for.")
            return []
        last_day = dt.date(when, month, calendar.monthrange(when, month)[1])
        out.append(cells.with_values(month=f"{when}-{month:02d}", paid=value,
                                     paid_on=cells.raw("paid_on") or last_day))
    return out


def _layout_notes(intake: Intake) -> None:
    if intake.layout == "counts":
        intake.notes.append(lazy_gettext(
            "The sheet gives only counts of people (应到/实到), not who attended: each "
            "meeting is recorded as held (it counts for the cadence), and per-member "
            "attendance is missing until it is recorded."))
    elif intake.layout == "month_range":
        intake.notes.append(lazy_gettext(
            "Rows with a month range (起始月份–截止月份) were spread over those months, the "
            "amounts divided evenly."))
    elif intake.layout == "month_columns":
        intake.notes.append(lazy_gettext(
            "The sheet has one column per month: each amount was read as that month's "
            "payment; without a payment date, the last day of the month is recorded."))
