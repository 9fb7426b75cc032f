"""The console's report screens: who gets which branches, bad input, the background job."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.helpers.console import AuthActions, World

URL = "/console/reports/file?kind=month&period=2026-10"


def _names_in(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True)
                    for c in row if c is not None)


def test_a_supervisor_downloads_the_organisation_and_a_secretary_only_theirs(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("super")
    assert auth.client.get("/console/reports").status_code == 200
    response = auth.client.get(URL + "&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    text = _names_in(response.data)
    assert world.a.name in text and world.b.name in text
    # Never a private field: the world's members all have a phone number.
    assert "13812345678" not in text
    auth.logout()
    auth.login("sec_a")
    mine = _names_in(auth.client.get(URL + "&format=xlsx").data)
    assert world.a.name in mine and world.b.name not in mine and world.b.code not in mine


BAD = ["kind=week&period=2026-10", "kind=month&period=2026-13", "kind=quarter&period=2026-5",
       "kind=year&period=1800", "kind=month&period=x", "kind=month&period=2026-10&gb=999",
       "kind=month&period=2026-10&format=doc"]


def test_bad_report_requests_are_refused_and_the_pdf_is_a_pdf(
        world: World, auth: AuthActions) -> None:
    auth.login("admin")
    for query in BAD:
        assert auth.client.get(f"/console/reports/file?{query}").status_code == 400, query
    response = auth.client.get("/console/reports/file?kind=year&period=2026&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_long_report_runs_as_a_job_its_owner_downloads(
        app: Flask, world: World, auth: AuthActions, monkeypatch: pytest.MonkeyPatch) -> None:
    import console.reports

    monkeypatch.setattr(console.reports, "INLINE_BRANCHES", 1)
    auth.login("super")
    page = auth.client.get(URL + "&format=xlsx")
    assert page.status_code == 200 and b'action="/console/reports/job"' in page.data
    # Without the CSRF token, nothing is started.
    assert auth.client.post("/console/reports/job", data={
        "kind": "month", "period": "2026-10", "format": "xlsx"}).status_code == 400
    started = auth.post("/console/reports/job", kind="month", period="2026-10", format="xlsx")
    assert started.status_code == 302
    job_url = started.headers["Location"]
    assert f'href="{job_url}/file"' in auth.client.get(job_url).get_data(as_text=True)
    data = auth.client.get(job_url + "/file")
    assert data.status_code == 200, auth.client.get(job_url).get_data(as_text=True)
    assert world.a.name in _names_in(data.data)
    # Another account cannot see the job.
    auth.logout()
    auth.login("sec_a")
    assert auth.client.get(job_url + "/file").status_code == 404
    assert auth.post("/console/reports/job", kind="month", period="2026-13",
                     format="xlsx").status_code == 400
