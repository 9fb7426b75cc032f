"""What an import did (or, in a dry run, would do)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.changelog import Change


@dataclass(frozen=True)
class Unlisted:
    """A meeting whose attendance leaves out members who should attend."""

    meeting: str
    names: list[str]
    recorded: int  # members with an attendance state


@dataclass
class Outcome:
    """The changes an import made, and how many rows were already up to date."""

    kind: str  # members, meetings, dues, points, evaluations
    filename: str
    rows: int
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    created: list[str] = field(default_factory=list)  # branches, groups, rules made on the way
    # Change-log entries for what is created on the way (logged, not counted or listed).
    side_changes: list[Change] = field(default_factory=list)
    dry_run: bool = False
    unlisted: list[Unlisted] = field(default_factory=list)  # meetings imports only
    # What reading the file decided (sheets read and skipped, columns ignored, rows that
    # were not records, layouts): lazy strings, listed in the report.
    notes: list[Any] = field(default_factory=list)
    # (row, first day of the month) each record row is about: where the record begins is
    # proposed from them, and rows before it are reported (sheets.importers.record_start).
    record_months: list[tuple[int, dt.date]] = field(default_factory=list)
    # Rosters only: the arrival and move dates the import assumed
    # (``sheets.importers.arrivals.Dating``), for the console's preview to ask about.
    dating: Any = None

    @property
    def inserted(self) -> int:
        """How many records are new."""
        return sum(1 for c in self.changes if c.action == "insert")

    @property
    def updated(self) -> int:
        """How many existing records changed."""
        return sum(1 for c in self.changes if c.action == "update")
