"""Importers against the membership history, and an organisation built only through the
import commands whose checklist holds exactly the gaps its data holds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from profiles.enums import MemberStatus
from profiles.members.history import histories
from profiles.members.operations import move_membership
from profiles.models import Branch, Member, PartyGroup
from profiles.queries import member_page
from sheets.importers.dues import import_dues
from sheets.importers.meetings import import_meetings
from sheets.report.refusal import SheetRefused
from tests.helpers.dates import TODAY
from tests.helpers.pages import path as page_path
from tests.helpers.sheets import xlsx

MEETINGS = ["支部编号", "会议类型", "会议日期", "党小组", "会议主题", "党员编号", "姓名",
            "出勤情况"]
DUES = ["党员编号", "姓名", "所在支部", "月份", "应缴金额", "实缴金额", "缴纳日期"]
MOVE_DAY = dt.date(2026, 9, 16)


@pytest.fixture
def moved(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> Member:
    """陈静, who moved from ZB01 to ZB02 on 16 September; 王强 stayed in ZB02."""
    old = make_branch(code="ZB01", name="老支部")
    new = make_branch(code="ZB02", name="新支部")
    member = make_member(old, number="DY000001", name="陈静")
    make_member(new, number="DY000002", name="王强")
    move_membership(Actor("t", "t"), member, branch=new, group=None, on=MOVE_DAY)
    db.session.commit()
    return member


def _messages(app: Flask, error: pytest.ExceptionInfo[SheetRefused]) -> list[str]:
    with app.test_request_context("/?lang=zh"):
        return [str(p.message) for p in error.value.problems]


def test_attendance_before_a_move_imports_into_the_old_branch(moved: Member,
                                                              tmp_path: Path) -> None:
    rows = [MEETINGS,
            ["ZB01", "主题党日", "2026-09-10", "", "", "DY000001", "陈静", "出席"],
            ["ZB01", "党课", "2026-09-15", "", "", "", "陈静", "请假"],  # by name, day before
            # The new branch records its own meeting held days before she arrived.
            ["ZB02", "主题党日", "2026-09-12", "", "", "DY000002", "王强", "出席"]]
    outcome = import_meetings(xlsx(tmp_path / "m.xlsx", rows))
    assert outcome.inserted == 6
    # She was not a member of ZB02 on 12 September: not named as left out.
    assert outcome.unlisted == []


def test_attendance_on_the_wrong_side_of_a_move_is_refused(app: Flask, moved: Member,
                                                           tmp_path: Path) -> None:
    rows = [MEETINGS,
            ["ZB01", "主题党日", "2026-10-10", "", "", "DY000001", "陈静", "出席"],
            ["ZB02", "主题党日", "2026-09-12", "", "", "DY000001", "陈静", "出席"],
            ["ZB02", "主题党日", "2009-01-12", "", "", "DY000001", "陈静", "出席"]]
    with pytest.raises(SheetRefused) as refused:
        import_meetings(xlsx(tmp_path / "m.xlsx", rows))
    assert _messages(app, refused) == [
        "陈静在2026-10-10属于新支部，不属于老支部。",
        "陈静在2026-09-12属于老支部，不属于新支部。",
        "陈静在2009-01-12不是本组织的党员。"]


def test_dues_months_are_checked_against_the_membership(
        app: Flask, moved: Member, tmp_path: Path, make_member: Callable[..., Member]) -> None:
    gone = make_member(moved.branch, number="DY000003", name="李雷")
    move_membership(Actor("t", "t"), gone, branch=None, group=None, on=dt.date(2026, 6, 1))
    db.session.commit()
    good = [DUES, ["DY000001", "陈静", "老支部", "2026-08", 10, 10, "2026-08-03"],
            ["DY000001", "陈静", "新支部", "2026-09", 10, 10, "2026-09-20"],  # moved mid-month
            ["DY000001", "陈静", "", "2027-03", 10, 10, "2026-11-01"],  # paying ahead
            ["DY000003", "李雷", "", "2026-05", 10, 10, "2026-05-03"]]
    assert import_dues(xlsx(tmp_path / "d.xlsx", good)).inserted == 4
    bad = [DUES, ["DY000001", "陈静", "新支部", "2026-08", 10, 10, "2026-08-03"],
           ["DY000003", "李雷", "", "2026-07", 10, 10, "2026-07-03"]]
    with pytest.raises(SheetRefused) as refused:
        import_dues(xlsx(tmp_path / "bad.xlsx", bad))
    assert _messages(app, refused) == ["陈静在2026-08不属于新支部。",
                                       "李雷在2026-07不是本组织的党员。"]


ROSTER = ["党员编号", "姓名", "入党日期", "转正日期", "人员类别", "所在支部", "支部编号",
          "上级党组织", "党小组", "党内职务", "党员状态", "支部成立日期", "党小组成立日期"]


def _cli(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def test_roster_moves_are_dated_by_column_or_by_the_import(app: Flask, tmp_path: Path) -> None:
    committee = "测试党委"
    rows: list[list[Any]] = [ROSTER,
                             ["E1", "甲", "2010-07-01", "2011-07-01", "正式党员", "一支部", "A1",
                              committee, "一组", "", "正常", "2020-01-01", "2024-03-01"],
                             ["E2", "乙", "2012-07-01", "2013-07-01", "正式党员", "二支部", "A2",
                              committee, "", "", "正常", "", ""]]
    _cli(app, "import", "members", str(xlsx(tmp_path / "r1.xlsx", rows)), "--create-branches")
    moved = [list(r) for r in rows]
    moved[1][5:9] = ["二支部", "A2", committee, ""]  # 甲 to the second branch, no date
    moved[2][10] = "已转出"
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "r2.xlsx", moved))).output
    assert "2026-11-21（导入日期）" in out
    with app.app_context():
        ids = dict(db.session.execute(select(Member.number, Member.id)).all())
        codes = dict(db.session.execute(select(Branch.id, Branch.code)).all())
        spans = histories()
        first = [(codes[s.branch_id], s.since, s.until) for s in spans[ids["E1"]]]
        # The branch was founded after her admission: her record starts there.
        assert first == [("A1", dt.date(2020, 1, 1), dt.date(2026, 11, 21)),
                         ("A2", dt.date(2026, 11, 21), None)]
        assert spans[ids["E2"]][-1].until == dt.date(2026, 11, 21)
        group = db.session.scalar(select(PartyGroup).where(PartyGroup.name == "一组"))
        assert group is not None and group.founded_on == dt.date(2024, 3, 1)
    # A move dated before the record already runs is refused, naming the date.
    back = [ROSTER[:9] + ["调动日期"],
            ["E1", "甲", "2010-07-01", "2011-07-01", "正式党员", "一支部", "A1", committee, "",
             "2026-10-01"]]
    result = app.test_cli_runner().invoke(
        args=["import", "members", str(xlsx(tmp_path / "r3.xlsx", back))])
    assert result.exit_code == 1 and "2026-11-21" in result.output


# -- an organisation built only through the import commands ------------------------------

FOUNDED = dt.date(2026, 1, 1)
ZB10 = "ZB10"
ZB11 = "ZB11"
COMMITTEE = "示范机关党委"


def _roster(mover_branch: str) -> list[list[Any]]:
    header = ["党员编号", "姓名", "入党日期", "转正日期", "人员类别", "所在支部", "支部编号",
              "上级党组织", "党小组", "党内职务", "支部成立日期", "调动日期"]
    big, small = ("示范第十党支部", ZB10), ("示范第十一党支部", ZB11)
    rows: list[list[Any]] = [header]
    people = [("S01", "书记甲", "书记"), ("S02", "委员乙", "组织委员"),
              ("S03", "委员丙", "宣传委员"), ("S04", "欠费甲", ""), ("S05", "缺席乙", ""),
              ("S06", "党员丁", ""),
              ("S07", "党员戊", ""), ("S08", "党员己", "")]
    for number, name, position in people:
        rows.append([number, name, "2015-07-01", "2016-07-01", "正式党员", *big, COMMITTEE,
                     "第一党小组", position, FOUNDED, ""])
    rows.append(["S09", "预备丙", "2025-06-01", "", "预备党员", *big, COMMITTEE, "第一党小组",
                 "", FOUNDED, ""])
    for number, name, position in (("T01", "小支书", "书记"), ("T02", "小党员", "")):
        rows.append([number, name, "2012-07-01", "2013-07-01", "正式党员", *small, COMMITTEE,
                     "", position, FOUNDED, ""])
    target = big if mover_branch == ZB10 else small
    rows.append(["T03", "调动丁", "2014-07-01", "2015-07-01", "正式党员", *target, COMMITTEE,
                 "第一党小组" if mover_branch == ZB10 else "", "", FOUNDED,
                 MOVE_DAY if mover_branch == ZB10 else ""])
    return rows


def _meetings() -> list[list[Any]]:
    rows: list[list[Any]] = [MEETINGS]
    big = ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09"]
    committee = ["S01", "S02", "S03"]

    def meeting(code: str, kind: str, day: dt.date, who: Sequence[str], group: str = "") -> None:
        for number in who:
            absent = number == "S05" and day >= dt.date(2026, 7, 1)
            rows.append([code, kind, day, group, "", number, "", "缺席" if absent else "出席"])

    for month in range(1, 12):
        if month < 11:
            meeting(ZB10, "支委会", dt.date(2026, month, 5), committee)
        mover_here = dt.date(2026, month, 10) >= MOVE_DAY
        meeting(ZB10, "主题党日", dt.date(2026, month, 10), big + (["T03"] if mover_here else []))
        meeting(ZB11, "主题党日", dt.date(2026, month, 10),
                ["T01", "T02"] + ([] if mover_here else ["T03"]))
        if month < 11:
            group_here = dt.date(2026, month, 20) >= MOVE_DAY
            meeting(ZB10, "党小组会", dt.date(2026, month, 20),
                    big + (["T03"] if group_here else []), "第一党小组")
    for month in (2, 5, 8):
        meeting(ZB10, "支部党员大会", dt.date(2026, month, 15), big)
        meeting(ZB11, "支部党员大会", dt.date(2026, month, 15), ["T01", "T02", "T03"])
    # 党课: ZB10 skips the second quarter; the first is held on its last day.
    for day in (dt.date(2026, 3, 31), dt.date(2026, 9, 25)):
        meeting(ZB10, "党课", day, big + (["T03"] if day >= MOVE_DAY else []))
    for day in (dt.date(2026, 3, 25), dt.date(2026, 6, 25), dt.date(2026, 9, 5)):
        meeting(ZB11, "党课", day, ["T01", "T02", "T03"])
    return rows


def _dues() -> list[list[Any]]:
    rows: list[list[Any]] = [DUES]
    numbers = ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "T01", "T02", "T03"]
    for number in numbers:
        last = 7 if number == "S04" else 11  # 欠费甲 paid through July, no rows since
        for month in range(1, last + 1):
            rows.append([number, "", "", f"2026-{month:02d}", 20, 20, dt.date(2026, month, 3)])
    return rows


def _checklist(html: str) -> list[str]:
    match = re.search(r'<ul class="checklist">(.*?)</ul>', html, re.S)
    if match is None:
        assert "未发现问题" in html
        return []
    return sorted(re.sub(r"<[^>]+>", "", re.sub(r'<small class="rule">.*?</small>', "", li)).strip()
                  for li in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S))


def test_an_organisation_built_by_imports_shows_exactly_its_gaps(app: Flask,
                                                                 tmp_path: Path) -> None:
    def run(kind: str, rows: list[list[Any]], *options: str) -> None:
        _cli(app, "import", kind, str(xlsx(tmp_path / f"{kind}{len(rows)}.xlsx", rows)),
             *options)

    # The organisation's records begin in January 2026 (a roster alone would propose the
    # month it is imported in, and every later register would lie before it).
    run("members", _roster(ZB11), "--create-branches", "--records-from", "2026-01")
    run("members", _roster(ZB10))  # 调动丁 moves to ZB10 on 16 September
    run("meetings", _meetings())
    run("dues", _dues())
    with app.app_context():
        branches = dict(db.session.execute(select(Branch.code, Branch.id)).all())
        mover = db.session.scalar(select(Member).where(Member.number == "T03"))
        assert mover is not None and mover.status is MemberStatus.NORMAL
        assert [s.since for s in histories([mover.id])[mover.id]] == [FOUNDED, MOVE_DAY]
    # The history's gaps; its register has no minutes, whose rule is tested on its own.
    app.config["MINUTES_DUE_DAYS"] = None
    client = app.test_client()
    big = client.get(page_path(app, "branch", branches[ZB10])).get_data(as_text=True)
    assert _checklist(big) == sorted([
        "2026年第2季度：未召开党课",
        "欠费甲：连续4个月未交纳党费（满6个月按自行脱党处理）",
        "缺席乙：连续5个月未参加组织生活",
        "预备丙：预备期已于2026-06-01届满，尚未转正"])
    # Three members, no committee, no groups, nothing missed: nothing to report, and no
    # 支委会 row on its page.
    small = client.get(page_path(app, "branch", branches[ZB11])).get_data(as_text=True)
    assert _checklist(small) == []
    assert ">支委会<" not in small and "正式党员不足7名" in small
    # The mover's page counts the meetings of both branches she should have attended.
    with app.app_context():
        mine = member_page(mover.id, TODAY)
        assert mine is not None
        counts = {a.kind.value: (a.present, a.expected, a.not_recorded)
                  for a in mine.attendance[2026]}
    # 11 主题党日 (9 in ZB11 up to 10 September, 2 in ZB10), ZB11's 3 general meetings and
    # 3 党课 (the one on 5 September before the move), ZB10's 党课 of 25 September, and
    # the 党小组会 of 20 September and 20 October in her new group.
    assert counts == {"theme_day": (11, 11, 0), "general": (3, 3, 0), "lecture": (4, 4, 0),
                      "group": (2, 2, 0)}
    page = client.get(page_path(app, "member", mover.id)).get_data(as_text=True)
    assert "党费已交至2026年11月" in page
