"""Print, import and download screens, and background jobs (immediate mode and one real
consumer thread)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import jobs
from core.changelog import ChangeLog
from core.db import db
from profiles.models import Member
from tests.helpers.console import AuthActions, World
from tests.helpers.pdf import decode_pages, page_count
from tests.helpers.sheets import ROSTER_HEADER

JOB_URL = re.compile(r"/console/jobs/([0-9a-f]{32})$")


def _csv(*rows: list[Any]) -> bytes:
    lines = [",".join(ROSTER_HEADER)] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _upload(auth: AuthActions, data: bytes, name: str = "花名册.csv", **form: str) -> Any:
    return auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data")


def _job_id(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = JOB_URL.search(response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def _uploads(app: Flask) -> list[Path]:
    return sorted((Path(app.instance_path) / "uploads").glob("*/*"))


def _members(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Member.id))) or 0)


def _opens(app: Flask, code: str) -> str:
    """The page a scanned code opens (codes are upper case: QR alphanumeric mode)."""
    from urllib.parse import urlsplit

    response = app.test_client().get(urlsplit(code).path)
    assert response.status_code == 200, code
    return response.get_data(as_text=True)


# --- print ------------------------------------------------------------------------------

def test_branch_cards_come_back_in_the_request_and_every_code_decodes(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    page = auth.client.get(f"/console/branches/{world.a.code}/print")
    assert page.status_code == 200 and world.a.member_names[0] in page.get_data(as_text=True)
    response = auth.post(f"/console/branches/{world.a.code}/print/cards", preset="id1",
                         photo="1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    codes = [c for page_codes in decode_pages(response.data) for c in page_codes]
    assert len(codes) == 2
    shown = {_opens(app, code) for code in codes}
    assert all(any(name in body for body in shown) for name in world.a.member_names)
    # a selection: one member only
    one = auth.post(f"/console/branches/{world.a.code}/print/cards", preset="id1",
                    member=world.a.member_numbers[1])
    assert len([c for p in decode_pages(one.data) for c in p]) == 1


def test_a_selection_naming_another_branchs_member_is_refused(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    response = auth.post(f"/console/branches/{world.a.code}/print/cards", preset="id1",
                         member=world.b.member_numbers[0])
    assert response.status_code == 404
    assert auth.post(f"/console/branches/{world.a.code}/print/cards",
                     preset="nonsense").status_code == 400


def test_poster_in_both_sizes(app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("super")  # supervisors print (a read)
    for size in ("A4", "A3"):
        response = auth.post(f"/console/branches/{world.a.code}/print/poster", size=size)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert page_count(response.data) == 1
        assert len(decode_pages(response.data)[0]) == 1
    assert auth.post(f"/console/branches/{world.a.code}/print/poster",
                     size="A5").status_code == 400


def test_organisation_print_runs_as_a_job_and_only_its_owner_sees_it(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("super")
    job_id = _job_id(auth.post("/console/print/all", preset="id1", back="1"))
    page = auth.client.get(f"/console/jobs/{job_id}")  # immediate mode: done already
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'http-equiv="refresh"' not in body
    assert "4" in body and f"/console/jobs/{job_id}/file" in body
    pdf = auth.client.get(f"/console/jobs/{job_id}/file")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    codes = [c for p in decode_pages(pdf.data) for c in p]
    assert len(codes) == 4  # every member of both branches (backs carry no code)
    assert page_count(pdf.data) == 2  # one sheet and its mirrored back
    # the file is kept in instance/jobs, named by the job
    assert (Path(app.instance_path) / "jobs" / f"{job_id}.pdf").exists()
    # another account does not see it, not even that it exists
    other = AuthActions(app.test_client())
    other.login("sec_a")
    assert other.client.get(f"/console/jobs/{job_id}").status_code == 404
    assert other.client.get(f"/console/jobs/{job_id}/file").status_code == 404
    assert job_id not in other.client.get("/console/jobs").get_data(as_text=True)
    admin = AuthActions(app.test_client())
    admin.login("admin")
    assert admin.client.get(f"/console/jobs/{job_id}/file").status_code == 200


def test_a_secretarys_whole_print_holds_only_their_branches(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    job_id = _job_id(auth.post("/console/print/all", preset="id1"))
    pdf = auth.client.get(f"/console/jobs/{job_id}/file")
    assert len([c for p in decode_pages(pdf.data) for c in p]) == 2


def test_a_running_job_page_refreshes_itself_and_shows_progress(
        app: Flask, world: World, auth: AuthActions) -> None:
    with app.app_context():
        job = jobs.new_job("print", "sec_a", "cards", {})
        db.session.commit()
        jobs.set_progress(job.id, 30, 120)
    auth.login("sec_a")
    body = auth.client.get(f"/console/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in body
    assert 'value="25"' in body and "30 / 120" in body
    assert auth.client.get(f"/console/jobs/{job.id}/file").status_code == 409


def test_a_print_job_that_cannot_print_fails_with_the_reason(app: Flask, world: World) -> None:
    from print.tasks import print_cards_job

    with app.app_context():
        job = jobs.new_job("print", "admin", "cards", {"branch_ids": [], "preset": "id1"})
        db.session.commit()
        print_cards_job(job.id)
        db.session.expire_all()
        failed = db.session.get(jobs.Job, job.id)
        assert failed is not None and failed.state == jobs.FAILED
        assert "没有" in failed.message or "no members" in failed.message.lower()


# --- import -----------------------------------------------------------------------------

def test_upload_check_confirm_import(app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    data = _csv([1, "新成员甲", "男", "1985/3/2", "2019年7月1日", "2020.07.01", "正式党员",
                 world.a.name, "第1小组", "13812345678", ""])
    before = _members(app)
    job_id = _job_id(_upload(auth, data))
    preview = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "新成员甲" in preview and f"/console/jobs/{job_id}/confirm" in preview
    assert "13812345678" not in preview  # private values are masked in the report
    assert _members(app) == before  # the check wrote nothing
    assert len(_uploads(app)) == 1 and _uploads(app)[0].name == "花名册.csv"
    done = auth.post(f"/console/jobs/{job_id}/confirm")
    assert done.status_code == 302
    report = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "新成员甲" in report and f"/console/jobs/{job_id}/confirm" not in report
    assert _members(app) == before + 1
    assert _uploads(app) == []  # the upload is deleted once imported
    with app.app_context():
        log = db.session.scalars(select(ChangeLog).where(ChangeLog.table_name == "member")
                                 .order_by(ChangeLog.id.desc())).first()
        assert log is not None and log.actor == "sec_a" and "花名册.csv" in log.source
    # confirming twice imports nothing more
    auth.post(f"/console/jobs/{job_id}/confirm")
    assert _members(app) == before + 1


def test_a_bad_file_lists_every_problem_by_row_and_column(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    data = _csv([1, "甲", "男", "1985/3/2", "2019-13-01", "", "正式党员", world.a.name, "", "", ""],
                [2, "乙", "女", "1990-01-01", "2019-07-01", "", "党员之星", world.a.name, "", "",
                 ""])
    before = _members(app)
    job_id = _job_id(_upload(auth, data))
    body = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "confirm" not in body
    # header on row 1: data rows 2 and 3; E = 入党日期, G = 人员类别
    assert re.search(r"<td>2</td><td>E 入党日期</td>", body)
    assert re.search(r"<td>3</td><td>G 人员类别</td>", body)
    assert _members(app) == before and _uploads(app) == []


def test_a_secretary_cannot_import_rows_of_another_branch(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("sec_a")
    data = _csv([1, "外来者", "男", "1985/3/2", "2019-07-01", "2020-07-01", "正式党员",
                 world.b.name, "", "", ""])
    before = _members(app)
    job_id = _job_id(_upload(auth, data))
    body = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "confirm" not in body and _members(app) == before
    assert world.b.name in body  # the secretary named it in the file


def test_import_refusals(app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("super")
    assert _upload(auth, _csv()).status_code == 403  # supervisors change nothing
    auth.logout()
    auth.login("sec_a")
    bad = _upload(auth, b"MZ\x90\x00", name="roster.exe")
    assert bad.status_code == 302 and bad.headers["Location"].endswith("/console/import")
    assert _uploads(app) == []
    page = auth.client.get("/console/import").get_data(as_text=True)
    assert ".xlsx" in page


def test_a_big_import_runs_in_the_worker_with_progress(
        app: Flask, world: World, auth: AuthActions) -> None:
    app.config["IMPORT_JOB_BYTES"] = 10  # every upload counts as big
    auth.login("admin")
    rows = [[i, f"成员{i:04d}", "男", "1985-03-02", "2019-07-01", "2020-07-01", "正式党员",
             world.a.name, "", "", ""] for i in range(1, 1201)]
    job_id = _job_id(_upload(auth, _csv(*rows)))
    with app.app_context():
        job = db.session.get(jobs.Job, job_id)
        assert job is not None and job.state == jobs.DONE and job.total > 0  # progress ran
        assert job.outcome["state"] == "checked" and job.outcome["new"] == 1200
    auth.post(f"/console/jobs/{job_id}/confirm")
    assert _members(app) == 4 + 1200


# --- downloads --------------------------------------------------------------------------

def test_templates_and_the_logged_branch_export(app: Flask, world: World,
                                                auth: AuthActions) -> None:
    auth.login("super")
    template = auth.client.get("/console/templates/members.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.data)).active.max_row >= 2
    # named as the sheet is titled, in Chinese (RFC 5987), with an ASCII fallback
    assert "filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C" in template.headers[
        "Content-Disposition"]  # 党员名册
    assert "模板: 党员名册" in auth.client.get("/console/import").get_data(as_text=True)
    assert auth.client.get("/console/templates/nothing.xlsx").status_code == 404
    # the export holds private data: supervisors may not, the branch's secretary may
    assert auth.client.get(f"/console/branches/{world.a.code}/export.xlsx").status_code == 403
    auth.logout()
    auth.login("sec_a")
    export = auth.client.get(f"/console/branches/{world.a.code}/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert world.a.member_names[0] in cells and world.b.member_names[0] not in cells
    with app.app_context():
        logged = db.session.scalars(select(ChangeLog).where(ChangeLog.action == "export")).all()
        assert [(x.actor, x.record_key) for x in logged] == [("sec_a", world.a.code)]
    assert auth.client.get(f"/console/branches/{world.b.code}/export.xlsx").status_code == 404


# --- a real queue -----------------------------------------------------------------------

@pytest.mark.slow
def test_one_real_queued_print_through_a_consumer_thread(
        tmp_path: Path, sqlite_templates: dict[str, Path]) -> None:
    """The queue on SQLite (the default), a consumer thread, a job enqueued by a request."""
    import shutil

    from core.tasks import consumer
    from tests.helpers.app import make_app, release_db
    from tests.helpers.console import build_world

    path = tmp_path / "queued.sqlite3"
    shutil.copy(sqlite_templates["empty"], path)
    app = make_app(f"sqlite:///{path}", tmp_path / "instance")
    app.config["JOBS_IMMEDIATE"] = False
    from core.tasks import EXTENSION, Queue

    app.extensions[EXTENSION] = Queue(app)  # rebuilt: a persistent queue in instance/
    try:
        build_world(app)
        auth = AuthActions(app.test_client())
        auth.login("admin")
        job_id = _job_id(auth.post("/console/print/all", preset="id1"))
        page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
        assert 'http-equiv="refresh"' in page  # queued: nothing ran yet
        assert (tmp_path / "instance" / "jobs-queue.sqlite3").exists()
        worker = consumer(app, workers=1)
        worker._set_signal_handlers = lambda: None  # pytest keeps its own handlers
        worker.start()  # the scheduler and a worker thread; returns at once
        try:
            deadline = time.monotonic() + 120
            state = ""
            while time.monotonic() < deadline:
                with app.app_context():
                    job = db.session.get(jobs.Job, job_id)
                    assert job is not None
                    state = job.state
                if state in jobs.FINISHED:
                    break
                time.sleep(0.2)
        finally:
            worker.stop(graceful=True)
        assert state == jobs.DONE
        pdf = auth.client.get(f"/console/jobs/{job_id}/file")
        assert len([c for p in decode_pages(pdf.data) for c in p]) == 4
    finally:
        release_db(app)


def test_a_finished_job_survives_a_restart(app: Flask, world: World, auth: AuthActions,
                                           database_url: str) -> None:
    """The job's row is in the database and its file in instance/: a new server process
    (a new app on the same database and instance folder) still serves both."""
    from tests.helpers.app import make_app, release_db

    auth.login("sec_a")
    job_id = _job_id(auth.post("/console/print/all", preset="id1"))
    first = auth.client.get(f"/console/jobs/{job_id}/file").data
    restarted = make_app(database_url, Path(app.instance_path))
    try:
        again = AuthActions(restarted.test_client())
        again.login("sec_a")
        assert "下载 PDF" in again.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
        assert again.client.get(f"/console/jobs/{job_id}/file").data == first
    finally:
        release_db(restarted)


def test_with_a_redis_url_the_queue_is_on_redis(app: Flask, world: World) -> None:
    """Production: JOBS_REDIS_URL puts the queue on Redis, where workers on several
    machines take tasks from it; here the task waits there (no consumer runs)."""
    import secrets

    from core.tasks import Queue

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    app.config.update(JOBS_REDIS_URL=url, JOBS_IMMEDIATE=False,
                      JOBS_QUEUE_NAME=f"partycard-test-{secrets.token_hex(4)}")
    queue = Queue(app)
    try:
        assert type(queue.huey).__name__ == "RedisHuey"
        with app.app_context():
            job = jobs.new_job("print", "admin", "cards", {"preset": "id1"})
            db.session.commit()
            queue.bound_task("print_cards")(job.id)
            assert queue.huey.pending_count() == 1
            assert db.session.get(jobs.Job, job.id).state == jobs.QUEUED  # type: ignore[union-attr]
    finally:
        queue.huey.flush()


def test_a_restarted_worker_marks_jobs_it_cut_off_as_failed(app: Flask, world: World,
                                                            auth: AuthActions) -> None:
    from core.tasks import worker_command

    with app.app_context():
        cut_id = jobs.new_job("print", "sec_a", "cards", {}).id
        waiting_id = jobs.new_job("print", "sec_a", "cards", {}).id
        db.session.commit()
        jobs.set_progress(cut_id, 10, 100)
    started: list[int] = []

    class NoConsumer:
        def run(self) -> None:
            started.append(1)

    import core.tasks

    real = core.tasks.consumer
    core.tasks.consumer = lambda app, workers=2: NoConsumer()  # type: ignore[assignment]
    try:
        app.config["JOBS_IMMEDIATE"] = False
        result = app.test_cli_runner().invoke(worker_command, [])
    finally:
        core.tasks.consumer = real
    assert result.exit_code == 0, result.output
    assert started == [1] and "1 interrupted" in result.output
    auth.login("sec_a")
    body = auth.client.get(f"/console/jobs/{cut_id}").get_data(as_text=True)
    assert "重新开始" in body or "Start it again" in body
    with app.app_context():
        assert db.session.get(jobs.Job, waiting_id).state == jobs.QUEUED  # type: ignore[union-attr]


def test_the_mapping_step_places_a_column_and_remembers_it(
        app: Flask, world: World, auth: AuthActions) -> None:
    """A column the importer cannot place (同志姓名 for 姓名): the check says so, the
    administrator says what it holds, the file is checked again and imports; the map is
    remembered (and logged) for the next file. (A secretary's map is for one file only:
    tests/security/test_rt_uploads.py.)"""
    from sheets.reading.column_map import remembered

    auth.login("admin")
    header = ["同志姓名" if h == "姓名" else h for h in ROSTER_HEADER]
    row = [1, "新成员乙", "女", "1990-01-01", "2019-07-01", "2020-07-01", "正式党员",
           world.a.name, "", "", ""]
    data = ("\n".join([",".join(header), ",".join(str(c) for c in row)]) + "\n").encode()
    before = _members(app)
    job_id = _job_id(_upload(auth, data))
    page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "confirm" not in page  # refused: no 姓名 column
    assert f"/console/jobs/{job_id}/map" in page and "同志姓名" in page and "新成员乙" in page
    with app.app_context():
        unplaced = db.session.get(jobs.Job, job_id).outcome["unplaced"]
    index = next(i for i, u in enumerate(unplaced) if u["header"] == "同志姓名")
    # Bad paths: a field that does not exist, and nothing chosen, change nothing.
    assert auth.post(f"/console/jobs/{job_id}/map",
                     **{f"field-{index}": "salary"}).status_code == 400
    assert auth.post(f"/console/jobs/{job_id}/map").status_code == 302
    with app.app_context():
        assert remembered("members") == {}
    assert auth.post(f"/console/jobs/{job_id}/map",
                     **{f"field-{index}": "name"}).status_code == 302
    page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert f"/console/jobs/{job_id}/confirm" in page and "新成员乙" in page
    auth.post(f"/console/jobs/{job_id}/confirm")
    assert _members(app) == before + 1
    with app.app_context():
        assert "name" in remembered("members").values()
        log = db.session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "column_mapping")).one()
        assert log.actor == "admin"
    # The next file with the same header is placed without asking.
    row[1], row[3] = "新成员丙", "1991-02-03"
    again = ("\n".join([",".join(header), ",".join(str(c) for c in row)]) + "\n").encode()
    page = auth.client.get(f"/console/jobs/{_job_id(_upload(auth, again))}").get_data(
        as_text=True)
    assert "/confirm" in page and "同志姓名" not in page.split("<h2>")[-1]


def test_the_mapping_step_keeps_the_choices_made(app: Flask, world: World,
                                                 auth: AuthActions) -> None:
    """Issue 20: "不导入此列" (and any field chosen) is still chosen on the next check, not
    forgotten; a column the importer cannot place is offered with the choice made."""
    from sheets.reading.column_map import set_mapping

    auth.login("sec_a")
    header = ["同志姓名" if h == "姓名" else h for h in ROSTER_HEADER]
    row = [1, "新成员丁", "女", "1990-01-01", "2019-07-01", "2020-07-01", "正式党员",
           world.a.name, "", "", ""]
    data = ("\n".join([",".join(header), ",".join(str(c) for c in row)]) + "\n").encode()
    with app.app_context():
        set_mapping("members", "同志姓名", "", "sec_a")  # chosen before: do not import
    page = auth.client.get(f"/console/jobs/{_job_id(_upload(auth, data))}").get_data(
        as_text=True)
    block = page.split("同志姓名", 1)[1].split("</select>", 1)[0]
    assert '<option value="-" selected>' in block
    assert block.count(" selected") == 1
    # refused for want of the column: the mapping step is pointed to first, and focused
    assert page.index('href="#map"') < page.index('class="problems"')
    assert re.search(r'<select name="field-0" autofocus>', page)
