"""Fault tests: an import killed mid-write, two imports at once, pages during an import.

Imports run as real ``flask import members`` processes against a file database (SQLite)
or a PostgreSQL database; the tests watch the database for the importer's open write
transaction, so the kill lands inside it, not before or after.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.db import database_uri
from tests.helpers.app import make_app, release_db
from tests.helpers.databases import BACKENDS, truncate
from tests.helpers.dates import TODAY
from tests.helpers.pages import path
from tests.helpers.paths import ROOT

COMMITTEE = "中共示范区直属机关委员会"
RETRY = "请重新运行"  # the Chinese message for an import that lost a race: nothing written


@dataclass
class Target:
    """A database the import processes write to."""

    url: str
    instance: Path
    started: list[subprocess.Popen[str]] = field(default_factory=list)

    def stop_all(self) -> None:
        """Kill and reap any import still running (a failed test must not leak one)."""
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None and not stream.closed:
                    stream.close()

    def counts(self) -> dict[str, int]:
        """Rows per table that an import touches."""
        engine = create_engine(database_uri(self.url))
        with engine.connect() as conn:
            out = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                   for t in ("member", "branch", "party_group", "committee", "change_log")}
        engine.dispose()
        return out

    def members_with(self, prefix: str) -> int:
        engine = create_engine(database_uri(self.url))
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM member WHERE number LIKE :p"),
                             {"p": prefix + "%"}).scalar_one()
        engine.dispose()
        return int(n)

    def writing(self) -> bool:
        """Whether another connection holds an open write transaction right now."""
        if self.url.startswith("sqlite"):
            probe = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=0,
                                    isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
        engine = create_engine(database_uri(self.url))
        with engine.connect() as conn:
            held = conn.execute(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname IN ('member', 'branch', 'committee') "
                "AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")).scalar_one()
        engine.dispose()
        return bool(held)

    def start_import(self, roster: Path) -> subprocess.Popen[str]:
        """``flask import members ROSTER --create-branches`` in its own process."""
        env = dict(os.environ, PARTYCARD_DATABASE_URL=self.url, PARTYCARD_TODAY=str(TODAY))
        app_spec = f"app:create_app(instance_path='{self.instance}')"
        proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", app_spec, "import", "members",
             str(roster), "--create-branches"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.started.append(proc)
        return proc


def write_roster(file: Path, rows: int, prefix: str, branch: str) -> Path:
    """A CSV roster of ``rows`` new members in five new branches."""
    with file.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["党员编号", "姓名", "上级党组织", "所在支部", "入党日期", "人员类别"])
        for i in range(rows):
            writer.writerow([f"{prefix}{i:06d}", f"测试{prefix}{i}", COMMITTEE,
                             f"{branch}第{i % 5 + 1}支部", "2010-07-01", "正式党员"])
    return file


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path,
           sqlite_templates: dict[str, Path]) -> Iterator[Target]:
    """The demo organisation on SQLite, or the session's empty PostgreSQL database."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if request.param == "sqlite":
        shutil.copy(sqlite_templates["demo"], tmp_path / "demo.sqlite3")
        target = Target(f"sqlite:///{tmp_path / 'demo.sqlite3'}", instance)
        yield target
        target.stop_all()
    else:
        url = request.getfixturevalue("postgres_url")
        target = Target(url, instance)
        yield target
        target.stop_all()
        truncate(url)


def _kill_inside_the_write(target: Target, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not target.writing():
        if proc.poll() is not None:
            raise AssertionError("the import finished before its write was observed: "
                                 f"exit {proc.returncode}, {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "no write transaction seen in 120 s"
        time.sleep(0.003)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]


def test_an_import_killed_mid_write_leaves_the_database_as_before(target: Target,
                                                                  tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", 6000, "FK", "中断测试")
    before = target.counts()
    _kill_inside_the_write(target, target.start_import(roster))
    assert target.counts() == before
    if target.url.startswith("sqlite"):
        check = sqlite3.connect(target.url.removeprefix("sqlite:///"))
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        check.close()
    # And the same file imports cleanly afterwards.
    proc = target.start_import(roster)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert target.members_with("FK") == 6000


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err, err
    return proc.returncode, out + err


def test_two_imports_at_once_leave_a_consistent_database(target: Target,
                                                         tmp_path: Path) -> None:
    a = write_roster(tmp_path / "a.csv", 3000, "FA", "并发甲")
    b = write_roster(tmp_path / "b.csv", 3000, "FB", "并发乙")
    before = target.counts()["member"]
    runs = {a: target.start_import(a), b: target.start_import(b)}
    for roster, proc in runs.items():
        code, output = _finish(proc)
        if code != 0:
            # Lost the race: refused whole with a clear message; importing again succeeds.
            assert RETRY in output, output
            code, output = _finish(target.start_import(roster))
        assert code == 0, output
    assert target.members_with("FA") == target.members_with("FB") == 3000
    assert target.counts()["member"] == before + 6000


def test_the_same_file_twice_at_once_imports_it_exactly_once(target: Target,
                                                             tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "same.csv", 3000, "FS", "并发丙")
    before = target.counts()["member"]
    results = [_finish(p) for p in (target.start_import(roster), target.start_import(roster))]
    assert 0 in [code for code, _ in results]
    for code, output in results:
        assert code == 0 or RETRY in output, output
    assert target.members_with("FS") == 3000
    assert target.counts()["member"] == before + 3000
    code, output = _finish(target.start_import(roster))
    assert code == 0 and "没有变化" in output, output


def test_pages_keep_answering_while_an_import_writes(tmp_path: Path,
                                                     sqlite_templates: dict[str, Path]) -> None:
    database = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_templates["demo"], database)
    target = Target(f"sqlite:///{database}", tmp_path / "instance")
    target.instance.mkdir()
    app = make_app(target.url, target.instance)
    client = app.test_client()
    page = path(app, "member", 1)
    assert client.get(page).status_code == 200
    proc = target.start_import(write_roster(tmp_path / "big.csv", 8000, "FP", "读写测试"))
    during_write: list[float] = []
    seen: list[int] = []
    while proc.poll() is None:
        writing = target.writing()
        started = time.perf_counter()
        status = client.get(page).status_code
        elapsed = time.perf_counter() - started
        seen.append(status)
        if writing and proc.poll() is None:
            during_write.append(elapsed)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert seen and set(seen) == {200}
    assert during_write, "no page was requested while the import held its write lock"
    assert max(during_write) < 1.0, during_write  # WAL: readers never wait for the writer
    release_db(app)
