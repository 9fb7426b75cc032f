"""Choosing a font size so a line of Chinese (or mixed) text fits its box, never overflows."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

LINE_HEIGHT = 1.2  # must match ``line-height`` in templates/print/*.css


@dataclass(frozen=True)
class Fit:
    """A font size in mm and the number of lines the text then takes."""

    size: float
    lines: int


def width_em(text: str) -> float:
    """A safe upper estimate of the text's advance width, in em."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0  # CJK ideographs and full-width forms are one em in CJK fonts
        elif char.isspace():
            total += 0.35
        elif char.isupper() or char in "mwMW@%":
            total += 0.8
        else:
            total += 0.62
    return total * 1.04 + 0.1  # slack for kerning differences and rounding


def fit_text(text: str, width: float, height: float, largest: float, smallest: float) -> Fit:
    """The largest size <= ``largest`` at which ``text`` fits ``width`` x ``height`` mm.

    One line is preferred down to ``smallest``; below that the text wraps onto as many
    lines as the height allows, shrinking further if it must, so it never leaves the box.
    """
    em = max(width_em(text), 0.1)
    single = min(largest, width / em, height / LINE_HEIGHT)
    if single >= smallest:
        return Fit(round(single, 2), 1)
    size = min(largest, smallest)
    while size > 0.3:
        lines = math.ceil(em * size / width)
        if lines * size * LINE_HEIGHT <= height:
            return Fit(round(size, 2), lines)
        size *= 0.95
    return Fit(0.3, math.ceil(em * 0.3 / width))
