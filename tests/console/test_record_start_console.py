"""Where the record begins in the console (issue 18): proposed in the import's preview
with a field for an administrator, set on confirm; the settings screen (administrators
only, a month in range, CSRF, logged); what the home page says."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import ChangeLog, Committee
from tests.helpers.console import AuthActions, World

ROSTER = "姓名,人员类别,入党日期\n新成员乙,正式党员,2010-07-01\n".encode()


def _start(app: Flask) -> dt.date | None:
    with app.app_context():
        return db.session.scalar(select(Committee.records_from).order_by(Committee.id).limit(1))


def _upload(auth: AuthActions, world: World) -> str:
    response = auth.client.post("/console/import", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(ROSTER), "花名册.csv"),
        "branch": world.a.code}, content_type="multipart/form-data")
    return str(response.headers["Location"].rsplit("/", 1)[1])


def _unset(app: Flask) -> None:
    with app.app_context():
        for committee in db.session.scalars(select(Committee)):
            committee.records_from = None
        db.session.commit()


def test_the_preview_proposes_and_the_admin_may_change_it(app: Flask, world: World,
                                                          auth: AuthActions) -> None:
    _unset(app)
    auth.login("admin")
    job = _upload(auth, world)
    preview = auth.client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "记录起点：将设为2026年11月（导入当月）" in preview
    assert 'name="records_from" value="2026-11" min="1949-10" max="2026-11"' in preview
    assert _start(app) is None  # a preview sets nothing
    bad = auth.post(f"/console/jobs/{job}/confirm", records_from="2027-01")
    assert bad.status_code == 302 and _start(app) is None
    auth.post(f"/console/jobs/{job}/confirm", records_from="2025-01")
    assert _start(app) == dt.date(2025, 1, 1)
    report = auth.client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "记录起点：已设为2025年1月（所给的月份）" in report


def test_a_secretary_sees_the_proposal_without_a_field(app: Flask, world: World,
                                                       auth: AuthActions) -> None:
    _unset(app)
    auth.login("sec_a")
    job = _upload(auth, world)
    preview = auth.client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "记录起点：将设为2026年11月" in preview and 'name="records_from"' not in preview
    auth.post(f"/console/jobs/{job}/confirm", records_from="1990-01")  # ignored
    assert _start(app) == dt.date(2026, 11, 1)


def test_a_start_set_is_not_proposed_again(app: Flask, world: World,
                                           auth: AuthActions) -> None:
    with app.app_context():
        for committee in db.session.scalars(select(Committee)):
            committee.records_from = dt.date(2024, 1, 1)
        db.session.commit()
    auth.login("admin")
    job = _upload(auth, world)
    preview = auth.client.get(f"/console/jobs/{job}").get_data(as_text=True)
    assert "记录起点" not in preview and 'name="records_from"' not in preview
    auth.post(f"/console/jobs/{job}/confirm", records_from="2025-01")
    assert _start(app) == dt.date(2024, 1, 1)


def _settings_post(auth: AuthActions, **data: Any) -> Any:
    return auth.post("/console/settings/record", **data)


def test_the_settings_screen_sets_and_clears_for_admins_only(app: Flask, world: World,
                                                             auth: AuthActions) -> None:
    _unset(app)
    auth.login("admin")
    home = auth.client.get("/console/").get_data(as_text=True)
    assert "记录起点未设置" in home and "/console/settings/record" in home
    page = auth.client.get("/console/settings/record").get_data(as_text=True)
    assert 'type="month"' in page and 'min="1949-10"' in page and 'max="2026-11"' in page
    for bad in ("1949-09", "2026-12", "2025-13", "x"):
        response = _settings_post(auth, records_from=bad)
        # refused as every console form refuses (400), the month kept in the field
        assert response.status_code == 400 and _start(app) is None, bad
        assert f'value="{bad}"' in response.get_data(as_text=True), bad
    assert _settings_post(auth, records_from="2025-01").status_code == 302
    assert _start(app) == dt.date(2025, 1, 1)
    home = auth.client.get("/console/").get_data(as_text=True)
    assert "记录自2025年1月起" in home and "记录起点未设置" not in home
    assert _settings_post(auth, clear="1").status_code == 302
    assert _start(app) is None
    with app.app_context():
        rows = db.session.scalars(select(ChangeLog).where(
            ChangeLog.table_name == "committee")).all()
        assert {r.actor for r in rows} == {"admin"} and len(rows) >= 2
    # No CSRF token: refused, nothing set.
    assert auth.client.post("/console/settings/record",
                            data={"records_from": "2025-01"}).status_code == 400
    assert _start(app) is None


def test_the_settings_screen_is_not_for_secretaries(app: Flask, world: World,
                                                    auth: AuthActions) -> None:
    _unset(app)
    auth.login("sec_a")
    assert auth.client.get("/console/settings/record").status_code == 403
    assert _settings_post(auth, records_from="2025-01").status_code == 403
    assert _start(app) is None
    home = auth.client.get("/console/").get_data(as_text=True)
    assert "记录起点未设置" not in home
