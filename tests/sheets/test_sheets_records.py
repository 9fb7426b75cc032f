"""Record importers (meetings with attendance, dues, points, evaluations): same rules as members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from core.db import db
from profiles.enums import (
    Attendance,
    Category,
    EvaluationStage,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.models import (
    AttendanceRecord,
    Branch,
    ChangeLog,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    PointsEntry,
    PointsRule,
)
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.meetings import import_meetings
from sheets.importers.points import import_points
from sheets.report.refusal import SheetRefused
from tests.helpers.sheets import xlsx


@pytest.fixture
def people(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> list[Member]:
    branch = make_branch(code="ZB01", name="机关第一党支部")
    members = [make_member(branch, number="DY000001", name="张三"),
               make_member(branch, number="DY000002", name="李四", dues_base_cents=None)]
    db.session.commit()
    return members


def _snapshot() -> list[Any]:
    out = []
    for table in ("meeting", "attendance", "dues", "points_entry", "points_rule", "evaluation",
                  "change_log"):
        out.append(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar())
    return out


def _refused(importer: Callable[..., Any], path: Path, **options: Any) -> set[tuple[Any, Any]]:
    before = _snapshot()
    with pytest.raises(SheetRefused) as refused:
        importer(path, **options)
    assert _snapshot() == before
    return {(p.row, p.column) for p in refused.value.problems}


MEETING_HEADER = ["支部编号", "会议类型", "会议日期", "党小组", "会议主题", "党员编号", "姓名",
                  "出勤情况"]


def test_meetings_with_attendance(people: list[Member], tmp_path: Path) -> None:
    rows = [MEETING_HEADER,
            ["ZB01", "支部党员大会", "2026/5/10", "", "学习", "DY000001", "张三", "出席"],
            ["ZB01", "支部党员大会", "2026年5月10日", "", "", "", "李四", "请假"],
            ["ZB01", "党小组会", "2026-05-20", "第1小组", "谈心", "DY000001", "", "缺席"],
            ["ZB01", "党课", "2026.06.01", "", "党课", "", "", ""]]
    path = xlsx(tmp_path / "m.xlsx", rows, title="会议记录")
    outcome = import_meetings(path, actor="t")
    assert outcome.inserted == 6  # three meetings and three attendance rows
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 3
    group_meeting = db.session.scalar(select(Meeting).where(Meeting.kind == MeetingKind.GROUP))
    assert group_meeting is not None and group_meeting.group_id is not None
    assert import_meetings(path).changes == []
    rows[2][7] = "出席"
    outcome = import_meetings(xlsx(tmp_path / "m2.xlsx", rows))
    assert [(c.action, c.fields) for c in outcome.changes] == [
        ("update", {"attendance": (Attendance.EXCUSED, Attendance.PRESENT)})]
    assert db.session.scalar(select(func.count()).select_from(AttendanceRecord)) == 3


def test_members_left_out_of_a_meeting_are_named(people: list[Member], tmp_path: Path,
                                                 make_member: Callable[..., Member]) -> None:
    branch = people[0].branch
    group = branch.groups[0]
    for person, position in zip(people, (Position.SECRETARY, None), strict=True):
        person.position, person.group_id = position, group.id
    make_member(branch, number="DY000003", name="王五", status=MemberStatus.TRANSFERRED_OUT)
    make_member(branch, number="DY000004", name="赵六", joined_on=dt.date(2026, 6, 1),
                category=Category.PROBATIONARY, converted_on=None)
    db.session.commit()
    rows = [MEETING_HEADER,
            # a sign-in sheet listing only who came: 李四 is missing
            ["ZB01", "支部党员大会", "2026-05-10", "", "", "DY000001", "张三", "出席"],
            ["ZB01", "支委会", "2026-05-12", "", "", "DY000001", "张三", "出席"],  # complete
            ["ZB01", "党课", "2026-05-15", "", "党课", "", "", ""]]  # no attendance at all
    outcome = import_meetings(xlsx(tmp_path / "m.xlsx", rows))
    assert [(u.meeting, u.names, u.recorded) for u in outcome.unlisted] == [
        ("ZB01 2026-05-10 支部党员大会", ["李四"], 1),
        ("ZB01 2026-05-15 党课", ["李四", "张三"], 0)]
    # The database's rows count too: a second file with 李四 alone completes the meeting,
    # and 赵六 (joined later) and 王五 (transferred out) are never expected.
    rows = [MEETING_HEADER, ["ZB01", "支部党员大会", "2026-05-10", "", "", "", "李四", "请假"],
            ["ZB01", "支部党员大会", "2026-06-10", "", "", "", "李四", "出席"]]
    outcome = import_meetings(xlsx(tmp_path / "m2.xlsx", rows))
    assert [(u.meeting, u.names) for u in outcome.unlisted] == [
        ("ZB01 2026-06-10 支部党员大会", ["张三", "赵六"])]


def test_bad_meetings_file_is_refused(app: Any, people: list[Member], tmp_path: Path) -> None:
    rows = [MEETING_HEADER,
            ["ZB01", "党小组会", "2026-05-20", "", "", "DY000001", "", "出席"],  # no group
            ["ZB01", "支委会", "2026-05-21", "", "", "DY000009", "", "出席"],  # unknown number
            ["ZB01", "支委会", "2026-05-21", "", "", "DY000001", "", "迟到"],  # bad state
            ["ZB01", "例会", "2026-05-22", "", "", "DY000002", "", "出席"],  # bad kind
            ["ZB01", "支委会", "2026-05-23", "", "", "DY000002", "", "出席"],
            ["ZB01", "支委会", "2026-05-23", "", "", "DY000002", "", "缺席"],  # duplicate
            ["ZB01", "党小组会", "2026-05-24", "第9小组", "", "DY000001", "", "出席"]]
    found = _refused(import_meetings, xlsx(tmp_path / "m.xlsx", rows))
    assert {(2, 4), (3, 6), (4, 8), (5, 2), (7, 7), (8, 4)} <= found
    with pytest.raises(SheetRefused) as refused:
        import_meetings(xlsx(tmp_path / "m.xlsx", rows))
    with app.test_request_context("/?lang=en"):
        assert [str(p.message) for p in refused.value.problems if p.row == 8] == [
            "Branch 机关第一党支部 has no party group '第9小组' (its groups: 第1小组、第2小组)."]


DUES_HEADER = ["党员编号", "姓名", "月份", "应缴金额", "实缴金额", "缴纳日期"]


def test_dues_computed_when_only_payment_given(people: list[Member], tmp_path: Path) -> None:
    rows = [DUES_HEADER,
            ["DY000001", "张三", "2026-05", "", "90", "2026-05-08"],
            ["DY000001", "张三", "2026年6月", "", 0, ""],
            ["DY000002", "李四", "202605", "12.5", "12.50", "2026/5/9"]]
    path = xlsx(tmp_path / "d.xlsx", rows)
    assert import_dues(path).inserted == 3
    may = db.session.get(DuesRecord, (people[0].id, 202605))
    assert may is not None and may.due_cents == 9000 and may.paid_on == dt.date(2026, 5, 8)
    assert import_dues(path).changes == []
    rows[2][4:6] = ["90", "2026-07-02"]
    outcome = import_dues(xlsx(tmp_path / "d2.xlsx", rows))
    assert outcome.updated == 1 and outcome.changes[0].fields["paid"] == (0, 9000)


def test_bad_dues_file_is_refused(people: list[Member], tmp_path: Path) -> None:
    rows = [DUES_HEADER,
            ["DY000001", "张三", "2026-13", "", "90", "2026-05-08"],  # bad month
            ["DY000001", "张三", "2026-05", "", "90", ""],  # paid, no date
            ["DY000002", "李四", "2026-05", "", "10", "2026-05-08"],  # no base: cannot compute
            ["DY000001", "王五", "2026-06", "", "10", "2026-05-08"],  # number and name disagree
            ["DY000001", "张三", "2026-05", "", "90", "2026-05-08"]]  # duplicate month
    found = _refused(import_dues, xlsx(tmp_path / "d.xlsx", rows))
    assert {(2, 3), (3, 6), (4, 4), (5, 2), (6, 3)} <= found


POINTS_HEADER = ["党员编号", "姓名", "日期", "分值", "积分规则", "事由"]


def test_points_reimport_never_duplicates(people: list[Member], tmp_path: Path) -> None:
    db.session.add(PointsRule(committee_id=people[0].branch.committee_id, code="study",
                              name="理论学习打卡", points=3))
    db.session.commit()
    rows = [POINTS_HEADER,
            ["DY000001", "张三", "2026-05-10", 3, "理论学习打卡", "学习强国"],
            ["DY000001", "张三", "2026-05-10", 3, "理论学习打卡", "学习强国"],  # twice that day
            ["DY000002", "李四", "2026-05-11", "-2", "", "无故缺席"]]
    path = xlsx(tmp_path / "p.xlsx", rows)
    assert import_points(path, actor="书记").inserted == 3
    again = import_points(path)
    assert again.changes == [] and again.unchanged == 3
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 3
    rows.append(["DY000002", "李四", "2026-05-12", 5, "志愿服务", "社区"])
    bigger = xlsx(tmp_path / "p2.xlsx", rows)
    assert (5, 5) in _refused(import_points, bigger)
    outcome = import_points(bigger, create_rules=True)
    assert outcome.inserted == 1 and outcome.created == ["志愿服务 (+5)"]
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) == 4
    assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == 5  # and the rule
    assert db.session.scalar(select(ChangeLog.table_name).order_by(ChangeLog.id.desc())
                             .limit(1).offset(1)) == "points_rule"


def test_evaluations_rating_only_when_decided(people: list[Member], tmp_path: Path) -> None:
    header = ["党员编号", "姓名", "年度", "评议阶段", "评定等次"]
    bad = [header, ["DY000001", "张三", 2025, "民主测评", "优秀"],
           ["DY000002", "李四", "二〇二五", "支部评定", "合格"]]
    assert {(2, 5), (3, 3)} <= _refused(import_evaluations, xlsx(tmp_path / "e.xlsx", bad))
    good = [header, ["DY000001", "张三", 2025, "民主测评", ""],
            ["DY000002", "李四", "2025", "支部评定", "合格"]]
    assert import_evaluations(xlsx(tmp_path / "e.xlsx", good)).inserted == 2
    good[1][3:5] = ["支部评定", "优秀"]
    outcome = import_evaluations(xlsx(tmp_path / "e2.xlsx", good))
    assert outcome.updated == 1 and outcome.unchanged == 1
    evaluation = db.session.scalar(select(Evaluation).where(Evaluation.member_id == people[0].id))
    assert evaluation is not None
    assert (evaluation.stage, evaluation.rating) == (EvaluationStage.DECIDED, Rating.EXCELLENT)


def test_record_commands_dry_run_and_refusal(app: Any, people: list[Member],
                                             tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    good = xlsx(tmp_path / "d.xlsx", [DUES_HEADER, ["DY000001", "张三", "2026-05", "", "90",
                                                    "2026-05-08"]])
    result = runner.invoke(args=["import", "dues", str(good), "--dry-run"])
    assert result.exit_code == 0 and "试运行" in result.output and "新增 1 条" in result.output
    assert db.session.scalar(select(func.count()).select_from(DuesRecord)) == 0
    bad = xlsx(tmp_path / "m.xlsx", [
        MEETING_HEADER, ["ZB01", "支委会", "2026-05-21", "", "", "DY000001", "", "出席"],
        ["ZB01", "支委会", "2026/5/21", "", "", "", "张三", "缺席"]])
    result = runner.invoke(args=["import", "meetings", str(bad)])
    assert result.exit_code == 1
    assert "第3行 G列（姓名）: 该党员本次会议的出勤情况在第2行已有（重复）。" in result.output
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    partial = xlsx(tmp_path / "p.xlsx", [
        MEETING_HEADER, ["ZB01", "支委会", "2026-05-21", "", "", "DY000001", "", "出席"],
        ["ZB01", "主题党日", "2026-05-22", "", "", "", "", ""]])
    people[0].position = Position.SECRETARY
    people[1].position = Position.PUBLICITY
    db.session.commit()
    result = runner.invoke(args=["import", "meetings", str(partial)])
    assert result.exit_code == 0, result.output
    assert "提示：以下会议中有应参会党员没有出勤记录" in result.output
    assert "ZB01 2026-05-21 支委会：1 人未在文件中：李四" in result.output
    assert "ZB01 2026-05-22 主题党日：未记录出勤（应参会 2 人）。" in result.output


def test_a_register_gives_the_minutes_host_and_recorder(people: list[Member],
                                                        tmp_path: Path) -> None:
    header = ["支部编号", "会议类型", "会议日期", "会议议题", "会议内容", "主持人", "记录人",
              "姓名", "出勤情况"]
    rows = [header,
            ["ZB01", "主题党日", "2026-05-10", "重温入党誓词", "", "", "", "张三", "线上参会"],
            ["ZB01", "主题党日", "2026-05-10", "", "一、重温誓词。\n\n二、交流发言。", "张三",
             "李四", "李四", "出席"]]
    outcome = import_meetings(xlsx(tmp_path / "r.xlsx", rows), actor="t")
    meeting = db.session.scalar(select(Meeting))
    assert meeting is not None
    assert (meeting.topic, meeting.minutes, meeting.host, meeting.recorder) == (
        "重温入党誓词", "一、重温誓词。\n\n二、交流发言。", "张三", "李四")
    statuses = {s for s, in db.session.execute(select(AttendanceRecord.status))}
    assert statuses == {Attendance.ONLINE, Attendance.PRESENT}
    insert = next(c for c in outcome.changes if c.table == "meeting")
    assert insert.fields["minutes"] == (None, "一、重温誓词。\n\n二、交流发言。")
    # 主要内容 is the minutes too; re-importing changes only what differs, and logs it.
    rows[0][4] = "主要内容"
    rows[2][4] = "一、重温誓词。"
    outcome = import_meetings(xlsx(tmp_path / "r2.xlsx", rows), actor="t")
    assert [(c.action, c.fields) for c in outcome.changes] == [
        ("update", {"minutes": ("一、重温誓词。\n\n二、交流发言。", "一、重温誓词。")})]
    db.session.expire_all()
    assert db.session.scalar(select(Meeting.minutes)) == "一、重温誓词。"
