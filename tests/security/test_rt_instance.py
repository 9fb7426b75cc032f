"""Red-team item 12 (issue 24): the instance folder and what partycard writes there are
private whatever git made them; anonymous visitors cannot list console routes; full-width
formula starts are quoted in exports."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook

from sheets.writing.safe_text import is_formula_like, write_as_text
from tests.helpers.app import make_app, release_db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_start_makes_the_instance_folder_and_its_files_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    (instance / "uploads" / "abc").mkdir(parents=True)
    (instance / "jobs").mkdir()
    made = [instance / "README.md", instance / "jobs-queue.sqlite3",
            instance / "uploads" / "abc" / "花名册.xlsx", instance / "jobs" / "x.pdf"]
    for path in made:
        path.write_bytes(b"x")
        path.chmod(0o644)
    for folder in (instance, instance / "uploads", instance / "uploads" / "abc",
                   instance / "jobs"):
        folder.chmod(0o755)  # as a git checkout leaves them
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", instance)
    assert _mode(instance) == 0o700
    assert all(_mode(p) == 0o600 for p in made), {str(p): oct(_mode(p)) for p in made}
    assert _mode(instance / "uploads") == 0o700
    release_db(app)


def test_the_job_queue_file_is_created_private(tmp_path: Path) -> None:
    from core.tasks import queue

    old = os.umask(0o022)
    try:
        app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "instance",
                       JOBS_IMMEDIATE=False)
        with app.app_context():
            huey = queue(app).huey
            huey.storage.enqueued_items()  # opens (creates) the file
        assert _mode(tmp_path / "instance" / "jobs-queue.sqlite3") == 0o600
        release_db(app)
    finally:
        os.umask(old)


def test_the_login_count_file_is_private(app: Flask) -> None:
    from tests.security.test_rt_login import _login

    _login(app.test_client(), "nobody", "wrong")
    assert _mode(Path(app.instance_path) / "login-throttle.sqlite3") == 0o600


PATHS = [("GET", "/console/members", "/console/membersx"),
         ("GET", "/console/jobs", "/console/no/such/page"),
         ("POST", "/console/import", "/console/imports"),
         ("GET", "/console/import", "/console/")]  # both real: the same answer


def test_anonymous_visitors_cannot_tell_real_console_paths(app: Flask) -> None:
    client = app.test_client()
    for method, real, made_up in PATHS:
        answers = []
        for path in (real, made_up):
            response = client.open(path, method=method)
            answers.append((response.status_code,
                            response.headers.get("Location", "").split("?")[0]))
        assert answers[0] == answers[1], answers
        assert answers[0][0] == (302 if method == "GET" else 400)  # a POST: no CSRF token


def test_a_signed_in_account_gets_404_for_an_unknown_path(app: Flask, world: object) -> None:
    from tests.helpers.console import AuthActions

    auth = AuthActions(app.test_client())
    auth.login("sec_a")
    assert auth.client.get("/console/no/such/page").status_code == 404


@pytest.mark.parametrize("text", ["＝HYPERLINK(\"http://x/\",\"a\")", "＋1", "－1+2", "＠SUM(A1)",
                                  " =1+1", "\u3000＝1", "﹦1", "−1", "\n=1"])
def test_full_width_and_other_formula_starts_are_quoted(text: str) -> None:
    assert is_formula_like(text)
    book = Workbook()
    sheet = book.active
    sheet["A1"] = text
    assert write_as_text(sheet) == 1
    assert sheet["A1"].quotePrefix and sheet["A1"].data_type == "s"
    assert sheet["A1"].value == text
