"""An import shows its consequences before it writes (issue 18): the checklist lines a
checked import would add and close per branch are exactly what the real import then does
to the console's checklist, and the preview names nothing of branches the reader may not
see."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask_babel import force_locale

from console.checklist import branch_checklist
from core.db import db
from profiles.audit.checklist import CRITICAL, WARNING, Finding
from profiles.enums import MeetingKind
from profiles.models import Branch, Member
from profiles.months import Period
from sheets.importers.consequences import diff_findings, foreseeing, report_lines
from sheets.importers.dues import import_dues
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from tests.helpers import factories
from tests.helpers.console import AuthActions, World
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

RECORDS_FROM = dt.date(2025, 1, 1)
ROSTER = ["姓名", "性别", "出生日期", "入党日期", "转正日期", "人员类别", "所在支部", "党员编号"]
MEETINGS = ["支部编号", "会议类型", "会议日期", "党小组", "会议主题", "党员编号", "姓名",
            "出勤情况"]
DUES = ["党员编号", "姓名", "月份", "应缴金额", "实缴金额", "缴纳日期"]
NEWCOMERS = ("吴建国", "郑秀兰", "钱志强")


# --- the pure diff ------------------------------------------------------------------------

def _dues(name: str, months: int) -> Finding:
    return Finding("dues_unpaid", CRITICAL if months >= 6 else WARNING,
                   {"name": name, "months": months, "consecutive": months, "limit": 6})


def test_the_diff_is_what_after_adds_and_what_it_no_longer_says() -> None:
    quarter = Finding("meeting_missed", WARNING, {"kind": MeetingKind.LECTURE,
                                                  "period": Period(2026, 2, "quarter")})
    before = [_dues("张三", 3), quarter, _dues("李四", 4)]
    after = [_dues("张三", 5), _dues("李四", 4), _dues("王五", 24)]
    added, closed = diff_findings(before, after)
    assert added == [_dues("张三", 5), _dues("王五", 24)]
    assert closed == [_dues("张三", 3), quarter]
    assert diff_findings(before, before) == ([], [])
    assert diff_findings([], []) == ([], [])
    # a line twice (two groups of the same name): counted as a multiset
    assert diff_findings([quarter], [quarter, quarter]) == ([quarter], [])


# --- the preview against the real import -----------------------------------------------------

@pytest.fixture
def zb02(ctx: None) -> Branch:
    factories.committee().records_from = RECORDS_FROM
    other = factories.make_branch(code="ZB01", name="机关第一党支部")
    factories.make_member(other, number="DY000101", name="赵其他")  # owes since 2025-01
    branch = factories.make_branch(code="ZB02", name="机关第二党支部")
    factories.make_member(branch, number="DY000201", name="孙老党员")
    db.session.commit()
    return branch


def _checklist(code: str) -> list[str]:
    branch_id = db.session.query(Branch.id).filter(Branch.code == code).scalar()
    with current_app.test_request_context():  # its lines link to console screens
        found = branch_checklist(branch_id)
    assert found is not None
    return [line.text for line in found.lines]


def _preview_then_import(importer: Callable[..., Any], path: Path,
                         codes: tuple[str, ...] = ("ZB01", "ZB02"),
                         **options: Any) -> dict[str, tuple[list[str], list[str]]]:
    """Check with consequences, then import: assert the preview said what the import did,
    branch by branch, against the console checklist; the preview's lines."""
    with force_locale("zh"):
        before = {code: _checklist(code) for code in codes}
        with foreseeing() as sight:
            importer(path, dry_run=True, actor="t", today=TODAY, **options)
        assert sight.ran
        db.session.rollback()
        assert {code: _checklist(code) for code in codes} == before  # nothing was written
        importer(path, actor="t", today=TODAY, **options)
        after = {code: _checklist(code) for code in codes}
    preview = {b.code: ([line.text for line in b.added], [line.text for line in b.closed])
               for b in sight.branches}
    for code in codes:
        added = Counter(after[code]) - Counter(before[code])
        closed = Counter(before[code]) - Counter(after[code])
        shown_added, shown_closed = preview.get(code, ([], []))
        assert Counter(shown_added) == added, code
        assert Counter(shown_closed) == closed, code
    return preview


def _roster(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "roster.xlsx", [ROSTER] + [
        [name, "男", "1975-03-01", "2000-07-01", "2001-07-01", "正式党员", "机关第二党支部", ""]
        for name in NEWCOMERS])


def test_three_new_members_add_no_line_and_the_preview_says_so(
        zb02: Branch, tmp_path: Path) -> None:
    """The issue's import: three newcomers to a branch that keeps its record are dated by
    the import day (nothing gave a date), so nothing is counted against them; the check
    says the import adds and closes nothing, and the import then does just that."""
    preview = _preview_then_import(import_members, _roster(tmp_path))
    assert preview == {}


def test_an_as_of_date_too_early_shows_its_accusations_before_anything_is_written(
        zb02: Branch, tmp_path: Path) -> None:
    """Dated (wrongly) from where the record begins, each newcomer would be accused at
    once, and counted as not evaluated for 2025: the preview says so first."""
    preview = _preview_then_import(import_members, _roster(tmp_path), as_of=RECORDS_FROM)
    assert set(preview) == {"ZB02"}  # ZB01 is untouched, its lines are not repeated
    added, closed = preview["ZB02"]
    for name in NEWCOMERS:
        assert any(line.startswith(f"{name}：") and "党费" in line for line in added), added
    assert "2025年民主评议党员：4名党员未评定" in added and len(added) == 4
    assert closed == ["2025年民主评议党员：1名党员未评定"]


def test_a_dues_ledger_closes_the_lines_of_the_months_it_pays(
        zb02: Branch, tmp_path: Path) -> None:
    months = []
    day = RECORDS_FROM
    while day <= TODAY:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    rows = [DUES, *[["DY000201", "孙老党员", m.strftime("%Y-%m"), "", "90",
                     (m + dt.timedelta(days=4)).isoformat()] for m in months if m < TODAY]]
    preview = _preview_then_import(import_dues, xlsx(tmp_path / "dues.xlsx", rows))
    added, closed = preview["ZB02"]
    assert added == [] and len(closed) == 1 and closed[0].startswith("孙老党员：")
    assert "ZB01" not in preview


def test_a_meetings_register_closes_the_quarters_it_held(zb02: Branch, tmp_path: Path) -> None:
    header = [*MEETINGS, "会议内容"]  # 会议内容 beside 会议主题: the minutes
    rows = [header, ["ZB02", "党课", "2026-08-12", "", "党课", "DY000201", "", "出席", "纪要"],
            ["ZB02", "支部党员大会", "2026-08-20", "", "大会", "DY000201", "", "缺席", "纪要"]]
    preview = _preview_then_import(import_meetings, xlsx(tmp_path / "meetings.xlsx", rows))
    added, closed = preview["ZB02"]
    assert any("第3季度" in line and "党课" in line for line in closed), closed
    assert any("第3季度" in line and "支部党员大会" in line for line in closed), closed
    # absent since 2026-08-20, 3 months and more on TODAY: said before it is written
    assert len(added) == 1 and added[0].startswith("孙老党员：") and "组织生活" in added[0]


def test_a_recruitment_register_previews_its_lines(zb02: Branch, tmp_path: Path) -> None:
    from sheets.importers.recruitment import import_recruitment

    header = ["姓名", "性别", "出生年月", "所在支部", "发展阶段", "提交书面申请书时间", "谈话时间"]
    rows = [header, ["冯申请", "男", "2001-03", "机关第二党支部", "入党申请人", "2026-09-01", ""],
            ["卫谈过", "女", "2000-05", "机关第二党支部", "入党申请人", "2026-09-01",
             "2026-09-10"]]
    preview = _preview_then_import(import_recruitment, xlsx(tmp_path / "r.xlsx", rows))
    added, closed = preview["ZB02"]
    assert len(added) == 1 and added[0].startswith("冯申请：") and closed == []
    assert "ZB01" not in preview


def test_a_harmless_file_adds_nothing_and_says_so(zb02: Branch, tmp_path: Path) -> None:
    path = _roster(tmp_path)
    import_members(path, actor="t", today=TODAY)
    # the same roster again, and a phone number: nothing on any checklist changes
    preview = _preview_then_import(import_members, path)
    assert preview == {}
    with force_locale("zh"):
        assert report_lines([]) == [
            "本次导入不会给任何支部的自查清单新增问题，也不会消除任何问题。"]


def test_the_preview_keeps_only_the_readers_branches(zb02: Branch, tmp_path: Path) -> None:
    rows = [MEETINGS, ["ZB01", "党课", "2026-08-12", "", "党课", "DY000101", "", "出席"],
            ["ZB02", "党课", "2026-08-12", "", "党课", "DY000201", "", "出席"]]
    path = xlsx(tmp_path / "both.xlsx", rows)
    with force_locale("zh"), foreseeing(frozenset({"ZB02"})) as sight:
        import_meetings(path, dry_run=True, actor="t")
    assert [b.code for b in sight.branches] == ["ZB02"]
    with foreseeing() as everything:
        import_meetings(path, dry_run=True, actor="t")
    assert [b.code for b in everything.branches] == ["ZB01", "ZB02"]
    # without being asked, a dry run computes nothing
    with foreseeing(enabled=False) as unasked:
        import_meetings(path, dry_run=True, actor="t")
    assert not unasked.ran and unasked.branches == []


def test_a_refused_file_previews_nothing(zb02: Branch, tmp_path: Path) -> None:
    from sheets.report.refusal import SheetRefused

    rows = [MEETINGS, ["ZB02", "党课", "2026-13-12", "", "党课", "DY000201", "", "出席"]]
    with foreseeing() as sight, pytest.raises(SheetRefused):
        import_meetings(xlsx(tmp_path / "bad.xlsx", rows), dry_run=True, actor="t")
    assert not sight.ran


def test_the_command_lines_dry_run_reports_the_consequences(
        app: Flask, zb02: Branch, tmp_path: Path) -> None:
    path = _roster(tmp_path)
    harmless = app.test_cli_runner().invoke(args=["import", "members", str(path),
                                                  "--dry-run", "--lang", "zh"])
    assert harmless.exit_code == 0, harmless.output
    assert "本次导入不会给任何支部的自查清单新增问题，也不会消除任何问题。" in harmless.output
    out = app.test_cli_runner().invoke(args=["import", "members", str(path), "--dry-run",
                                             "--as-of", RECORDS_FROM.isoformat(),
                                             "--lang", "zh"])
    assert out.exit_code == 0, out.output
    assert "ZB02 机关第二党支部：将新增 4 项自查问题：" in out.output
    assert "ZB02 机关第二党支部：将消除 1 项自查问题：" in out.output
    assert re.search(r"【严重】 吴建国：", out.output), out.output
    assert db.session.query(Member).filter(Member.name == "吴建国").count() == 0
    real = app.test_cli_runner().invoke(args=["import", "members", str(path), "--lang", "zh",
                                              "--as-of", RECORDS_FROM.isoformat()])
    assert real.exit_code == 0 and "将新增" not in real.output  # said on the check only


# --- the console's preview -------------------------------------------------------------

def _upload(auth: AuthActions, data: bytes, name: str, as_of: str = "") -> Any:
    return auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), name), "as_of": as_of},
        content_type="multipart/form-data")


def test_the_console_preview_lists_the_lines_marks_the_serious_and_hides_other_branches(
        app: Flask, world: World, auth: AuthActions, tmp_path: Path) -> None:
    with app.app_context():
        factories.committee().records_from = RECORDS_FROM
        db.session.commit()
    path = xlsx(tmp_path / "新党员.xlsx", [ROSTER] + [
        [name, "男", "1975-03-01", "2000-07-01", "2001-07-01", "正式党员", world.a.name, ""]
        for name in NEWCOMERS])
    auth.login("sec_a")
    # dated by the import day (nothing gave a date): nothing counted against them
    harmless = _upload(auth, path.read_bytes(), path.name)
    assert harmless.status_code == 302
    page = auth.client.get(harmless.headers["Location"]).get_data(as_text=True)
    assert "本次导入不会给任何支部的自查清单新增问题，也不会消除任何问题。" in page
    # dated (wrongly) from where the record begins: the accusations are shown first
    response = _upload(auth, path.read_bytes(), path.name, as_of=RECORDS_FROM.isoformat())
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本次导入对自查清单的影响" in page
    assert re.search(rf"{world.a.code} {world.a.name}：将新增 \d+ 项自查问题：", page), page
    assert page.count('<span class="sev critical">严重</span>') == 3
    for name in NEWCOMERS:
        assert re.search(rf'<li class="critical"><span class="sev critical">严重</span> '
                         rf'{name}：', page), name
    # branch B's members owe as much, and the reader may not see them
    assert world.b.name not in page and world.b.code not in page
    assert not any(name in page for name in world.b.member_names)
    with app.app_context():
        assert db.session.query(Member).filter(Member.name == "吴建国").count() == 0
    # confirmed: imported, and the report no longer previews
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    done = auth.post(f"/console/jobs/{job_id}/confirm")
    assert done.status_code == 302
    report = auth.client.get(done.headers["Location"]).get_data(as_text=True)
    assert "本次导入对自查清单的影响" not in report
    with app.app_context():
        assert db.session.query(Member).filter(Member.name == "吴建国").count() == 1
