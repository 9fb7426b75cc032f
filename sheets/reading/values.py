"""Pure cell parsing: text cleaning, the dates people type, months, money, counts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core.money import parse_yuan

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (with Excel's 1900 leap bug)

# Full-width space, no-break space, zero-width characters and BOMs people paste from Word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
_SPACES = re.compile(r"[\s\u3000\u00a0]+")

# A time of day after a date (2019-07-01 09:30, 2019/7/1 9:30:00, 2019年7月1日 14时30分,
# 2024-03-15T14:30, 2024-03-15 14:30-16:00): the date is kept, the time dropped.
_TIME = (r"(?:(?:\s+|T|\s*日?\s*)(?:上午|下午|晚上)?\s*\d{1,2}\s*[:：时点]\s*(?:\d{1,2}\s*分?)?"
         r"(?:\s*[:：]\s*\d{1,2}(?:\.\d+)?)?(?:\s*[-~—至到]\s*\d{1,2}\s*[:：]\s*\d{2})?)?")
_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})" + _TIME + "$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _TIME + "$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_FORMS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def clean_text(value: Any) -> str:
    """A cell as text: full-width and repeated spaces collapsed, ends stripped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13812345678.0 from a numeric phone cell
    return _clean_str(str(value))


@lru_cache(maxsize=8_192)
def _clean_str(text: str) -> str:
    # Cached: a roster repeats its branch, category, gender and date texts on every row,
    # and each cell is cleaned several times (none-word check, parse, report).
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


def clean_name(value: Any) -> str:
    """A Chinese name: every space removed ('张　三' and '张 三' are 张三); Latin names keep one."""
    text = clean_text(value)
    if re.search(r"[A-Za-z]", text):
        return text
    return text.replace(" ", "")


def parse_date(value: Any) -> dt.date:
    """A date from an Excel date cell, a serial number or the forms people type.

    Raises ValueError for anything else (including impossible dates like 2019-13-01).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            raise ValueError(value)
        if 19_000_101 <= number <= 22_001_231:  # 20190701 typed as a number
            return _ymd(str(number)[:4], str(number)[4:6], str(number)[6:])
        # An Excel serial left without a date format; from 1919 on, so that a bare year
        # (2019 would be serial 1905-07-11) is refused rather than misread.
        if 7_000 <= number <= 110_000:
            return EXCEL_EPOCH + dt.timedelta(days=number)
        raise ValueError(value)
    text = clean_text(value)
    for form in _DATE_FORMS:
        found = form.match(text)
        if found:
            return _ymd(*found.groups())
    raise ValueError(value)


def _ymd(year: str, month: str, day: str) -> dt.date:
    return dt.date(int(year), int(month), int(day))


class AmbiguousNumber(ValueError):
    """A number cell like 1990.1: a date or month typed into a General cell lost its zero.

    Never shown as it is: the row's cells catch it (as a ValueError) and report the cell
    with a message saying how to retype it, so it is not a ``UserError``."""


def year_fraction(value: Any) -> bool:
    """Whether ``value`` is a number cell of the form YYYY.x (1990.1 from a typed 1990.10).

    Excel stores 1990.10 typed into a General cell as the number 1990.1, which is the same
    number as a typed 1990.1: October and January cannot be told apart, so such a cell is
    never read as a month or date.
    """
    return (isinstance(value, float) and not value.is_integer()
            and 1900 <= value < 2200)


def parse_month(value: Any) -> int:
    """A month as YYYYMM from 2026-01, 2026/1, 2026年1月, 202601 or a date cell."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year * 100 + value.month
    if year_fraction(value):
        raise AmbiguousNumber(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and int(value) == value:
        value = str(int(value))
    text = clean_text(value)
    for form in _MONTH_FORMS:
        found = form.match(text)
        if found:
            year, month = int(found.group(1)), int(found.group(2))
            if 1921 <= year <= 2200 and 1 <= month <= 12:
                return year * 100 + month
            raise ValueError(value)
    return parse_date(value).year * 100 + parse_date(value).month


def parse_cell_yuan(value: Any) -> int | None:
    """An amount in a cell, as fen: the one money parser (``core.money.parse_yuan``) on the
    cleaned cell, thousands separators allowed as spreadsheets write them."""
    return parse_yuan(clean_text(value) if isinstance(value, str) else value, grouped=True,
                      digits=18)  # Cells.cents says when it is beyond what a cell may hold


def parse_int(value: Any) -> int:
    """A whole number, from a number cell or text like '+3' / '－2'; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if int(value) != value:
            raise ValueError(value)
        return int(value)
    text = clean_text(value).replace("＋", "+").replace("－", "-").replace("−", "-")
    if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        raise ValueError(value)
    return int(Decimal(text))


def yuan(cents: int | None) -> Decimal | None:
    """Fen as a yuan amount for a spreadsheet cell."""
    return None if cents is None else Decimal(cents) / 100
