"""The life of a membership (issue 18): 流动, 失联, 停止党籍, 出国（境）暂留, 恢复 and the ends
of a membership; the pure rules on both sides of each threshold, the operations on both
databases, and what the pages and the checklist then say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from profiles.audit.checklist import (
    AuditInput,
    AuditSettings,
    EvaluationCounts,
    MemberAbsence,
    MemberArrears,
    MemberStandingFact,
    run_audit,
    standing_findings,
)
from profiles.dues import reads as dues_reads
from profiles.dues.arrears import arrears
from profiles.enums import ENDED, MeetingKind, MemberStatus
from profiles.members import standing as ops
from profiles.members.membership import END_STATUS, MembershipEnd
from profiles.members.rules import (
    Standing,
    exempt_months,
    months_lost,
    standing_on,
    standing_problems,
)
from profiles.models import Branch, ChangeLog, Member, Membership, MemberStanding
from profiles.queries import member_page
from profiles.writes import RuleViolation

TODAY = dt.date(2026, 11, 21)
ACTOR = Actor("tester", "test")
D = dt.date


# -- pure rules ---------------------------------------------------------------------------


def test_lost_contact_months_on_both_sides_of_six() -> None:
    since = D(2026, 5, 21)
    assert months_lost(since, D(2026, 11, 20)) == 5  # 5 months 29 days
    assert months_lost(since, D(2026, 11, 21)) == 6
    assert months_lost(D(2026, 5, 31), D(2026, 11, 30)) == 6  # clamped month end


def test_suspension_owes_the_months_of_the_decision_and_of_the_restoration() -> None:
    suspended = [Standing(MemberStatus.SUSPENDED, D(2026, 3, 15), D(2026, 6, 10))]
    assert exempt_months(suspended, 202601, 202612) == {202604, 202605}
    # Decided on the first of the month: that month is not owed.
    from_first = [Standing(MemberStatus.SUSPENDED, D(2026, 3, 1), None)]
    assert exempt_months(from_first, 202601, 202605) == {202603, 202604, 202605}
    # 流动 and 失联 exempt nothing: dues are still owed.
    for status in (MemberStatus.AWAY, MemberStatus.LOST_CONTACT):
        assert exempt_months([Standing(status, D(2026, 1, 1))], 202601, 202612) == set()


def test_abroad_defers_dues_up_to_the_end_date_and_not_a_day_more() -> None:
    ends_on_first = [Standing(MemberStatus.ABROAD, D(2026, 2, 1), D(2026, 10, 1))]
    assert max(exempt_months(ends_on_first, 202601, 202612)) == 202609
    ends_on_second = [Standing(MemberStatus.ABROAD, D(2026, 2, 1), D(2026, 10, 2))]
    assert max(exempt_months(ends_on_second, 202601, 202612)) == 202609  # October owed
    ends_next_month = [Standing(MemberStatus.ABROAD, D(2026, 2, 1), D(2026, 11, 1))]
    assert max(exempt_months(ends_next_month, 202601, 202612)) == 202610
    assert standing_on(ends_on_first, D(2026, 9, 30)) is MemberStatus.ABROAD
    assert standing_on(ends_on_first, D(2026, 10, 1)) is MemberStatus.NORMAL


def test_arrears_skip_exempt_months_in_all_three_counts() -> None:
    # Paid January, suspended February to April, nothing paid since.
    state = arrears(202601, 202606, [202601], exempt=[202602, 202603, 202604])
    assert state.unpaid == [202605, 202606]
    assert state.paid_through == 202604 and state.consecutive == 2
    assert arrears(202601, 202606, [202601]).consecutive == 5  # without the suspension


def test_standing_dates_are_range_checked() -> None:
    joined = D(2010, 7, 1)
    assert standing_problems(MemberStatus.SUSPENDED, TODAY, None, TODAY, joined) == []
    assert standing_problems(MemberStatus.SUSPENDED, TODAY + dt.timedelta(days=1), None,
                             TODAY, joined)
    assert standing_problems(MemberStatus.AWAY, D(2010, 6, 30), None, TODAY, joined)
    since = D(2026, 1, 1)
    assert standing_problems(MemberStatus.ABROAD, since, None, TODAY, joined)
    assert standing_problems(MemberStatus.ABROAD, since, since, TODAY, joined)
    assert standing_problems(MemberStatus.ABROAD, since, D(2031, 1, 1), TODAY, joined) == []
    assert standing_problems(MemberStatus.ABROAD, since, D(2031, 1, 2), TODAY, joined)


# -- the checklist ------------------------------------------------------------------------


def _audit(**fields: Any) -> AuditInput:
    values: dict[str, Any] = {
        "founded_on": None, "groups": [], "meetings": [], "arrears": [], "probationers": [],
        "absences": [], "evaluation": EvaluationCounts(2025, 0, 0, 0)}
    return AuditInput(**(values | fields))


SETTINGS = AuditSettings(cadences={kind: None for kind in MeetingKind})


def test_lost_contact_proposes_the_decision_from_six_months_on() -> None:
    five = MemberStandingFact("甲", MemberStatus.LOST_CONTACT, D(2026, 5, 22))  # 5 m 30 d
    six = MemberStandingFact("乙", MemberStatus.LOST_CONTACT, D(2026, 5, 21))
    found = {f.params["name"]: f for f in standing_findings([five, six], TODAY)}
    assert found["甲"].rule == "lost_contact" and found["甲"].params["months"] == 5
    assert found["乙"].rule == "lost_contact_decide" and found["乙"].severity == "critical"


def test_an_expired_abroad_period_asks_for_restoration_or_suspension() -> None:
    def rules(until: dt.date) -> list[str]:
        fact = MemberStandingFact("丙", MemberStatus.ABROAD, D(2025, 1, 1), until)
        return [f.rule for f in standing_findings([fact], TODAY)]

    assert rules(TODAY + dt.timedelta(days=1)) == []
    assert rules(TODAY) == ["abroad_expired"]


def test_standings_replace_the_dues_and_absence_lines() -> None:
    data = _audit(
        arrears=[MemberArrears("失", 8, 8), MemberArrears("流", 4, 4)],
        absences=[MemberAbsence("失", D(2026, 1, 5)), MemberAbsence("流", D(2026, 1, 5)),
                  MemberAbsence("停", D(2026, 1, 5)), MemberAbsence("常", D(2026, 1, 5)),
                  MemberAbsence("暂", D(2026, 1, 5))],
        standings=[MemberStandingFact("失", MemberStatus.LOST_CONTACT, D(2026, 8, 1)),
                   MemberStandingFact("流", MemberStatus.AWAY, D(2026, 1, 1)),
                   MemberStandingFact("停", MemberStatus.SUSPENDED, D(2026, 1, 1)),
                   MemberStandingFact("暂", MemberStatus.ABROAD, D(2026, 1, 1),
                                      D(2026, 10, 1))])
    lines = {(f.rule, f.params.get("name")) for f in run_audit(data, SETTINGS, TODAY)}
    assert ("lost_contact", "失") in lines and ("dues_unpaid", "失") not in lines
    assert ("dues_unpaid", "流") in lines  # 流动: dues still owed
    absent = {name for rule, name in lines if rule == "absent"}
    # 暂留 has ended (2026-10-01): organisational life is owed again.
    assert absent == {"常", "暂"}
    assert ("abroad_expired", "暂") in lines


def test_the_checklist_lines_in_chinese(app: Flask) -> None:
    from profiles.audit.wording import describe

    found = standing_findings([
        MemberStandingFact("甲", MemberStatus.LOST_CONTACT, D(2026, 7, 1)),
        MemberStandingFact("乙", MemberStatus.LOST_CONTACT, D(2026, 1, 1)),
        MemberStandingFact("丙", MemberStatus.ABROAD, D(2025, 1, 1), D(2026, 10, 1)),
        MemberStandingFact("丁", MemberStatus.ABROAD, D(2026, 2, 1))], TODAY)
    with app.test_request_context("/?lang=zh"):
        lines = sorted(describe(f) for f in found)
    assert lines == sorted(["甲：失联4个月", "乙：失联已满6个月，应按规定作出停止党籍决定",
                            "丙：出国（境）暂留已于2026-10-01到期，请办理恢复或停止党籍",
                            "丁：出国（境）暂留（自2026-02-01起）未登记批准截止日期，请补充"])


# -- the operations -----------------------------------------------------------------------


@pytest.fixture
def member(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> Member:
    return make_member(make_branch(), name="李明")


def _periods(member: Member) -> list[tuple[str, dt.date, dt.date | None]]:
    return [(s.status, s.since, s.until) for s in db.session.scalars(
        select(MemberStanding).where(MemberStanding.member_id == member.id)
        .order_by(MemberStanding.since))]


def test_suspend_and_restore_keep_the_status_and_the_history_in_step(member: Member) -> None:
    logged = db.session.scalar(select(db.func.count()).select_from(ChangeLog))
    ops.suspend(ACTOR, member, on=D(2026, 3, 15), today=TODAY)
    ops.suspend(ACTOR, member, on=D(2026, 3, 15), today=TODAY)  # submitted twice
    assert member.status is MemberStatus.SUSPENDED
    assert _periods(member) == [("suspended", D(2026, 3, 15), None)]
    ops.restore(ACTOR, member, on=D(2026, 6, 10), today=TODAY)
    ops.restore(ACTOR, member, on=D(2026, 6, 10), today=TODAY)
    assert member.status is MemberStatus.NORMAL
    assert _periods(member) == [("suspended", D(2026, 3, 15), D(2026, 6, 10))]
    assert db.session.scalar(select(db.func.count()).select_from(ChangeLog)) == logged + 2


def test_abroad_is_extended_by_giving_a_later_end(member: Member) -> None:
    ops.set_abroad(ACTOR, member, since=D(2026, 1, 1), until=D(2026, 10, 1), today=TODAY)
    ops.set_abroad(ACTOR, member, since=D(2026, 1, 1), until=D(2027, 10, 1), today=TODAY)
    assert _periods(member) == [("abroad", D(2026, 1, 1), D(2027, 10, 1))]
    with pytest.raises(RuleViolation, match="最长批准5年"):
        ops.set_abroad(ACTOR, member, since=D(2026, 1, 1), until=D(2031, 1, 2), today=TODAY)


def test_a_new_standing_closes_the_current_one(member: Member) -> None:
    ops.mark_lost_contact(ACTOR, member, since=D(2026, 1, 1), today=TODAY)
    ops.suspend(ACTOR, member, on=D(2026, 7, 1), today=TODAY)
    assert _periods(member) == [("lost_contact", D(2026, 1, 1), D(2026, 7, 1)),
                                ("suspended", D(2026, 7, 1), None)]
    with pytest.raises(RuleViolation, match="晚于该日"):
        ops.mark_away(ACTOR, member, since=D(2026, 6, 1), today=TODAY)
    with pytest.raises(RuleViolation, match="在今天之后"):
        ops.mark_away(ACTOR, member, since=TODAY + dt.timedelta(days=1), today=TODAY)
    assert member.status is MemberStatus.SUSPENDED


@pytest.mark.parametrize("reason", list(END_STATUS))
def test_every_end_closes_the_membership_with_its_reason(member: Member,
                                                         reason: MembershipEnd) -> None:
    ops.mark_away(ACTOR, member, since=D(2026, 1, 1), today=TODAY)
    ops.end_membership(ACTOR, member, reason=reason, on=D(2026, 9, 1), today=TODAY)
    ops.end_membership(ACTOR, member, reason=reason, on=D(2026, 9, 1), today=TODAY)  # twice
    assert member.status is END_STATUS[reason] and member.status in ENDED
    ranges = db.session.execute(select(Membership.until, Membership.end_reason).where(
        Membership.member_id == member.id)).all()
    assert ranges == [(D(2026, 9, 1), reason)]
    assert _periods(member) == [("away", D(2026, 1, 1), D(2026, 9, 1))]
    with pytest.raises(RuleViolation, match="已终止"):
        ops.suspend(ACTOR, member, on=D(2026, 10, 1), today=TODAY)
    with pytest.raises(RuleViolation, match="已终止"):
        ops.restore(ACTOR, member, on=D(2026, 10, 1), today=TODAY)
    other = next(r for r in END_STATUS if r is not reason)
    with pytest.raises(RuleViolation, match="已终止"):
        ops.end_membership(ACTOR, member, reason=other, on=D(2026, 10, 1), today=TODAY)


def test_an_end_is_refused_without_a_reason_or_before_the_membership(member: Member) -> None:
    with pytest.raises(RuleViolation, match="请选择减少类型"):
        ops.end_membership(ACTOR, member, reason=MembershipEnd.MOVED, on=D(2026, 9, 1),
                           today=TODAY)
    with pytest.raises(RuleViolation, match="在今天之后"):
        ops.end_membership(ACTOR, member, reason=MembershipEnd.DECEASED,
                           on=TODAY + dt.timedelta(days=1), today=TODAY)
    assert member.status is MemberStatus.NORMAL


# -- what the record then says -------------------------------------------------------------


def test_the_branch_arrears_and_member_page_skip_the_suspended_months(
        make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> None:
    branch = make_branch()
    branch.committee.records_from = D(2026, 1, 1)
    kept = make_member(branch, name="甲")
    away = make_member(branch, name="乙")
    ops.suspend(ACTOR, kept, on=D(2026, 3, 15), today=TODAY)
    ops.restore(ACTOR, kept, on=D(2026, 6, 10), today=TODAY)
    ops.mark_away(ACTOR, away, since=D(2026, 2, 1), today=TODAY)
    owing = {o.name: o.arrears for o in dues_reads.branch_arrears(
        branch.id, TODAY, D(2026, 1, 1))}
    assert len(owing["甲"].unpaid) == 11 - 2  # April and May were not owed
    assert 202604 not in owing["甲"].unpaid and 202603 in owing["甲"].unpaid
    assert len(owing["乙"].unpaid) == 11  # 流动 still owes
    page = member_page(kept.id, TODAY)
    assert page is not None and len(page.dues.unpaid) == 9


def test_an_ended_member_leaves_the_branch_arrears(make_branch: Callable[..., Branch],
                                                   make_member: Callable[..., Member]) -> None:
    branch = make_branch()
    gone = make_member(branch, name="丁")
    ops.end_membership(ACTOR, gone, reason=MembershipEnd.DECEASED, on=D(2026, 5, 1),
                       today=TODAY)
    assert "丁" not in {o.name for o in dues_reads.branch_arrears(branch.id, TODAY, None)}


def test_no_meeting_is_owed_under_suspension_or_abroad_but_one_is_when_away() -> None:
    from profiles.meetings.attendees import Invitee, should_attend

    suspended = (Standing(MemberStatus.SUSPENDED, D(2026, 3, 15), D(2026, 6, 10)),)
    away = (Standing(MemberStatus.AWAY, D(2026, 1, 1)),)

    def expected(standings: tuple[Standing, ...], day: dt.date) -> bool:
        invitee = Invitee(1, "甲", None, None, MemberStatus.NORMAL, D(2010, 7, 1), standings)
        return bool(should_attend(MeetingKind.GENERAL, None, day, [invitee]))

    assert expected(suspended, D(2026, 3, 14))  # the day before the decision
    assert not expected(suspended, D(2026, 3, 15))
    assert not expected(suspended, D(2026, 6, 9))
    assert expected(suspended, D(2026, 6, 10))  # restored that day
    assert expected(away, D(2026, 5, 1))  # 流动: expected, may send an excuse


def test_the_member_page_owes_no_meeting_while_suspended(
        make_branch: Callable[..., Branch], make_member: Callable[..., Member],
        make_meeting: Callable[..., Any]) -> None:
    branch = make_branch()
    member = make_member(branch, name="甲")
    make_meeting(branch, MeetingKind.GENERAL, held_on=D(2026, 4, 10))
    make_meeting(branch, MeetingKind.GENERAL, held_on=D(2026, 7, 10))
    def owed() -> int:
        page = member_page(member.id, TODAY)
        assert page is not None
        return sum(k.expected for k in page.attendance[2026] if k.kind is MeetingKind.GENERAL)

    assert owed() == 2
    ops.suspend(ACTOR, member, on=D(2026, 3, 15), today=TODAY)
    ops.restore(ACTOR, member, on=D(2026, 6, 10), today=TODAY)
    assert owed() == 1  # the April meeting fell in the suspension


def test_a_former_member_cannot_be_transferred(member: Member,
                                               make_branch: Callable[..., Branch]) -> None:
    from profiles.members.operations import transfer_member, transfer_out

    other = make_branch()
    ops.end_membership(ACTOR, member, reason=MembershipEnd.WITHDREW, on=D(2026, 5, 1),
                       today=TODAY)
    with pytest.raises(RuleViolation, match="已终止"):
        transfer_member(ACTOR, member, branch=other, group=None, on=D(2026, 6, 1))
    with pytest.raises(RuleViolation, match="已终止"):
        transfer_out(ACTOR, member, on=D(2026, 6, 1))
    assert member.status is MemberStatus.WITHDREW


def test_a_member_suspended_at_the_end_of_the_year_is_not_evaluated_for_it(
        make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> None:
    from profiles.evaluations.reads import branch_progress

    branch = make_branch()
    make_member(branch, name="甲")
    kept = make_member(branch, name="乙")

    def eligible() -> int:
        return sum(int(n) for _, _, n in branch_progress(branch.id, 2025))

    assert eligible() == 2
    ops.suspend(ACTOR, kept, on=D(2026, 1, 1), today=TODAY)  # after the year: still owed
    assert eligible() == 2
    ops.restore(ACTOR, kept, on=D(2026, 2, 1), today=TODAY)
    ops.suspend(ACTOR, kept, on=D(2026, 3, 1), today=TODAY)
    assert eligible() == 2
    other = make_member(branch, name="丙")
    ops.suspend(ACTOR, other, on=D(2025, 12, 31), today=TODAY)
    assert eligible() == 2  # 丙 is out, 甲 and 乙 are in


def test_the_reports_read_the_same_arrears_and_standings_as_the_branch_page(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    from profiles.queries import branch_page
    from profiles.reports.overview import audit_inputs, branch_infos
    from profiles.reports.reads import everything

    branch = make_branch()
    branch.committee.records_from = D(2026, 1, 1)
    kept, lost = make_member(branch, name="甲"), make_member(branch, name="乙")
    make_member(branch, name="丙")
    ops.suspend(ACTOR, kept, on=D(2026, 3, 15), today=TODAY)
    ops.mark_lost_contact(ACTOR, lost, since=D(2026, 4, 1), today=TODAY)
    page = branch_page(branch.id, TODAY)
    assert page is not None
    report = audit_inputs(everything, branch_infos(everything), TODAY, 12)[branch.id]
    assert sorted(report.arrears, key=lambda a: a.name) == sorted(
        page.audit.arrears, key=lambda a: a.name)
    # January to March: the month of the decision is owed, the months after it are not.
    assert {a.name: a.unpaid_months for a in page.audit.arrears}["甲"] == 3
    assert sorted(report.standings, key=lambda s: s.name) == sorted(
        page.audit.standings, key=lambda s: s.name)
    rules = {(f.rule, f.params.get("name")) for f in run_audit(report, SETTINGS, TODAY)}
    assert ("lost_contact_decide", "乙") in rules  # 2026-04-01 to 11-21: 7 months
    assert ("dues_unpaid", "乙") not in rules
