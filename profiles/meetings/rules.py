"""Pure rules of meetings and attendance."""

from __future__ import annotations

import datetime as dt

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
