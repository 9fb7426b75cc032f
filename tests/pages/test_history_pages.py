"""The pages and the self-audit over the membership history, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from core.changelog import Actor
from core.db import db
from profiles.audit.checklist import Finding, branch_cadence_table, run_audit, settings_from_config
from profiles.enums import Attendance, Category, MeetingKind, Position
from profiles.members.operations import move_membership
from profiles.models import Branch, DuesRecord, Member
from profiles.queries import branch_page, member_page
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.pages import path


def _audit(app: Flask, branch_id: int) -> list[Finding]:
    page = branch_page(branch_id, TODAY)
    assert page is not None
    return run_audit(page.audit, settings_from_config(app.config), TODAY)


def _rule(findings: list[Finding], rule: str) -> dict[str, Finding]:
    return {f.params.get("name", ""): f for f in findings if f.rule == rule}


def _pay(member: Member, *months: int) -> None:
    for month in months:
        db.session.add(DuesRecord(member_id=member.id, month=month, due_cents=1000,
                                  paid_cents=1000, paid_on=dt.date(month // 100, month % 100, 1)))


def test_missing_months_are_arrears_and_the_branch_counts_who_owes(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    factories.committee().records_from = dt.date(2026, 1, 1)
    branch = make_branch()
    two = make_member(branch, name="两个月")  # paid through September: Oct, Nov owed
    three = make_member(branch, name="三个月")  # paid through August, no rows since
    newcomer = make_member(branch, name="新党员", category=Category.PROBATIONARY,
                           converted_on=None, joined_on=dt.date(2026, 10, 20))
    ahead = make_member(branch, name="预交")
    _pay(two, *range(202601, 202610))
    _pay(three, *range(202601, 202609))
    db.session.add(DuesRecord(member_id=three.id, month=202609, due_cents=1000, paid_cents=0))
    _pay(ahead, *range(202601, 202613), *range(202701, 202713))
    db.session.commit()
    arrears = _rule(_audit(app, branch.id), "dues_unpaid")
    assert set(arrears) == {"三个月"} and arrears["三个月"].params["months"] == 3
    page = branch_page(branch.id, TODAY)
    assert page is not None
    # Four members owe November, one paid it (ahead): rows or no rows.
    assert (page.dues.members_due, page.dues.members_settled) == (4, 1)
    # The year's rate counts the months owed, rows or no rows: 11 + 11 + 2 (the newcomer's
    # October and November, never recorded) + 11, of which 9 + 8 + 0 + 11 are settled. The
    # recorded amounts alone said 28,000 of 29,000 fen (97 %).
    assert (page.dues.year_months_owed, page.dues.year_months_paid) == (35, 28)
    assert (page.dues.year_paid, page.dues.year_due) == (28_000, 29_000)
    html = app.test_client().get(path(app, "branch", branch.id)).get_data(as_text=True)
    assert "2026年累计：应交党费 35 人次，已交清 28 人次（80%）。" in html
    mine = member_page(newcomer.id, TODAY)
    assert mine is not None and mine.dues.unpaid == [202610, 202611]
    prepaid = member_page(ahead.id, TODAY)
    assert prepaid is not None and prepaid.dues.paid_through == 202712
    assert prepaid.dues.unpaid == []


def test_the_prepaid_year_on_the_member_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        factories.committee().records_from = dt.date(2026, 1, 1)
        member = factories.make_member()
        _pay(member, *range(202601, 202613), *range(202701, 202713))
        db.session.commit()
        member_id = member.id
    html = client.get(path(app, "member", member_id)).get_data(as_text=True)
    assert "党费已交至2027年12月" in html and "未交" not in html


def test_arrears_follow_a_member_who_moved_and_leave_with_one_who_left(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    factories.committee().records_from = dt.date(2026, 1, 1)
    old, new = make_branch(code="OLD"), make_branch(code="NEW")
    mover = make_member(old, name="调动")
    leaver = make_member(old, name="转出")
    _pay(mover, *range(202601, 202607))  # owes July to November: 5 months
    _pay(leaver, *range(202601, 202603))
    move_membership(Actor("t", "t"), mover, branch=new, group=None, on=dt.date(2026, 9, 16))
    move_membership(Actor("t", "t"), leaver, branch=None, group=None, on=dt.date(2026, 10, 1))
    db.session.commit()
    assert _rule(_audit(app, old.id), "dues_unpaid") == {}
    moved = _rule(_audit(app, new.id), "dues_unpaid")
    assert moved["调动"].params["months"] == 5 and moved["调动"].severity == "warning"
    # The transferred-out member's old arrears count nowhere, not even on their page.
    gone = member_page(leaver.id, TODAY)
    assert gone is not None and gone.dues.unpaid == [] and gone.dues.paid_through == 202602


def test_a_mid_month_transfer_with_attendance_on_both_sides(
        app: Flask, client: FlaskClient, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    old, new = make_branch(code="OLD", name="老支部"), make_branch(code="NEW", name="新支部")
    mover = make_member(old, name="调动")
    stay_old, stay_new = make_member(old), make_member(new)
    day = dt.date(2026, 10, 15)
    # Before the move: the old branch's meetings; a group meeting of another group.
    factories.make_meeting(old, MeetingKind.THEME_DAY, dt.date(2026, 10, 10),
                           {mover: Attendance.PRESENT, stay_old: Attendance.PRESENT})
    factories.make_meeting(old, MeetingKind.GENERAL, dt.date(2026, 8, 20),
                           {stay_old: Attendance.PRESENT})  # mover's row never recorded
    factories.make_meeting(old, MeetingKind.COMMITTEE, dt.date(2026, 9, 3))  # not a member
    # After it: the new branch's, including one held days before the move (not hers).
    factories.make_meeting(new, MeetingKind.THEME_DAY, dt.date(2026, 10, 12),
                           {stay_new: Attendance.PRESENT})
    factories.make_meeting(new, MeetingKind.LECTURE, dt.date(2026, 10, 20),
                           {mover: Attendance.ABSENT, stay_new: Attendance.PRESENT})
    factories.make_meeting(new, MeetingKind.THEME_DAY, dt.date(2026, 11, 12),
                           {mover: Attendance.EXCUSED, stay_new: Attendance.PRESENT})
    move_membership(Actor("t", "t"), mover, branch=new, group=None, on=day)
    db.session.commit()
    page = member_page(mover.id, TODAY)
    assert page is not None
    counts = {a.kind: (a.present, a.excused, a.expected, a.not_recorded)
              for a in page.attendance[2026]}
    assert counts == {MeetingKind.GENERAL: (0, 0, 1, 1),
                      MeetingKind.LECTURE: (0, 0, 1, 0),
                      MeetingKind.THEME_DAY: (1, 1, 2, 0)}
    assert [(m.held_on, m.status) for m in page.latest_meetings] == [
        (dt.date(2026, 11, 12), Attendance.EXCUSED), (dt.date(2026, 10, 20), Attendance.ABSENT),
        (dt.date(2026, 10, 10), Attendance.PRESENT), (dt.date(2026, 8, 20), None)]
    html = client.get(path(app, "member", mover.id)).get_data(as_text=True)
    assert "未记录" in html and "新支部" in html
    # Absence looks at her whole history: one 缺席 since taking part, nothing to report.
    assert _rule(_audit(app, new.id), "absent") == {}


def test_a_moved_member_is_not_absent_for_the_months_before_the_move(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    old, new = make_branch(), make_branch()
    mover = make_member(old, name="调动")
    factories.make_meeting(old, MeetingKind.THEME_DAY, dt.date(2025, 3, 10),
                           {mover: Attendance.ABSENT})
    factories.make_meeting(old, MeetingKind.THEME_DAY, dt.date(2026, 10, 10),
                           {mover: Attendance.PRESENT})
    move_membership(Actor("t", "t"), mover, branch=new, group=None, on=dt.date(2026, 10, 20))
    factories.make_meeting(new, MeetingKind.THEME_DAY, dt.date(2026, 11, 10),
                           {mover: Attendance.ABSENT})
    db.session.commit()
    assert _rule(_audit(app, new.id), "absent") == {}
    # Absent in the old branch since March 2025 and here too: 21 months, critical.
    db.session.execute(db.text("UPDATE attendance SET status = 'absent'"))
    db.session.commit()
    absent = _rule(_audit(app, new.id), "absent")
    assert absent["调动"].params["months"] == 21 and absent["调动"].severity == "critical"


def _branch_of(full: int, setting: bool | None = None) -> Branch:
    branch = factories.make_branch(has_committee=setting)
    factories.make_member(branch, position=Position.SECRETARY)
    for _ in range(full - 1):
        factories.make_member(branch)
    factories.make_member(branch, category=Category.PROBATIONARY, converted_on=None,
                          joined_on=dt.date(2026, 6, 1))  # not a full member
    db.session.commit()
    return branch


def _committee_missed(app: Flask, branch: Branch) -> int:
    return sum(1 for f in _audit(app, branch.id)
               if f.rule == "meeting_missed" and f.params["kind"] is MeetingKind.COMMITTEE)


def test_six_full_members_hold_no_committee_meeting_seven_do(app: Flask, ctx: None) -> None:
    six, seven = _branch_of(6), _branch_of(7)
    assert _committee_missed(app, six) == 0
    assert _committee_missed(app, seven) == 12
    # The per-branch setting overrides the count, both ways.
    assert _committee_missed(app, _branch_of(6, True)) == 12
    assert _committee_missed(app, _branch_of(7, False)) == 0
    settings = settings_from_config(app.config)
    for branch, rows in ((six, 0), (seven, 1)):
        page = branch_page(branch.id, TODAY)
        assert page is not None
        table = branch_cadence_table(page.audit, settings, TODAY)
        assert sum(1 for r in table if r.kind is MeetingKind.COMMITTEE) == rows


def test_branch_page_without_a_committee_says_so(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        branch_id = _branch_of(6).id
    html = client.get(path(app, "branch", branch_id)).get_data(as_text=True)
    assert "未召开支委会" not in html and "正式党员不足7名" in html
    assert ">支委会<" not in html


def test_a_group_founded_mid_year_owes_nothing_before(app: Flask, ctx: None) -> None:
    branch = factories.make_branch(groups=0, founded_on=dt.date(2020, 1, 1))
    factories.make_member(branch)
    group = factories.PartyGroup(branch_id=branch.id, name="新小组",
                                 founded_on=dt.date(2026, 8, 15))
    gone = factories.PartyGroup(branch_id=branch.id, name="旧小组",
                                dissolved_on=dt.date(2026, 3, 1))
    db.session.add_all([group, gone])
    db.session.commit()
    missed = [(f.params["group"], f.params["period"].number) for f in _audit(app, branch.id)
              if f.rule == "meeting_missed" and f.params["kind"] is MeetingKind.GROUP]
    assert sorted(missed) == sorted([("新小组", 9), ("新小组", 10), ("旧小组", 11),
                                     ("旧小组", 12), ("旧小组", 1), ("旧小组", 2)])
