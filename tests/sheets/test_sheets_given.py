"""What a sheet does not say: given with the import (--branch, --year, --paid-on, the
console's branch) or inferred (人员类别, 评议阶段), each on both sides of its rule, and the
bad values a person can give, refused with a message saying what to give."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select

from core.db import db
from profiles.enums import Category, EvaluationStage
from profiles.models import Branch, Committee, DuesRecord, Evaluation, Meeting, Member
from profiles.months import add_months
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.inference import inferred_category
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from sheets.report.refusal import SheetRefused
from tests.helpers.console import AuthActions, World
from tests.helpers.dates import TODAY
from tests.helpers.sheets import csv_file, xlsx

BRANCH = "机关第一党支部"
YEAR_AGO = add_months(TODAY, -12)
TWO_YEARS_AGO = add_months(TODAY, -24)
DAY = dt.timedelta(days=1)


def _text(problems: Any, lang: str = "en") -> str:
    with force_locale(lang):
        return "\n".join(str(p) for p in problems)


def _refusal(call: Callable[[], Any], lang: str = "en") -> str:
    with pytest.raises(SheetRefused) as refused:
        call()
    return _text(refused.value.problems, lang)


@pytest.fixture
def branch(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> Branch:
    found = make_branch(code="ZB01", name=BRANCH)
    make_branch(code="ZB02", name="机关第二党支部")
    make_member(found, number="DY000001", name="张三")
    make_member(found, number="DY000002", name="王芳")
    db.session.commit()
    return found


# --- 人员类别 from the dates --------------------------------------------------------------

@pytest.mark.parametrize(("joined", "converted", "extension", "expected"), [
    (YEAR_AGO + DAY, None, 0, Category.PROBATIONARY),  # the probation year not yet over
    (YEAR_AGO, None, 0, None),  # exactly a year: over, and not known to be converted
    (TWO_YEARS_AGO + DAY, None, 0, None),
    (TWO_YEARS_AGO, None, 0, Category.FULL),  # no probation lasts two years
    (YEAR_AGO, YEAR_AGO, 0, Category.FULL),  # a 转正日期 says so
    (add_months(YEAR_AGO, -6) + DAY, None, 6, Category.PROBATIONARY),  # extended six months
    (add_months(YEAR_AGO, -6), None, 6, None),
])
def test_category_inferred_from_the_dates(joined: dt.date, converted: dt.date | None,
                                          extension: int, expected: Category | None) -> None:
    assert inferred_category(joined, converted, extension, TODAY) == expected


def test_roster_without_category(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [
        ["姓名", "入党日期", "转正日期", "所在支部"],
        ["新甲", (YEAR_AGO + DAY).isoformat(), "", BRANCH],
        ["新乙", "2010-07-01", "2011-07-01", BRANCH],
        ["王芳", "2010-07-01", "", BRANCH]])  # on record (full): keeps their category
    outcome = import_members(path, actor="t", today=TODAY)
    members = {m.name: m for m in db.session.scalars(select(Member))}
    assert members["新甲"].category is Category.PROBATIONARY
    assert members["新乙"].category is Category.FULL
    assert members["王芳"].category is Category.FULL
    notes = _text(outcome.notes)
    assert "预备党员" in notes and "rows 2" in notes and "rows 3" in notes
    assert "人员类别" in _text(outcome.notes, "zh")
    # A year to the day: the probation is over and nothing says it ended in conversion.
    late = xlsx(tmp_path / "late.xlsx", [["姓名", "入党日期", "所在支部"],
                                         ["新丙", YEAR_AGO.isoformat(), BRANCH]])
    message = _refusal(lambda: import_members(late, actor="t", today=TODAY))
    assert "新丙" in message and "转正日期" in message and "人员类别 column" in message
    assert "转正日期" in _refusal(lambda: import_members(late, actor="t", today=TODAY), "zh")


# --- the branch given with the import ----------------------------------------------------

def test_branch_given_for_a_roster_without_one(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "入党日期"],
                                      ["新甲", "正式党员", "2010-07-01"]])
    message = _refusal(lambda: import_members(path, actor="t", today=TODAY))
    # the problem names no command-line option (the console shows it); the CLI adds it
    assert "choose that branch" in message and "--" not in message
    zh = _refusal(lambda: import_members(path, actor="t", today=TODAY), "zh")
    assert "请在导入时选择该支部" in zh and "--" not in zh
    cli = current_app.test_cli_runner().invoke(args=["import", "members", str(path)])
    assert cli.exit_code == 1 and "在命令行中用 --branch 支部编号 指定支部" in cli.output
    unknown = _refusal(lambda: import_members(path, actor="t", today=TODAY, branch="ZB99"))
    assert "ZB99" in unknown and "支部编号" in unknown
    outcome = import_members(path, actor="t", today=TODAY, branch="ZB02")
    assert outcome.inserted == 1
    assert db.session.scalars(select(Member).where(Member.name == "新甲")).one().branch_id \
        != branch.id
    assert "机关第二党支部" in _text(outcome.notes)
    # A file that names its branch, imported into another: the rows are refused.
    named = xlsx(tmp_path / "n.xlsx", [["姓名", "人员类别", "入党日期", "所在支部"],
                                       ["新乙", "正式党员", "2010-07-01", BRANCH]])
    message = _refusal(lambda: import_members(named, actor="t", today=TODAY, branch="ZB02"))
    assert BRANCH in message and "without choosing a branch" in message
    assert "不选择支部" in _refusal(
        lambda: import_members(named, actor="t", today=TODAY, branch="ZB02"), "zh")
    # A 支部编号 without 所在支部: the name is missing, not the branch; no --branch hint.
    coded = xlsx(tmp_path / "c.xlsx", [["姓名", "人员类别", "入党日期", "支部编号"],
                                       ["新丁", "正式党员", "2010-07-01", "ZB01"]])
    message = _refusal(lambda: import_members(coded, actor="t", today=TODAY))
    assert "所在支部" in message and "--branch" not in message
    assert import_members(named, actor="t", today=TODAY, branch="ZB01").inserted == 1
    # A branch cell left empty takes the branch imported into; without one it is required.
    blank = xlsx(tmp_path / "b.xlsx", [["姓名", "人员类别", "入党日期", "所在支部"],
                                       ["新戊", "正式党员", "2012-07-01", ""]])
    assert "empty but required" in _refusal(
        lambda: import_members(blank, actor="t", today=TODAY))
    outcome = import_members(blank, actor="t", today=TODAY, branch="ZB02")
    assert outcome.inserted == 1 and "leave the branch empty" in _text(outcome.notes)


def test_every_new_branch_joins_the_committee_given(
        branch: Branch, tmp_path: Path, app: Flask) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "入党日期", "所在支部", "上级党组织"],
                                      ["新甲", "正式党员", "2010-07-01", "后勤党支部", ""],
                                      ["新乙", "正式党员", "2011-07-01", "图书馆党支部", ""]])
    result = app.test_cli_runner().invoke(args=[
        "import", "members", str(path), "--create-branches", "--committee", "中共后勤委员会",
        "--lang", "en"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    given = db.session.scalars(select(Committee).where(Committee.name == "中共后勤委员会")).one()
    new = db.session.scalars(select(Branch).where(Branch.name.in_(["后勤党支部",
                                                                   "图书馆党支部"]))).all()
    assert len(new) == 2 and {b.committee_id for b in new} == {given.id}


# --- command-line values -------------------------------------------------------------------

def test_bad_values_on_the_command_line(branch: Branch, tmp_path: Path, app: Flask) -> None:
    runner = app.test_cli_runner()
    roster = xlsx(tmp_path / "r.xlsx", [["姓名", "人员类别", "入党日期"],
                                        ["新甲", "正式党员", "2010-07-01"]])
    unknown = runner.invoke(args=["import", "members", str(roster), "--branch", "ZB99",
                                  "--lang", "en"])
    assert unknown.exit_code == 1 and "No branch has the code 'ZB99'" in unknown.output
    evaluations = xlsx(tmp_path / "e.xlsx", [["姓名", "评议阶段", "评定等次"],
                                             ["张三", "支部评定", "合格"]])
    for year in ("1900", str(TODAY.year + 1)):
        out = runner.invoke(args=["import", "evaluations", str(evaluations), "--year", year,
                                  "--lang", "en"])
        assert out.exit_code == 1 and f"give a year from 1921 to {TODAY.year}" in out.output
    dues = csv_file(tmp_path / "d.csv", [["姓名", "月份", "实缴金额"], ["张三", "2026-01", "20"]],
                    "utf-8")
    bad = runner.invoke(args=["import", "dues", str(dues), "--paid-on", "2026-13-01"])
    assert bad.exit_code == 2 and "2026-13-01" in bad.output and "2026-03-15" in bad.output
    ahead = runner.invoke(args=["import", "dues", str(dues), "--lang", "en", "--paid-on",
                                (TODAY + DAY).isoformat()])
    assert ahead.exit_code == 1 and "in the future" in ahead.output
    done = runner.invoke(args=["import", "dues", str(dues), "--lang", "en", "--paid-on",
                               "2026年1月20日"])
    assert done.exit_code == 0, done.output
    assert "2026-01-20, the day given" in done.output
    assert db.session.scalars(select(DuesRecord)).one().paid_on == dt.date(2026, 1, 20)


# --- records: the year, the stage, the payment date, the payer, the content ---------------

def test_evaluation_year_and_stage(branch: Branch, tmp_path: Path) -> None:
    bare = xlsx(tmp_path / "e.xlsx", [["姓名", "评定等次"], ["张三", "优秀"], ["王芳", "合格"]])
    message = _refusal(lambda: import_evaluations(bare, actor="t", today=TODAY))
    assert "年度 column" in message and "--year" in message
    outcome = import_evaluations(bare, actor="t", today=TODAY, year=2025)
    assert "2025, the year given" in _text(outcome.notes)
    rows = db.session.scalars(select(Evaluation)).all()
    assert {(e.year, e.stage) for e in rows} == {(2025, EvaluationStage.DECIDED)}
    # The year of the title; a row without a rating cannot be told a stage.
    titled = xlsx(tmp_path / "t.xlsx", [["姓名", "评定等次"], ["张三", ""]],
                  title="2024年度民主评议党员结果")
    message = _refusal(lambda: import_evaluations(titled, actor="t", today=TODAY))
    assert "评议阶段" in message and "评定等次" in message and "年度" not in message


def test_payment_date_and_payer(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "d.xlsx", [
        ["党员姓名", "交费人", "交费月份", "实交金额"],
        ["张三", "张三", "2026-01", "20"],
        ["王芳", "刘洋", "2026-01", "20"],
        ["王芳", "刘洋", "2026-02", "0"]])  # nothing paid: no date
    outcome = import_dues(path, actor="t", today=TODAY)
    records = {(r.member_id, r.month): r.paid_on for r in db.session.scalars(select(DuesRecord))}
    members = {m.name: m.id for m in db.session.scalars(select(Member))}
    assert records == {(members["张三"], 202601): TODAY, (members["王芳"], 202601): TODAY,
                       (members["王芳"], 202602): None}
    assert "刘洋" not in members  # the payer is nobody's record
    notes = _text(outcome.notes)
    assert "the import date: 2." in notes and "--paid-on" in notes
    assert "3: 刘洋 → 王芳" in notes and "张三 → 张三" not in notes
    payer_only = xlsx(tmp_path / "p.xlsx", [["交费人", "交费月份", "实交金额"],
                                            ["刘洋", "2026-01", "20"]])
    message = _refusal(lambda: import_dues(payer_only, actor="t", today=TODAY))
    assert "交费人" in message and "党员姓名" in message


def test_topic_and_content(branch: Branch, tmp_path: Path) -> None:
    both = xlsx(tmp_path / "m.xlsx", [["会议类型", "会议日期", "会议议题", "会议内容", "应到人数",
                                       "实到人数"],
                                      ["支部党员大会", "2026-03-15", "学习全会精神", "传达学习",
                                       2, 2]])
    outcome = import_meetings(both, actor="t", today=TODAY, branch="ZB01")
    meeting = db.session.scalars(select(Meeting)).one()
    assert (meeting.topic, meeting.minutes) == ("学习全会精神", "传达学习")
    assert "会议内容" in _text(outcome.notes) and "minutes" in _text(outcome.notes)
    only = xlsx(tmp_path / "c.xlsx", [["会议类型", "会议日期", "会议内容", "应到人数"],
                                      ["党课", "2026-04-20", "书记讲党课", 2]])
    import_meetings(only, actor="t", today=TODAY, branch="ZB01")
    assert {m.topic for m in db.session.scalars(select(Meeting))} == {"学习全会精神", "书记讲党课"}


# --- the console ---------------------------------------------------------------------------

def test_console_imports_a_branchless_roster_into_the_chosen_branch(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    data = "姓名,人员类别,入党日期\n新成员乙,正式党员,2010-07-01\n".encode()
    page = auth.client.get("/console/import").get_data(as_text=True)
    assert f'<option value="{world.a.code}">' in page
    assert f'<option value="{world.b.code}">' not in page  # only the branches it writes

    def upload(code: str) -> Any:
        return auth.client.post("/console/import", data={
            "csrf_token": auth.csrf(), "file": (io.BytesIO(data), "花名册.csv"),
            "branch": code}, content_type="multipart/form-data")

    other = upload(world.b.code)
    assert other.status_code == 302 and other.headers["Location"].endswith("/console/import")
    response = upload(world.a.code)
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    preview = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "新成员乙" in preview and world.a.name in preview
    auth.post(f"/console/jobs/{job_id}/confirm")
    with app.app_context():
        member = db.session.scalars(select(Member).where(Member.name == "新成员乙")).one()
        assert db.session.get(Branch, member.branch_id).code == world.a.code  # type: ignore[union-attr]


def test_a_list_of_former_members_is_refused_saying_what_to_do(branch: Branch,
                                                                tmp_path: Path) -> None:
    titled = xlsx(tmp_path / "h.xlsx", [["姓名", "人员类别", "入党日期", "所在支部"],
                                        ["何平", "正式党员", "1978-07-01", BRANCH]],
                  title="历史党员名册")
    message = _refusal(lambda: import_members(titled, actor="t", today=TODAY))
    assert "former members" in message and "out of the file" in message
    assert "从文件中删除" in _refusal(lambda: import_members(titled, actor="t", today=TODAY),
                                   "zh")
    # A roster of current members that dates a death is not a list of former members.
    dated = xlsx(tmp_path / "d.xlsx", [["姓名", "人员类别", "入党日期", "所在支部", "去世日期"],
                                       ["何平", "正式党员", "1978-07-01", BRANCH, ""]])
    assert import_members(dated, actor="t", today=TODAY).inserted == 1
