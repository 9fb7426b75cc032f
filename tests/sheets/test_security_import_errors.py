"""An import the database refuses says why: busy, unreachable or read-only (issue 14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from core.db import db
from core.dberrors import classify
from profiles.models import Member
from tests.helpers.app import make_app, release_db
from tests.helpers.sheets import csv_file

BUSY = "数据库正忙"
READ_ONLY = "数据库为只读"
UNREACHABLE = "无法连接数据库"


def _roster(tmp_path: Path) -> Path:
    return csv_file(tmp_path / "roster.csv", [
        ["党员编号", "姓名", "上级党组织", "所在支部", "入党日期", "人员类别"],
        ["X0001", "张三", "测试机关党委", "新支部", "2019-07-01", "正式党员"],
    ], "utf-8")


def _import(app: Flask, roster: Path) -> str:
    result = app.test_cli_runner().invoke(
        args=["import", "members", str(roster), "--create-branches"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def _members(url: str, tmp_path: Path) -> int:
    app = make_app(url, tmp_path / "check")
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Member)) or 0
    release_db(app)
    return n


def test_a_read_only_database_is_not_called_busy(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:  # as a hot standby or a read-only role would answer
        read_only = database_url + "?options=-c%20default_transaction_read_only%3Don"
    app = make_app(read_only, tmp_path / "instance")
    output = _import(app, _roster(tmp_path))
    release_db(app)
    assert READ_ONLY in output and BUSY not in output
    assert _members(database_url, tmp_path) == 0


@pytest.mark.parametrize("url", ["postgresql://postgres@127.0.0.1:1/partycard",
                                 "sqlite:////nonexistent-folder/partycard.sqlite3"])
def test_an_unreachable_database_is_not_called_busy(url: str, tmp_path: Path) -> None:
    app = make_app(url, tmp_path / "instance")
    output = _import(app, _roster(tmp_path))
    release_db(app)
    assert UNREACHABLE in output and BUSY not in output
    assert "DATABASE_URL" in output


def test_busy_is_still_busy() -> None:
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert classify(locked) == "busy"
    assert classify(IntegrityError("INSERT", {}, Exception("duplicate key"))) == "busy"
    assert classify(OperationalError("SELECT", {}, Exception("no such column: x"))) is None


def test_any_other_database_refusal_is_a_message_not_a_traceback(app: Flask,
                                                                 tmp_path: Path) -> None:
    def rename(old: str, new: str) -> None:
        with app.app_context():
            db.session.execute(db.text(f"ALTER TABLE {old} RENAME TO {new}"))
            db.session.commit()

    rename("change_log", "change_log_away")  # as if the schema were older than the code
    try:
        output = _import(app, _roster(tmp_path))
    finally:
        rename("change_log_away", "change_log")
    assert "数据库拒绝了本次导入" in output and "db upgrade" in output
