"""The console's import asks when new members came (issue 18): the upload takes an as-of
date; a preview whose new members no date covers asks for one, prefilled with today and
marked, and the confirmation dates them by it."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.models import Member, Membership
from tests.helpers.console import AuthActions, World
from tests.helpers.dates import TODAY
from tests.helpers.sheets import ROSTER_HEADER

JOB_URL = re.compile(r"/console/jobs/([0-9a-f]{32})$")


def _csv(world: World) -> bytes:
    rows = [[1, "新成员甲", "男", "1985/3/2", "2019-07-01", "2020-07-01", "正式党员",
             world.a.name, "", "", ""],
            [2, "新成员乙", "女", "1990/3/2", "2012-07-01", "2013-07-01", "正式党员",
             world.a.name, "", "", ""]]
    lines = [",".join(ROSTER_HEADER)] + [",".join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _upload(auth: AuthActions, data: bytes, **form: str) -> Any:
    return auth.client.post("/console/import?lang=zh", data={
        "csrf_token": auth.csrf(), "file": (io.BytesIO(data), "花名册.csv"), **form},
        content_type="multipart/form-data")


def _job(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = JOB_URL.search(response.headers["Location"])
    assert found
    return found.group(1)


def _since(app: Flask) -> dict[str, dt.date]:
    with app.app_context():
        return dict(db.session.execute(
            select(Member.name, Membership.since).join(Membership, Membership.member_id
                                                       == Member.id)
            .where(Member.name.in_(["新成员甲", "新成员乙"]))).all())


def test_the_preview_asks_when_new_members_came(app: Flask, world: World,
                                                auth: AuthActions) -> None:
    auth.login("sec_a")
    form = auth.client.get("/console/import").get_data(as_text=True)
    assert 'name="as_of"' in form and f'max="{TODAY.isoformat()}"' in form
    job_id = _job(_upload(auth, _csv(world)))
    page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    asked = page.split('id="as-of"', 1)[1].split("</fieldset>", 1)[0]
    assert "新成员甲、新成员乙" in asked
    assert f'name="as_of" value="{TODAY.isoformat()}"' in asked and "required" in asked
    confirm = page.split(f'action="/console/jobs/{job_id}/confirm"', 1)[1].split("</form>")[0]
    assert 'id="as-of"' in confirm  # the confirmation sends the date
    assert _since(app) == {}  # the check wrote nothing
    auth.post(f"/console/jobs/{job_id}/confirm", as_of="2026-10-01")
    assert _since(app) == {"新成员甲": dt.date(2026, 10, 1), "新成员乙": dt.date(2026, 10, 1)}


def test_today_as_prefilled_dates_them_today(app: Flask, world: World,
                                             auth: AuthActions) -> None:
    auth.login("sec_a")
    job_id = _job(_upload(auth, _csv(world)))
    auth.post(f"/console/jobs/{job_id}/confirm", as_of=TODAY.isoformat())
    assert set(_since(app).values()) == {TODAY}


def test_an_as_of_date_given_with_the_upload_is_used(app: Flask, world: World,
                                                     auth: AuthActions) -> None:
    auth.login("sec_a")
    job_id = _job(_upload(auth, _csv(world), as_of="2026-09-01"))
    page = auth.client.get(f"/console/jobs/{job_id}").get_data(as_text=True)
    assert 'id="as-of"' not in page  # nothing left undated
    assert "以导入基准日2026-09-01为转入日期：新成员甲、新成员乙" in page
    auth.post(f"/console/jobs/{job_id}/confirm")
    assert set(_since(app).values()) == {dt.date(2026, 9, 1)}


@pytest.mark.parametrize("bad", ["2026-11-22", "1949-09-30", "2026-13-01", "昨天"])
def test_an_as_of_date_out_of_range_is_refused(app: Flask, world: World, auth: AuthActions,
                                               bad: str) -> None:
    auth.login("sec_a")
    refused = _upload(auth, _csv(world), as_of=bad)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/console/import")
    page = auth.client.get("/console/import").get_data(as_text=True)
    assert "导入基准日须为1949-10-01至今天" in page
    job_id = _job(_upload(auth, _csv(world)))
    again = auth.post(f"/console/jobs/{job_id}/confirm", as_of=bad)
    assert again.status_code == 302 and again.headers["Location"].endswith(job_id)
    assert _since(app) == {}  # nothing imported


def test_the_confirmation_needs_its_token(app: Flask, world: World,
                                          auth: AuthActions) -> None:
    auth.login("sec_a")
    job_id = _job(_upload(auth, _csv(world)))
    bad = auth.client.post(f"/console/jobs/{job_id}/confirm", data={"as_of": "2026-10-01"})
    assert bad.status_code == 400
    assert _since(app) == {}


# -- the edit screen corrects the day a member came ------------------------------------------

EDIT = {"name": "新成员甲", "gender": "", "ethnicity": "", "category": "full", "position": "",
        "status": "normal", "joined_on": "2019-07-01", "converted_on": "2020-07-01",
        "probation_extension_months": "", "dues_basis": "wage", "id_number": "", "phone": "",
        "address": "", "birth_date": "", "dues_base": ""}


def _imported(app: Flask, world: World, auth: AuthActions) -> str:
    auth.login("sec_a")
    job_id = _job(_upload(auth, _csv(world)))
    auth.post(f"/console/jobs/{job_id}/confirm", as_of=TODAY.isoformat())
    with app.app_context():
        number = db.session.scalar(select(Member.number).where(Member.name == "新成员甲"))
        assert number is not None
        return number


def test_the_edit_screen_corrects_the_day_a_member_came(app: Flask, world: World,
                                                        auth: AuthActions) -> None:
    from profiles.models import ChangeLog

    number = _imported(app, world, auth)
    form = auth.client.get(f"/console/members/{number}/edit").get_data(as_text=True)
    assert "到本组织日期" in form and f'value="{TODAY.isoformat()}"' in form
    saved = auth.post(f"/console/members/{number}/edit", **{**EDIT, "arrived_on": "2026-09-01"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert _since(app)["新成员甲"] == dt.date(2026, 9, 1)
    with app.app_context():
        row = db.session.scalars(select(ChangeLog).where(ChangeLog.record_key == number)
                                 .order_by(ChangeLog.id.desc())).first()
        assert row is not None and row.actor == "sec_a" and "arrived_on" in row.changes
    history = auth.client.get(f"/console/members/{number}/history")
    assert history.status_code == 200 and "到本组织日期" in history.get_data(as_text=True)


@pytest.mark.parametrize(("day", "message"), [
    ("2019-06-30", "于2019-07-01入党，到本组织日期不能早于此日"),
    ("2026-11-22", "2026-11-22 是将来的日期"),
    ("2026-10-15", "在2026-10-01已有记录"),
])
def test_a_day_outside_the_record_is_refused(app: Flask, world: World, auth: AuthActions,
                                             day: str, message: str) -> None:
    from profiles.models import PointsEntry

    number = _imported(app, world, auth)
    assert auth.post(f"/console/members/{number}/edit",
                     **{**EDIT, "arrived_on": "2026-09-01"}).status_code == 302
    with app.app_context():
        member_id = db.session.scalar(select(Member.id).where(Member.number == number))
        db.session.add(PointsEntry(member_id=member_id, recorded_on=dt.date(2026, 10, 1),
                                   points=2, reason="志愿服务", recorded_by="t"))
        db.session.commit()
    refused = auth.post(f"/console/members/{number}/edit", **{**EDIT, "arrived_on": day})
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert _since(app)["新成员甲"] == dt.date(2026, 9, 1)
    ok = auth.post(f"/console/members/{number}/edit", **{**EDIT, "arrived_on": "2026-10-01"})
    assert ok.status_code == 302
    assert _since(app)["新成员甲"] == dt.date(2026, 10, 1)
