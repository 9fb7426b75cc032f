"""Characters no record should hold: control characters and bidirectional overrides.

Pure functions, used by the spreadsheet importers (refuse such a cell, with its row and
column), by console forms and by anything that echoes a user's text to a terminal.

Why refuse rather than strip on input: a NUL breaks SQLite text handling and PostgreSQL
refuses it outright; an ESC sequence echoed to a terminal rewrites the lines above it; a
right-to-left override (U+202E) makes "张\u202egnp.exe伟" print as "张exe.png伟" on a card.
None of them is ever typed on purpose into a name, branch or topic, so the person
importing is told where it is and fixes the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0 controls except tab, line feed and carriage return (a cell may hold line breaks:
# Alt+Enter in Excel); DEL; the C1 controls.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f"
# Bidirectional formatting: embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069) and the invisible direction marks (LRM, RLM, ALM).
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}]")
# On a terminal a carriage return also overwrites what was printed; strip it there too.
_TERMINAL = re.compile(f"[{_CONTROLS}{_BIDI}\r]")


@dataclass(frozen=True)
class Unsafe:
    """One unsafe character and where it is (0-based index into the text)."""

    index: int
    char: str

    @property
    def code(self) -> str:
        """The character's code point as people look it up, e.g. ``U+202E``."""
        return f"U+{ord(self.char):04X}"


def unsafe_characters(text: str) -> list[Unsafe]:
    """Every control character or bidi override in ``text``, in order (empty if none)."""
    return [Unsafe(m.start(), m.group()) for m in _UNSAFE.finditer(text)]


def for_terminal(text: str) -> str:
    """``text`` with control characters, bidi overrides and carriage returns removed,
    safe to print on a terminal (tab and line feed are kept)."""
    return _TERMINAL.sub("", text)
