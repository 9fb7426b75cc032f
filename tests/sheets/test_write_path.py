"""The write path as a whole: imports in their own locked transaction, from bytes as from
files; exports to a stream; and no module but the operations layer writes domain tables."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import db
from profiles.models import ChangeLog, Member
from sheets.columns import SHEET_NAMES
from sheets.importers.members import import_members
from sheets.importers.transaction import OpenTransaction, join_caller_transaction
from sheets.reading.sheet_file import Upload
from sheets.writing.export import export_branch
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.paths import ROOT
from tests.helpers.sheets import ROSTER_HEADER, xlsx

ROW = [1, "陈静", "女", "1990-01-01", "2015-07-01", "2016-07-01", "正式党员", "机关第一党支部",
       "", "13900000000", "DY000001"]


@pytest.fixture
def roster(app: Flask, tmp_path: Path) -> bytes:
    with app.app_context():
        factories.make_branch(code="ZB01", name="机关第一党支部")
        db.session.commit()
    return xlsx(tmp_path / "roster.xlsx", [ROSTER_HEADER, ROW]).read_bytes()


def _members() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Member)) or 0)


def test_an_upload_imports_from_bytes_without_a_file(app: Flask, roster: bytes) -> None:
    with app.app_context():
        upload = Upload.from_stream("uploads/花名册.xlsx", io.BytesIO(roster))
        assert (upload.name, upload.suffix) == ("花名册.xlsx", ".xlsx")
        outcome = import_members(upload, actor="tester", today=TODAY)
        assert outcome.inserted == 1 and _members() == 1
        log = db.session.scalars(select(ChangeLog)).one()
        assert log.source.startswith("import members") and log.source.endswith(".xlsx")


def test_an_import_ends_a_read_only_transaction_and_takes_its_own(app: Flask,
                                                                  roster: bytes) -> None:
    with app.app_context():
        assert _members() == 0  # a request's first query opens a transaction
        assert db.session().in_transaction()
        import_members(Upload("roster.xlsx", roster), actor="tester", today=TODAY)
        db.session.rollback()
        assert _members() == 1  # committed by the import itself


def test_an_import_refuses_to_swallow_uncommitted_writes(app: Flask, roster: bytes) -> None:
    with app.app_context():
        factories.make_member(factories.make_branch(code="ZB09"), number="DY000099")
        with pytest.raises(OpenTransaction):
            import_members(Upload("roster.xlsx", roster), actor="tester", today=TODAY)
        assert _members() == 1  # the caller's pending member is still there, uncommitted
        with join_caller_transaction():  # the explicit opt-out: one transaction for both
            import_members(Upload("roster.xlsx", roster), actor="tester", today=TODAY)
        db.session.rollback()
        assert _members() == 2  # the import committed both, in the caller's transaction


def test_a_branch_exports_to_a_stream(demo_app: Flask) -> None:
    with demo_app.app_context():
        body = io.BytesIO()
        counts = export_branch("ZB01", body, TODAY)
    workbook = load_workbook(io.BytesIO(body.getvalue()), read_only=True)
    assert counts and {SHEET_NAMES[kind] for kind in counts} <= set(workbook.sheetnames)


# -- one writer ---------------------------------------------------------------------------

PACKAGES = ("app.py", "core", "profiles", "qr", "print", "demo", "sheets", "accounts",
            "console")
# The only modules allowed to write domain tables: the operations layer (each concept's
# profiles/<concept>/operations.py, and profiles/bulk.py, the importers' bulk path), and
# the demo's bulk loader (which logs through core.changelog like everyone else).
WRITERS = {path.relative_to(ROOT).as_posix() for path in ROOT.glob("profiles/*/operations.py")}
WRITERS |= {"profiles/bulk.py", "demo/builder.py"}
# The members concept's second operations module: the life of a membership (issue 18).
WRITERS |= {"profiles/members/standing.py"}
# core.changelog writes the change log itself, which is not a domain table.
LOGGER = "core/changelog.py"
# Modules that write tables of their own that are not the record (settings, not data);
# each such write is still logged through core.changelog.
OWN_TABLES = {
    "sheets/reading/column_map.py": "column_mapping: the importers' remembered column map",
    "accounts/service.py": "account, account_grant: who may sign in, with which grants",
    "accounts/sessions.py": "account_session: signed-in sessions (ended at logout)",
    "core/jobs.py": "job: a background job's state and progress",
    "core/revisions.py": "page_revision: which cached pages a logged write made stale",
    "accounts/throttle.py": "failure: bad-password times in instance/login-throttle.sqlite3 "
                            "(its own file, not the application database)",
}


SQL_WRITE = re.compile(r"\s*(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)


def _modules() -> list[Path]:
    found = []
    for entry in PACKAGES:
        path = ROOT / entry
        found.extend([path] if path.suffix == ".py" else sorted(path.rglob("*.py")))
    return found


def _writes(tree: ast.AST) -> list[str]:
    """The ways this code base writes rows: insert()/update()/delete() statements,
    session.add() and friends, and raw INSERT/UPDATE/DELETE text. (Setting an attribute
    of a loaded model is not caught; operations are the only place that does it for the
    domain, by review.)"""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func_node = node.func
            name = (func_node.id if isinstance(func_node, ast.Name)
                    else func_node.attr if isinstance(func_node, ast.Attribute) else "")
            statement = (isinstance(func_node, ast.Name) and node.args  # sqlalchemy's
                         or isinstance(func_node, ast.Attribute)          # Table.insert()
                         and ast.unparse(func_node.value).endswith("__table__"))
            if name in {"insert", "update", "delete"} and statement:
                found.append(f"{name}() at line {node.lineno}")
            if name in {"add", "add_all", "merge", "bulk_save_objects",
                        "bulk_insert_mappings", "bulk_update_mappings"} \
                    and isinstance(func_node, ast.Attribute) \
                    and ast.unparse(func_node.value).endswith("session"):
                found.append(f"session.{name}() at line {node.lineno}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_WRITE.match(node.value):
                found.append(f"raw SQL at line {node.lineno}")
    return found


def test_only_the_operations_layer_writes_domain_tables() -> None:
    offenders = {}
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative in WRITERS or relative == LOGGER or relative in OWN_TABLES:
            continue
        writes = _writes(ast.parse(path.read_text(encoding="utf-8")))
        if writes:
            offenders[relative] = writes
    assert offenders == {}


def test_the_write_check_finds_writes() -> None:
    """The check above can fail: it sees each way of writing this code base uses."""
    sample = ast.parse(
        "db.session.execute(insert(Member), rows)\n"
        "db.session.execute(update(Member).where(Member.id == 1).values(name='x'))\n"
        "db.session.add(Member(name='x'))\n"
        "conn.execute(text('UPDATE member SET name = 1'))\n"
        "conn.execute(Member.__table__.delete())\n"
        "seen.update(more)\n"
        "'Update the topics; insert into the log.'\n")
    assert len(_writes(sample)) == 5
    assert _writes(ast.parse((ROOT / "profiles/meetings/operations.py").read_text("utf-8")))


def test_a_template_writes_to_a_stream(app: Flask) -> None:
    from sheets.writing.templates import write_template

    body = io.BytesIO()
    with app.app_context():
        write_template("dues", body)
    assert load_workbook(io.BytesIO(body.getvalue())).sheetnames[0] == SHEET_NAMES["dues"]
