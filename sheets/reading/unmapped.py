"""The columns of a file that no field was found for, with a few of their values: what the
console's mapping step asks the person to map (then ``column_map.set_mapping``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheets.reading.rows import read_rows


@dataclass(frozen=True)
class Unmapped:
    """A column of a file that no field was found for."""

    sheet: str
    column: int  # 1-based
    header: str
    samples: list[str]


def unmapped_columns(path: Path, kind: str) -> list[Unmapped]:
    """The columns of the file that no field was found for (with a few of their values),
    for the console's mapping step. Raises SheetRefused when the file cannot be read."""
    found = read_rows(path, kind, require=False, keep=True)
    out = []
    for table, header in found.headers:
        for col, text in sorted(header.ignored.items()):
            values = []
            for row in table.rows[header.row:header.row + 50]:
                if col <= len(row) and (value := str(row[col - 1] or "").strip()):
                    if value not in values:
                        values.append(value)
                if len(values) == 4:
                    break
            out.append(Unmapped(table.name, col, text, values))
    return out
