"""Files as secretaries and other systems really keep them (tests/data/sheets/, made by
LibreOffice and xlsxwriter): every sheet, any header, layouts, and what is reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_babel import force_locale
from sqlalchemy import func, select, text

from core.db import db
from profiles.enums import Category, DuesBasis, MeetingKind, MemberStatus, Position
from profiles.models import AttendanceRecord, Branch, Committee, DuesRecord, Meeting, Member
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from sheets.reading.column_map import remembered, set_mapping, using_map
from sheets.reading.unmapped import unmapped_columns
from sheets.report.refusal import SheetRefused
from tests.helpers.dates import TODAY
from tests.helpers.paths import DATA as TEST_DATA
from tests.helpers.sheets import csv_file, xlsx

DATA = TEST_DATA / "sheets"
BRANCH = "机关第一党支部"


def _count(table: str) -> int:
    return int(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _tables() -> list[int]:
    return [_count(t) for t in ("member", "branch", "committee", "meeting", "attendance", "dues",
                                "evaluation", "change_log", "column_mapping")]


def _say(items: Any) -> str:
    """Lazy messages as English text, one per line."""
    with force_locale("en"):
        return "\n".join(str(i) for i in items)


def _refused(call: Callable[[], Any]) -> list[str]:
    before = _tables()
    with pytest.raises(SheetRefused) as refused:
        call()
    assert _tables() == before  # nothing written
    return _say(refused.value.problems).splitlines()


@pytest.fixture
def branch(make_branch: Callable[..., Branch]) -> Branch:
    found = make_branch(code="ZB01", name=BRANCH)
    db.session.commit()
    return found


@pytest.fixture
def people(branch: Branch, make_member: Callable[..., Member]) -> list[Member]:
    found = [make_member(branch, number="DY000001", name="张三"),
             make_member(branch, number="DY000002", name="李四", dues_base_cents=None,
                         dues_basis=DuesBasis.FLAT)]
    db.session.commit()
    return found


@pytest.mark.parametrize("name", ["roster-two-sheets.xls", "roster-two-sheets.ods"])
def test_libreoffice_workbook_with_two_data_sheets(branch: Branch, name: str) -> None:
    outcome = import_members(DATA / name, actor="t", today=TODAY)
    assert outcome.inserted == 3
    members = {m.name: m for m in db.session.scalars(select(Member))}
    zhang, wang, li = members["张三"], members["王芳"], members["李四"]
    assert zhang.joined_on == dt.date(2019, 7, 1)  # "2019-07-01 09:30"
    assert zhang.converted_on == dt.date(2020, 7, 1)  # "2020/7/1 0:00:00"
    assert zhang.position is Position.SECRETARY and zhang.phone == "13812345678"
    assert zhang.birth_date == dt.date(1985, 3, 2)
    assert wang.birth_date == dt.date(1998, 7, 1)  # 1998年7月: a month is enough
    assert wang.position is None and wang.status is MemberStatus.ABROAD  # 普通党员, 出国（境）
    assert wang.phone is None  # "/"
    assert li.category is Category.PROBATIONARY and li.converted_on is None  # "—"
    notes = _say(outcome.notes).splitlines()
    assert any("正式党员" in n and "预备党员" in n for n in notes)  # sheets read
    assert any("填写说明" in n for n in notes)  # instructions skipped, said so
    assert any("备注" in n for n in notes)  # the ignored column is listed
    assert any("5–9" in n for n in notes)  # pre-numbered empty rows
    assert any("注：本表" in n for n in notes)  # the note under the data
    assert import_members(DATA / name, actor="t", today=TODAY).changes == []


def test_utf16_unicode_text(branch: Branch) -> None:
    outcome = import_members(DATA / "roster-unicode.txt", actor="t", today=TODAY)
    assert outcome.inserted == 2
    assert {m.name for m in db.session.scalars(select(Member))} == {"张三", "王芳"}


def test_second_writer_with_two_row_merged_header(branch: Branch) -> None:
    outcome = import_members(DATA / "roster-xlsxwriter.xlsx", actor="t", today=TODAY)
    assert outcome.inserted == 2
    members = {m.name: m for m in db.session.scalars(select(Member))}
    assert members["张三"].joined_on == dt.date(2019, 7, 1)  # 入党 / 时间
    assert members["张三"].converted_on == dt.date(2020, 7, 1)  # 转正 / 时间
    assert members["张三"].category is Category.FULL  # 政治面貌: 中共党员
    assert members["李四"].category is Category.PROBATIONARY  # 中共预备党员
    notes = _say(outcome.notes)
    assert "入党 介绍人" in notes and "转正 备注" in notes  # ignored columns named


def test_meeting_register_with_counts_only(people: list[Member]) -> None:
    outcome = import_meetings(DATA / "meetings-counts.xls", actor="t")
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()
    assert [(m.kind, m.held_on) for m in meetings] == [
        (MeetingKind.THEME_DAY, dt.date(2026, 3, 15)),  # 主题党日活动
        (MeetingKind.GENERAL, dt.date(2026, 4, 10)),
        (MeetingKind.LECTURE, dt.date(2026, 6, 28)),  # 专题党课, a date-time cell
    ]
    assert meetings[0].topic == "学习二十届三中全会精神"
    assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 0
    notes = _say(outcome.notes)
    assert "per-member attendance is missing" in notes or "未逐人" in notes
    assert "合计" in notes  # the total row ends the data and is reported
    assert all(not u.recorded for u in outcome.unlisted) and len(outcome.unlisted) == 3


def test_meeting_counts_must_add_up(people: list[Member], tmp_path: Path) -> None:
    path = xlsx(tmp_path / "m.xlsx", [["所在党支部", "会议类型", "会议日期", "应到", "实到"],
                                      [BRANCH, "支委会", "2026-03-01", 3, 5]])
    [problem] = _refused(lambda: import_meetings(path, actor="t"))
    assert "Row 2, column E" in problem or "第2行 E列" in problem


def test_dues_with_one_column_per_month(people: list[Member]) -> None:
    outcome = import_dues(DATA / "dues-by-month.ods", actor="t")
    assert outcome.inserted == 6
    paid = {(r.member_id, r.month): (r.paid_cents, r.paid_on)
            for r in db.session.scalars(select(DuesRecord))}
    zhang, li = people
    assert paid[(zhang.id, 202601)] == (6000, dt.date(2026, 1, 31))
    assert paid[(li.id, 202604)] == (20, dt.date(2026, 4, 30))
    assert (zhang.id, 202604) not in paid  # an empty cell records nothing


def test_dues_over_a_month_range_are_spread(people: list[Member]) -> None:
    outcome = import_dues(DATA / "dues-range.xlsx", actor="t")
    assert outcome.inserted == 5
    rows = {(r.member_id, r.month): (r.due_cents, r.paid_cents)
            for r in db.session.scalars(select(DuesRecord))}
    zhang, li = people
    assert [rows[(zhang.id, m)] for m in (202601, 202602, 202603)] == [(6000, 6000)] * 3
    assert rows[(li.id, 202601)] == rows[(li.id, 202602)] == (20, 20)
    assert import_dues(DATA / "dues-range.xlsx", actor="t").changes == []


def test_yearly_totals_are_refused(people: list[Member]) -> None:
    [problem] = _refused(lambda: import_dues(DATA / "dues-yearly.xlsx", actor="t"))
    assert "全年应缴" in problem and "一月" in problem


def test_grades_outside_the_four_are_refused_with_the_list(people: list[Member]) -> None:
    [problem] = _refused(lambda: import_evaluations(DATA / "evaluations-grades.xlsx", actor="t"))
    assert "良好" in problem and "优秀、合格、基本合格、不合格" in problem


def test_staff_type_under_a_category_header_is_decided_by_values(branch: Branch,
                                                                 tmp_path: Path) -> None:
    # 人员类别 holds a staff type in this system; 政治面貌 says full or probationary.
    path = xlsx(tmp_path / "r.xlsx", [
        ["姓名", "人员类别", "政治面貌", "所在支部", "入党日期"],
        ["张三", "教职工", "中共党员", BRANCH, "2019-07-01"],
        ["李四", "离退休", "中共预备党员", BRANCH, "2026-01-05"]])
    outcome = import_members(path, actor="t", today=TODAY)
    assert {m.name: m.category for m in db.session.scalars(select(Member))} == {
        "张三": Category.FULL, "李四": Category.PROBATIONARY}
    notes = _say(outcome.notes)
    assert "人员类别" in notes and "教职工" in notes


def test_status_or_category_under_one_header_name(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "党籍状态", "所在支部", "入党日期"],
                                      ["张三", "正式党员", BRANCH, "2019-07-01"]])
    import_members(path, actor="t", today=TODAY)
    assert db.session.scalar(select(Member.category)) is Category.FULL


def test_unknown_category_column_says_how_to_map_it(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "所在支部", "入党日期", "正/预备"],
                                      ["张三", "教职工", BRANCH, "2019-07-01", "正"]])
    problems = _refused(lambda: import_members(path, actor="t", today=TODAY))
    # the problem itself names no command-line option: the console shows it too
    assert any("人员类别" in p and "say which field" in p and "--map" not in p
               for p in problems), problems
    with using_map("members", {"正/预备": "category"}):
        assert import_members(path, actor="t", today=TODAY).inserted == 1


def test_a_remembered_map_is_reused(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "组织", "入党日期", "党员身份类别"],
                                      ["张三", BRANCH, "2019-07-01", "正式党员"]])
    assert [(u.header, u.samples) for u in unmapped_columns(path, "members")] == [
        ("组织", [BRANCH]), ("党员身份类别", ["正式党员"])]
    set_mapping("members", "组织", "所在支部", "t")
    set_mapping("members", "党员身份类别", "category", "t")
    assert remembered("members") == {"组织": "branch", "党员身份类别": "category"}
    assert unmapped_columns(path, "members") == []
    assert import_members(path, actor="t", today=TODAY).inserted == 1


def test_map_option_on_the_command_line(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        from tests.helpers import factories

        factories.make_branch(code="ZB01", name=BRANCH)
        db.session.commit()
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "组织", "入党日期", "类别"],
                                      ["张三", BRANCH, "2019-07-01", "正式党员"]])
    runner: FlaskCliRunner = app.test_cli_runner()
    bad = runner.invoke(args=["import", "members", str(path), "--map", "组织=工资"])
    assert bad.exit_code != 0 and "--map" in bad.output
    # a column not read: the command line (not the problem, which the console shows too)
    # says how to map it
    unread = xlsx(tmp_path / "u.xlsx", [["姓名", "人员类别", "所在支部", "入党日期"],
                                        ["张三", "教职工", BRANCH, "2019-07-01"]])
    hint = runner.invoke(args=["import", "members", str(unread), "--lang", "en"])
    assert hint.exit_code != 0 and '--map "人员类别=' in hint.output
    result = runner.invoke(args=["import", "members", str(path), "--map", "组织=所在支部",
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "remembered" in result.output
    again = runner.invoke(args=["import", "members", str(path), "--lang", "en"])
    assert again.exit_code == 0 and "No changes" in again.output


def test_first_import_names_the_committee(app: Flask, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "所在支部", "党小组", "人员类别", "入党日期"],
                                      ["张三", BRANCH, "第一小组", "正式", "2019-07-01"]])
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["import", "members", str(path), "--create-branches",
                                  "--lang", "en"])
    assert refused.exit_code == 1 and "committee" in refused.output
    result = runner.invoke(args=["import", "members", str(path), "--create-branches",
                                 "--committee", "中共示范区委员会", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Created: 中共示范区委员会" in result.output and "第一小组" in result.output
    with app.app_context():
        assert db.session.scalar(select(Committee.name)) == "中共示范区委员会"


def test_first_import_takes_the_org_name_setting(app: Flask, tmp_path: Path) -> None:
    app.config["ORG_NAME"] = "中共测试委员会"
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "所在支部", "人员类别", "入党日期"],
                                      ["张三", BRANCH, "正式", "2019-07-01"]])
    result = app.test_cli_runner().invoke(args=["import", "members", str(path),
                                                "--create-branches"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Committee.name)) == "中共测试委员会"


@pytest.mark.parametrize(("cell", "says"), [
    (1990.1, "1990.10"),  # a month typed into a General cell
    ("张\u202egnp.exe伟", "U+202E"),
    ("张\x1b[2K伟", "U+001B"),
    ("张\x00伟", "U+0000"),
])
def test_silent_traps_are_refused(branch: Branch, tmp_path: Path, cell: Any, says: str) -> None:
    row: list[Any] = ["张三", "正式党员", BRANCH, "2019-07-01", "1985-03-02"]
    header = ["姓名", "人员类别", "所在支部", "入党日期", "出生年月"]
    if isinstance(cell, float):
        row[4] = cell
        path = xlsx(tmp_path / "r.xlsx", [header, row])
    else:  # openpyxl refuses to write control characters; a CSV carries them
        row[0] = cell
        path = csv_file(tmp_path / "r.csv", [header, row], "utf-8")
    problems = _refused(lambda: import_members(path, actor="t", today=TODAY))
    assert any(says in p for p in problems), problems


def test_birth_date_is_checked_against_the_id_number(branch: Branch, tmp_path: Path) -> None:
    from tests.data.make_sheets import ZHANG_ID

    path = xlsx(tmp_path / "r.xlsx", [
        ["姓名", "人员类别", "所在支部", "入党日期", "出生日期", "身份证号"],
        ["张三", "正式党员", BRANCH, "2019-07-01", "1985-03-20", ZHANG_ID]])
    [problem] = _refused(lambda: import_members(path, actor="t", today=TODAY))
    assert "1985-03-20" in problem and "1985-03-02" in problem


@pytest.mark.parametrize(("field", "value"), [("dues_base", "99999999999"),
                                              ("probation", 10**12)])
def test_numbers_beyond_the_column_range_are_refused(branch: Branch, tmp_path: Path, field: str,
                                                     value: Any) -> None:
    header = "党费基数" if field == "dues_base" else "延长预备期"
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "所在支部", "入党日期", header],
                                      ["张三", "正式党员", BRANCH, "2019-07-01", value]])
    [problem] = _refused(lambda: import_members(path, actor="t", today=TODAY))
    assert "Row 2, column E" in problem or "第2行 E列" in problem


def test_points_beyond_the_column_range_are_refused(people: list[Member],
                                                    tmp_path: Path) -> None:
    from sheets.importers.points import import_points

    path = xlsx(tmp_path / "p.xlsx", [["党员编号", "日期", "分值", "事由"],
                                      ["DY000001", "2026-03-01", 2**40, "x"]])
    [problem] = _refused(lambda: import_points(path, actor="t"))
    assert "out of range" in problem or "超出" in problem


def test_a_million_problems_print_fifty_and_write_the_rest(app: Flask, tmp_path: Path) -> None:
    rows = [["姓名", "人员类别", "所在支部", "入党日期"]]
    rows += [[f"人{i}", "正式党员", BRANCH, "2019-13-01"] for i in range(120)]
    path = csv_file(tmp_path / "big.csv", rows, "utf-8")
    result = app.test_cli_runner().invoke(args=["import", "members", str(path), "--lang", "en"])
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.startswith("  Row")]
    assert len(listed) == 50
    assert "… and 190 more" in result.output  # 120 dates + 120 unknown branches - 50
    report = tmp_path / "big.csv.problems.txt"
    assert str(report) in result.output
    assert sum(1 for line in report.read_text().splitlines() if line.startswith("  Row")) == 240
    assert report.stat().st_mode & 0o077 == 0


def test_control_characters_never_reach_the_terminal(app: Flask, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "r.csv", [["姓名", "人员类别", "所在支部", "入党日期"],
                                         ["张\x1b[2K三", "正式党员", "支\x1b]0;x\x07部", "bad"]],
                    "utf-8")
    result = app.test_cli_runner().invoke(args=["import", "members", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
