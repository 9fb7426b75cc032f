"""Who should attend a meeting: the brief's rule, as one pure function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from profiles.enums import ENDED, EXEMPT, MeetingKind, MemberStatus, Position
from profiles.members.rules import Standing, standing_on


@dataclass(frozen=True)
class Invitee:
    """The member fields the rule reads."""

    id: int
    name: str
    group_id: int | None
    position: Position | None
    status: MemberStatus
    joined_on: dt.date
    standings: tuple[Standing, ...] = ()  # 停止党籍 / 暂留 periods (profiles.members.rules)


def should_attend(kind: MeetingKind, group_id: int | None, held_on: dt.date,
                  members: Iterable[Invitee]) -> list[Invitee]:
    """The branch members expected at a meeting: 支委会 the committee, 党小组会 the group.

    Members who had not yet joined on the day, former members, and members under 停止党籍
    or 出国（境）暂留 on the day are not expected; members working away (流动) are, since
    they may send an excuse.
    """
    expected = []
    for m in members:
        if m.status in ENDED or m.joined_on > held_on:
            continue
        if standing_on(m.standings, held_on) in EXEMPT:
            continue
        if kind is MeetingKind.COMMITTEE and m.position is None:
            continue
        if kind is MeetingKind.GROUP and m.group_id != group_id:
            continue
        expected.append(m)
    return expected
