"""签到 in a real browser at 360 px: a signed-in secretary and an anonymous visitor open the
same card URLs; only the secretary is offered 签到, and the branch page's figures follow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from accounts.models import Role
from core.changelog import Actor
from core.db import db
from profiles.cards import reissue_card
from profiles.enums import MemberStatus
from profiles.models import Branch, Member
from tests.helpers.console import PASSWORD, make_account
from tests.helpers.dates import TODAY
from tests.helpers.pages import path

SHOTS = Path("/tmp/partycard-checkin-shots")


def _demo(app: Flask) -> dict[str, Any]:
    """A demo branch with its secretary's account, three members, a replaced card and a
    member of another branch."""
    with app.app_context():
        active = Member.status != MemberStatus.TRANSFERRED_OUT
        code = db.session.scalar(
            select(Branch.code).join(Member, Member.branch_id == Branch.id).where(active)
            .group_by(Branch.code).having(func.count() >= 5).order_by(Branch.code).limit(1))
        branch = db.session.scalar(select(Branch).where(Branch.code == code))
        assert branch is not None
        people = list(db.session.scalars(select(Member).where(
            Member.branch_id == branch.id, active).order_by(Member.number).limit(4)))
        other = db.session.scalar(select(Member).where(Member.branch_id != branch.id, active)
                                  .order_by(Member.number).limit(1))
        assert other is not None and len(people) == 4
        old_card = path(app, "member", people[3].id, people[3].card_generation)
        reissue_card(Actor("test", "test"), people[3])
        make_account("sec_demo", Role.SECRETARY, branch.code)
        db.session.commit()
        return {
            "code": branch.code, "branch": path(app, "branch", branch.id,
                                                branch.card_generation),
            "names": [m.name for m in people[:3]],
            "cards": [path(app, "member", m.id, m.card_generation) for m in people[:3]],
            "replaced": old_card, "other": path(app, "member", other.id,
                                                other.card_generation),
            "other_name": other.name,
        }


def _theme_day_row(page: Any) -> str:
    rows = page.locator("table.grid tr", has_text="主题党日")
    return str(rows.first.inner_text()) if rows.count() else ""


def test_secretary_checks_in_three_members_by_scanning(browser: Any, live_app: Flask,
                                                       live_server: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    demo = _demo(live_app)
    phone = {"viewport": {"width": 360, "height": 780}, "locale": "zh-CN"}
    secretary = browser.new_context(**phone)
    anonymous = browser.new_context(**phone)
    foreign: list[str] = []
    for context in (secretary, anonymous):
        context.on("request", lambda r: foreign.append(r.url)
                   if not r.url.startswith(live_server) else None)
    try:
        sec, anon = secretary.new_page(), anonymous.new_page()
        anon.goto(live_server + demo["branch"])
        before = _theme_day_row(anon)

        sec.goto(f"{live_server}/console/login")
        sec.fill("input[name=username]", "sec_demo")
        sec.fill("input[name=password]", PASSWORD)
        sec.click("button[type=submit]")
        today = TODAY.isoformat()
        sec.goto(f"{live_server}/console/branches/{demo['code']}/meetings/new")
        sec.select_option("select[name=kind]", "theme_day")
        sec.fill("input[name=held_on]", today)
        sec.fill("input[name=topic]", "扫码签到演示")
        sec.click("form.stack button[type=submit]")
        sec.click("a.button[href$='/checkin']")
        sec.click("button:has-text('开始签到')")
        assert "签到进行中" in sec.content()
        sec.screenshot(path=str(SHOTS / "1-checkin-open.png"), full_page=True)

        for i, (card, name) in enumerate(zip(demo["cards"], demo["names"], strict=True)):
            anon.goto(live_server + card)  # the same code in anyone else's hands
            assert anon.locator("form").count() == 0
            assert anon.title().startswith(name) or name in anon.content()
            sec.goto(live_server + card)  # the camera app opens the card's URL
            assert f"签到：{name} → 主题党日 {today}" in sec.content()
            if i == 0:
                sec.screenshot(path=str(SHOTS / "2-offer.png"), full_page=True)
            sec.click("button.big")
            assert f"✓ {name} 已签到" in sec.content()
            if i == 0:
                sec.screenshot(path=str(SHOTS / "3-done.png"), full_page=True)

        sec.goto(live_server + demo["cards"][0])  # a double scan
        assert "已签到" in sec.content() and sec.locator("button.big").count() == 0
        sec.screenshot(path=str(SHOTS / "4-double.png"), full_page=True)

        response = sec.goto(live_server + demo["replaced"])
        assert response is not None and response.status == 410
        assert "此卡已被换发，请使用新卡" in sec.content()
        sec.screenshot(path=str(SHOTS / "5-replaced.png"), full_page=True)

        response = sec.goto(live_server + demo["other"])
        assert response is not None and response.status == 409
        # Refused with the reason, naming nobody this secretary may not see.
        assert "未签到" in sec.content() and demo["other_name"] not in sec.content()
        sec.screenshot(path=str(SHOTS / "6-other-branch.png"), full_page=True)

        sec.goto(f"{live_server}/console/branches/{demo['code']}/meetings")
        sec.click("a.tag:has-text('签到中')")
        present = sec.locator("#present").inner_text()
        assert all(name in present for name in demo["names"])
        sec.screenshot(path=str(SHOTS / "7-screen.png"), full_page=True)
        width = sec.evaluate("document.documentElement.scrollWidth")
        assert width <= 360

        sec.click("button:has-text('结束签到')")  # back on the meeting: mark the rest
        assert "请将未签到的党员标记为请假或缺席" in sec.content()
        for name, url in (("9-meeting", None),
                          ("10-dues", f"/console/branches/{demo['code']}/dues"),
                          ("11-evaluations", f"/console/branches/{demo['code']}/evaluations"),
                          ("12-new-meeting", f"/console/branches/{demo['code']}/meetings/new")):
            if url:
                sec.goto(live_server + url)
            sec.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
            assert sec.evaluate("document.documentElement.scrollWidth") <= 360, name

        anon.goto(live_server + demo["branch"])
        after = _theme_day_row(anon)
        assert after and after != before
        anon.screenshot(path=str(SHOTS / "8-branch-page.png"), full_page=True)
        assert not foreign
    finally:
        secretary.close()
        anonymous.close()
