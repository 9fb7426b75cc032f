"""Membership over time (profiles/members/history.py): the pure rules, near misses on both
sides of each threshold, and move_membership() on both databases."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from profiles.audit.checklist import (
    EvaluationCounts,
    GroupRef,
    HeldMeeting,
    MemberArrears,
    cadence_table,
    dues_arrears,
    missed_meetings,
    too_many_excellent,
)
from profiles.dues.arrears import arrears, first_month_owed
from profiles.enums import MeetingKind, MemberStatus
from profiles.members.history import Span, histories, members_on, membership_on, span_on
from profiles.members.operations import move_membership, open_missing_memberships
from profiles.models import Branch, ChangeLog, Member, Membership, MembershipEnd, MembershipStart
from profiles.months import Period, month_count, month_range
from profiles.org.rules import has_committee
from profiles.writes import RuleViolation
from tests.helpers.dates import TODAY

ONLY = {kind: None for kind in MeetingKind}


def cadence(kind: MeetingKind, every: str) -> dict[MeetingKind, Any]:
    return {**ONLY, kind: every}


# -- pure rules -------------------------------------------------------------------------


def test_a_move_day_belongs_to_the_new_range() -> None:
    old = Span(1, 10, dt.date(2020, 1, 1), dt.date(2026, 6, 15))
    new = Span(2, None, dt.date(2026, 6, 15))
    assert span_on([old, new], dt.date(2026, 6, 14)) == old
    assert span_on([old, new], dt.date(2026, 6, 15)) == new
    assert span_on([old, new], dt.date(2019, 12, 31)) is None
    # Mid-month: June overlaps both ranges, May only the old one.
    assert old.overlaps_month(202606) and new.overlaps_month(202606)
    assert not new.overlaps_month(202605) and not old.overlaps_month(202607)


@pytest.mark.parametrize(("full", "setting", "expected"), [
    (6, None, False), (7, None, True), (6, True, True), (12, False, False)])
def test_committee_from_seven_full_members_unless_the_record_says(full: int, setting: bool | None,
                                                                  expected: bool) -> None:
    assert has_committee(full, setting) is expected


def test_months_and_their_count_agree_across_a_year_end() -> None:
    assert month_range(202511, 202602) == [202511, 202512, 202601, 202602]
    assert month_count(202511, 202602) == 4 and month_count(202603, 202602) == 0


def test_dues_start_at_admission_or_the_first_tracked_month() -> None:
    assert first_month_owed(dt.date(2026, 10, 30), None) == 202610
    assert first_month_owed(dt.date(2010, 7, 1), dt.date(2025, 1, 1)) == 202501
    assert first_month_owed(dt.date(2026, 3, 5), dt.date(2025, 1, 1)) == 202603


def test_missing_months_are_arrears_with_or_without_a_row() -> None:
    # Paid through April; May has an unpaid row, the rest have no row at all.
    state = arrears(202601, 202611, [202601, 202602, 202603, 202604])
    assert state.paid_through == 202604
    assert state.unpaid == [202605, 202606, 202607, 202608, 202609, 202610, 202611]


def test_a_prepaid_year_runs_paid_through_past_this_month() -> None:
    paid = month_range(202601, 202712)
    state = arrears(202601, 202611, paid)
    assert (state.paid_through, state.unpaid) == (202712, [])


def test_a_member_who_joined_last_month_owes_two_months_below_the_warning() -> None:
    state = arrears(first_month_owed(dt.date(2026, 10, 20), None), 202611, [])
    assert state.unpaid == [202610, 202611]
    assert dues_arrears([MemberArrears("新党员", len(state.unpaid))], 3, 6) == []


def test_arrears_warning_at_three_not_two_critical_on_a_run_of_six() -> None:
    findings = dues_arrears([MemberArrears("甲", 2), MemberArrears("乙", 3),
                             MemberArrears("丙", 7, 5), MemberArrears("丁", 6, 6)], 3, 6)
    assert [(f.params["name"], f.severity) for f in findings] == [
        ("丙", "warning"), ("丁", "critical"), ("乙", "warning")]
    assert findings[0].params["consecutive"] == 5


def test_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter() -> None:
    rule = cadence(MeetingKind.LECTURE, "quarter")
    on_time = [HeldMeeting(MeetingKind.LECTURE, d) for d in (
        dt.date(2025, 12, 31), dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30))]
    assert missed_meetings(on_time, [], rule, TODAY, 12) == []
    # One day later is the next quarter: Q3 is then missed.
    late = [*on_time[:3], HeldMeeting(MeetingKind.LECTURE, dt.date(2026, 10, 1))]
    assert [f.params["period"] for f in missed_meetings(late, [], rule, TODAY, 12)] == [
        Period(2026, 3, "quarter")]


def test_groups_are_audited_only_while_they_exist() -> None:
    rule = cadence(MeetingKind.GROUP, "month")
    founded = GroupRef(1, "新小组", founded_on=dt.date(2026, 8, 15))  # mid-month
    dissolved = GroupRef(2, "旧小组", dissolved_on=dt.date(2026, 6, 1))
    findings = missed_meetings([], [founded, dissolved], rule, TODAY, 12)
    by_group: dict[str, list[int]] = {}
    for f in findings:
        by_group.setdefault(f.params["group"], []).append(f.params["period"].number)
    # Founded 15 August: September and October are due, August (part-month) is not.
    assert by_group["新小组"] == [9, 10]
    # Dissolved 1 June: May was its last whole month.
    assert by_group["旧小组"] == [11, 12, 1, 2, 3, 4, 5]
    rows = {r.group: r for r in cadence_table([], [founded, dissolved], rule, TODAY)}
    assert [c.alive for c in rows["新小组"].cells][6:9] == [False, False, True]
    assert rows["新小组"].missed == 2 and rows["旧小组"].missed == 5
    gone = GroupRef(3, "去年撤销", dissolved_on=dt.date(2025, 12, 1))
    assert "去年撤销" not in {r.group for r in cadence_table([], [gone], rule, TODAY)}


def test_a_dissolved_branch_is_not_audited_after_it_ends() -> None:
    rule = cadence(MeetingKind.THEME_DAY, "month")
    findings = missed_meetings([], [], rule, TODAY, 12, dissolved_on=dt.date(2026, 2, 1))
    assert [f.params["period"].number for f in findings] == [11, 12, 1]


def test_exactly_one_third_excellent_is_fine_one_more_is_not() -> None:
    assert too_many_excellent(EvaluationCounts(2025, 9, 9, 3), Fraction(1, 3)) == []
    assert too_many_excellent(EvaluationCounts(2025, 9, 9, 4), Fraction(1, 3))
    assert too_many_excellent(EvaluationCounts(2025, 10, 10, 3), Fraction(1, 3)) == []


# -- move() and the reads ------------------------------------------------------------------


def _ranges(member: Member) -> list[tuple[Any, ...]]:
    return [(r.branch_id, r.group_id, r.since, r.until, r.start_reason, r.end_reason)
            for r in db.session.scalars(select(Membership).where(
                Membership.member_id == member.id).order_by(Membership.since))]


def test_a_new_member_gets_a_range_from_admission(make_branch: Callable[..., Branch],
                                                  make_member: Callable[..., Member]) -> None:
    branch = make_branch()
    member = make_member(branch, joined_on=dt.date(2015, 7, 1), converted_on=None)
    late = make_branch(founded_on=dt.date(2020, 1, 1))
    older = make_member(late, joined_on=dt.date(2015, 7, 1), converted_on=None)
    assert _ranges(member) == [(branch.id, None, dt.date(2015, 7, 1), None,
                                MembershipStart.JOINED, None)]
    # The branch's record cannot start before the branch.
    assert _ranges(older)[0][2:5] == (dt.date(2020, 1, 1), None, MembershipStart.RECORDED)


def test_move_closes_the_range_and_opens_the_next(make_branch: Callable[..., Branch],
                                                  make_member: Callable[..., Member]) -> None:
    old, new = make_branch(code="OLD"), make_branch(code="NEW")
    member = make_member(old, group_id=old.groups[0].id, joined_on=dt.date(2015, 7, 1),
                         converted_on=None)
    day = dt.date(2026, 6, 15)
    move_membership(Actor("tester", "test"), member, branch=new, group=new.groups[1], on=day)
    assert (member.branch_id, member.group_id) == (new.id, new.groups[1].id)
    assert _ranges(member) == [
        (old.id, old.groups[0].id, dt.date(2015, 7, 1), day, MembershipStart.JOINED,
         MembershipEnd.MOVED),
        (new.id, new.groups[1].id, day, None, MembershipStart.MOVED, None)]
    assert membership_on(member.id, day - dt.timedelta(days=1)) == Span(
        old.id, old.groups[0].id, dt.date(2015, 7, 1), day)
    assert members_on(old.id, day) == [] and members_on(new.id, day) == [member.id]
    log = db.session.scalar(select(ChangeLog).where(ChangeLog.table_name == "member"))
    assert log is not None and json.loads(log.changes)["on"] == [None, "2026-06-15"]
    # Moving to where the member already is changes nothing.
    before = _ranges(member)
    move_membership(Actor("t", "t"), member, branch=new, group=new.groups[1],
                    on=dt.date(2026, 7, 1))
    assert _ranges(member) == before


def test_move_refuses_to_rewrite_history(make_branch: Callable[..., Branch],
                                         make_member: Callable[..., Member]) -> None:
    old, new = make_branch(), make_branch()
    member = make_member(old)
    move_membership(Actor("t", "t"), member, branch=new, group=None, on=dt.date(2026, 6, 15))
    before = _ranges(member)
    with pytest.raises(RuleViolation):
        move_membership(Actor("t", "t"), member, branch=old, group=None, on=dt.date(2026, 6, 1))
    with pytest.raises(RuleViolation):
        move_membership(Actor("t", "t"), member, branch=old, group=new.groups[0],
                        on=dt.date(2026, 7, 1))
    assert _ranges(member) == before


def test_transfer_out_and_back_in(make_branch: Callable[..., Branch],
                                  make_member: Callable[..., Member]) -> None:
    branch = make_branch()
    member = make_member(branch, joined_on=dt.date(2015, 7, 1), converted_on=None)
    move_membership(Actor("t", "t"), member, branch=None, group=None, on=dt.date(2026, 3, 1))
    assert member.status is MemberStatus.TRANSFERRED_OUT
    assert membership_on(member.id, dt.date(2026, 3, 1)) is None
    move_membership(Actor("t", "t"), member, branch=branch, group=None, on=dt.date(2026, 9, 1))
    assert member.status is MemberStatus.NORMAL
    assert [r[4] for r in _ranges(member)] == [MembershipStart.JOINED,
                                               MembershipStart.TRANSFERRED_IN]
    assert membership_on(member.id, dt.date(2026, 5, 1)) is None


def test_a_same_day_move_corrects_the_range(make_branch: Callable[..., Branch],
                                            make_member: Callable[..., Member]) -> None:
    a, b, c = make_branch(), make_branch(), make_branch()
    member = make_member(a)
    day = dt.date(2026, 6, 15)
    move_membership(Actor("t", "t"), member, branch=b, group=None, on=day)
    move_membership(Actor("t", "t"), member, branch=c, group=None, on=day)
    assert [(r[0], r[2], r[3]) for r in _ranges(member)] == [
        (a.id, dt.date(2010, 7, 1), day), (c.id, day, None)]


def test_open_missing_covers_members_written_in_bulk(make_branch: Callable[..., Branch]) -> None:
    branch = make_branch()
    db.session.execute(Member.__table__.insert(), [
        {"number": "B1", "name": "甲", "branch_id": branch.id, "category": "full",
         "joined_on": dt.date(2020, 1, 1), "status": "normal", "dues_basis": "wage"},
        {"number": "B2", "name": "乙", "branch_id": branch.id, "category": "full",
         "joined_on": dt.date(2020, 1, 1), "status": "transferred_out", "dues_basis": "wage"}])
    assert open_missing_memberships() == 2 and open_missing_memberships() == 0
    ids = dict(db.session.execute(select(Member.number, Member.id)).all())
    spans = histories([ids["B1"], ids["B2"]])
    assert spans[ids["B1"]] == [Span(branch.id, None, dt.date(2020, 1, 1))]
    # Recorded as already gone, dates unknown: a one-day range, expected nowhere.
    assert spans[ids["B2"]][0].until == dt.date(2020, 1, 2)


def test_migration_gives_existing_members_their_history(database_url: str,
                                                        tmp_path: Any) -> None:
    from flask_migrate import downgrade, upgrade

    from tests.helpers.app import make_app, release_db

    app = make_app(database_url, tmp_path / "instance")
    with app.app_context():
        downgrade(revision="0001")
        db.session.execute(db.text(
            "INSERT INTO committee (id, name) VALUES (1, '党委');"))
        db.session.execute(db.text(
            "INSERT INTO branch (id, code, name, committee_id, founded_on, card_generation) "
            "VALUES (1, 'A', '一支部', 1, '2018-03-01', 1)"))
        for number, joined, status in (("M1", "2010-07-01", "normal"),
                                       ("M2", "2020-07-01", "normal"),
                                       ("M3", "2012-07-01", "transferred_out")):
            db.session.execute(db.text(
                "INSERT INTO member (number, name, branch_id, category, status, joined_on, "
                "probation_extension_months, dues_basis, card_generation, updated_at) VALUES "
                "(:n, :n, 1, 'full', :s, :j, 0, 'wage', 1, '2026-05-04 10:00:00')"),
                {"n": number, "j": joined, "s": status})
        db.session.commit()
        upgrade()
        ids = dict(db.session.execute(select(Member.number, Member.id)).all())
        spans = histories()
        assert spans[ids["M1"]] == [Span(1, None, dt.date(2018, 3, 1))]  # the founding
        assert spans[ids["M2"]] == [Span(1, None, dt.date(2020, 7, 1))]  # admission
        # Already 已转出: closed on the member row's last change.
        assert spans[ids["M3"]] == [Span(1, None, dt.date(2018, 3, 1), dt.date(2026, 5, 4))]
        db.session.remove()
        db.engine.dispose()
    release_db(app)
