"""The record screens' bad paths: a clear message, nothing written."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.enums import Category, MeetingKind
from profiles.members.operations import transfer_member
from profiles.models import ChangeLog, DuesRecord, Evaluation, Meeting, Member, PointsEntry
from tests.helpers import factories
from tests.helpers.console import AuthActions, make_account


def _setup(app: Flask) -> tuple[AuthActions, dict[str, str]]:
    with app.app_context():
        branch = factories.make_branch(code="JL01", name="记录支部")
        full = factories.make_member(branch, name="正式甲")
        prob = factories.make_member(branch, name="预备乙", category=Category.PROBATIONARY,
                                     joined_on=dt.date(2026, 3, 1), converted_on=None)
        make_account("sec_jl", Role.SECRETARY, "JL01")
        db.session.commit()
        numbers = {"full": full.number, "prob": prob.number, "full_id": str(full.id),
                   "prob_id": str(prob.id)}
    auth = AuthActions(app.test_client())
    auth.login("sec_jl")
    return auth, numbers


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_meeting_form_refuses_bad_input(app: Flask) -> None:
    auth, _ = _setup(app)
    url = "/console/branches/JL01/meetings/new"
    for data, message in (
            ({"kind": "", "held_on": "2026-11-01"}, "请选择会议类型"),
            ({"kind": "general", "held_on": "2026-13-01"}, "请填写会议召开日期"),
            ({"kind": "general", "held_on": "2026-12-01"}, "晚于今天"),
            ({"kind": "group", "held_on": "2026-11-01"}, "党小组会"),
    ):
        response = auth.post(url, **{"topic": "", "place": "", "group": "", **data})
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), (data, message)
    assert _count(app, Meeting) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "meeting")) == 0


def test_group_meeting_lists_only_its_group(app: Flask) -> None:
    auth, numbers = _setup(app)
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.number == numbers["full"]))
        assert member is not None
        group = member.branch.groups[0]
        # Into the group before the meeting, as the record keeps it (membership history).
        transfer_member(Actor("t", "test"), member, branch=member.branch, group=group,
                        on=dt.date(2026, 1, 1))
        db.session.commit()
        group_id = group.id
    saved = auth.post("/console/branches/JL01/meetings/new", kind="group",
                      held_on="2026-11-02", group=str(group_id), topic="", place="")
    assert saved.status_code == 303
    page = auth.client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "正式甲" in page and "预备乙" not in page


def test_dues_override_needs_a_reason_and_payments_must_add_up(app: Flask) -> None:
    auth, numbers = _setup(app)
    no_reason = auth.post("/console/branches/JL01/dues/due", member=numbers["full"],
                          month="2026-10", due="10", reason="")
    assert no_reason.status_code == 400
    assert "原因" in no_reason.get_data(as_text=True)
    wrong_sum = auth.post("/console/branches/JL01/dues/pay", member=numbers["full"],
                          first="2026-09", count="2", amount="100", paid_on="2026-11-01")
    assert wrong_sum.status_code == 400
    assert "部分缴纳请逐月登记" in wrong_sum.get_data(as_text=True)
    not_mine = auth.post("/console/branches/JL01/dues/pay", member="NOSUCH", first="2026-09",
                         count="1", amount="", paid_on="2026-11-01")
    assert not_mine.status_code == 400
    assert _count(app, DuesRecord) == 0
    ok = auth.post("/console/branches/JL01/dues/due", member=numbers["full"], month="2026-10",
                   due="10", reason="困难减免")
    assert ok.status_code == 303
    with app.app_context():
        record = db.session.scalar(select(DuesRecord))
        assert record is not None and record.due_cents == 1000
        assert record.due_reason == "困难减免"
    # Paying ahead: months after this one.
    ahead = auth.post("/console/branches/JL01/dues/pay", member=numbers["full"],
                      first="2026-12", count="2", amount="", paid_on="2026-11-20")
    assert ahead.status_code == 303
    assert _count(app, DuesRecord) == 3


def test_probationary_member_gets_no_rating(app: Flask) -> None:
    auth, numbers = _setup(app)
    refused = auth.post("/console/branches/JL01/evaluations?year=2026",
                        **{f"stage-{numbers['prob_id']}": "decided",
                           f"rating-{numbers['prob_id']}": "qualified",
                           f"stage-{numbers['full_id']}": "peer",
                           f"rating-{numbers['full_id']}": "qualified"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "预备党员参加民主评议但不评定等次" in text and "支部评定" in text
    assert _count(app, Evaluation) == 0


def test_manual_points_entry(app: Flask) -> None:
    auth, numbers = _setup(app)
    url = f"/console/members/{numbers['full']}/points"
    refused = auth.post(url, rule="", points="", reason="", recorded_on="2026-11-01")
    assert refused.status_code == 400 and "请填写积分" in refused.get_data(as_text=True)
    zero = auth.post(url, rule="", points="0", reason="学习", recorded_on="2026-11-01")
    assert zero.status_code == 400
    assert _count(app, PointsEntry) == 0
    ok = auth.post(url, rule="", points="+3", reason="学习强国打卡", recorded_on="2026-11-01")
    assert ok.status_code == 303
    page = auth.client.get(url).get_data(as_text=True)
    assert "学习强国打卡" in page and "+3" in page


def test_supervisor_reads_but_cannot_write(app: Flask) -> None:
    _setup(app)
    with app.app_context():
        make_account("super_jl", Role.SUPERVISOR)
        db.session.commit()
    auth = AuthActions(app.test_client())
    auth.login("super_jl")
    assert auth.client.get("/console/branches/JL01/dues").status_code == 200
    assert auth.post("/console/branches/JL01/meetings/new", kind="general",
                     held_on="2026-11-01").status_code == 403
    assert MeetingKind.GENERAL  # the kinds exist (import kept for the form values above)
