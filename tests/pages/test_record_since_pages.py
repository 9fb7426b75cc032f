"""From when the record runs (issue 18): the branch and member pages say "记录自2025年1月起"
(English "Record since January 2025"); with no start set they say nothing; and the
branch's self-audit counts no absence from before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask

from core.db import db
from profiles.enums import Attendance, MeetingKind
from profiles.models import AttendanceRecord, Branch, Member
from profiles.queries import branch_page
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.pages import path


def test_pages_say_from_when_the_record_runs(app: Flask) -> None:
    # Outside an app context of the test's own: each request gets its own (and language).
    with app.app_context():
        branch = factories.make_branch()
        member = factories.make_member(branch, name="李娜")
        db.session.commit()
        pages = [path(app, "branch", branch.id), path(app, "member", member.id)]
    client = app.test_client()
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "记录自" not in html and "record-since" not in html  # not set: nothing said
    with app.app_context():
        factories.committee().records_from = dt.date(2025, 1, 1)
        db.session.commit()
    for url in pages:
        assert client.get(url + "?lang=zh").get_data(as_text=True).count(
            "记录自2025年1月起") == 2
        english = client.get(url + "?lang=en").get_data(as_text=True)
        assert english.count("Record since January 2025") == 2


def test_no_absence_is_counted_from_before_the_record(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    branch = make_branch()
    member = make_member(branch, name="缺席者")
    for day in (dt.date(2025, 6, 10), dt.date(2026, 9, 10), dt.date(2026, 10, 10)):
        meeting = factories.make_meeting(branch, MeetingKind.THEME_DAY, held_on=day)
        db.session.add(AttendanceRecord(meeting_id=meeting.id, member_id=member.id,
                                        status=Attendance.ABSENT))
    db.session.commit()

    def since() -> list[dt.date]:
        page = branch_page(branch.id, TODAY)
        assert page is not None
        return [a.absent_since for a in page.audit.absences]

    assert since() == [dt.date(2025, 6, 10)]
    factories.committee().records_from = dt.date(2026, 1, 1)
    db.session.commit()
    assert since() == [dt.date(2026, 9, 10)]  # the first absence within the record
    factories.committee().records_from = dt.date(2026, 10, 1)
    db.session.commit()
    assert since() == [dt.date(2026, 10, 10)]


def test_a_branch_that_reached_seven_full_members_in_september_owes_no_earlier_committee(
        app: Flask) -> None:
    """The 7-member rule over time: a branch whose seventh full member converted on
    2026-09-01 owes 支委会 from September, not for the year before (the branch page's
    checklist and the organisation home agree)."""
    from profiles.audit.checklist import run_audit, settings_from_config
    from profiles.reports.overview import audit_inputs, branch_infos

    with app.app_context():
        factories.committee().records_from = dt.date(2025, 1, 1)
        branch = factories.make_branch()
        for _ in range(6):
            factories.make_member(branch)
        factories.make_member(branch, joined_on=dt.date(2025, 8, 1),
                              converted_on=dt.date(2026, 8, 1))
        factories.make_meeting(branch, kind=MeetingKind.COMMITTEE, held_on=dt.date(2026, 8, 5))
        db.session.commit()
        settings = settings_from_config(app.config)
        page = branch_page(branch.id, TODAY)
        assert page is not None and page.has_committee
        missed = sorted(f.params["period"].first_day for f in run_audit(
            page.audit, settings, TODAY) if f.rule == "meeting_missed"
            and f.params["kind"] is MeetingKind.COMMITTEE)
        # 2026-08-01 is the seventh's 转正: August (held) and later are owed, July not
        assert missed == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
        def scope(column: Any) -> Any:
            return column == branch.id

        home = audit_inputs(scope, branch_infos(scope), TODAY, 12)[branch.id]
        assert home.committee_from == page.audit.committee_from == dt.date(2026, 8, 1)
        # the yearly report's meetings table owes 支委会 from August too: Aug, Sep, Oct
        from profiles.months import period_of
        from profiles.reports.figures import meetings_table

        table = meetings_table(scope, branch_infos(scope), period_of(TODAY, "year"), TODAY,
                               settings)
        committee = [row for row in table.rows if "支委会" in row]
        assert [row[-4:-1] for row in committee] == [(3, 1, 1)]


def test_the_member_page_counts_no_unrecorded_meeting_from_before_the_record(
        app: Flask, make_branch: Callable[..., Branch],
        make_member: Callable[..., Member]) -> None:
    from profiles.queries import member_page

    branch = make_branch()
    member = make_member(branch, name="王芳", joined_on=dt.date(2010, 7, 1))
    factories.make_meeting(branch, MeetingKind.THEME_DAY, held_on=dt.date(2025, 3, 10))
    kept = factories.make_meeting(branch, MeetingKind.THEME_DAY, held_on=dt.date(2025, 9, 10))
    db.session.add(AttendanceRecord(meeting_id=kept.id, member_id=member.id,
                                    status=Attendance.PRESENT))
    factories.make_meeting(branch, MeetingKind.THEME_DAY, held_on=dt.date(2025, 10, 10))
    db.session.commit()

    def theme_days() -> tuple[int, int, int]:
        page = member_page(member.id, TODAY)
        assert page is not None
        line = next(a for a in page.attendance[2025] if a.kind is MeetingKind.THEME_DAY)
        return line.present, line.expected, line.not_recorded

    assert theme_days() == (1, 3, 2)  # no start set: March and October are unrecorded
    factories.committee().records_from = dt.date(2025, 6, 1)
    db.session.commit()
    assert theme_days() == (1, 2, 1)  # March is before the record: not owed, not shown
