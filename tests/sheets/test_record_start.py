"""Where the record begins, at an import (issue 18): proposed from the earliest month in
the file and set when the import is written; a value set is never changed silently, and
rows before it are reported; ``--records-from`` sets it explicitly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Branch, Committee, Meeting, Member
from sheets.importers.record_start import plan_start, record_months, start_lines
from sheets.reading.rows import read_rows
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

HEADER = ["支部编号", "会议类型", "会议日期", "会议主题", "党员编号", "姓名", "出勤情况"]


@pytest.fixture
def branch(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> Branch:
    found = make_branch(code="ZB01", name="机关第一党支部")
    make_member(found, number="DY000001", name="张三")
    db.session.commit()
    return found


def _meetings(tmp_path: Path, *days: str) -> Path:
    return xlsx(tmp_path / "m.xlsx", [HEADER] + [
        ["ZB01", "主题党日", day, "学习", "DY000001", "张三", "出席"] for day in days])


def _start() -> dt.date | None:
    db.session.expire_all()
    return db.session.scalar(select(Committee.records_from).order_by(Committee.id).limit(1))


def test_the_earliest_month_of_each_kind(branch: Branch, tmp_path: Path) -> None:
    path = _meetings(tmp_path, "2025-03-10", "2025年1月15日", "2026-02-01")
    rows = read_rows(path, "meetings").rows
    assert record_months("meetings", rows) == [
        (2, dt.date(2025, 3, 1)), (3, dt.date(2025, 1, 1)), (4, dt.date(2026, 2, 1))]
    evaluations = xlsx(tmp_path / "e.xlsx", [["姓名", "年度", "评议阶段", "评定等次"],
                                            ["张三", "2024", "支部评定", "合格"]])
    assert record_months("evaluations", read_rows(evaluations, "evaluations").rows) == [
        (2, dt.date(2024, 1, 1))]
    dues = xlsx(tmp_path / "d.xlsx", [["姓名", "月份", "实缴金额"], ["张三", "2025-07", "20"],
                                      ["张三", "不是月份", "20"]])
    assert record_months("dues", read_rows(dues, "dues").rows) == [(2, dt.date(2025, 7, 1))]
    assert record_months("members", rows) == []


def test_a_roster_alone_proposes_its_date_or_today(branch: Branch) -> None:
    assert plan_start("members", [], TODAY).proposed == dt.date(2026, 11, 1)
    plan = plan_start("members", [], TODAY, as_of=dt.date(2026, 3, 15))
    assert (plan.proposed, plan.source) == (dt.date(2026, 3, 1), "as_of")
    assert plan_start("meetings", [], TODAY).proposed is None  # nothing dated: nothing


def test_the_first_import_sets_it_and_says_so(branch: Branch, tmp_path: Path,
                                              app: Flask) -> None:
    runner = app.test_cli_runner()
    path = _meetings(tmp_path, "2025-03-10", "2025-01-15")
    dry = runner.invoke(args=["import", "meetings", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "记录起点：将设为2025年1月（文件中最早的月份）" in dry.output
    assert _start() is None
    done = runner.invoke(args=["import", "meetings", str(path), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "Where the record begins: set to January 2025 (the earliest month in the file)" \
        in done.output
    assert _start() == dt.date(2025, 1, 1)


def test_a_value_set_is_never_changed_and_rows_before_it_are_named(
        branch: Branch, tmp_path: Path, app: Flask) -> None:
    factories.committee().records_from = dt.date(2025, 3, 1)
    db.session.commit()
    path = _meetings(tmp_path, "2025-01-15", "2025-02-28", "2025-03-01")
    done = app.test_cli_runner().invoke(args=["import", "meetings", str(path), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "2 rows lie before where the record begins (March 2025; rows 2、3)" in done.output
    assert "flask record begins" in done.output
    assert _start() == dt.date(2025, 3, 1)
    assert db.session.scalar(select(Meeting.id).limit(1)) is not None  # kept all the same
    # Rows on or after the start: nothing said.
    later = _meetings(tmp_path, "2025-03-01")
    quiet = app.test_cli_runner().invoke(args=["import", "meetings", str(later), "--lang",
                                               "en"])
    assert "lie before" not in quiet.output and "record begins" not in quiet.output


def test_records_from_option_overrides(branch: Branch, tmp_path: Path, app: Flask) -> None:
    factories.committee().records_from = dt.date(2025, 3, 1)
    db.session.commit()
    runner = app.test_cli_runner()
    path = _meetings(tmp_path, "2025-01-15")
    for bad in ("2025-13", "1949-09", "2026-12"):
        out = runner.invoke(args=["import", "meetings", str(path), "--records-from", bad,
                                  "--lang", "en"])
        assert out.exit_code == 1, (bad, out.output)
        assert db.session.scalar(select(Meeting.id).limit(1)) is None  # nothing imported
    done = runner.invoke(args=["import", "meetings", str(path), "--records-from", "2024-12",
                               "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "set to December 2024 (the month given)" in done.output
    assert _start() == dt.date(2024, 12, 1)


def test_a_first_roster_sets_it_on_the_committee_it_creates(tmp_path: Path, app: Flask,
                                                            ctx: None) -> None:
    roster = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "入党日期", "所在支部"],
                                        ["新甲", "正式党员", "2010-07-01", "后勤党支部"]])
    done = app.test_cli_runner().invoke(args=[
        "import", "members", str(roster), "--create-branches", "--committee", "中共后勤委员会",
        "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert "set to November 2026 (the month of the import)" in done.output
    assert _start() == dt.date(2026, 11, 1)


def test_lines_name_nothing_when_nothing_to_say(branch: Branch) -> None:
    factories.committee().records_from = dt.date(2025, 3, 1)
    db.session.commit()
    assert start_lines(plan_start("meetings", [(2, dt.date(2025, 3, 1))], TODAY)) == []
