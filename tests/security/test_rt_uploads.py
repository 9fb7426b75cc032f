"""Red-team items 7, 10 and 11 (issue 24): sizes inside an archive are checked before any
part is read, parts are read once into one buffer, big checks go to the worker, each account
has a quota, unconfirmed uploads expire, job results follow the grants, and a secretary's
column map is for their file only, with its effect shown (*both* where a database is used)."""

from __future__ import annotations

import io
import os
import re
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core import jobs
from core.db import db
from sheets.reading import package_checks
from sheets.reading.sheet_file import Upload
from sheets.report.refusal import SheetRefused
from tests.helpers.console import AuthActions, World

JOB_URL = re.compile(r"/console/jobs/([0-9a-f]{32})$")


def _zip(parts: dict[str, int]) -> bytes:
    """A package with parts of the given sizes (zeros: tiny once deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, size in parts.items():
            with package.open(name, "w") as part:
                for start in range(0, size, 1 << 20):
                    part.write(b"\0" * min(1 << 20, size - start))
    return out.getvalue()


def _roster(world: World) -> bytes:
    return f"姓名,入党日期,人员类别,所在支部\n甲,2019-07-01,正式党员,{world.a.name}\n".encode()


def _upload(auth: AuthActions, data: bytes, name: str) -> Any:
    return auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


# -- item 7: bombs -------------------------------------------------------------------------

@pytest.mark.parametrize("parts", [{"xl/worksheets/sheet1.xml": 3 << 20},
                                   {f"xl/worksheets/sheet{i}.xml": 1 << 20 for i in range(7)},
                                   {"xl/sharedStrings.xml": 3 << 20, "[Content_Types].xml": 10}])
def test_a_package_declaring_too_much_is_refused_before_any_part_is_read(
        monkeypatch: pytest.MonkeyPatch, parts: dict[str, int]) -> None:
    from sheets.reading.workbooks import read_book

    monkeypatch.setattr(package_checks, "MAX_XML_BYTES", 2 << 20)
    monkeypatch.setattr(package_checks, "MAX_INFLATED_BYTES", 6 << 20)
    data = _zip(parts)
    assert len(data) < 100_000

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a part was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(SheetRefused) as refused:
        read_book(Upload("bomb.xlsx", data))
    assert "MB" in str(refused.value.problems[0].message)


def test_a_part_is_held_once_not_copied() -> None:
    size = 24 << 20
    package = zipfile.ZipFile(io.BytesIO(_zip({"xl/worksheets/sheet1.xml": size})))
    info = package.getinfo("xl/worksheets/sheet1.xml")
    tracemalloc.start()
    data = package_checks.read_part(package, info)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(data) == size
    assert peak < size * 1.3, peak  # the old read grew a buffer, then copied it: > 2×


def test_a_small_file_that_unpacks_big_is_checked_by_the_worker(
        app: Flask, world: World, auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    import console.imports

    queued: list[str] = []
    monkeypatch.setattr(console.imports, "enqueue", lambda name, job_id: queued.append(job_id))
    data = _zip({"xl/worksheets/sheet1.xml": 2 << 20, "[Content_Types].xml": 10})
    assert len(data) < console.imports.IMPORT_JOB_BYTES
    auth.login("sec_a")
    response = _upload(auth, data, "small.xlsx")
    assert response.status_code == 302 and len(queued) == 1  # not read in the request


def test_uploads_and_jobs_have_a_quota_per_account(app: Flask, world: World,
                                                   auth: AuthActions) -> None:
    app.config["UPLOADS_PER_HOUR"] = 3  # the world's own job for sec_a, and two uploads
    auth.login("sec_a")
    data = _roster(world)
    for _ in range(2):
        assert JOB_URL.search(_upload(auth, data, "r.csv").headers["Location"])
    third = _upload(auth, data, "r.csv")
    assert third.headers["Location"].endswith("/console/import")
    page = auth.client.get("/console/import").get_data(as_text=True)
    assert "最近一小时" in page or "last hour" in page
    AuthActions(app.test_client()).login("sec_b")  # another account is not held up
    other = AuthActions(auth.client.application.test_client())
    other.login("sec_b")
    assert JOB_URL.search(_upload(other, data, "r.csv").headers["Location"])
    app.config["UPLOADS_PER_HOUR"] = 100
    with app.app_context():  # three jobs still waiting: no fourth
        for _ in range(3):
            jobs.new_job("print", "sec_a", "x", {"branch_ids": []})
        db.session.commit()
    assert _upload(auth, data, "r.csv").headers["Location"].endswith("/console/import")
    printed = auth.post("/console/print/all", preset="id1")
    assert printed.headers["Location"].endswith("/console/print")


def test_an_unconfirmed_upload_expires(app: Flask, world: World, auth: AuthActions) -> None:
    from sheets.upload_jobs import expire_uploads

    auth.login("sec_a")
    data = _roster(world)
    job_id = JOB_URL.search(_upload(auth, data, "r.csv").headers["Location"]).group(1)
    folders = list((Path(app.instance_path) / "uploads").iterdir())
    assert len(folders) == 1
    old = time.time() - 25 * 3600
    os.utime(folders[0], (old, old))
    with app.test_request_context():
        assert expire_uploads() == 1
    assert not folders[0].exists()
    response = auth.post(f"/console/jobs/{job_id}/confirm")
    assert response.status_code == 302
    assert "重新上传" in auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)


# -- item 11: results follow the grants ----------------------------------------------------

def _revoke(app: Flask, username: str) -> None:
    from accounts.models import Account, Grant
    from accounts.service import revoke_grant

    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == username))
        for grant in list(db.session.scalars(select(Grant).where(Grant.account_id == account.id))):
            revoke_grant("test", "test", account, grant)
        db.session.commit()


def test_a_revoked_grant_takes_the_jobs_results_away(app: Flask, world: World,
                                                     auth: AuthActions) -> None:
    auth.login("sec_a")
    response = auth.post("/console/print/all", preset="id1")
    printed = JOB_URL.search(response.headers["Location"]).group(1)
    data = _roster(world)
    imported = JOB_URL.search(_upload(auth, data, "r.csv").headers["Location"]).group(1)
    assert auth.client.get(f"/console/jobs/{printed}/file").status_code == 200
    assert auth.client.get(f"/console/jobs/{imported}").status_code == 200
    _revoke(app, "sec_a")
    assert auth.client.get(f"/console/jobs/{printed}/file").status_code == 404
    assert auth.client.get(f"/console/jobs/{printed}").status_code == 404
    assert auth.client.get(f"/console/jobs/{imported}").status_code == 404


# -- item 10: the column map ---------------------------------------------------------------

def test_a_secretarys_map_is_for_their_file_and_shows_its_effect(
        app: Flask, world: World, auth: AuthActions) -> None:
    from sheets.reading.column_map import remembered

    auth.login("sec_a")
    header = "党员编号,姓名,入党日期,转正日期,人员类别,所在支部,备忘"
    rows = [f"{n},{name},2010-07-01,2011-07-01,正式党员,{world.a.name},某某路{i}号"
            for i, (n, name) in enumerate(zip(world.a.member_numbers, world.a.member_names,
                                              strict=True))]
    data = ("\n".join([header, *rows]) + "\n").encode("utf-8-sig")
    job_id = JOB_URL.search(_upload(auth, data, "r.csv").headers["Location"]).group(1)
    with app.app_context():
        unplaced = db.session.get(jobs.Job, job_id).outcome["unplaced"]
    index = next(i for i, u in enumerate(unplaced) if u["header"] == "备忘")
    auth.post(f"/console/jobs/{job_id}/map", **{f"field-{index}": "address"})
    page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert "备忘" in page and "家庭住址" in page and re.search(r"\b2\b[^<]*existing|2 名", page)
    with app.app_context():
        assert remembered("members") == {}  # nobody else's import reads 备忘 as addresses
