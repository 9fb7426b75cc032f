"""Console text for an import: the problems of a refused file, or what changed."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask_babel import get_locale, gettext, ngettext

from core.changelog import Change, mask
from core.files import OutputError, output_path
from core.problems import Problem
from core.text import for_terminal
from profiles.labels import label
from sheets.columns import Column
from sheets.reading.values import yuan
from sheets.report.outcome import Outcome

MAX_LISTED = 200  # changes listed one by one; beyond that only counted
SAID = frozenset({"number", "name"})  # already the line's key and label
MAX_NAMES = 20  # names listed per meeting in the note on missing attendance
MONEY = frozenset({"due", "paid"})


MAX_PRINTED = 50  # problems printed; the full list goes to a report file


def refused_lines(filename: str, problems: Sequence[Problem],
                  limit: int | None = None) -> list[str]:
    """The refusal and every problem (or the first ``limit``), one per line."""
    head = ngettext("%(file)s was refused; nothing was written. %(num)d problem:",
                    "%(file)s was refused; nothing was written. %(num)d problems:",
                    len(problems), file=filename)
    shown = problems if limit is None else problems[:limit]
    lines = [str(head), *(f"  {p}" for p in shown)]
    if len(problems) > len(shown):
        lines.append("  " + gettext("… and %(num)s more.", num=len(problems) - len(shown)))
    return lines


def problems_report_path(path: Path) -> Path:
    """Where the full list of a refused file's problems is written: next to the file."""
    return path.with_name(path.name + ".problems.txt")


def write_problems_report(path: Path, problems: Sequence[Problem]) -> Path | None:
    """Write every problem of a refused ``path`` next to it (owner-only: it quotes cells);
    the file written, or None if it cannot be. The console offers it for download."""
    target = problems_report_path(path)
    lines = refused_lines(path.name, problems)
    try:
        with output_path(target, private=True) as tmp:
            tmp.write_text("".join(for_terminal(line) + "\n" for line in lines),
                           encoding="utf-8")
    except OutputError:
        return None
    return target


def note_lines(outcome: Outcome) -> list[str]:
    """What reading the file decided: sheets, ignored columns, skipped rows, layouts."""
    return [f"  {note}" for note in outcome.notes]


def outcome_lines(outcome: Outcome, columns: Sequence[Column]) -> list[str]:
    """A summary, then one line per changed record (private values masked)."""
    lines = []
    if outcome.dry_run:
        lines.append(gettext("Dry run: nothing was written. This is what the import would do."))
    lines.append(gettext("%(file)s: %(rows)s rows; %(new)s new, %(changed)s changed, "
                         "%(same)s unchanged.", file=outcome.filename, rows=outcome.rows,
                         new=outcome.inserted, changed=outcome.updated, same=outcome.unchanged))
    lines += note_lines(outcome)
    units = [c for c in outcome.side_changes if c.action == "update"]
    if not outcome.changes and not units:
        lines.append(gettext("No changes: the database already holds what the file says."))
        return lines + unlisted_lines(outcome)
    unit_fields = {"founded_on": gettext("founded on"), "dissolved_on": gettext("dissolved on")}
    for change in units:  # a unit's founding or dissolution date: said, never silent
        lines.append("  " + gettext("Unit %(unit)s: %(fields)s", unit=change.key,
                                    fields="; ".join(
                                        f"{unit_fields.get(f, f)} {_shown(f, old)} → "
                                        f"{_shown(f, new)}"
                                        for f, (old, new) in change.fields.items())))
    for created in outcome.created:
        lines.append("  " + gettext("Created: %(what)s", what=created))
    names = _names(columns)
    for change in outcome.changes[:MAX_LISTED]:
        lines.append("  " + _change_line(change, names))
    if len(outcome.changes) > MAX_LISTED:
        lines.append("  " + gettext("… and %(num)s more.", num=len(outcome.changes) - MAX_LISTED))
    return lines + unlisted_lines(outcome)


def unlisted_lines(outcome: Outcome) -> list[str]:
    """A note per meeting that leaves out members who should attend (not an error)."""
    if not outcome.unlisted:
        return []
    lines = [str(gettext("Note: members who should attend these meetings have no attendance "
                         "state, so they count neither as present nor as absent. Add a row "
                         "for each (出席, 线上参加, 请假 or 缺席) and import again:"))]
    for item in outcome.unlisted:
        if not item.recorded:
            lines.append("  " + gettext("%(meeting)s: no attendance recorded (%(num)s members "
                                        "should attend).", meeting=item.meeting,
                                        num=len(item.names)))
            continue
        shown = "、".join(item.names[:MAX_NAMES])
        if len(item.names) > MAX_NAMES:
            shown += " " + gettext("and %(num)s others", num=len(item.names) - MAX_NAMES)
        lines.append("  " + gettext("%(meeting)s: %(num)s not in the file: %(names)s",
                                    meeting=item.meeting, num=len(item.names), names=shown))
    return lines


def _names(columns: Sequence[Column]) -> dict[str, str]:
    english = str(get_locale() or "zh").startswith("en")
    names = {c.field: c.en if english else c.zh for c in columns}
    names["dues_base"] = names.get("dues_base", "dues_base")
    return names


def _change_line(change: Change, names: dict[str, str]) -> str:
    where = gettext("row %(row)s", row=change.row)
    if change.action == "insert":
        # The values as read, so the preview shows what a new record would hold, not only
        # whose it is (issue 20); private ones masked as everywhere in the report.
        # in the template's column order (``names`` is), then what it has no column for
        fields = [f for f in names if f in change.fields] + [
            f for f in change.fields if f not in names]
        read = [f"{names.get(f, f)} {_shown(f, change.fields[f][1])}" for f in fields
                if f not in SAID and change.fields[f][1] not in (None, "")]
        if not read:
            return str(gettext("New %(key)s %(label)s (%(where)s)", key=change.key,
                               label=change.label, where=where)).replace("  ", " ")
        return str(gettext("New %(key)s %(label)s (%(where)s): %(fields)s", key=change.key,
                           label=change.label, where=where, fields="; ".join(read))
                   ).replace("  ", " ")
    parts = [f"{names.get(f, f)} {_shown(f, old)} → {_shown(f, new)}"
             for f, (old, new) in change.fields.items()]
    return str(gettext("Changed %(key)s %(label)s (%(where)s): %(fields)s", key=change.key,
                       label=change.label, where=where, fields="; ".join(parts))
               ).replace("  ", " ")


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return str(gettext("(empty)"))
    if field in MONEY and isinstance(value, int):
        return f"{yuan(value):.2f}"
    if isinstance(value, enum.StrEnum):
        return label(value, str(get_locale() or "zh"))
    if isinstance(value, dt.date):
        value = value.isoformat()
    return str(mask(field, value))
