"""Imposition after layout: repeated artwork, QR codes and cut marks as raw PDF operators.

WeasyPrint lays out text well, but each box costs milliseconds and it draws SVG paths
in Python (~30 ms a code). So, as a variable-data press does, the artwork every card
shares is laid out once, on leading "template" pages that become Form XObjects drawn
under each card; codes are rectangles and cut marks are lines, written directly. All of
it happens in WeasyPrint's ``finisher`` hook, on the PDF it has just built: still vector.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydyf

from qr.matrix import QUIET_ZONE, QRMatrix

PT_PER_MM = 72 / 25.4
HAIRLINE_PT = 0.25  # the usual weight of crop marks


@dataclass(frozen=True)
class Placed:
    """A code at ``x``, ``y`` (top-left, mm from the page's top-left), ``size`` mm wide."""

    x: float
    y: float
    size: float
    matrix: QRMatrix


@dataclass
class PageStamp:
    """What to add to one page: template forms at offsets (mm), codes, cut-mark segments."""

    forms: list[tuple[int, float, float]] = field(default_factory=list)
    codes: list[Placed] = field(default_factory=list)
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)


def runs_ops(matrix: QRMatrix) -> bytes:
    """``re`` operators for each horizontal run of dark modules, in module units."""
    out: list[str] = []
    for y, row in enumerate(matrix.rows):
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                out.append(f"{start + QUIET_ZONE} {y + QUIET_ZONE} {x - start} 1 re")
            else:
                x += 1
    return "\n".join(out).encode("ascii")


def _mm_space(page_height_mm: float) -> str:
    # Millimetres, y downwards from the page's top-left: the layout's own coordinates.
    return f"{PT_PER_MM:.6f} 0 0 {-PT_PER_MM:.6f} 0 {page_height_mm * PT_PER_MM:.4f} cm"


def code_ops(code: Placed, page_height_mm: float) -> bytes:
    """Operators drawing one code: a white square (quiet zone included), then the runs."""
    n = code.matrix.size_with_quiet_zone
    unit = code.size / n
    head = (f"q {_mm_space(page_height_mm)} {unit:.6f} 0 0 {unit:.6f} {code.x:.4f} "
            f"{code.y:.4f} cm 1 g 0 0 {n} {n} re f 0 g\n")
    return head.encode("ascii") + runs_ops(code.matrix) + b"\nf Q"


def marks_ops(segments: Sequence[tuple[float, float, float, float]],
              page_height_mm: float) -> bytes:
    """Operators stroking cut-mark segments (mm) as black hairlines."""
    lines = [f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l" for x1, y1, x2, y2 in segments]
    head = f"q {_mm_space(page_height_mm)} {HAIRLINE_PT / PT_PER_MM:.4f} w 0 G 0 J\n"
    return head.encode("ascii") + "\n".join(lines).encode("ascii") + b"\nS Q"


def form_ops(index: int, dx: float, dy: float) -> bytes:
    """Draw template form ``index`` moved by ``dx``, ``dy`` mm (y downwards)."""
    return (f"q 1 0 0 1 {dx * PT_PER_MM:.4f} {-dy * PT_PER_MM:.4f} cm "
            f"/PcTemplate{index} Do Q").encode("ascii")


def _number(reference: Any) -> int:
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def imposer(templates: int, stamps: Sequence[PageStamp],
            page_height_mm: float) -> Callable[[Any, pydyf.PDF], None]:
    """A WeasyPrint finisher: the first ``templates`` pages become forms, the rest get stamps."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        kids = list(pdf.pages["Kids"])
        numbers = kids[::3]
        pages = [pdf.objects[n] for n in numbers]
        xobjects = None
        for index, page in enumerate(pages[:templates]):
            stream = pdf.objects[_number(page["Contents"])]
            stream.extra["Type"] = "/XObject"
            stream.extra["Subtype"] = "/Form"
            stream.extra["BBox"] = page["MediaBox"]
            stream.extra["Resources"] = page["Resources"]
            resources = pdf.objects[_number(page["Resources"])]
            xobjects = resources["XObject"]
            xobjects[f"PcTemplate{index}"] = stream.reference
        # Template pages leave the page tree; their streams live on as forms.
        pdf.pages["Kids"] = pydyf.Array(kids[3 * templates:])
        pdf.pages["Count"] = len(pages) - templates
        for page, stamp in zip(pages[templates:], stamps, strict=True):
            stream = pdf.objects[_number(page["Contents"])]
            before = [form_ops(*form) for form in stamp.forms]
            # Wrap WeasyPrint's drawing so its transforms do not leak into ours.
            stream.stream[:0] = [*before, b"q"]
            stream.stream.append(b"Q")
            stream.stream.extend(code_ops(code, page_height_mm) for code in stamp.codes)
            if stamp.marks:
                stream.stream.append(marks_ops(stamp.marks, page_height_mm))

    return finish
