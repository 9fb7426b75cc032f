"""Pure rules of meetings and attendance."""

from __future__ import annotations

import datetime as dt
import re

from core.problems import Problem, problem
from profiles.enums import MeetingKind
from profiles.org.rules import Lifespan

# -- meetings and attendance ------------------------------------------------------------

def meeting_problems(kind: MeetingKind, *, has_group: bool, held_on: dt.date | None = None,
                     branch: Lifespan | None = None, topic: str = "") -> list[Problem]:
    """A 党小组会 belongs to a party group and every other kind to the whole branch; a
    meeting is held while its branch exists."""
    found = []
    if kind is MeetingKind.GROUP and not has_group:
        found.append(problem("group", "A 党小组会 needs the party group."))
    elif kind is not MeetingKind.GROUP and has_group:
        found.append(problem("group",
                             "Only a 党小组会 belongs to a party group; clear this cell."))
    if held_on is not None and branch is not None and not branch.covers(held_on):
        found.append(problem("held_on", "The branch did not exist on %(date)s; check the date.",
                             date=held_on.isoformat()))
    if len(topic) > 200:
        found.append(problem("topic", "Too long: at most %(count)s characters.", count=200))
    return found


def attendee_problems(*, member_name: str, member_branch_id: int | None,
                      meeting_branch_id: int) -> list[Problem]:
    """Only a member of the branch that held the meeting, on the meeting's date, can
    attend it (``member_branch_id``: their branch on that date, None if not a member)."""
    if member_branch_id != meeting_branch_id:
        return [problem("name", "%(value)s is a member of another branch.", value=member_name)]
    return []


# -- the record (痕迹管理) -----------------------------------------------------------------

# The record's text fields and their lengths: host, recorder and guests are one line each,
# the minutes and resolutions plain text with paragraphs (a blank line between them).
RECORD_LIMITS: dict[str, int] = {
    "host": 50, "recorder": 50, "guests": 200, "minutes": 20_000, "resolutions": 5_000}
PARAGRAPH_FIELDS = frozenset({"minutes", "resolutions"})
_BLANK_RUN = re.compile(r"\n{3,}")


def tidy_record_text(field: str, text: str) -> str:
    """The text as kept: one-line fields on one line; paragraph fields with their line
    breaks normalised (CR LF → LF, trailing spaces and runs of blank lines dropped)."""
    if field not in PARAGRAPH_FIELDS:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def paragraphs(text: str) -> list[list[str]]:
    """The minutes as paragraphs (split at blank lines), each a list of its lines: how
    the console, the member-facing pages and the printed 会议记录 show them."""
    return [block.split("\n") for block in text.split("\n\n") if block.strip()]


def record_problems(values: dict[str, str]) -> list[Problem]:
    """Each record field within its length."""
    return [problem(field, "Too long: at most %(count)s characters.", count=limit)
            for field, limit in RECORD_LIMITS.items() if len(values.get(field, "")) > limit]


def minutes_overdue(held_on: dt.date, has_minutes: bool, today: dt.date,
                    after_days: int) -> bool:
    """A held meeting still without minutes ``after_days`` days after it (self-audit)."""
    return not has_minutes and (today - held_on).days > after_days


def make_up_problems(*, status: str, held_on: dt.date, made_up_on: dt.date,
                     today: dt.date, note: str) -> list[Problem]:
    """补学: only a 缺席 is made up, on a day from the meeting to today, with a short note."""
    found = []
    if status != "absent":
        found.append(problem("made_up_on", "Only a 缺席 can be made up (补学)."))
    if not held_on <= made_up_on <= today:
        found.append(problem("made_up_on", "The day of the 补学 is between the meeting "
                             "(%(held)s) and today.", held=held_on.isoformat()))
    if len(note) > 200:
        found.append(problem("made_up_note", "Too long: at most %(count)s characters.",
                             count=200))
    return found
