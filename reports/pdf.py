"""A report as a PDF: A4 landscape, one section per table, the CJK font embedded (the
print pipeline: ``print.documents.render_html``, our fetcher, nothing from the network)."""

from __future__ import annotations

from typing import Any

from core.money import format_yuan
from print.documents import render_html
from print.fonts import CJKFont
from profiles.reports.figures import Money, Rate, Report, period_label


def cell_text(cell: object) -> str:
    """How a cell reads on paper: yuan with two decimals, a rate as a percentage."""
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return format_yuan(cell.cents)
    if isinstance(cell, Rate):
        value = cell.value
        return "—" if value is None else f"{float(value) * 100:.1f}%"
    return str(cell)


def _no_finish(document: Any, pdf: Any) -> None:
    return None


def report_pdf(report: Report, font: CJKFont) -> bytes:
    """The PDF's bytes."""
    return render_html("report.html", font, {}, _no_finish, css_file="report.css",
                       title=report.title, report=report, period=period_label(report.period),
                       cell=cell_text,
                       numeric=lambda c: isinstance(c, (int, Money, Rate)))
