"""Operations on the organisation tree: founding and dissolving branches and groups."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from core.db import db
from profiles.models import (
    Branch,
    Committee,
    PartyGroup,
)
from profiles.org import operations as org_ops
from tests.helpers import factories
from tests.helpers.operations import ACTOR, DAY, logged, refused


def test_found_branch_and_group(org: dict[str, Any]) -> None:
    committee = db.session.get(Committee, org["branch"].committee_id)
    assert committee is not None
    with logged(2) as rows:
        branch = org_ops.found_branch(ACTOR, code="zb09", name="新党支部", committee=committee,
                                      founded_on=DAY)
        assert branch.code == "ZB09"
        org_ops.found_group(ACTOR, branch, name="第一党小组", founded_on=DAY)
    assert [r.table_name for r in rows] == ["branch", "party_group"]
    with refused("code"):
        org_ops.found_branch(ACTOR, code="ZB01", name="重复", committee=committee, founded_on=None)
    with refused("name"):
        org_ops.found_group(ACTOR, org["branch"], name=org["groups"][0].name, founded_on=None)
    with refused("name"):
        org_ops.found_branch(ACTOR, code="ZB10", name="", committee=committee, founded_on=None)


def _dissolution(op: Callable[[], Any], model: type[Any]) -> None:
    """Dissolving records the date, logged."""
    with logged() as rows:
        op()
    assert json.loads(rows[0].changes) == {"dissolved_on": [None, "2026-05-10"]}


def test_dissolve_branch_and_group(org: dict[str, Any]) -> None:
    with refused("branch"):
        org_ops.dissolve_branch(ACTOR, org["branch"], on=DAY)  # still has members
    with refused("group"):
        org_ops.dissolve_group(ACTOR, org["groups"][0], on=DAY)  # 李娜 is in it
    empty = factories.make_branch("ZB08", "空党支部")
    db.session.commit()
    _dissolution(lambda: org_ops.dissolve_group(ACTOR, empty.groups[0], on=DAY), PartyGroup)
    _dissolution(lambda: org_ops.dissolve_branch(ACTOR, empty, on=DAY), Branch)
