"""When a member's obligations begin here (issue 18): a roster of new members imported into
a branch that already keeps its record owes nothing from before they came, with or without
``--as-of``; a 转入日期 column dates a member; a move is dated by the as-of date; points
and evaluations are checked against the membership; a year's 民主评议 is owed only by the
members who were in the branch during it."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.audit.checklist import run_audit, settings_from_config
from profiles.audit.wording import describe
from profiles.enums import Attendance, EvaluationStage, MeetingKind, Rating
from profiles.members.history import histories
from profiles.models import (
    Branch,
    DuesRecord,
    Evaluation,
    Member,
    Membership,
    MembershipStart,
)
from profiles.queries import branch_page, member_page
from sheets.importers.evaluations import import_evaluations
from sheets.importers.points import import_points
from sheets.report.refusal import SheetRefused
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

BRANCH = "机关第二党支部"
NEWCOMERS = ("吴建国", "郑丽", "孙浩")
HEADER = ["姓名", "入党日期", "转正日期", "人员类别", "所在支部"]
NEW = [HEADER,
       ["吴建国", "2000-07-01", "2001-07-01", "正式党员", BRANCH],
       ["郑丽", "2015-07-01", "2016-07-01", "正式党员", BRANCH],
       ["孙浩", "2026-03-01", "", "预备党员", BRANCH]]


@pytest.fixture
def zb02(app: Flask) -> int:
    """A demo-like ZB02: the record runs from January 2025; 老党员 pays every month, comes
    to every 主题党日 and was rated for 2025."""
    with app.app_context():
        factories.committee().records_from = dt.date(2025, 1, 1)
        branch = factories.make_branch(code="ZB02", name=BRANCH, groups=0,
                                       founded_on=dt.date(2020, 1, 1))
        old = factories.make_member(branch, name="老党员", number="DY000001")
        for year, month in [(y, m) for y in (2025, 2026) for m in range(1, 13)]:
            if (year, month) > (TODAY.year, TODAY.month):
                break
            db.session.add(DuesRecord(member_id=old.id, month=year * 100 + month,
                                      due_cents=6000, paid_cents=6000,
                                      paid_on=dt.date(year, month, 1)))
            if (year, month) < (TODAY.year, TODAY.month):
                for kind in (MeetingKind.THEME_DAY, MeetingKind.GENERAL, MeetingKind.COMMITTEE,
                             MeetingKind.LECTURE):
                    factories.make_meeting(branch, kind, dt.date(year, month, 10 + len(kind)),
                                           {old: Attendance.PRESENT})
        db.session.add(Evaluation(member_id=old.id, year=2025, stage=EvaluationStage.DECIDED,
                                  rating=Rating.QUALIFIED))
        db.session.commit()
        return branch.id


def _cli(app: Flask, *args: str, code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == code, result.output
    return result.output


def _lines(app: Flask, branch_id: int) -> list[str]:
    with app.test_request_context("/?lang=zh"):
        settings = settings_from_config(app.config)
        page = branch_page(branch_id, TODAY, settings.lookback_months)
        assert page is not None
        return [html.unescape(describe(f)) for f in run_audit(page.audit, settings, TODAY)]


def _member(app: Flask, name: str) -> Any:
    with app.app_context():
        member_id = db.session.scalar(select(Member.id).where(Member.name == name))
        assert member_id is not None
        page = member_page(member_id, TODAY)
        spans = histories([member_id])[member_id]
        return page, spans


@pytest.mark.parametrize("as_of", [None, "2026-10-01"])
def test_three_new_members_owe_nothing_from_before_they_came(
        app: Flask, zb02: int, tmp_path: Path, as_of: str | None) -> None:
    before = _lines(app, zb02)
    with app.app_context():
        eligible = branch_page(zb02, TODAY).evaluation.eligible  # type: ignore[union-attr]
    args = ["import", "members", str(xlsx(tmp_path / "new.xlsx", NEW))]
    out = _cli(app, *args, *(["--as-of", as_of] if as_of else []))
    day = as_of or TODAY.isoformat()
    said = "以导入基准日" if as_of else "以导入日期"
    assert f"{said}{day}为转入日期：吴建国、郑丽、孙浩" in out
    after = _lines(app, zb02)
    assert after == before  # not one line more: no dues, absence, meeting or evaluation line
    assert not [line for line in after for name in NEWCOMERS if name in line]
    with app.app_context():
        page = branch_page(zb02, TODAY)
        assert page is not None and page.evaluation.eligible == eligible == 1
    for name in NEWCOMERS:
        member, spans = _member(app, name)
        assert [(s.since, s.until) for s in spans] == [(dt.date.fromisoformat(day), None)]
        # Owed from the month they came: one month, or two with the as-of date.
        assert member.dues.unpaid == ([202610, 202611] if as_of else [202611])
        expected = sum(k.expected for k in member.attendance[TODAY.year])
        # October's meetings only (not its 支委会: they are not on the committee).
        assert expected == (3 if as_of else 0)
        assert member.attendance[TODAY.year - 1] == []
    # Importing the same file again changes nothing.
    again = _cli(app, *args, *(["--as-of", as_of] if as_of else []))
    assert "没有变化" in again or "新增 0 条，修改 0 条" in again


def test_a_branchs_first_roster_is_dated_from_its_record_start(app: Flask,
                                                                tmp_path: Path) -> None:
    rows = [HEADER + ["支部编号", "上级党组织", "支部成立日期"],
            ["甲", "2010-07-01", "2011-07-01", "正式党员", "新支部", "ZB09", "机关党委",
             "2024-01-01"],
            ["乙", "2025-03-01", "", "预备党员", "新支部", "ZB09", "机关党委", "2024-01-01"]]
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "first.xlsx", rows)),
               "--create-branches")
    assert "为转入日期" not in out
    with app.app_context():
        ranges = {name: (since, reason) for name, since, reason in db.session.execute(
            select(Member.name, Membership.since, Membership.start_reason)
            .join(Membership, Membership.member_id == Member.id))}
    assert ranges == {"甲": (dt.date(2024, 1, 1), MembershipStart.RECORDED),
                      "乙": (dt.date(2025, 3, 1), MembershipStart.JOINED)}


def test_a_transfer_in_column_dates_the_member(app: Flask, zb02: int, tmp_path: Path) -> None:
    rows = [HEADER + ["转入日期"],
            ["吴建国", "2000-07-01", "2001-07-01", "正式党员", BRANCH, "2026-09-01"],
            ["郑丽", "2015-07-01", "2016-07-01", "正式党员", BRANCH, "2010-01-01"],  # < 入党
            ["孙浩", "2025-06-01", "", "预备党员", BRANCH, ""]]
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "in.xlsx", rows)),
               "--as-of", "2026-10-15")
    assert "以导入基准日2026-10-15为转入日期：孙浩。" in out
    with app.app_context():
        ranges = {name: (since, reason) for name, since, reason in db.session.execute(
            select(Member.name, Membership.since, Membership.start_reason)
            .join(Membership, Membership.member_id == Member.id)
            .where(Member.name.in_(NEWCOMERS)))}
    assert ranges == {"吴建国": (dt.date(2026, 9, 1), MembershipStart.TRANSFERRED_IN),
                      "郑丽": (dt.date(2015, 7, 1), MembershipStart.JOINED),
                      "孙浩": (dt.date(2026, 10, 15), MembershipStart.TRANSFERRED_IN)}
    member, _ = _member(app, "吴建国")
    assert member.dues.unpaid == [202609, 202610, 202611]


def test_a_transfer_in_date_in_the_future_is_refused(app: Flask, zb02: int,
                                                     tmp_path: Path) -> None:
    rows = [HEADER + ["转入日期"],
            ["吴建国", "2000-07-01", "2001-07-01", "正式党员", BRANCH, "2026-12-01"]]
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "f.xlsx", rows)), code=1)
    assert "转入日期 2026-12-01 是将来的日期" in out


@pytest.mark.parametrize(("as_of", "message"), [
    ("2026-11-22", "花名册的导入基准日（--as-of）2026-11-22 是将来的日期"),
    ("1949-09-30", "早于 1949-10-01"),
])
def test_the_as_of_date_has_a_range(app: Flask, zb02: int, tmp_path: Path, as_of: str,
                                    message: str) -> None:
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "n.xlsx", NEW)), "--as-of", as_of,
               code=1)
    assert message in out
    with app.app_context():
        assert db.session.scalar(select(Member.id).where(Member.name == "吴建国")) is None


def test_the_as_of_date_is_never_before_admission(app: Flask, zb02: int,
                                                  tmp_path: Path) -> None:
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "n.xlsx", NEW)),
               "--as-of", "2025-01-01")
    assert "以导入基准日2025-01-01为转入日期：吴建国、郑丽。" in out
    _, spans = _member(app, "孙浩")
    assert spans[0].since == dt.date(2026, 3, 1)  # joined after the as-of date


def test_a_move_is_dated_by_the_as_of_date(app: Flask, zb02: int, tmp_path: Path) -> None:
    with app.app_context():
        factories.make_branch(code="ZB03", name="机关第三党支部", groups=0)
        db.session.commit()
    rows = [["党员编号", "姓名", "入党日期", "人员类别", "所在支部"],
            ["DY000001", "老党员", "2010-07-01", "正式党员", "机关第三党支部"]]
    out = _cli(app, "import", "members", str(xlsx(tmp_path / "m.xlsx", rows)),
               "--as-of", "2026-10-15")
    assert "2026-10-15（导入基准日）" in out
    assert "以导入基准日2026-10-15为转入日期：老党员。" in out
    _, spans = _member(app, "老党员")
    assert [(s.since, s.until) for s in spans][-2:] == [
        (dt.date(2020, 1, 1), dt.date(2026, 10, 15)), (dt.date(2026, 10, 15), None)]


# -- points and evaluations against the membership -----------------------------------------

POINTS = ["姓名", "所在支部", "日期", "分值", "事由"]
EVALUATIONS = ["姓名", "所在支部", "年度", "评议阶段", "评定等次"]


def _refusals(app: Flask, error: pytest.ExceptionInfo[SheetRefused]) -> list[str]:
    with app.test_request_context("/?lang=zh"):
        return [str(p.message) for p in error.value.problems]


def _newcomers(app: Flask, tmp_path: Path) -> None:
    _cli(app, "import", "members", str(xlsx(tmp_path / "n.xlsx", NEW)), "--as-of", "2026-10-01")


def test_points_before_the_member_came_are_refused(app: Flask, zb02: int,
                                                   tmp_path: Path) -> None:
    _newcomers(app, tmp_path)
    bad = [POINTS, ["吴建国", BRANCH, "2026-09-30", 2, "志愿服务"]]
    with app.app_context(), pytest.raises(SheetRefused) as refused:
        import_points(xlsx(tmp_path / "p.xlsx", bad))
    assert _refusals(app, refused) == [
        "吴建国在2026-09-30尚不是本组织党员（其在本组织的记录自2026-10-01起）。请核对日期；"
        "如其实际更早转入，请先在党员编辑页更正“到本组织日期”。"]
    good = [POINTS, ["吴建国", BRANCH, "2026-10-01", 2, "志愿服务"]]
    with app.app_context():
        assert import_points(xlsx(tmp_path / "g.xlsx", good)).inserted == 1


def test_points_after_the_member_left_are_refused(app: Flask, zb02: int,
                                                  tmp_path: Path) -> None:
    rows = [["党员编号", "姓名", "入党日期", "人员类别", "所在支部", "党员状态", "转出日期"],
            ["DY000001", "老党员", "2010-07-01", "正式党员", BRANCH, "已转出", "2026-10-01"]]
    _cli(app, "import", "members", str(xlsx(tmp_path / "out.xlsx", rows)))
    bad = [POINTS, ["老党员", "", "2026-10-02", 2, "志愿服务"]]
    with app.app_context(), pytest.raises(SheetRefused) as refused:
        import_points(xlsx(tmp_path / "p.xlsx", bad))
    assert _refusals(app, refused) == [
        "老党员在2026-10-02已不是本组织党员（已于2026-10-01转出）。请核对日期。"]


def test_an_evaluation_for_a_year_before_the_member_came_is_refused(
        app: Flask, zb02: int, tmp_path: Path) -> None:
    _newcomers(app, tmp_path)
    bad = [EVALUATIONS, ["郑丽", BRANCH, 2025, "支部评定", "合格"],
           ["孙浩", "", 2025, "支部评定", ""]]
    with app.app_context(), pytest.raises(SheetRefused) as refused:
        import_evaluations(xlsx(tmp_path / "e.xlsx", bad))
    assert _refusals(app, refused) == [
        f"郑丽在2025年不在{BRANCH}，该年度无需在此评议。请核对“年度”（其在本组织的记录自"
        "2026-10-01起），或在党员编辑页更正“到本组织日期”。",
        "孙浩在2025年不是本组织党员，该年度无需评议。请核对“年度”（其在本组织的记录自"
        "2026-10-01起），或在党员编辑页更正“到本组织日期”。"]  # and joined in 2026
    good = [EVALUATIONS, ["郑丽", BRANCH, 2026, "个人自评", ""]]
    with app.app_context():
        assert import_evaluations(xlsx(tmp_path / "g.xlsx", good)).inserted == 1


@pytest.mark.parametrize(("came", "owes_2025"), [
    ("2025-12-31", True), ("2026-01-01", False)])
def test_a_years_evaluation_is_owed_by_members_in_the_branch_that_year(
        app: Flask, zb02: int, tmp_path: Path, came: str, owes_2025: bool) -> None:
    rows = [HEADER + ["转入日期"], ["吴建国", "2000-07-01", "2001-07-01", "正式党员", BRANCH, came]]
    _cli(app, "import", "members", str(xlsx(tmp_path / "n.xlsx", rows)))
    with app.app_context():
        page = branch_page(zb02, TODAY)
        assert page is not None
        assert page.evaluation.eligible == (2 if owes_2025 else 1)
        assert page.audit.evaluation.eligible - page.audit.evaluation.decided == int(owes_2025)
        branch = db.session.get(Branch, zb02)
        assert branch is not None
    lines = [line for line in _lines(app, zb02) if "名党员未" in line]
    assert bool(lines) is owes_2025
