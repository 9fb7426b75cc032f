"""An organisation built only from its secretaries' spreadsheets, imported on the days they
were kept, gets exactly its planted gaps (issue 18, "Done when").

Everything comes through ``flask import ...`` (Flask's CliRunner) from .xlsx files written
here with openpyxl: the rosters (with --create-branches and --committee the first time, a
probationer admitted in March 2025, a member transferred in in July 2025 with a 转入日期
column, another in May 2026 with 调入日期, and one on a roster imported ``--as-of`` the
day she came in September 2026, without a date column), the 三会一课 registers quarter
by quarter from January 2025 to today, the dues ledgers (every member, every month they
were here), the 2025 evaluation sheet and a points sheet. The clock (``TODAY``) is set
to the day each file was kept. Four gaps are planted:

* 马红 (ZB02) stopped paying four months ago (last paid July 2026);
* ZB02 held no 党课 in 2026 Q2;
* 林预备 (ZB01), admitted 2025-03-01, was never converted (probation ended 2026-03-01);
* 周敏 (ZB01) has been 缺席 at every meeting since August 2026.

The checklists of both branches must say exactly these four lines: no arrears counted from
a 入党日期 of 1983, nothing for months before the record begins, nothing for a member
before they came, no evaluation owed for a year a member was not here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from console.checklist import branch_checklist
from core.db import db
from profiles.audit.checklist import WARNING, Finding
from profiles.audit.wording import describe
from profiles.enums import MeetingKind
from profiles.models import Branch, Committee, Member
from profiles.months import Period, add_months
from profiles.queries.member import member_page
from sheets.importers.consequences import BranchConsequence, Line, report_lines
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

pytestmark = pytest.mark.slow

COMMITTEE = "示范区机关党委"
RECORD_START = dt.date(2025, 1, 1)
GROUP = "第一党小组"


@dataclass(frozen=True)
class Person:
    name: str
    code: str  # branch
    joined: dt.date  # 入党日期
    came: dt.date  # the day they came into the organisation's record
    probationer: bool = False


BRANCHES = {"ZB01": "机关第一党支部", "ZB02": "机关第二党支部"}
FOUNDERS = [  # on the first roster, imported 2025-01-05
    Person("骆秀英", "ZB01", dt.date(1983, 6, 1), RECORD_START),
    Person("薛定国", "ZB01", dt.date(2000, 7, 1), RECORD_START),
    Person("周敏", "ZB01", dt.date(1995, 7, 1), RECORD_START),
    Person("陈立", "ZB01", dt.date(2010, 7, 1), RECORD_START),
    Person("马红", "ZB02", dt.date(1988, 7, 1), RECORD_START),
    Person("吴志", "ZB02", dt.date(1999, 7, 1), RECORD_START),
    Person("刘洋", "ZB02", dt.date(2003, 7, 1), RECORD_START),
    Person("杨帆", "ZB02", dt.date(2012, 7, 1), RECORD_START),
    Person("赵丽", "ZB02", dt.date(2016, 7, 1), RECORD_START),
]
PROBATIONER = Person("林预备", "ZB01", dt.date(2025, 3, 1), dt.date(2025, 3, 1), True)
TRANSFERRED = Person("何转入", "ZB01", dt.date(1990, 7, 1), dt.date(2025, 7, 1))
LATER = Person("钱后来", "ZB02", dt.date(2005, 7, 1), dt.date(2026, 5, 1))
# On a roster imported --as-of the day she came, with no date column of its own.
AS_OF = Person("孙新到", "ZB01", dt.date(2008, 7, 1), dt.date(2026, 9, 1))
EVERYONE = [*FOUNDERS, PROBATIONER, TRANSFERRED, LATER, AS_OF]
# Each branch stays under 7 full members (no 支委会 owed, profiles.org.rules.has_committee).

STOPPED_PAYING = ("马红", dt.date(2026, 7, 1))  # the last month paid
NO_LECTURE = ("ZB02", 2026, 2)  # the quarter without 党课
ABSENT = ("周敏", dt.date(2026, 8, 1))  # 缺席 at every meeting from this day


def _months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = add_months(month, 1)


def _quarters() -> Iterator[tuple[dt.date, dt.date, dt.date]]:
    """(first day, last day, the day its files were imported) of each quarter to today."""
    start = RECORD_START
    while start <= TODAY:
        end = add_months(start, 3) - dt.timedelta(days=1)
        yield start, min(end, TODAY - dt.timedelta(days=1)), min(
            end + dt.timedelta(days=3), TODAY)
        start = add_months(start, 3)


# --- the files --------------------------------------------------------------------------

ROSTER = ["序号", "姓名", "性别", "出生日期", "入党日期", "转正日期", "人员类别", "支部编号",
          "所在支部", "党小组"]


def _roster_row(i: int, p: Person) -> list[Any]:
    converted = "" if p.probationer else add_months(p.joined, 12).isoformat()
    gender = "女" if EVERYONE.index(p) % 2 else "男"
    return [i, p.name, gender, "1970-01-01", p.joined.isoformat(), converted,
            "预备党员" if p.probationer else "正式党员", p.code, BRANCHES[p.code], GROUP]


def _roster(path: Path, people: list[Person], moved_header: str | None = None) -> Path:
    """A roster; ``moved_header`` (转入日期, 调入日期): a column with each arrival date."""
    header = ROSTER + ([moved_header] if moved_header else [])
    rows = []
    for i, p in enumerate(people, 1):
        row = _roster_row(i, p)
        if moved_header:
            row.append(p.came.isoformat() if p.came > RECORD_START
                       and not p.probationer else "")
        rows.append(row)
    return xlsx(path, [header, *rows], title="党员花名册")


def _present_on(day: dt.date) -> list[Person]:
    return [p for p in EVERYONE if p.came <= day]


MEETING_HEADER = ["支部编号", "会议类型", "会议日期", "党小组", "会议主题", "会议内容", "姓名",
                  "出勤情况"]


def _meetings_in(first: dt.date, last: dt.date) -> list[tuple[str, str, dt.date, str]]:
    """(branch, kind label, date, group) of every meeting held in the period."""
    held = []
    for code in BRANCHES:
        for month in _months(first, last):
            held.append((code, "主题党日", month.replace(day=10), ""))
            held.append((code, "党小组会", month.replace(day=15), GROUP))
            if month.month % 3 == 2:  # the middle month of each quarter
                held.append((code, "支部党员大会", month.replace(day=20), ""))
                quarter = (month.year, (month.month - 1) // 3 + 1)
                if (code, *quarter) != NO_LECTURE:
                    held.append((code, "党课", month.replace(day=25), ""))
            if month == dt.date(2025, 12, 1):
                held.append((code, "组织生活会", dt.date(2025, 12, 26), ""))
                held.append((code, "民主评议党员", dt.date(2025, 12, 29), ""))
    return [m for m in held if first <= m[2] <= last]


def _register(path: Path, first: dt.date, last: dt.date) -> Path:
    rows: list[list[Any]] = [MEETING_HEADER]
    for code, kind, day, group in _meetings_in(first, last):
        for p in _present_on(day):
            if p.code != code:
                continue
            status = "缺席" if p.name == ABSENT[0] and day >= ABSENT[1] else "出席"
            rows.append([code, kind, day.isoformat(), group, f"{kind}（{day:%m月}）",
                         f"{kind}纪要：学习讨论。", p.name, status])
    return xlsx(path, rows, title="三会一课登记表")


DUES_HEADER = ["支部编号", "姓名", "月份", "应缴金额", "实缴金额", "缴纳日期"]


def _ledger(path: Path, first: dt.date, last: dt.date) -> Path:
    rows: list[list[Any]] = [DUES_HEADER]
    for month in _months(first, last):
        for p in _present_on(month + dt.timedelta(days=27)):
            if p.name == STOPPED_PAYING[0] and month > STOPPED_PAYING[1]:
                continue
            if p.came > month and p.came.replace(day=1) != month:
                continue
            paid_on = month.replace(day=5) if month.replace(day=5) <= last else month
            rows.append([p.code, p.name, f"{month:%Y-%m}", "50", "50", paid_on.isoformat()])
    return xlsx(path, rows, title="党费收缴台账")


def _evaluations(path: Path) -> Path:
    rows: list[list[Any]] = [["支部编号", "姓名", "年度", "评议阶段", "评定等次"]]
    in_2025 = [p for p in EVERYONE if p.came <= dt.date(2025, 12, 31)]
    for i, p in enumerate(in_2025):
        rows.append([p.code, p.name, 2025, "支部评定", "优秀" if i % 5 == 0 else "合格"])
    return xlsx(path, rows, title="2025年度民主评议党员结果")


def _points(path: Path) -> Path:
    rows: list[list[Any]] = [["支部编号", "姓名", "日期", "分值", "积分规则", "事由"]]
    for p in FOUNDERS[:4]:
        rows.append([p.code, p.name, "2026-06-18", 2, "", "志愿服务"])
    return xlsx(path, rows, title="党员积分登记")


# --- the build --------------------------------------------------------------------------

class Organisation:
    """Imports files through the command line, each on its own day; with ``preview``, each
    is first checked (--dry-run), and the consequences the check prints must be what the
    import then does to the console's checklists."""

    def __init__(self, app: Flask, folder: Path, preview: bool = False) -> None:
        self.app, self.folder, self.preview = app, folder, preview
        self.log: list[str] = []
        self.previews = 0

    def _invoke(self, day: dt.date, *args: str) -> str:
        out = self.app.test_cli_runner().invoke(args=["import", *args, "--lang", "zh",
                                                      "--actor", "书记"])
        self.log.append(f"{day} import {' '.join(args)} → {out.exit_code}\n{out.output}")
        assert out.exit_code == 0, "\n".join(self.log[-1:])
        return str(out.output)

    def run(self, day: dt.date, *args: str) -> str:
        self.app.config["TODAY"] = day.isoformat()
        if not self.preview:
            return self._invoke(day, *args)
        before = self.checklists()
        checked = self._invoke(day, *args, "--dry-run")
        assert self.checklists() == before  # the check wrote nothing
        done = self._invoke(day, *args)
        expected = _consequences(before, self.checklists())
        with self.app.app_context(), force_locale("zh"):
            said = report_lines(expected)
        assert checked.rstrip("\n").split("\n")[-len(said):] == said, self.log[-2]
        self.previews += bool(expected)
        return done

    def checklists(self) -> dict[tuple[str, str], list[tuple[str, bool]]]:
        """Each branch's console checklist: (code, name) → (line, serious) in order."""
        with self.app.app_context(), self.app.test_request_context(), force_locale("zh"):
            found = {}
            for code, name, branch_id in db.session.execute(
                    select(Branch.code, Branch.name, Branch.id)).all():
                checklist = branch_checklist(branch_id)
                assert checklist is not None
                found[(code, name)] = [(line.text, line.critical) for line in checklist.lines]
            return found

    def path(self, name: str) -> Path:
        return self.folder / name


def _consequences(before: dict[tuple[str, str], list[tuple[str, bool]]],
                  after: dict[tuple[str, str], list[tuple[str, bool]]]
                  ) -> list[BranchConsequence]:
    """What the import did to each branch's checklist, as the preview words it."""
    out = []
    for code, name in sorted(after):
        old, new = Counter(before.get((code, name), [])), Counter(after[(code, name)])
        added_left, closed_left = new - old, old - new
        added, closed = [], []
        for line in after[(code, name)]:
            if added_left[line] > 0:
                added_left[line] -= 1
                added.append(Line("", line[0], line[1]))
        for line in before.get((code, name), []):
            if closed_left[line] > 0:
                closed_left[line] -= 1
                closed.append(Line("", line[0], line[1]))
        if added or closed:
            out.append(BranchConsequence(code, name, added, closed))
    return out


def _build(app: Flask, folder: Path, preview: bool = False) -> Organisation:
    org = Organisation(app, folder, preview)
    first = _roster(org.path("花名册-2025-01.xlsx"), FOUNDERS)
    org.run(dt.date(2025, 1, 5), "members", str(first), "--create-branches",
            "--committee", COMMITTEE)
    with app.app_context():  # the first import proposed where the record begins, and set it
        committee = db.session.scalar(select(Committee).where(Committee.name == COMMITTEE))
        assert committee is not None and committee.records_from == RECORD_START
    rosters = {  # a branch's roster as kept on the day a member came
        dt.date(2025, 3, 10): (_roster(org.path("花名册-2025-03.xlsx"), [
            p for p in EVERYONE if p.code == "ZB01" and p.came <= dt.date(2025, 3, 10)]),
            # the new probationer came by admission: without a date the import would date
            # her by the import day (never accusing anyone) and refuse her March records
            ("--as-of", PROBATIONER.came.isoformat())),
        dt.date(2025, 7, 8): (_roster(org.path("花名册-2025-07.xlsx"), [
            p for p in EVERYONE if p.code == "ZB01" and p.came <= dt.date(2025, 7, 8)],
            "转入日期"), ()),
        dt.date(2026, 5, 6): (_roster(org.path("花名册-2026-05.xlsx"), [
            p for p in EVERYONE if p.code == "ZB02"], "调入日期"), ()),
        dt.date(2026, 9, 3): (_roster(org.path("花名册-2026-09.xlsx"), [
            p for p in EVERYONE if p.code == "ZB01"]),
            ("--as-of", AS_OF.came.isoformat())),
    }
    events: list[tuple[dt.date, list[str]]] = [
        (day, ["members", str(path), *extra]) for day, (path, extra) in rosters.items()]
    for first_day, last_day, kept in _quarters():
        stamp = f"{first_day:%Y-%m}"
        events.append((kept, ["meetings", str(_register(
            org.path(f"三会一课-{stamp}.xlsx"), first_day, last_day))]))
        events.append((kept, ["dues", str(_ledger(
            org.path(f"党费-{stamp}.xlsx"), first_day, last_day))]))
    events.append((dt.date(2026, 1, 20), ["evaluations", str(_evaluations(
        org.path("民主评议-2025.xlsx")))]))
    events.append((dt.date(2026, 6, 30), ["points", str(_points(org.path("积分.xlsx")))]))
    for day, args in sorted(events, key=lambda e: (e[0], e[1][0] != "members")):
        org.run(day, *args)
    app.config["TODAY"] = TODAY.isoformat()
    return org


def _planted() -> dict[str, list[str]]:
    """The four lines, worded by the checklist itself."""
    name, last_paid = STOPPED_PAYING
    unpaid = len(list(_months(add_months(last_paid, 1), TODAY)))
    absent_name, since = ABSENT
    code, year, quarter = NO_LECTURE
    return {
        "ZB01": sorted([
            describe(Finding("probation_overdue", WARNING, {
                "name": PROBATIONER.name, "ended": add_months(PROBATIONER.joined, 12)})),
            describe(Finding("absent", WARNING, {
                "name": absent_name,
                "months": (TODAY.year - since.year) * 12 + TODAY.month - since.month + 1,
                "limit": 6})),
        ]),
        code: sorted([
            describe(Finding("dues_unpaid", WARNING, {
                "name": name, "months": unpaid, "consecutive": unpaid, "limit": 6})),
            describe(Finding("meeting_missed", WARNING, {
                "kind": MeetingKind.LECTURE, "period": Period(year, quarter, "quarter")})),
        ]),
    }


def test_an_organisation_built_from_its_files_has_exactly_its_planted_gaps(
        app: Flask, tmp_path: Path) -> None:
    _build(app, tmp_path)
    with app.app_context(), app.test_request_context(), force_locale("zh"):
        branches = dict(db.session.execute(select(Branch.code, Branch.id)).all())
        assert set(branches) == set(BRANCHES)
        found = {}
        for code, branch_id in sorted(branches.items()):
            checklist = branch_checklist(branch_id)
            assert checklist is not None
            found[code] = sorted(line.text for line in checklist.lines)
        planted = _planted()
        false = {code: [line for line in lines if line not in planted[code]]
                 for code, lines in found.items()}
        missing = {code: [line for line in lines if line not in found[code]]
                   for code, lines in planted.items()}
        # Named first, so a failure says which lines are false and which gaps were missed.
        assert not any(false.values()), f"false lines: {false}"
        assert not any(missing.values()), f"planted gaps not found: {missing}"
        assert found == planted
        # The member pages agree: nobody but 马红 owes a month (no "未交：24个月", no
        # "暂无交纳记录" for those who paid every month they were here).
        owed = {}
        for person in EVERYONE:
            member_id = db.session.scalar(select(Member.id).where(Member.name == person.name))
            page = member_page(member_id, TODAY)
            assert page is not None
            owed[person.name] = len(page.dues.unpaid)
        name, last_paid = STOPPED_PAYING
        assert owed == {p.name: len(list(_months(add_months(last_paid, 1), TODAY)))
                        if p.name == name else 0 for p in EVERYONE}


def test_every_import_of_the_organisation_previews_what_it_then_does(
        app: Flask, tmp_path: Path) -> None:
    """Each of the build's imports (rosters, registers, ledgers, the evaluation and points
    sheets), checked before it is made: the lines its check says it adds and closes are
    the console checklists' difference after it; the first import's included, whose check
    counts from where the record would begin, as the import then sets it."""
    org = _build(app, tmp_path, preview=True)
    assert org.previews >= 10  # most imports change some checklist; each said so first
