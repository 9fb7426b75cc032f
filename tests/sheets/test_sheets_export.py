"""Export a branch, import the export into an empty database, export again: same data.
Templates carry headers, an example and drop-down lists, and their example imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook

from core.db import db
from sheets.columns import COLUMNS, SHEET_NAMES
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from sheets.importers.points import import_points
from sheets.writing.export import EXPORTED_KINDS, export_branch
from sheets.writing.templates import write_template
from tests.helpers.databases import POSTGRES_SKIP_REASON
from tests.helpers.dates import TODAY


def _data(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows below the title (header included)."""
    workbook = load_workbook(path)
    return {ws.title: list(ws.iter_rows(min_row=2, values_only=True))
            for ws in workbook.worksheets}


@pytest.mark.slow
def test_round_trip_through_an_empty_database(demo_app: Flask, app: Flask, database_url: str,
                                              demo_database_url: str, tmp_path: Path) -> None:
    same_backend = database_url.startswith("sqlite") == demo_database_url.startswith("sqlite")
    if same_backend and POSTGRES_SKIP_REASON is None:
        # Export on one backend, import on the other: two runs cover both, in half the time.
        # Without PostgreSQL the SQLite-to-SQLite pair is the one that runs.
        pytest.skip("round trip runs across backends")
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    with demo_app.app_context():
        counts = export_branch("ZB02", first, TODAY)
    assert all(counts.values()), counts
    with app.app_context():
        import_members(first, create_branches=True, today=TODAY)
        import_meetings(first)
        import_dues(first)
        import_points(first, create_rules=True)
        import_evaluations(first)
        assert export_branch("ZB02", second, TODAY) == counts
        db.session.remove()
    assert _data(first) == _data(second)


def test_export_is_formatted_for_handing_upward(demo_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "zb01.xlsx"
    with demo_app.app_context():
        export_branch("ZB01", path, TODAY)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [SHEET_NAMES[kind] for kind in EXPORTED_KINDS]
    members = workbook[SHEET_NAMES["members"]]
    assert "机关第一党支部" in members["A1"].value and "A1:T1" in members.merged_cells
    assert [c.value for c in members[2]] == [c.zh for c in COLUMNS["members"]]
    assert members.freeze_panes == "A3" and members["A2"].font.bold
    assert members.column_dimensions["F"].width > 20  # 身份证号 fits
    assert members["Q3"].number_format == "yyyy-mm-dd"  # 入党日期


def test_export_command(demo_app: Flask, tmp_path: Path) -> None:
    runner: FlaskCliRunner = demo_app.test_cli_runner()
    out = tmp_path / "out"
    result = runner.invoke(args=["export", "branch", "ZB03", "-o", str(out / "b.xlsx")])
    assert result.exit_code == 0, result.output
    # ID numbers, phones and dues bases: readable by the owner only.
    assert (out / "b.xlsx").stat().st_mode & 0o777 == 0o600
    result = runner.invoke(args=["export", "branch", "NOPE", "-o", str(out / "c.xlsx")])
    assert result.exit_code != 0 and "NOPE" in result.output
    result = runner.invoke(args=["export", "branch", "ZB03", "-o", "/proc/partycard.xlsx"])
    assert result.exit_code == 1
    assert "cannot write /proc/partycard.xlsx" in result.output
    assert [p.name for p in out.iterdir()] == ["b.xlsx"]  # no temporary file left


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_templates_have_dropdowns_and_importable_headers(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.xlsx"
    write_template(kind, path)
    workbook = load_workbook(path)
    ws = workbook[SHEET_NAMES[kind]]
    assert [c.value for c in ws[2]] == [c.zh for c in COLUMNS[kind]]
    assert ws.max_row == 3  # title, header, example
    lists = [v.formula1 for v in ws.data_validations.dataValidation]
    expected = {"members": "正式党员", "meetings": "出席", "dues": None, "points": None,
                "evaluations": "支部评定", "recruitment": "发展对象"}[kind]
    if expected:
        assert any(expected in f for f in lists)


def test_member_template_example_imports(app: Flask, runner: FlaskCliRunner,
                                         tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert runner.invoke(args=["template", "members", "-o", str(path)]).exit_code == 0
    result = runner.invoke(args=["import", "members", str(path), "--create-branches"])
    assert result.exit_code == 0, result.output
    assert "新增 1 条" in result.output


def test_reimporting_an_export_changes_nothing(demo_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "zb03.xlsx"
    with demo_app.app_context():
        export_branch("ZB03", path, TODAY)
        # Dry runs: the PostgreSQL demo database is shared and must stay untouched.
        outcomes = [import_members(path, dry_run=True, today=TODAY),
                    import_meetings(path, dry_run=True), import_dues(path, dry_run=True),
                    import_points(path, dry_run=True), import_evaluations(path, dry_run=True)]
    for outcome in outcomes:
        assert outcome.changes == [] and outcome.unchanged > 0, outcome.kind
