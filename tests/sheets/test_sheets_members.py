"""Member import: a messy but valid roster goes in whole; a bad one is refused whole."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, text

from core.db import db
from profiles.enums import Category, Gender
from profiles.models import Branch, ChangeLog, Member, PartyGroup
from sheets.importers.members import import_members
from sheets.importers.transaction import IMPORT_LOCK
from sheets.report.refusal import SheetRefused
from tests.helpers.dates import TODAY
from tests.helpers.sheets import ROSTER_HEADER, csv_file, xlsx

BRANCH = "机关第一党支部"


def _roster(*rows: list[Any]) -> list[list[Any]]:
    return [ROSTER_HEADER, *rows]


GOOD = _roster(
    [1, "张　三 ", "男", "1985/3/2", "2019年7月1日", "2020.07.01", "正式党员", BRANCH, "第1小组",
     13812345678, ""],
    [2, " 李 四", "女", dt.datetime(1990, 5, 6), dt.datetime(2019, 7, 1), None, "预备党员", BRANCH,
     "", "13900000001", ""],
    [3, "王五", "男", "19880101", 20190701, "2020-07-01", "正式", BRANCH, "第2小组", None,
     "A0001"],
)


@pytest.fixture
def branch(app: Flask) -> None:
    from tests.helpers import factories

    with app.app_context():
        factories.make_branch(code="ZB01", name=BRANCH)
        db.session.commit()


def _import(app: Flask, path: Path, **options: Any) -> Any:
    with app.app_context():
        return import_members(path, actor="tester", today=TODAY, **options)


def _snapshot(app: Flask) -> dict[str, list[Any]]:
    with app.app_context():
        out = {}
        for table in ("committee", "branch", "party_group", "member", "change_log"):
            result = db.session.execute(text(f"SELECT * FROM {table}"))
            keep = [i for i, k in enumerate(result.keys()) if k not in ("updated_at", "at")]
            out[table] = sorted(tuple(str(r[i]) for i in keep) for r in result.all())
        return out


def test_messy_roster_goes_in_whole(app: Flask, branch: None, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "roster.xlsx", GOOD, title=f"{BRANCH}党员花名册")
    outcome = _import(app, path)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (3, 0, 0)
    with app.app_context():
        members = {m.name: m for m in db.session.scalars(select(Member))}
        assert set(members) == {"张三", "李四", "王五"}
        zhang = members["张三"]
        assert zhang.joined_on == dt.date(2019, 7, 1) and zhang.converted_on == dt.date(2020, 7, 1)
        assert zhang.birth_date == dt.date(1985, 3, 2) and zhang.phone == "13812345678"
        assert zhang.gender is Gender.MALE and zhang.group is not None
        assert zhang.group.name == "第1小组"
        assert members["李四"].category is Category.PROBATIONARY and members["李四"].group is None
        assert members["王五"].number == "A0001"
        # Rows without a 党员编号 get DY + six digits.
        assert zhang.number.startswith("DY") and len(zhang.number) == 8
        logs = list(db.session.scalars(select(ChangeLog).order_by(ChangeLog.id)))
        assert len(logs) == 3 and {log.action for log in logs} == {"insert"}
        assert logs[0].actor == "tester" and logs[0].source == "import members roster.xlsx"
        assert json.loads(logs[0].changes)["phone"] == [None, "138****5678"]


def test_reimport_changes_nothing_and_changed_file_updates(app: Flask, branch: None,
                                                           tmp_path: Path) -> None:
    path = xlsx(tmp_path / "roster.xlsx", GOOD, title="花名册")
    _import(app, path)
    again = _import(app, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    before = _snapshot(app)
    changed = [list(r) for r in GOOD]
    changed[1][9] = "13899998888"  # 张三's phone
    changed[1][8] = "第2小组"
    changed[3][6] = "预备党员"  # 王五 can't be probationary with a 转正日期...
    changed[3][5] = None  # ...so clear it too
    path2 = xlsx(tmp_path / "roster2.xlsx", changed)
    dry = _import(app, path2, dry_run=True)
    assert dry.updated == 2 and _snapshot(app) == before
    outcome = _import(app, path2)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (0, 2, 1)
    fields = {c.label: c.fields for c in outcome.changes}
    assert fields["张三"]["phone"] == ("13812345678", "13899998888")
    assert fields["张三"]["group"] == ("第1小组", "第2小组")
    assert fields["王五"]["category"] == (Category.FULL, Category.PROBATIONARY)
    with app.app_context():
        wang = db.session.scalar(select(Member).where(Member.number == "A0001"))
        assert wang is not None and wang.converted_on is None
        # 3 inserts, 2 updates, and 张三's move to 第2小组 in the membership history.
        assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == 6


def test_bad_file_is_refused_whole_with_every_problem(app: Flask, branch: None,
                                                      tmp_path: Path) -> None:
    rows = _roster(
        [1, "张三", "男", "1985/3/2", "2019-13-01", None, "正式党员", BRANCH, "", "", ""],
        [2, "李四", "女", "1990-01-01", "2019-07-01", None, "党员之星", BRANCH, "", "", "X1"],
        [3, "王五", "男", "1990-01-01", "2019-07-01", None, "正式党员", "不存在的支部", "", "", ""],
        [4, "赵六", "男", "1990-01-01", "2019-07-01", None, "正式党员", BRANCH, "", "", "X1"],
        [5, "孙七", "男", "1990-01-01", "", None, "正式党员", BRANCH, "第9小组", "", ""],
        [6, "周八", "男", "1990-01-01", "2018-07-01", "2019-07-01", "预备党员", BRANCH, "", "", ""],
        [7, "吴九", "男", "1990-01-01", "2018-07-01", None, "正式党员", BRANCH, "", "", ""],
        [8, "吴　九", "男", "1990-01-01", "2018/7/1", None, "正式党员", BRANCH, "", "", ""],
        [9, "郑十", "男", "1990.03", "2018/7/1", None, "正式党员", BRANCH, "/", "", ""],
        [10, "冯一", "男", "1990年3月", "2018.07", None, "正式党员", BRANCH, "", "", ""],
    )
    rows[0] = [*ROSTER_HEADER, "身份证号", "党内职务"]
    rows[-2] += [110105194912310021, "无"]  # Excel rounded the ID number; 无 means no position
    path = xlsx(tmp_path / "bad.xlsx", rows, title="花名册")
    before = _snapshot(app)
    with pytest.raises(SheetRefused) as refused:
        _import(app, path, create_branches=False)
    found = {(p.row, p.column) for p in refused.value.problems}
    # Header on row 2 (under the title): data rows are 3..10; E=入党日期, G=类别, H=支部.
    assert {(3, 5), (4, 7), (5, 8), (6, 11), (7, 5), (7, 9), (8, 6), (10, 2), (11, 12)} <= found
    # 出生年月 may omit the day (1990.03); 入党日期 may not.
    assert not any(p.row == 11 and p.column != 12 for p in refused.value.problems)
    assert [str(p.message) for p in refused.value.problems if p.row == 12] == [
        "Incomplete date '2018.07': give the day too, like 2019-07-01."]
    # An unknown group: the message lists the branch's groups, to spot the typo.
    assert [str(p.message) for p in refused.value.problems if (p.row, p.column) == (7, 9)] == [
        f"Branch {BRANCH} has no party group '第9小组' (its groups: 第1小组、第2小组). Check the "
        "name, or import with --create-branches to create it."]
    assert _snapshot(app) == before


def test_chinese_problem_names_row_and_column(app: Flask, branch: None, runner: FlaskCliRunner,
                                              tmp_path: Path) -> None:
    rows = [["姓名", "人员类别", "所在支部", "入党日期"],
            ["张三", "正式党员", BRANCH, "2019-07-01"],
            ["李四", "正式党员", BRANCH, "2019-13-01"]]
    path = xlsx(tmp_path / "bad.xlsx", rows, title="花名册", merge_title=True)
    before = _snapshot(app)
    result = runner.invoke(args=["import", "members", str(path)])
    assert result.exit_code == 1
    assert "第4行 D列（入党日期）: 无法识别的日期 '2019-13-01'" in result.output
    assert "未导入" in result.output
    result = runner.invoke(args=["import", "members", str(path), "--lang", "en"])
    assert "Row 4, column D (入党日期): Unrecognised date '2019-13-01'" in result.output
    assert _snapshot(app) == before


def test_cli_reports_changes_with_private_fields_masked(app: Flask, branch: None,
                                                        runner: FlaskCliRunner,
                                                        tmp_path: Path) -> None:
    path = xlsx(tmp_path / "roster.xlsx", GOOD)
    first = runner.invoke(args=["import", "members", str(path), "--dry-run"])
    assert first.exit_code == 0, first.output
    assert "试运行" in first.output and "新增 3 条" in first.output
    # each new member's values as read, private ones masked (the preview the console shows)
    new_lines = [line.strip() for line in first.output.splitlines()
                 if line.strip().startswith("新增 ") and "（第" in line]
    assert len(new_lines) == 3, first.output
    assert new_lines[0].startswith("新增 DY000001 张三（第2行）：性别 男")
    assert "入党日期 2019-07-01" in new_lines[0] and "联系电话 138****5678" in new_lines[0]
    assert "党小组 第2小组" in new_lines[2] and "出生日期 1988-**-**" in new_lines[2]
    assert "13812345678" not in first.output
    assert runner.invoke(args=["import", "members", str(path)]).exit_code == 0
    same = runner.invoke(args=["import", "members", str(path)])
    assert "没有变化" in same.output
    changed = [list(r) for r in GOOD]
    changed[1][9] = "13899998888"
    result = runner.invoke(args=["import", "members", str(xlsx(tmp_path / "r2.xlsx", changed))])
    assert "联系电话 138****5678 → 138****8888" in result.output
    assert "13899998888" not in result.output and "13812345678" not in result.output


def test_missing_required_column_and_empty_sheet(app: Flask, branch: None, tmp_path: Path) -> None:
    rows = [["姓名", "所在支部", "人员类别"], ["张三", BRANCH, "正式党员"]]
    path = xlsx(tmp_path / "r.xlsx", rows)
    with pytest.raises(SheetRefused) as refused:
        _import(app, path)
    assert "入党日期" in str(refused.value.problems[0].message)
    path = xlsx(tmp_path / "e.xlsx", [ROSTER_HEADER])
    with pytest.raises(SheetRefused) as refused:
        _import(app, path)
    assert "no data rows" in str(refused.value.problems[0].message)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding_imports(app: Flask, branch: None, tmp_path: Path,
                                      encoding: str) -> None:
    rows = [[str(v) if v is not None else "" for v in r] for r in GOOD if not
            isinstance(r[3], dt.datetime)]
    path = csv_file(tmp_path / "roster.csv", rows, encoding)
    outcome = _import(app, path)
    assert outcome.inserted == 2
    with app.app_context():
        assert db.session.scalar(select(Member.name).where(Member.number == "A0001")) == "王五"


def test_create_branches_makes_branch_and_groups(app: Flask, tmp_path: Path,
                                                 make_branch: Callable[..., Branch]) -> None:
    make_branch(code="ZB01", name=BRANCH)  # the committee comes with it
    db.session.commit()
    rows = _roster([1, "张三", "男", "1985-03-02", "2019-07-01", None, "正式党员", "新建党支部",
                    "新一组", "", ""])
    path = xlsx(tmp_path / "r.xlsx", rows)
    with pytest.raises(SheetRefused):
        import_members(path, today=TODAY)
    outcome = import_members(path, today=TODAY, create_branches=True)
    assert outcome.inserted == 1 and any("新建党支部" in c for c in outcome.created)
    new = db.session.scalar(select(Branch).where(Branch.name == "新建党支部"))
    assert new is not None
    assert db.session.scalar(select(PartyGroup.name).where(PartyGroup.branch_id == new.id)) \
        == "新一组"
    logged = db.session.scalars(select(ChangeLog.table_name).order_by(ChangeLog.id)).all()
    assert logged == ["branch", "party_group", "member"]


def test_large_file_shows_progress(app: Flask, branch: None, runner: FlaskCliRunner,
                                   tmp_path: Path) -> None:
    rows = [["姓名", "所在支部", "人员类别", "入党日期"]]
    rows += [[f"党员{i}", BRANCH, "正式党员", "2019-07-01"] for i in range(2100)]
    path = csv_file(tmp_path / "big.csv", rows, "utf-8-sig")
    result = runner.invoke(args=["import", "members", str(path)])
    assert result.exit_code == 0, result.output
    assert "正在读取 big.csv" in result.output and "正在检查" in result.output
    assert "新增 2100 条" in result.output and "……另有 1900 条。" in result.output


def test_branch_code_and_name_must_agree(app: Flask, branch: None, tmp_path: Path) -> None:
    rows = [["支部编号", "所在支部", "姓名", "人员类别", "入党日期"],
            ["ZB01", "机关第二党支部", "张三", "正式党员", "2019-07-01"]]
    with pytest.raises(SheetRefused) as refused:
        _import(app, xlsx(tmp_path / "r.xlsx", rows))
    [only] = refused.value.problems
    assert (only.row, only.column) == (2, 2)


def test_two_members_may_pass_an_id_number_on(app: Flask, branch: None, tmp_path: Path) -> None:
    header = ["党员编号", "姓名", "所在支部", "人员类别", "入党日期", "身份证号"]
    first, second = "11010519491231002X", "110101199003074514"
    rows = [header, ["A1", "张三", BRANCH, "正式党员", "2019-07-01", first],
            ["A2", "李四", BRANCH, "正式党员", "2019-07-01", second]]
    _import(app, xlsx(tmp_path / "a.xlsx", rows))
    rows[1][5], rows[2][5] = second, first  # the secretary had them the wrong way round
    outcome = _import(app, xlsx(tmp_path / "b.xlsx", rows))
    assert outcome.updated == 2
    with app.app_context():
        assert db.session.scalar(select(Member.id_number).where(Member.number == "A1")) == second
    rows[2][5] = second  # now both claim the same number: a duplicate in the file
    with pytest.raises(SheetRefused):
        _import(app, xlsx(tmp_path / "c.xlsx", rows))


def _another_import_could_write(url: str) -> bool:
    """Whether a second connection could start an import's write right now."""
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT pg_try_advisory_xact_lock(%s)",
                                 (IMPORT_LOCK,)).fetchone()[0])  # type: ignore[index]


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_reads_and_writes_under_one_lock(app: Flask, branch: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   dry_run: bool) -> None:
    # Two imports at once once failed with a KeyError: one read the branches, the other
    # committed a new branch and its members, then the first read those members.
    from sheets.importers.orgs import OrgIndex

    load = OrgIndex.load.__func__  # type: ignore[attr-defined]
    free_at_first_read: list[bool] = []

    def load_and_probe(cls: type[OrgIndex]) -> OrgIndex:
        free_at_first_read.append(_another_import_could_write(app.config["DATABASE_URL"]))
        return load(cls)  # type: ignore[no-any-return]

    monkeypatch.setattr(OrgIndex, "load", classmethod(load_and_probe))
    outcome = _import(app, xlsx(tmp_path / "r.xlsx", GOOD), dry_run=dry_run)
    assert outcome.inserted == 3
    # A real import holds the lock from its first read; a dry run reads a snapshot only.
    assert free_at_first_read == [dry_run]
    assert _another_import_could_write(app.config["DATABASE_URL"])  # released at the end
