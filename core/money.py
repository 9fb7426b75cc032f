"""Money as people type it, the one parser: yuan in, fen (integers) out.

The console's forms and the spreadsheet importers read amounts with :func:`parse_yuan`;
amounts are stored in fen so that sums are exact.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# A form's amount: up to 999,999,999.99 yuan, beyond any dues amount and within every
# column (a longer one is refused as not an amount). A spreadsheet cell may be longer: the
# importer then says the amount is beyond what a cell may hold.
MAX_YUAN_DIGITS = 9
_AMOUNT = re.compile(r"(\d+)(?:\.(\d+))?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_yuan(value: Any, *, grouped: bool = False,
               digits: int = MAX_YUAN_DIGITS) -> int | None:
    """An amount in yuan as fen: '45' → 4500, '45.5', '0.20', '¥45.50', '45.50元', '45．5'
    (a full-width point) or a number cell (45.5, ``Decimal``). None for an empty value.

    ValueError for anything that is not a non-negative amount to the fen: '-3', '1.234',
    'abc', 'NaN', '1e3', '¥' alone, more than ``digits`` digits before the point.
    ``grouped`` also reads thousands separators ('1,234.56', as a spreadsheet formats
    them); a form field refuses them, since '1,000' may be a mistyped 1.000.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        value = round(value, 6)  # 60.00000000001 from a formula cell is 60.00
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise ValueError(value)
        return _fen(amount, value)
    typed = str(value).strip()
    if not typed:
        return None
    text = typed.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    text = text.replace("．", ".")
    if grouped:
        text = text.replace("，", ",")
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
    found = _AMOUNT.fullmatch(text)
    if found is None or len(found.group(1)) > digits:
        raise ValueError(value)
    return _fen(Decimal(text), value)


def _fen(amount: Decimal, value: Any) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(value)  # more precise than a fen
    return int(cents)


def format_yuan(cents: int) -> str:
    """Fen as yuan with two decimals: 85560 → '855.60'."""
    return f"{cents // 100}.{cents % 100:02d}"
