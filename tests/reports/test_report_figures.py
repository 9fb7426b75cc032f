"""Every figure of the monthly and yearly reports, against counts made here from the rows
(raw SQL and plain Python), not by the report's own code. The organisation is built
through the importers (roster, meetings with attendance, dues, evaluations) and the member
operations (a move between branches, a transfer out)."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select, text

from core.changelog import Actor
from core.db import db
from profiles.audit.checklist import settings_from_config
from profiles.members.operations import transfer_member, transfer_out
from profiles.models import Branch, GeneralBranch, Member
from profiles.months import Period
from profiles.reports.figures import Money, Rate, Report, Table, build_report
from profiles.reports.reads import everything, within
from reports.xlsx import report_xlsx
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from tests.helpers import factories
from tests.helpers.dates import TODAY  # 2026-11-21
from tests.helpers.sheets import xlsx

ROSTER = ["党员编号", "姓名", "性别", "入党日期", "转正日期", "人员类别", "所在支部", "党小组"]
MEETINGS = ["支部编号", "会议类型", "会议日期", "党小组", "会议主题", "党员编号", "姓名",
            "出勤情况"]
DUES = ["支部编号", "党员编号", "姓名", "月份", "应缴金额（元）", "实缴金额（元）", "缴纳日期"]
EVALUATIONS = ["支部编号", "党员编号", "姓名", "年度", "评议阶段", "评定等次"]


def _build(app: Flask, tmp: Path) -> None:
    with app.app_context():
        committee = factories.committee()
        committee.records_from = dt.date(2026, 9, 1)
        general = GeneralBranch(committee_id=committee.id, name="第一党总支")
        db.session.add(general)
        db.session.flush()
        factories.make_branch(code="ZB01", name="机关第一党支部", general_branch_id=general.id)
        factories.make_branch(code="ZB02", name="机关第二党支部")
        db.session.commit()
        one, two = "机关第一党支部", "机关第二党支部"
        roster = [ROSTER,
                  ["A1", "张三", "男", "2019-07-01", "2020-07-01", "正式党员", one, "第1小组"],
                  ["A2", "李四", "女", "2025-09-01", None, "预备党员", one, "第1小组"],
                  ["A3", "王五", "男", "2010-07-01", "2011-07-01", "正式党员", one, "第2小组"],
                  ["B1", "赵六", "男", "2012-07-01", "2013-07-01", "正式党员", two, ""],
                  ["B2", "钱七", "女", "2025-12-10", None, "预备党员", two, ""],
                  ["B3", "孙八", "男", "2015-07-01", "2016-07-01", "正式党员", two, ""],
                  ["B4", "周九", "女", "2026-03-15", None, "预备党员", two, ""],
                  ["B5", "吴十", "男", "2014-07-01", "2015-07-01", "正式党员", two, ""]]
        import_members(xlsx(tmp / "roster.xlsx", roster), actor="t", today=TODAY)
        meetings = [MEETINGS,
                    ["ZB01", "支部党员大会", "2026-03-10", "", "学习", "A1", "张三", "出席"],
                    ["ZB01", "支部党员大会", "2026-03-10", "", "学习", "A2", "李四", "请假"],
                    ["ZB01", "支部党员大会", "2026-03-10", "", "学习", "A3", "王五", "缺席"],
                    ["ZB01", "党小组会", "2026-10-12", "第1小组", "谈心", "A1", "张三", "出席"],
                    ["ZB01", "党小组会", "2026-10-12", "第1小组", "谈心", "A2", "李四", "缺席"],
                    ["ZB01", "主题党日", "2026-10-20", "", "志愿", "A1", "张三", "出席"],
                    ["ZB01", "主题党日", "2026-10-20", "", "志愿", "A2", "李四", "出席"],
                    ["ZB01", "主题党日", "2026-10-20", "", "志愿", "A3", "王五", "请假"],
                    ["ZB02", "党课", "2026-10-05", "", "党课", "B1", "赵六", "出席"],
                    ["ZB02", "党课", "2026-10-05", "", "党课", "B2", "钱七", "缺席"],
                    ["ZB02", "党课", "2026-10-05", "", "党课", "B3", "孙八", "出席"],
                    ["ZB02", "党课", "2026-10-05", "", "党课", "B4", "周九", "线上参加"],
                    ["ZB02", "主题党日", "2026-09-18", "", "参观", "B1", "赵六", "出席"]]
        import_meetings(xlsx(tmp / "meetings.xlsx", meetings), actor="t")
        dues = [DUES,
                ["ZB01", "A1", "张三", "2026-09", "10.00", "10.00", "2026-09-10"],
                ["ZB01", "A1", "张三", "2026-10", "10.00", "10.00", "2026-10-15"],
                ["ZB01", "A2", "李四", "2026-10", "0.20", "0", None],
                ["ZB01", "A3", "王五", "2026-10", "5.00", "5.00", "2026-10-30"],
                ["ZB02", "B1", "赵六", "2026-09", "8.00", "8.00", "2026-09-05"],
                ["ZB02", "B1", "赵六", "2026-10", "8.00", "4.00", "2026-10-05"],
                ["ZB02", "B5", "吴十", "2026-10", "6.50", "6.50", "2026-10-08"],
                ["ZB02", "B3", "孙八", "2026-10", "3.00", "3.00", "2026-10-02"]]
        import_dues(xlsx(tmp / "dues.xlsx", dues), actor="t")
        evaluations = [EVALUATIONS,
                       ["ZB01", "A1", "张三", 2026, "支部评定", "优秀"],
                       ["ZB01", "A3", "王五", 2026, "党员互评", None],
                       ["ZB02", "B1", "赵六", 2026, "个人自评", None],
                       ["ZB02", "B5", "吴十", 2026, "支部评定", "合格"]]
        import_evaluations(xlsx(tmp / "evaluations.xlsx", evaluations), actor="t")
        actor = Actor("t", "test")
        sun = db.session.scalar(select(Member).where(Member.number == "B3"))
        zb01 = db.session.scalar(select(Branch).where(Branch.code == "ZB01"))
        assert sun is not None and zb01 is not None
        transfer_member(actor, sun, branch=zb01, group=None, on=dt.date(2026, 10, 8))
        wu = db.session.scalar(select(Member).where(Member.number == "B5"))
        assert wu is not None
        transfer_out(actor, wu, on=dt.date(2026, 11, 3))
        db.session.commit()


def _report(app: Flask, period: Period, general_branch_id: int | None = None) -> Report:
    settings = settings_from_config(app.config)
    return build_report(within(everything, general_branch_id), period, TODAY, settings,
                        "测试机关党委", "测试机关党委")


def _rows(table: Table, *key_columns: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    index = [table.columns.index(c) for c in key_columns]
    return {tuple(r[i] for i in index): dict(zip(table.columns, r, strict=True))
            for r in table.rows}


def _sql(query: str, **params: Any) -> list[Any]:
    return list(db.session.execute(text(query), params).all())


def _month_end(month: int) -> dt.date:
    nxt = dt.date(month // 100 + (month % 100 == 12), month % 100 % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _expected_arrears(month: int) -> dict[str, tuple[int, int]]:
    """branch code → (members owing at the end of ``month``, months owed), counted here:
    the current members (not 已转出), each owing every month from the later of their
    admission and September 2026 up to ``month`` whose row is missing or not paid in full."""
    members = _sql("SELECT m.id, b.code, m.joined_on FROM member m JOIN branch b "
                   "ON b.id = m.branch_id WHERE m.status <> 'transferred_out'")
    settled = {(r[0], r[1]) for r in _sql(
        "SELECT member_id, month FROM dues WHERE paid_cents >= due_cents")}
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for member_id, code, joined in members:
        joined = joined if isinstance(joined, dt.date) else dt.date.fromisoformat(str(joined))
        start = max(joined.year * 100 + joined.month, 202609)
        owed = 0
        m = start
        while m <= month:
            if (member_id, m) not in settled:
                owed += 1
            m = m + 1 if m % 100 < 12 else (m // 100 + 1) * 100 + 1
        if owed:
            out[code][0] += 1
            out[code][1] += owed
    return {k: (v[0], v[1]) for k, v in out.items()}


def _check_common(report: Report, first: dt.date, last: dt.date) -> None:
    tables = {t.key: t for t in report.tables}
    # Meetings held per kind and branch: raw SQL.
    held = {(code, kind): n for code, kind, n in _sql(
        "SELECT b.code, m.kind, count(*) FROM meeting m JOIN branch b ON b.id = m.branch_id "
        "WHERE m.held_on BETWEEN :a AND :b GROUP BY b.code, m.kind", a=first, b=last)}
    labels = {"支部党员大会": "general", "支委会": "committee", "党小组会": "group",
              "党课": "lecture", "主题党日": "theme_day", "组织生活会": "life",
              "民主评议党员": "evaluation"}
    lines = _rows(tables["meetings"], "支部编号", "会议类型")
    for (code, kind_label), row in lines.items():
        assert row["召开次数"] == held.get((code, labels[kind_label]), 0), (code, kind_label)
        assert row["应开期数"] or row["召开次数"]  # no line of zeros
    by_kind = {v: k for k, v in labels.items()}
    assert all((code, by_kind[kind]) in lines for code, kind in held)  # every kind held
    # Attendance of the current members: raw SQL.
    attendance = {code: (n, p, e, a) for code, n, p, e, a in _sql(
        "SELECT b.code, count(*), sum(CASE WHEN a.status IN ('present', 'online') THEN 1 "
        "ELSE 0 END), "
        "sum(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) FROM attendance a "
        "JOIN meeting m ON m.id = a.meeting_id JOIN member p ON p.id = a.member_id "
        "JOIN branch b ON b.id = m.branch_id WHERE p.status <> 'transferred_out' "
        "AND m.held_on BETWEEN :a AND :b GROUP BY b.code", a=first, b=last)}
    meetings = {code: n for code, n in _sql(
        "SELECT b.code, count(DISTINCT m.id) FROM meeting m JOIN branch b ON b.id = m.branch_id "
        "JOIN attendance a ON a.meeting_id = m.id JOIN member p ON p.id = a.member_id "
        "WHERE p.status <> 'transferred_out' AND m.held_on BETWEEN :a AND :b GROUP BY b.code",
        a=first, b=last)}
    for (code,), row in _rows(tables["attendance"], "支部编号").items():
        n, p, e, a = attendance.get(code, (0, 0, 0, 0))
        assert (row["会议次数"], row["应到人次"], row["出席人次"], row["请假人次"],
                row["缺席人次"]) == (meetings.get(code, 0), n, p, e, a), code
        assert row["出席率"] == Rate(p, n)
    # Dues per branch and month: raw SQL sums; arrears counted in Python above.
    sums = {(code, month): (due, paid, settled) for code, month, due, paid, settled in _sql(
        "SELECT b.code, d.month, sum(d.due_cents), sum(d.paid_cents), "
        "sum(CASE WHEN d.paid_cents >= d.due_cents THEN 1 ELSE 0 END) FROM dues d "
        "JOIN member p ON p.id = d.member_id JOIN branch b ON b.id = p.branch_id "
        "WHERE p.status <> 'transferred_out' GROUP BY b.code, d.month")}
    seen_months = set()
    for (code, month_text), row in _rows(tables["dues"], "支部编号", "月份").items():
        month = int(month_text.replace("-", ""))
        seen_months.add(month)
        due, paid, settled = sums.get((code, month), (0, 0, 0))
        assert (row["已登记应缴金额（元）"], row["实缴金额（元）"], row["已缴清人数"]) == (
            Money(due), Money(paid), settled), (code, month)
        assert (row["月末欠缴人数"], row["月末欠缴月数"]) == _expected_arrears(month).get(
            code, (0, 0)), (code, month)
    assert seen_months  # the table has months to check
    # Evaluation of the report's year, over current members joined by its end: SQL.
    year = report.period.year
    stages = defaultdict(int)
    for code, stage, rating, n in _sql(
            "SELECT b.code, e.stage, e.rating, count(*) FROM member p JOIN branch b "
            "ON b.id = p.branch_id LEFT JOIN evaluation e ON e.member_id = p.id AND "
            "e.year = :y WHERE p.status <> 'transferred_out' AND p.joined_on <= :end "
            "GROUP BY b.code, e.stage, e.rating", y=year, end=dt.date(year, 12, 31)):
        stages[(code, stage)] += n
        stages[(code, "eligible")] += n
        if rating:
            stages[(code, rating)] += n
    columns = {"未开始": None, "个人自评": "self", "党员互评": "peer", "民主测评": "assessment",
               "支部评定": "decided", "优秀": "excellent", "合格": "qualified",
               "基本合格": "basically_qualified", "不合格": "unqualified"}
    for (code,), row in _rows(tables["evaluation"], "支部编号").items():
        assert row["应参评人数"] == stages[(code, "eligible")]
        for column, value in columns.items():
            assert row[column] == stages[(code, value)], (code, column)
    # Conversions: current probationers whose probation (a year) ends by the period's end.
    due = sorted((code, name) for code, name, joined in _sql(
        "SELECT b.code, p.name, p.joined_on FROM member p JOIN branch b ON b.id = p.branch_id "
        "WHERE p.category = 'probationary' AND p.status <> 'transferred_out'")
        if dt.date.fromisoformat(str(joined)[:10]).replace(
            year=dt.date.fromisoformat(str(joined)[:10]).year + 1) <= report.period.last_day)
    assert sorted((r["支部编号"], r["姓名"]) for r in _rows(
        tables["conversions"], "支部编号", "姓名").values()) == due
    # Membership changes: the ranges begun and ended in the period (SQL).
    starts = {(c, r): n for c, r, n in _sql(
        "SELECT b.code, s.start_reason, count(*) FROM membership s JOIN branch b "
        "ON b.id = s.branch_id WHERE s.since BETWEEN :a AND :b GROUP BY b.code, s.start_reason",
        a=first, b=last)}
    ends = {(c, r): n for c, r, n in _sql(
        "SELECT b.code, s.end_reason, count(*) FROM membership s JOIN branch b "
        "ON b.id = s.branch_id WHERE s.until BETWEEN :a AND :b GROUP BY b.code, s.end_reason",
        a=first, b=last)}
    converted = {c: n for c, n in _sql(
        "SELECT b.code, count(*) FROM member p JOIN branch b ON b.id = p.branch_id "
        "WHERE p.converted_on BETWEEN :a AND :b GROUP BY b.code", a=first, b=last)}
    for (code,), row in _rows(tables["changes"], "支部编号").items():
        assert (row["发展党员（入党）"], row["转正"], row["组织关系转入"], row["内部调入"],
                row["内部调出"], row["组织关系转出"]) == (
            starts.get((code, "joined"), 0), converted.get(code, 0),
            starts.get((code, "transferred_in"), 0), starts.get((code, "moved"), 0),
            ends.get((code, "moved"), 0), ends.get((code, "transferred_out"), 0)), code
        assert row["现有党员"] == _sql(
            "SELECT count(*) FROM member p JOIN branch b ON b.id = p.branch_id "
            "WHERE b.code = :c AND p.status <> 'transferred_out'", c=code)[0][0]


@pytest.fixture
def built(app: Flask, tmp_path: Path) -> Flask:
    _build(app, tmp_path)
    return app


def test_the_monthly_report_matches_counts_made_from_the_rows(built: Flask) -> None:
    app = built
    with app.app_context():
        report = _report(app, Period(2026, 10, "month"))
        _check_common(report, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        tables = {t.key: t for t in report.tables}
        meetings = _rows(tables["meetings"], "支部编号", "会议类型")
        # By hand: October's monthly periods. ZB01 has 4 members (no 支委会 is due): its
        # two groups owe a 党小组会 each, 第1小组 held one; its 主题党日 was held.
        assert (meetings[("ZB01", "党小组会")]["应开期数"],
                meetings[("ZB01", "党小组会")]["已开期数"]) == (2, 1)
        assert (meetings[("ZB01", "主题党日")]["应开期数"],
                meetings[("ZB01", "主题党日")]["已开期数"]) == (1, 1)
        assert (meetings[("ZB02", "主题党日")]["应开期数"],
                meetings[("ZB02", "主题党日")]["已开期数"]) == (1, 0)
        # Quarterly kinds owe nothing in a month that ends no quarter.
        assert meetings[("ZB02", "党课")]["应开期数"] == 0
        assert meetings[("ZB02", "党课")]["召开次数"] == 1
        assert ("ZB01", "支委会") not in meetings
        dues = _rows(tables["dues"], "支部编号", "月份")
        assert set(dues) == {("ZB01", "2026-10"), ("ZB02", "2026-10")}
        # 孙八 moved to ZB01: his October row counts there (his current branch).
        assert dues[("ZB01", "2026-10")]["实缴金额（元）"] == Money(1000 + 500 + 300)
        changes = _rows(tables["changes"], "支部编号")
        assert changes[("ZB01",)]["内部调入"] == 1 and changes[("ZB02",)]["内部调出"] == 1


def test_the_yearly_report_matches_and_one_general_branch_narrows_it(built: Flask) -> None:
    app = built
    with app.app_context():
        report = _report(app, Period(2026, 0, "year"))
        # The running month's periods have not ended: the year is counted up to TODAY.
        _check_common(report, dt.date(2026, 1, 1), TODAY)
        tables = {t.key: t for t in report.tables}
        # The record begins in September 2026: no month of the year before it is owed
        # (September and October; November is running).
        meetings = _rows(tables["meetings"], "支部编号", "会议类型")
        assert meetings[("ZB01", "主题党日")]["应开期数"] == 2
        changes = _rows(tables["changes"], "支部编号")
        assert changes[("ZB02",)]["发展党员（入党）"] == 1  # 周九, March 2026
        assert changes[("ZB02",)]["组织关系转出"] == 1  # 吴十, November
        conversions = _rows(tables["conversions"], "支部编号", "姓名")
        assert conversions[("ZB01", "李四")]["状态"] == "逾期未转正"  # ended 2026-09-01
        assert conversions[("ZB02", "钱七")]["状态"] == "到期待转正"  # ends 2026-12-10
        assert {t.key for t in report.tables} == {"meetings", "attendance", "dues",
                                                  "evaluation", "conversions", "changes"}
        # No column of any table is a private field, and no member's amount is listed.
        for table in report.tables:
            for column in table.columns:
                assert not any(word in column for word in (
                    "身份证", "电话", "住址", "出生", "基数", "工资"))
        general = db.session.scalar(select(GeneralBranch.id))
        narrow = _report(app, Period(2026, 0, "year"), general)
        assert {r[1] for t in narrow.tables for r in t.rows} == {"ZB01"}
        # The .xlsx holds the same figures, one sheet per table, Chinese headings.
        book = load_workbook(io.BytesIO(report_xlsx(report)))
        assert book.sheetnames[0] == "说明"
        for table in report.tables:
            ws = book[table.title[:31]]
            assert tuple(c.value for c in ws[2]) == table.columns
            assert ws.max_row == 2 + len(table.rows)
            for row, cells in zip(table.rows, ws.iter_rows(min_row=3, values_only=True),
                                  strict=True):
                for value, cell in zip(row, cells, strict=True):
                    if isinstance(value, Money):
                        assert cell == value.cents / 100
                    elif isinstance(value, Rate):
                        assert cell == (None if value.value is None else float(value.value))
                    else:  # an empty text is an empty cell
                        assert cell == (None if value == "" else value)


def test_a_name_that_looks_like_a_formula_stays_text() -> None:
    from profiles.reports.figures import Report, Table

    report = Report("t", "o", "s", Period(2026, 10, "month"), TODAY, [
        Table("x", "表", ("姓名",), [('=HYPERLINK("http://x","a")',)])])
    ws = load_workbook(io.BytesIO(report_xlsx(report)))["表"]
    assert ws["A3"].data_type == "s" and ws["A3"].value.startswith("=HYPERLINK")
