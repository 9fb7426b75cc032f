"""Operations on members: create, update, transfer; private fields masked in the log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from core.db import db
from profiles.enums import Category, MemberStatus
from profiles.members import operations as member_ops
from profiles.members.rules import id_check_digit
from tests.helpers.operations import ACTOR, DAY, logged, refused


def _id_number(first17: str = "11010519900307123") -> str:
    return first17 + id_check_digit(first17)


def test_create_member_masks_private_fields_in_the_log(org: dict[str, Any]) -> None:
    group = org["groups"][1]
    with logged() as rows:
        member = member_ops.create_member(
            ACTOR, branch=org["branch"], group=group, name="赵敏",
            category=Category.PROBATIONARY, joined_on=dt.date(2026, 3, 1),
            id_number=_id_number(), phone="13912345678")
        assert member.number.startswith("DY") and member.group_id == group.id
    changes = json.loads(rows[0].changes)
    assert changes["phone"] == [None, "139****5678"]
    assert "19900307" not in rows[0].changes and changes["group"] == [None, group.name]


def test_create_member_refuses_bad_and_taken_values(org: dict[str, Any]) -> None:
    base: dict[str, Any] = {"branch": org["branch"], "name": "赵敏", "category": Category.FULL,
                            "joined_on": dt.date(2010, 1, 1)}
    with refused("converted_on"):
        member_ops.create_member(ACTOR, **base, converted_on=dt.date(2009, 1, 1))
    with refused("id_number"):
        wrong = "0" if _id_number().endswith("1") else "1"
        member_ops.create_member(ACTOR, **base, id_number=_id_number()[:17] + wrong)
    with refused("number"):
        member_ops.create_member(ACTOR, **base, number=org["members"][0].number)
    with refused("group"):
        member_ops.create_member(ACTOR, **base, group=org["other"].groups[0])
    with refused("name", "category"):
        member_ops.create_member(ACTOR, branch=org["branch"], name=" ", category=None,
                                 joined_on=dt.date(2010, 1, 1))
    with pytest.raises(TypeError):
        member_ops.create_member(ACTOR, **base, card_generation=5)


def test_update_member_logs_changes_and_refuses_a_taken_id_number(org: dict[str, Any]) -> None:
    li, wang = org["members"]
    wang.id_number = _id_number()
    db.session.commit()
    with logged() as rows:
        member_ops.update_member(ACTOR, li, phone="13800001111", name="李娜")  # name unchanged
    assert json.loads(rows[0].changes) == {"phone": [None, "138****1111"]}
    with refused("id_number"):
        member_ops.update_member(ACTOR, li, id_number=wang.id_number)
    with refused("probation_extension_months"):
        member_ops.update_member(ACTOR, li, probation_extension_months=3)
    with pytest.raises(TypeError):
        member_ops.update_member(ACTOR, li, branch_id=org["other"].id)


def test_transfer_member_moves_branch_and_clears_the_old_group(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with logged() as rows:
        member_ops.transfer_member(ACTOR, li, branch=org["other"], group=None, on=DAY)
        assert li.branch_id == org["other"].id and li.group_id is None
    changes = json.loads(rows[0].changes)
    assert changes["branch"] == ["第一党支部", "第二党支部"]
    assert changes["group"][1] is None and changes["on"] == [None, "2026-05-10"]
    with refused("group"):
        member_ops.transfer_member(ACTOR, li, branch=org["branch"], group=org["other"].groups[0],
                                   on=DAY)


def test_transfer_out_sets_the_status_once(org: dict[str, Any]) -> None:
    wang = org["members"][1]
    with logged():
        member_ops.transfer_out(ACTOR, wang, on=DAY)
        assert wang.status is MemberStatus.TRANSFERRED_OUT
    wang.status = MemberStatus.TRANSFERRED_OUT
    db.session.commit()
    with refused("status"):
        member_ops.transfer_out(ACTOR, wang, on=DAY)
