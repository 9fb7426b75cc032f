"""三级考核: scores from the record with their breakdown, a closed month frozen against a
rule change, logged adjustments, who may do what, and rankings on or off."""

from __future__ import annotations

import io
import re

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.db import db
from profiles.models import ChangeLog, Committee, Score, ScoreAdjustment, ScoreMonth
from profiles.scoring.rules import BRANCH, MEMBER, Measure, RuleSpec, score
from tests.helpers.console import AuthActions, World


def test_a_score_is_the_weighted_share_of_each_item() -> None:
    rules = [RuleSpec(BRANCH, "meetings", "会议", 40), RuleSpec(BRANCH, "attendance", "出勤", 30),
             RuleSpec(BRANCH, "dues", "党费", 20, active=False),
             RuleSpec(MEMBER, "points", "积分", 30, target=10)]
    result = score(rules[:3], {"meetings": Measure(1, 2), "attendance": Measure(0, 0)})
    # Half the meetings (20), nothing to measure for attendance (full 30), dues off.
    assert result.total_centi == 5000
    assert [(x.item, x.points_centi) for x in result.lines] == [("meetings", 2000),
                                                                ("attendance", 3000)]
    points = score(rules[3:], {"points": Measure(4, 1)})
    assert points.total_centi == 1200  # 4 of the target 10 → 12 of 30
    assert score(rules[3:], {"points": Measure(25, 1)}).total_centi == 3000  # capped


def _branch_total(html: str) -> str:
    found = re.search(r"<h2>[^<]*<small>([0-9.]+)</small></h2>", html)
    assert found, html
    return found.group(1)


def test_a_closed_month_stays_as_it_was_when_a_rule_changes_and_adjustments_are_logged(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("admin")
    may = f"/console/scores/branches/{world.a.code}?month=2026-05"
    june = f"/console/scores/branches/{world.a.code}?month=2026-06"
    assert auth.client.get("/console/scores?month=2026-05").status_code == 200
    before = _branch_total(auth.client.get(may).get_data(as_text=True))
    june_before = _branch_total(auth.client.get(june).get_data(as_text=True))
    assert auth.post("/console/scores/close", month="2026-05").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScoreMonth)) == 1
        stored = db.session.scalar(select(func.count()).select_from(Score))
        assert stored and stored >= 2 + 4  # two branches, their groups, four members
    # Closing it again, or closing the running month, is refused and writes nothing.
    auth.post("/console/scores/close", month="2026-05")
    auth.post("/console/scores/close", month="2026-11")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScoreMonth)) == 1
    # The rule table changes: the branch's meetings are now worth nothing.
    form = {"branch-meetings-name": "按期召开组织生活会议", "branch-meetings-weight": "0",
            "branch-meetings-active": "on"}
    for item, weight in (("attendance", 30), ("dues", 20), ("gaps", 10)):
        form |= {f"branch-{item}-name": item, f"branch-{item}-weight": str(weight),
                 f"branch-{item}-active": "on"}
    for item, weight in (("meetings", 50), ("attendance", 50)):
        form |= {f"group-{item}-name": item, f"group-{item}-weight": str(weight),
                 f"group-{item}-active": "on"}
    form |= {"member-attendance-name": "a", "member-attendance-weight": "50",
             "member-attendance-active": "on", "member-points-name": "p",
             "member-points-weight": "30", "member-points-target": "10",
             "member-points-active": "on", "member-dues-name": "d",
             "member-dues-weight": "20", "member-dues-active": "on"}
    assert auth.post("/console/scores/rules", **form).status_code == 302
    assert _branch_total(auth.client.get(may).get_data(as_text=True)) == before
    assert _branch_total(auth.client.get(june).get_data(as_text=True)) != june_before
    # A correction: logged, shown with its reason, added to the total.
    with app.app_context():
        branch_score = db.session.scalar(select(Score).where(Score.level == "branch",
                                                             Score.name == world.a.name))
        assert branch_score is not None
        score_id, points = branch_score.id, branch_score.points_centi
    assert auth.post(f"/console/scores/{score_id}/adjust", points="-2.5",
                     reason="会议记录补录有误").status_code == 302
    page = auth.client.get(may).get_data(as_text=True)
    assert "会议记录补录有误" in page
    assert _branch_total(page) == f"{(points - 250) / 100:.2f}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            ChangeLog.table_name == "score_adjustment")) == 1
    # A correction without a reason, or of 0 or 500 points, is refused.
    for bad in ({"points": "1", "reason": " "}, {"points": "0", "reason": "x"},
                {"points": "500", "reason": "x"}, {"points": "abc", "reason": "x"}):
        auth.post(f"/console/scores/{score_id}/adjust", **bad)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScoreAdjustment)) == 1
    assert auth.post("/console/scores/999999/adjust", points="1",
                     reason="x").status_code == 404


def test_supervisors_read_scores_and_change_nothing_and_rankings_can_be_off(
        app: Flask, world: World, auth: AuthActions) -> None:
    auth.login("super")
    page = auth.client.get("/console/scores?month=2026-05").get_data(as_text=True)
    assert world.a.name in page and world.b.name in page and "<th>排名</th>" in page
    assert auth.post("/console/scores/close", month="2026-05").status_code == 403
    book = load_workbook(io.BytesIO(auth.client.get(
        "/console/scores/file?month=2026-05&format=xlsx").data))
    sheet = book["支部考核得分"]
    assert "名次" in [c.value for c in sheet[2]] and sheet.max_row == 2 + 2
    assert "党员考核得分" in book.sheetnames and "党小组考核得分" in book.sheetnames
    assert auth.client.get("/console/scores/file?month=2026-5x").status_code == 400
    assert auth.post("/console/scores/settings", rankings="on").status_code == 403
    assert auth.client.get("/console/scores/rules").status_code == 200
    auth.logout()
    auth.login("sec_a")
    mine = auth.client.get("/console/scores?month=2026-05").get_data(as_text=True)
    assert world.a.name in mine and world.b.name not in mine
    assert auth.client.get(f"/console/scores/branches/{world.b.code}").status_code == 404
    auth.logout()
    auth.login("admin")
    assert auth.post("/console/scores/settings", member_scores="on").status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Committee))
        assert org is not None and not org.rankings_enabled and org.member_scores_visible
    off = auth.client.get("/console/scores?month=2026-05").get_data(as_text=True)
    assert "<th>排名</th>" not in off and world.a.name in off
    book = load_workbook(io.BytesIO(auth.client.get(
        "/console/scores/file?month=2026-05&format=xlsx").data))
    assert "名次" not in [c.value for c in book["支部考核得分"][2]]
    pdf = auth.client.get("/console/scores/file?month=2026-05&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_rankings_off_hide_ranks_on_the_pages_and_the_own_score_shows_when_enabled(
        app: Flask, world: World, auth: AuthActions) -> None:
    from profiles.models import Branch, Member
    from tests.helpers.pages import path

    with app.app_context():
        member_id = db.session.scalar(select(Member.id).where(
            Member.number == world.a.member_numbers[0]))
        branch_id = db.session.scalar(select(Branch.id).where(Branch.code == world.a.code))
        assert member_id is not None and branch_id is not None
        member_page, branch_page = path(app, "member", member_id), path(app, "branch",
                                                                        branch_id)
    public = app.test_client()
    assert "积分排名" in public.get(branch_page).get_data(as_text=True)
    assert "三级考核" not in public.get(member_page).get_data(as_text=True)
    auth.login("admin")
    auth.post("/console/scores/close", month="2026-05")
    # Closed, but not shown until the organisation says so.
    assert "三级考核" not in public.get(member_page).get_data(as_text=True)
    auth.post("/console/scores/settings", member_scores="on")  # rankings off
    member = public.get(member_page).get_data(as_text=True)
    assert "三级考核" in member and "2026-05" in member and "排名第" not in member
    assert "积分排名" not in public.get(branch_page).get_data(as_text=True)
    console = auth.client.get(f"/console/scores/branches/{world.a.code}?month=2026-05")
    assert re.search(r"<summary>\d+\. ", console.get_data(as_text=True)) is None  # no ranks
    auth.post("/console/scores/settings", rankings="on")
    assert "积分排名" in public.get(branch_page).get_data(as_text=True)
    assert "三级考核" not in public.get(member_page).get_data(as_text=True)
    ranked = auth.client.get(f"/console/scores/branches/{world.a.code}?month=2026-05")
    assert re.search(r"<summary>1\. ", ranked.get_data(as_text=True))
