"""The operations layer: every write validates, logs one change-log row per changed record,
flushes and leaves the commit to the caller (so the page cache key moves with it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from core.changelog import Actor, newest_id
from core.db import db
from core.errors import UserError
from profiles import cards, writes
from profiles.dues import operations as dues_ops
from profiles.enums import Attendance, Category, EvaluationStage, MeetingKind, MemberStatus, Rating
from profiles.evaluations import operations as evaluation_ops
from profiles.meetings import checkin
from profiles.meetings import operations as meeting_ops
from profiles.members import operations as member_ops
from profiles.members.rules import id_check_digit
from profiles.models import (
    AttendanceRecord,
    Branch,
    ChangeLog,
    Committee,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    PartyGroup,
    PointsEntry,
    PointsRule,
)
from profiles.org import operations as org_ops
from profiles.points import operations as points_ops
from tests.helpers import factories

ACTOR = Actor("secretary1", "console")
DAY = dt.date(2026, 5, 10)


@pytest.fixture
def org(ctx: None) -> dict[str, Any]:
    """A committed branch (two groups) with two members, and a second branch."""
    branch = factories.make_branch("ZB01", "第一党支部")
    other = factories.make_branch("ZB02", "第二党支部")
    groups = sorted(branch.groups, key=lambda g: g.name)
    members = [factories.make_member(branch, name="李娜", group_id=groups[0].id),
               factories.make_member(branch, name="王芳")]
    stranger = factories.make_member(other, name="张伟")
    db.session.commit()
    return {"branch": branch, "other": other, "groups": groups, "members": members,
            "stranger": stranger}


@dataclass(frozen=True)
class Logged:
    """A change-log row, copied out before the rollback."""

    actor: str
    source: str
    table_name: str
    record_key: str
    action: str
    changes: str


def _log(since: int) -> list[Logged]:
    return [Logged(r.actor, r.source, r.table_name, r.record_key, r.action, r.changes)
            for r in db.session.scalars(select(ChangeLog).where(ChangeLog.id > since)
                                        .order_by(ChangeLog.id))]


@contextmanager
def logged(count: int = 1) -> Iterator[list[Logged]]:
    """Run the body; it must log ``count`` rows (by ACTOR), uncommitted: a rollback undoes
    them, which it could not if the operation had committed."""
    before = newest_id()
    rows: list[Logged] = []
    yield rows
    rows.extend(_log(before))
    assert newest_id() > before
    assert len(rows) == count
    assert {(r.actor, r.source) for r in rows} == {("secretary1", "console")}
    for row in rows:
        assert row.table_name and row.record_key and row.action in {"insert", "update"}
        json.loads(row.changes)
    db.session.rollback()
    assert newest_id() == before


@contextmanager
def refused(*fields: str | None) -> Iterator[None]:
    """The body must raise RuleViolation naming ``fields``, logging and writing nothing."""
    before = newest_id()
    with pytest.raises(writes.RuleViolation) as info:
        yield
    assert [p.field for p in info.value.problems] == list(fields)
    assert isinstance(info.value, UserError) and str(info.value)
    assert newest_id() == before


def test_record_meeting_and_attendance_land_in_one_transaction(org: dict[str, Any]) -> None:
    li, wang = org["members"]
    with logged(5) as rows:
        meeting = meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GENERAL,
                                             held_on=DAY, topic="学习党章", place="三楼会议室")
        meeting_ops.set_attendance(ACTOR, meeting, li, Attendance.PRESENT)
        meeting_ops.set_attendance(ACTOR, meeting, wang, Attendance.EXCUSED)
        assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 2
    # 出席 credits the organisation's rule (seeded on first use) in the same transaction.
    assert [r.table_name for r in rows] == ["meeting", "attendance", "points_rule",
                                            "points_entry", "attendance"]
    assert rows[0].record_key == "ZB01 2026-05-10 支部党员大会"
    assert json.loads(rows[0].changes)["place"] == [None, "三楼会议室"]
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0  # rolled back


def test_record_meeting_refuses_a_group_outside_a_group_meeting(org: dict[str, Any]) -> None:
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GROUP, held_on=DAY)
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.LECTURE,
                                   held_on=DAY, group=org["groups"][0])
    foreign = org["other"].groups[0]
    with refused("group"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GROUP, held_on=DAY,
                                   group=foreign)


def test_record_meeting_refuses_a_date_before_the_branch_was_founded(org: dict[str, Any],
                                                                     ) -> None:
    org["branch"].founded_on = dt.date(2020, 1, 1)
    db.session.commit()
    with refused("held_on"):
        meeting_ops.record_meeting(ACTOR, branch=org["branch"], kind=MeetingKind.GENERAL,
                                   held_on=dt.date(2019, 12, 31))


def test_edit_meeting_logs_the_changed_fields_only(org: dict[str, Any]) -> None:
    meeting = factories.make_meeting(org["branch"], MeetingKind.LECTURE, DAY, topic="旧")
    db.session.commit()
    with logged() as rows:
        meeting_ops.edit_meeting(ACTOR, meeting, topic="新", held_on=DAY)
    assert json.loads(rows[0].changes) == {"topic": ["旧", "新"]}
    with logged() as rows:
        meeting_ops.edit_meeting(ACTOR, meeting, kind=MeetingKind.GROUP, group=org["groups"][1])
    assert json.loads(rows[0].changes)["group"] == [None, org["groups"][1].name]
    before = newest_id()
    meeting_ops.edit_meeting(ACTOR, meeting, topic="旧")  # no change: nothing logged
    assert newest_id() == before
    with refused("group"):
        meeting_ops.edit_meeting(ACTOR, meeting, kind=MeetingKind.GROUP)


def test_set_attendance_updates_and_refuses_a_member_of_another_branch(org: dict[str, Any],
                                                                       ) -> None:
    li = org["members"][0]
    meeting = factories.make_meeting(org["branch"], attendance={li: Attendance.ABSENT})
    db.session.commit()
    with logged() as rows:
        record = meeting_ops.set_attendance(ACTOR, meeting, li, Attendance.EXCUSED)
        assert record.status is Attendance.EXCUSED
    assert rows[0].action == "update"
    assert json.loads(rows[0].changes) == {"attendance": ["absent", "excused"]}
    with refused("name"):
        meeting_ops.set_attendance(ACTOR, meeting, org["stranger"], Attendance.PRESENT)


def test_check_in_is_idempotent(org: dict[str, Any]) -> None:
    li = org["members"][0]
    meeting = factories.make_meeting(org["branch"], checkin_open=True)
    db.session.commit()
    with logged(3) as rows:  # the attendance, and its points (the rule seeded on first use)
        assert checkin.perform_checkin(ACTOR, meeting, checkin.Scan(li)) is True
        # second scan: nothing logged
        assert checkin.perform_checkin(ACTOR, meeting, checkin.Scan(li)) is False
    assert [r.table_name for r in rows] == ["attendance", "points_rule", "points_entry"]
    with refused("name"):
        checkin.perform_checkin(ACTOR, meeting, checkin.Scan(org["stranger"]))


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


def test_add_points_appends_with_the_actor_as_recorder(org: dict[str, Any]) -> None:
    li = org["members"][0]
    rule = PointsRule(committee_id=org["branch"].committee_id, code="attend", name="参加会议",
                      points=2)
    db.session.add(rule)
    db.session.commit()
    with logged() as rows:
        entry = points_ops.add_points(ACTOR, li, recorded_on=DAY, points=2, reason="参加会议",
                                      rule=rule)
        assert entry.recorded_by == "secretary1" and entry.rule_id == rule.id
    assert rows[0].table_name == "points_entry"
    with refused("points"):
        points_ops.add_points(ACTOR, li, recorded_on=DAY, points=0, reason="无")
    with refused("reason"):
        points_ops.add_points(ACTOR, li, recorded_on=DAY, points=3, reason="  ")
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 0


def test_set_evaluation_inserts_then_updates(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with logged(2) as rows:
        evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.ASSESSMENT)
        record = evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.DECIDED,
                                               Rating.EXCELLENT)
        assert record.rating is Rating.EXCELLENT
    assert json.loads(rows[1].changes) == {"stage": ["assessment", "decided"],
                                           "rating": [None, "excellent"]}
    with refused("rating"):
        evaluation_ops.set_evaluation(ACTOR, li, 2025, EvaluationStage.PEER, Rating.QUALIFIED)
    with refused("year"):
        evaluation_ops.set_evaluation(ACTOR, li, 1900, EvaluationStage.SELF)
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0


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


def test_dissolve_branch_and_group(org: dict[str, Any]) -> None:
    with refused("branch"):
        org_ops.dissolve_branch(ACTOR, org["branch"], on=DAY)  # still has members
    with refused("group"):
        org_ops.dissolve_group(ACTOR, org["groups"][0], on=DAY)  # 李娜 is in it
    empty = factories.make_branch("ZB08", "空党支部")
    db.session.commit()
    _dissolution(lambda: org_ops.dissolve_group(ACTOR, empty.groups[0], on=DAY), PartyGroup)
    _dissolution(lambda: org_ops.dissolve_branch(ACTOR, empty, on=DAY), Branch)


def test_reissue_card_bumps_the_generation(org: dict[str, Any]) -> None:
    li = org["members"][0]
    with logged(2) as rows:
        assert cards.reissue_card(ACTOR, li) == 2
        assert cards.reissue_card(ACTOR, org["branch"]) == 2
    assert [(r.table_name, r.record_key) for r in rows] == [("member", li.number),
                                                            ("branch", "ZB01")]
    assert json.loads(rows[0].changes) == {"card_generation": [1, 2]}
    assert db.session.get(Member, li.id).card_generation == 1  # type: ignore[union-attr]
