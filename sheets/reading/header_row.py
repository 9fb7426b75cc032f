"""Find the header row (under title rows and merged cells, on one row or two) and map
headers to fields: by the names each system uses, by the person's own column map, and,
where a name means different things in different systems, by the values below it."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.problems import Problem, problem
from profiles.enums import Category, Gender, MeetingKind, MemberStatus, Position
from sheets.columns import Column
from sheets.reading.spellings import NONE_WORDS, parse_value
from sheets.reading.values import clean_text
from sheets.report.refusal import SheetRefused

SEARCH_ROWS = 15  # a header further down than this is not a roster we understand
SAMPLE_ROWS = 200  # rows looked at to decide what an ambiguous column holds
IGNORE = ""  # a column map's value for "this column holds nothing to import"

# Decorations around header text: required-markers, notes in brackets, colons.
_DECOR = re.compile(r"[\s\u3000*＊:：]|[(（]必填[)）]|[(（]选填[)）]")
# Headers of columns that hold no data (a row's running number), ignored quietly.
QUIET = frozenset({"序号", "no.", "no", "行号", "序"})

# Fields whose values are a fixed set: a column is read as one only if its values are.
CHECKED: dict[str, type[enum.StrEnum]] = {
    "category": Category, "status": MemberStatus, "position": Position, "gender": Gender,
    "kind": MeetingKind,
}
# Header names that mean different things in different systems: the fields they may hold,
# tried in order (a field of CHECKED must fit the values; another always fits).
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "党籍状态": ("category", "status"),
    "活动名称": ("kind", "topic"),
    "会议名称": ("kind", "topic"),
}


def normalise(header: Any) -> str:
    """A header reduced for comparison: no spaces, markers or case; brackets made full-width."""
    text = _DECOR.sub("", clean_text(header)).casefold()
    return text.replace("(", "（").replace(")", "）")


def _lookup(columns: Sequence[Column]) -> dict[str, str]:
    table: dict[str, str] = {}
    for column in columns:
        for name in (column.zh, column.en, column.field, *column.aliases):
            table.setdefault(normalise(name), column.field)
    return table


@dataclass
class Decision:
    """What the importer decided about a column from its values (said in the report)."""

    header: str
    field: str | None  # None: ignored
    samples: list[str]


@dataclass
class HeaderRow:
    """Where the header is (1-based row) and which column (1-based) holds which field."""

    row: int  # the last header row (data starts below it)
    fields: dict[str, int]
    headers: dict[int, str]  # the header text as written, per column
    sheet: str = ""  # set when a workbook has several data sheets
    sheet_no: int = 0
    ignored: dict[int, str] = field(default_factory=dict)  # columns read by nobody
    decisions: list[Decision] = field(default_factory=list)
    first: int = 0  # the first header row (one less than ``row`` for a two-row header)

    def header(self, field: str) -> str:
        """The header text of a field's column."""
        return self.headers[self.fields[field]]


class NoHeader(SheetRefused):
    """No row of the first few names enough known columns."""


def _names(rows: list[list[Any]], index: int, two: bool) -> list[tuple[str, str]]:
    """(header as written, normalised candidates joined by |) per column of row ``index``
    (with the row under it, for a two-row header)."""
    top = rows[index]
    if not two:
        return [(clean_text(v), normalise(v)) for v in top]
    bottom = rows[index + 1] if index + 1 < len(rows) else []
    width = max(len(top), len(bottom))
    out = []
    carried = ""
    for col in range(width):
        upper = clean_text(top[col]) if col < len(top) else ""
        lower = clean_text(bottom[col]) if col < len(bottom) else ""
        if upper:
            carried = upper
        elif not lower:
            carried = ""
        upper = upper or (carried if lower else "")  # a merged cell spans the ones under it
        if lower and upper:
            out.append((f"{upper} {lower}", f"{normalise(lower)}|{normalise(upper + lower)}"))
        else:
            out.append((upper or lower, normalise(upper or lower)))
    return out


def _match(candidates: str, lookup: Mapping[str, str]) -> str | None:
    for name in candidates.split("|"):
        if name in lookup:
            return lookup[name]
    return None


def find_header(rows: list[list[Any]], columns: Sequence[Column], sheet: str = "",
                mapping: Mapping[str, str] | None = None,
                require: bool = True) -> HeaderRow:
    """The row (or pair of rows) among the first few that names the most known columns.

    ``mapping`` (normalised header → field, or IGNORE) is the person's own column map; it
    wins over the built-in names. Raises NoHeader when no header is found, SheetRefused
    when a column appears twice or (with ``require``) a required column is missing.
    """
    lookup = _lookup(columns)
    mapped = dict(mapping or {})
    def score(index: int, two: bool) -> int:
        return len({f for _, c in _names(rows, index, two)
                    if (f := mapped.get(c.split("|")[0], _match(c, lookup)))})

    searched = min(SEARCH_ROWS, len(rows))
    single = [score(i, False) for i in range(searched)] + [0]
    best: tuple[int, int, bool] = (0, -1, False)
    for index in range(searched):
        if single[index] > best[0]:
            best = (single[index], index, False)
        # Two rows are one header only if together they name more than either alone
        # (a title row above the header names nothing more).
        if index + 1 < len(rows):
            both = score(index, True)
            if both > max(best[0], single[index], single[index + 1]):
                best = (both, index, True)
    if best[0] < 2:
        required = "、".join(c.zh for c in columns if c.required)
        raise NoHeader([problem(None,
            "No header row found in the first %(count)s rows of sheet '%(sheet)s'. The sheet "
            "needs a row of column names such as %(names)s.", count=SEARCH_ROWS,
            names=required, sheet=sheet)])
    _, index, two = best
    last = index + 1 if two else index
    sample = rows[last + 1:last + 1 + SAMPLE_ROWS]
    candidates: dict[str, list[int]] = {}
    headers: dict[int, str] = {}
    ignored: dict[int, str] = {}
    decisions: list[Decision] = []
    for col, (text, joined) in enumerate(_names(rows, index, two), start=1):
        if not text:
            continue
        plain, whole = joined.split("|")[0], joined.split("|")[-1]
        if plain in mapped or whole in mapped:
            chosen = mapped.get(plain, mapped.get(whole, IGNORE))
            options: tuple[str, ...] = (chosen,) if chosen else ()
        else:
            found = _match(joined, lookup)
            options = AMBIGUOUS.get(plain, (found,) if found else ())
        headers[col] = text
        fitting = None
        for option in options:
            if option not in CHECKED or (mapping and plain in mapped) \
                    or _fits(sample, col, CHECKED[option]):
                fitting = option
                break
        if fitting is None:
            if options:  # a known name whose values are something else
                decisions.append(Decision(text, None, _samples(sample, col)))
            if plain not in QUIET:
                ignored[col] = text
            continue
        if len(options) > 1:
            decisions.append(Decision(text, fitting, _samples(sample, col)))
        candidates.setdefault(fitting, []).append(col)
    fields: dict[str, int] = {}
    problems: list[Problem] = []
    for name, cols in candidates.items():
        if len(cols) > 1 and name in CHECKED:
            # Two columns for one fixed-set field (人员类别 and 政治面貌): the one whose
            # values fit best is read, the other ignored, and the report says so.
            cols = sorted(cols, key=lambda c: -_fit_count(sample, c, CHECKED[name]))
            for other in cols[1:]:
                ignored[other] = headers[other]
                decisions.append(Decision(headers[other], None, _samples(sample, other)))
        elif len(cols) > 1:
            for other in cols[1:]:
                problems.append(problem(None,
                    "This column repeats column %(other)s; delete one of them.",
                    other=headers[cols[0]]).at(row=last + 1, column=other,
                                               header=headers[other]))
        fields[name] = cols[0]
    if require:
        problems += missing_columns(fields, columns, last + 1, decisions)
    if problems:
        raise SheetRefused(problems)
    return HeaderRow(last + 1, fields, headers, ignored=ignored, decisions=decisions,
                     first=index + 1)


def missing_columns(fields: Mapping[str, int], columns: Sequence[Column], row: int,
                    decisions: Sequence[Decision] = ()) -> list[Problem]:
    """A problem per required column the header lacks."""
    problems = []
    for column in columns:
        if column.required and column.field not in fields:
            problems.append(problem(None, "Required column '%(name)s' is missing.",
                                    name=column.zh).at(row=row))
    if problems:
        for decision in decisions:
            if decision.field is None:
                problems.append(problem(None,
                    "Column '%(name)s' was not read: its values (%(values)s) are not what "
                    "its name usually holds. If it is the column you need, say which field "
                    "it holds.", name=decision.header,
                    values="、".join(decision.samples) or "—").at(row=row))
    return problems


def _cells(sample: list[list[Any]], col: int) -> list[str]:
    return [t for r in sample if col <= len(r) and (t := clean_text(r[col - 1]))]


def _fit_count(sample: list[list[Any]], col: int, enum_cls: type[enum.StrEnum]) -> int:
    return sum(1 for t in _cells(sample, col)
               if t not in NONE_WORDS and parse_value(t, enum_cls)[0])


def _fits(sample: list[list[Any]], col: int, enum_cls: type[enum.StrEnum]) -> bool:
    """Whether a column's values are of ``enum_cls``: most of them, or no values at all
    (an empty column is then read, and a missing value reported per row)."""
    values = [t for t in _cells(sample, col) if t not in NONE_WORDS]
    if not values:
        return True
    return _fit_count(sample, col, enum_cls) * 2 >= len(values)


def _samples(sample: list[list[Any]], col: int, count: int = 4) -> list[str]:
    seen: list[str] = []
    for text in _cells(sample, col):
        if text not in seen:
            seen.append(text)
        if len(seen) == count:
            break
    return seen
