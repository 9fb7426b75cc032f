"""What the record-keeping screens share: the actor, loading a meeting for its access
check, showing a refusal, reading a date from a form. What they read is the concepts'
(``profiles.<concept>.reads``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash
from flask_login import current_user

from core.changelog import Actor
from core.errors import UserError
from profiles.meetings import reads as meetings_reads
from profiles.models import Meeting


def actor(source: str = "console") -> Actor:
    """The signed-in account as the change log's actor, writing from the console (the
    one such helper: every console screen names its writes so)."""
    return Actor(str(current_user.username), source)


def meeting_by_id(value: Any) -> tuple[Meeting, int] | None:
    """The loader for ``record_access``: a meeting and the branch it belongs to."""
    try:
        meeting_id = int(value)
    except (TypeError, ValueError):
        return None
    meeting = meetings_reads.meeting_by_id(meeting_id)
    return (meeting, meeting.branch_id) if meeting is not None else None


def refuse(error: UserError) -> None:
    """Show a refusal: every problem of a rule violation on its own line."""
    problems = getattr(error, "problems", None)
    if problems:
        for p in problems:
            flash(str(p), "error")
    else:
        flash(error.message if hasattr(error, "message") else str(error), "error")


def parse_date(text: str) -> dt.date | None:
    """An ISO date from a form (the date input sends yyyy-mm-dd), or None."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
