"""The operations layer as a whole: text rules every write enforces, card reissue."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.db import db
from profiles import cards
from profiles.enums import Category, MeetingKind
from profiles.meetings import operations as meeting_ops
from profiles.members import operations as member_ops
from profiles.models import (
    Member,
)
from profiles.org import operations as org_ops
from profiles.points import operations as points_ops
from tests.helpers.operations import ACTOR, DAY, logged, refused


def test_control_and_direction_characters_are_refused_in_every_text(
        org: dict[str, Any]) -> None:
    """A right-to-left override would print 张\u202egnp.exe伟 as 张exe.png伟 on a card; an
    ESC sequence rewrites a terminal; a NUL breaks the database: refused, nothing written."""
    base: dict[str, Any] = {"branch": org["branch"], "category": Category.FULL,
                            "joined_on": dt.date(2010, 1, 1)}
    with refused("name"):
        member_ops.create_member(ACTOR, **base, name="张\u202egnp.exe伟")
    with refused("address"):
        member_ops.update_member(ACTOR, org["members"][0], address="东大街\x001号")
    with refused("topic"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.THEME_DAY,
                                   held_on=DAY, topic="\x1b[2J学习")
    with refused("reason"):
        points_ops.add_points(ACTOR, org["members"][0], recorded_on=DAY, points=2,
                              reason="出席\u2066会议")
    with refused("name"):
        org_ops.found_group(ACTOR, org["branch"], name="第三\x85小组", founded_on=None)
    # Line breaks and tabs are text people type (Alt+Enter in a cell): accepted.
    with logged():
        member_ops.update_member(ACTOR, org["members"][0], address="东大街1号\n2单元")


def test_reissue_card_bumps_the_generation(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with logged(2) as rows:
        assert cards.reissue_card(ACTOR, li) == 2
        assert cards.reissue_card(ACTOR, org["branch"]) == 2
    assert [(r.table_name, r.record_key) for r in rows] == [("member", li.number),
                                                            ("branch", "ZB01")]
    assert json.loads(rows[0].changes) == {"card_generation": [1, 2]}
    assert db.session.get(Member, li.id).card_generation == 1  # type: ignore[union-attr]
