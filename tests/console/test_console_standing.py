"""The console's standing screen and the former members (历史党员) list: writes through
the operations, CSRF, another branch's member unseen, and no page by the card after the
end of a membership."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import func, select

from core.db import db
from profiles.enums import MemberStatus
from profiles.models import (
    ChangeLog,
    Member,
    MemberPhoto,
    Membership,
    MembershipEnd,
    MemberStanding,
)
from tests.helpers.console import AuthActions, World


def _status(app: Flask, number: str) -> MemberStatus:
    with app.app_context():
        return db.session.scalar(select(Member.status).where(Member.number == number))


def test_a_secretary_suspends_and_restores_a_member(app: Flask, world: World,
                                                    auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    page = auth.client.get(f"/console/members/{number}")
    assert f"/console/members/{number}/standing" in page.get_data(as_text=True)
    form = auth.client.get(f"/console/members/{number}/standing")
    assert form.status_code == 200 and "停止党籍" in form.get_data(as_text=True)
    done = auth.post(f"/console/members/{number}/standing", action="suspended",
                     since="2026-03-15", until="", reason="")
    assert done.status_code == 302, done.get_data(as_text=True)
    assert _status(app, number) is MemberStatus.SUSPENDED
    back = auth.post(f"/console/members/{number}/standing", action="normal",
                     since="2026-06-10", until="", reason="")
    assert back.status_code == 302
    assert _status(app, number) is MemberStatus.NORMAL
    with app.app_context():
        periods = db.session.execute(select(MemberStanding.status, MemberStanding.since,
                                            MemberStanding.until)).all()
        assert periods == [(MemberStatus.SUSPENDED, dt.date(2026, 3, 15), dt.date(2026, 6, 10))]
        actors = {r.actor for r in db.session.scalars(select(ChangeLog).where(
            ChangeLog.record_key == number))}
        assert "sec_a" in actors


def test_bad_dates_and_a_missing_reason_are_refused_and_shown(app: Flask, world: World,
                                                              auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    future = auth.post(f"/console/members/{number}/standing", action="lost_contact",
                       since="2030-01-01", until="", reason="")
    assert future.status_code == 400 and "在今天之后" in future.get_data(as_text=True)
    abroad = auth.post(f"/console/members/{number}/standing", action="abroad",
                       since="2026-01-01", until="2025-12-31", reason="")
    assert abroad.status_code == 400 and "须晚于开始日期" in abroad.get_data(as_text=True)
    no_reason = auth.post(f"/console/members/{number}/standing", action="end",
                          since="2026-09-01", until="", reason="")
    assert no_reason.status_code == 400 and "减少类型" in no_reason.get_data(as_text=True)
    no_csrf = auth.client.post(f"/console/members/{number}/standing",
                               data={"action": "suspended", "since": "2026-03-15"})
    assert no_csrf.status_code == 400
    assert _status(app, number) is MemberStatus.NORMAL


def test_another_branchs_secretary_sees_nothing(app: Flask, world: World,
                                                auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_b")
    assert auth.client.get(f"/console/members/{number}/standing").status_code == 404
    refused = auth.post(f"/console/members/{number}/standing", action="suspended",
                        since="2026-03-15", until="", reason="")
    assert refused.status_code == 404
    assert _status(app, number) is MemberStatus.NORMAL


def test_an_ended_member_is_a_former_member_in_the_console_only(
        app: Flask, world: World, auth: AuthActions) -> None:
    number, name = world.a.member_numbers[0], world.a.member_names[0]
    assert auth.client.get(f"/m/{world.a.member_token}").status_code == 200
    auth.login("sec_a")
    ended = auth.post(f"/console/members/{number}/standing", action="end",
                      since="2026-09-01", until="", reason="deceased")
    assert ended.status_code == 302, ended.get_data(as_text=True)
    assert _status(app, number) is MemberStatus.DECEASED
    with app.app_context():
        assert db.session.execute(select(Membership.until, Membership.end_reason).join(
            Member).where(Member.number == number)).one() == (
                dt.date(2026, 9, 1), MembershipEnd.DECEASED)
    former = auth.client.get("/console/former-members").get_data(as_text=True)
    assert name in former and "去世" in former and "2026-09-01" in former
    assert world.a.member_names[1] not in former  # a current member is not listed
    # The other branch's secretary does not see branch A's former member.
    other = AuthActions(app.test_client())
    other.login("sec_b")
    assert name not in other.client.get("/console/former-members").get_data(as_text=True)
    # No page by the card any more, and the screen refuses further changes.
    anonymous = app.test_client()
    gone = anonymous.get(f"/m/{world.a.member_token}")
    assert gone.status_code == 404 and name not in gone.get_data(as_text=True)
    again = auth.post(f"/console/members/{number}/standing", action="suspended",
                      since="2026-10-01", until="", reason="")
    assert again.status_code == 400 and _status(app, number) is MemberStatus.DECEASED
    assert "历史党员的状态不能再更改" in again.get_data(as_text=True)
    # The same end submitted again (a double tap): done, nothing written twice.
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(ChangeLog))
    twice = auth.post(f"/console/members/{number}/standing", action="end",
                      since="2026-09-01", until="", reason="deceased")
    assert twice.status_code == 302 and _status(app, number) is MemberStatus.DECEASED
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangeLog)) == logged


def test_an_impossible_date_is_refused_even_when_nothing_would_change(
        app: Flask, world: World, auth: AuthActions) -> None:
    number = world.a.member_numbers[0]  # 正常 already: 恢复 would change nothing
    auth.login("sec_a")
    for day in ("9999-12-31", "0001-01-01"):
        refused = auth.post(f"/console/members/{number}/standing", action="normal",
                            since=day, until="", reason="")
        assert refused.status_code == 400, day
    assert _status(app, number) is MemberStatus.NORMAL


def test_a_former_members_photo_is_not_served_by_the_card(app: Flask, world: World,
                                                          auth: AuthActions) -> None:
    number = world.a.member_numbers[0]
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.number == number))
        db.session.add(MemberPhoto(member_id=member.id, content_type="image/png",
                                   data=b"\x89PNG fake"))
        db.session.commit()
    photo = f"/m/{world.a.member_token}/photo"
    assert app.test_client().get(photo).status_code == 200
    auth.login("sec_a")
    ended = auth.post(f"/console/members/{number}/standing", action="end",
                      since="2026-09-01", until="", reason="removed")
    assert ended.status_code == 302
    assert app.test_client().get(photo).status_code == 404
