"""Where the record begins, at an import (issue 18): proposed from the file when it is
not set, and the rows that lie before it when it is.

An organisation's record starts at its first tracked month (``Committee.records_from``).
While none is set, an import proposes the earliest month its file holds (a meeting's
date, a dues month, an evaluation year's January, a points date; for a roster, the
month of its as-of date or of today) and sets it once the import is written. A value
already set is never changed here: the report says which rows lie before it (kept, but
no rule reads them) and how to move it (``flask record begins``). An explicit month (the
command's ``--records-from``, the console's field) sets it whatever it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.changelog import Actor
from profiles.audit.wording import gettext
from profiles.org import reads as org_reads
from profiles.org.operations import set_records_from
from profiles.org.wording import month_words
from sheets.reading.row_cells import Cells

SHOWN_ROWS = 10  # rows before the start named in the report; the rest counted

# (field, how it is read) of the date each kind of record is about.
DATED = {"meetings": ("held_on", "date"), "dues": ("month", "month"),
         "points": ("recorded_on", "date"), "evaluations": ("year", "year")}


def record_months(kind: str, rows: Iterable[Cells]) -> list[tuple[int, dt.date]]:
    """(row, first day of the month) of every row with a readable date, read on a scratch
    copy of each row (its problems are the importer's to report, once)."""
    spec = DATED.get(kind)
    if spec is None:
        return []
    name, how = spec
    found = []
    for cells in rows:
        scratch = Cells(cells.header, cells.row, cells.values, [], cells.overrides)
        day: dt.date | None = None
        if how == "date":
            day = scratch.date(name)
        elif how == "month":
            month = scratch.month(name)
            day = dt.date(month // 100, month % 100, 1) if month else None
        else:
            year = scratch.integer(name, limit=9999)
            day = dt.date(year, 1, 1) if year and 1 <= year <= 9999 else None
        if day is not None:
            found.append((cells.row, day.replace(day=1)))
    return found


@dataclass
class RecordStart:
    """What an import does about where the record begins."""

    current: dt.date | None  # as set before the import (None: not set)
    proposed: dt.date | None = None  # to set (None: nothing to set)
    source: str = ""  # "file", "as_of", "today" or "given"
    before: list[int] = field(default_factory=list)  # rows before ``current``
    done: bool = False  # set by this import


def plan_start(kind: str, months: Sequence[tuple[int, dt.date]], today: dt.date, *,
               given: dt.date | None = None, as_of: dt.date | None = None) -> RecordStart:
    """The proposal (or the rows before the start) for an import of ``kind`` whose rows
    hold ``months``; ``given`` is a month the person chose, ``as_of`` the import's date."""
    starts = [start for _, _, start in org_reads.record_starts()]
    current = next((s for s in starts if s is not None), None)
    plan = RecordStart(current)
    if given is not None:
        if given != current:
            plan.proposed, plan.source = given, "given"
        return plan
    if current is not None:
        plan.before = [row for row, day in months if day < current]
        return plan
    if months:
        plan.proposed, plan.source = min(day for _, day in months), "file"
    elif kind == "members":
        day, plan.source = (as_of, "as_of") if as_of is not None else (today, "today")
        plan.proposed = day.replace(day=1)
    return plan


def apply_start(plan: RecordStart, actor: Actor, today: dt.date) -> None:
    """Set what the plan proposes, after the import was written (the caller commits): a
    month given on every committee; a proposal on those without one. A committee the
    import created gets the organisation's start too. Never commits."""
    if plan.proposed is not None:
        set_records_from(actor, plan.proposed, today=today, only_unset=plan.source != "given")
        plan.done = True
    elif plan.current is not None:
        set_records_from(actor, plan.current, today=today, only_unset=True)


def start_lines(plan: RecordStart) -> list[str]:
    """The report's lines about where the record begins."""
    lines = []
    if plan.proposed is not None:
        why = {"file": gettext("the earliest month in the file"),
               "as_of": gettext("the month of the import's date"),
               "today": gettext("the month of the import"),
               "given": gettext("the month given")}[plan.source]
        month = month_words(plan.proposed)
        if plan.done:
            lines.append(gettext("Where the record begins: set to %(month)s (%(why)s). No "
                                 "rule looks before it; to move it: flask record begins "
                                 "YYYY-MM.", month=month, why=why))
        else:
            lines.append(gettext("Where the record begins: will be set to %(month)s "
                                 "(%(why)s).", month=month, why=why))
    if plan.before and plan.current is not None:
        shown = "、".join(str(r) for r in plan.before[:SHOWN_ROWS])
        if len(plan.before) > SHOWN_ROWS:
            shown += "…"
        lines.append(gettext(
            "%(count)s rows lie before where the record begins (%(month)s; rows %(rows)s): "
            "they are kept, but no rule reads them. To move the start: flask record begins "
            "YYYY-MM.", count=len(plan.before), month=month_words(plan.current), rows=shown))
    return lines
