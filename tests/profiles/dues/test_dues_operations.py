"""Operations on dues: the due computed from the member's basis, payments and refusals."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from core.db import db
from profiles.dues import operations as dues_ops
from profiles.models import (
    DuesRecord,
)
from tests.helpers.operations import ACTOR, DAY, logged, refused


def test_record_dues_computes_the_due_and_records_a_payment(org: dict[str, Any]) -> None:
    li = org["members"][0]  # 6000 yuan wage: 1.5% = 90 yuan
    with logged(2) as rows:
        record = dues_ops.record_dues(ACTOR, li, 202605)
        assert (record.due_cents, record.paid_cents, record.paid_on) == (9000, 0, None)
        dues_ops.record_dues(ACTOR, li, 202605, paid_cents=9000, paid_on=DAY)
        assert record.paid_on == DAY
    assert [r.action for r in rows] == ["insert", "update"]
    assert json.loads(rows[1].changes) == {"paid": [0, 9000], "paid_on": [None, "2026-05-10"]}
    assert rows[0].record_key.endswith("2026-05")


def test_record_dues_refuses_bad_payments(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with refused("paid_on"):
        dues_ops.record_dues(ACTOR, li, 202605, paid_cents=100)
    with refused("paid_on"):
        dues_ops.record_dues(ACTOR, li, 202605, paid_cents=0, paid_on=DAY)
    with refused("month"):
        dues_ops.record_dues(ACTOR, li, 202613, due_cents=100)
    li.dues_base_cents = None
    db.session.commit()
    with refused("due"):
        dues_ops.record_dues(ACTOR, li, 202605)
    assert db.session.scalar(select(func.count()).select_from(DuesRecord)) == 0
