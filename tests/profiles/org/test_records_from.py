"""Where the record begins: the month's rule, the operation that sets it (logged, every
committee, never an already-set value when only filling), and ``flask record begins``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from core.db import db
from profiles.models import ChangeLog, Committee
from profiles.org import operations as org_ops
from profiles.org.rules import parse_month, records_from_problems
from profiles.org.wording import month_words, record_since
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.operations import ACTOR, logged, refused

JAN_2025 = dt.date(2025, 1, 1)


def test_months_as_people_write_them() -> None:
    for text in ("2025-01", "2025-1", "2025/01", "2025.1", "2025年1月", " 2025 年 1 月 "):
        assert parse_month(text) == JAN_2025, text
    for text in ("", "2025", "2025-13", "2025-00", "25-01", "2025-01-05", "一月"):
        assert parse_month(text) is None, text


def test_the_range_is_october_1949_to_this_month() -> None:
    assert records_from_problems(None, TODAY) == []
    assert records_from_problems(dt.date(1949, 10, 1), TODAY) == []
    assert records_from_problems(dt.date(1949, 9, 1), TODAY)
    assert records_from_problems(dt.date(2026, 11, 1), TODAY) == []  # TODAY's month
    [late] = records_from_problems(dt.date(2026, 12, 1), TODAY)
    assert late.field == "records_from"
    with force_locale("en"):
        assert "1949-10 to 2026-11" in str(late)
    assert records_from_problems(dt.date(2025, 1, 2), TODAY)  # not a month's first day


def test_month_words_in_both_languages(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert month_words(JAN_2025) == "January 2025"
        assert record_since(JAN_2025) == "Record since January 2025"
        assert record_since(None) == ""
    with app.test_request_context("/"):
        assert record_since(JAN_2025) == "记录自2025年1月起"


def test_set_on_every_committee_logged(org: dict[str, Any]) -> None:
    second = Committee(name="第二党委")
    db.session.add(second)
    db.session.commit()
    with logged(2) as rows:
        changed = org_ops.set_records_from(ACTOR, JAN_2025, today=TODAY)
        assert {c.records_from for c in changed} == {JAN_2025} and len(changed) == 2
    assert {r.table_name for r in rows} == {"committee"}
    assert '"records_from"' in rows[0].changes
    with refused("records_from"):
        org_ops.set_records_from(ACTOR, dt.date(2026, 12, 1), today=TODAY)
    with refused("records_from"):
        org_ops.set_records_from(ACTOR, dt.date(1949, 9, 1), today=TODAY)


def test_filling_never_changes_a_value_set(org: dict[str, Any]) -> None:
    factories.committee().records_from = dt.date(2024, 6, 1)
    second = Committee(name="新建党委")
    db.session.add(second)
    db.session.commit()
    with logged(1):
        changed = org_ops.set_records_from(ACTOR, JAN_2025, today=TODAY, only_unset=True)
        assert [c.name for c in changed] == ["新建党委"]
        assert factories.committee().records_from == dt.date(2024, 6, 1)
    # The same value again changes nothing and logs nothing.
    factories.committee().records_from = JAN_2025
    db.session.commit()
    before = db.session.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
    second.records_from = JAN_2025
    db.session.commit()
    assert org_ops.set_records_from(ACTOR, JAN_2025, today=TODAY) == []
    assert db.session.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc())
                             .limit(1)) == before


def test_the_command_shows_sets_and_clears(app: Flask) -> None:
    runner = app.test_cli_runner()
    none = runner.invoke(args=["record", "begins", "--lang", "en"])
    assert none.exit_code == 0 and "There is no organisation yet" in none.output
    with app.app_context():
        factories.committee()
        db.session.commit()
    shown = runner.invoke(args=["record", "begins"])
    assert shown.exit_code == 0 and "未设置" in shown.output
    assert "flask record begins" in shown.output
    done = runner.invoke(args=["record", "begins", "2025-01"])
    assert done.exit_code == 0, done.output
    assert "2025年1月" in done.output
    english = runner.invoke(args=["record", "begins", "--lang", "en"])
    assert "The record begins in January 2025" in english.output
    again = runner.invoke(args=["record", "begins", "2025年1月", "--lang", "en"])
    assert "Nothing changed" in again.output
    bad = runner.invoke(args=["record", "begins", "2025-13", "--lang", "en"])
    assert bad.exit_code == 1 and "write it like 2025-01" in bad.output
    ahead = runner.invoke(args=["record", "begins", "2027-01", "--lang", "en"])
    assert ahead.exit_code == 1 and "1949-10" in ahead.output
    both = runner.invoke(args=["record", "begins", "2025-01", "--clear"])
    assert both.exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(Committee.records_from)) == JAN_2025
    cleared = runner.invoke(args=["record", "begins", "--clear", "--lang", "en"])
    assert cleared.exit_code == 0 and "is not set" in cleared.output
    with app.app_context():
        assert db.session.scalar(select(Committee.records_from)) is None
        logged_rows = db.session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "committee")).all()
        assert [r.source for r in logged_rows] == ["record begins"] * 2
