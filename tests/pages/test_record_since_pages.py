"""From when the record runs (issue 18): the branch and member pages say "记录自2025年1月起"
(English "Record since January 2025"); with no start set they say nothing; and the
branch's self-audit counts no absence from before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
