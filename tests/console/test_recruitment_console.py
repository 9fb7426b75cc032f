"""发展党员 in the console: one person walked from the application to full membership
through the forms, refusals naming their rule, the checklist lines closed by the screens
they link to, and who sees what (another branch's applicants never, not even by name)."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from accounts.models import Role
from core.db import db
from profiles.enums import Category, RecruitStage, ReviewConclusion
from profiles.models import Applicant, ChangeLog, Member, Membership
from tests.helpers import factories
from tests.helpers.console import AuthActions, make_account, make_applicant_in

VOTES = {"expected": "10", "present": "8", "in_favour": "7", "against": "1", "abstain": "0"}


def _world(app: Flask) -> dict[str, str]:
    with app.app_context():
        branch = factories.make_branch(code="FZ01", name="发展支部")
        other = factories.make_branch(code="FZ02", name="隔壁支部")
        one = factories.make_member(branch, name="介绍人甲")
        two = factories.make_member(branch, name="介绍人乙")
        factories.make_member(other, name="隔壁党员")
        make_account("sec_fz", Role.SECRETARY, "FZ01")
        make_account("sec_other", Role.SECRETARY, "FZ02")
        make_account("super_fz", Role.SUPERVISOR)
        db.session.commit()
        hidden = make_applicant_in("FZ02", "隔壁申请人")
        return {"one": one.number, "two": two.number, "hidden": str(hidden.id)}


def _login(app: Flask, username: str) -> AuthActions:
    auth = AuthActions(app.test_client())
    assert auth.login(username).status_code == 302
    return auth


def _step(auth: AuthActions, person: int, step: str, **data: str) -> None:
    response = auth.post(f"/console/recruitment/{person}/{step}", **data)
    assert response.status_code == 303, (step, re.findall(r'class="error"[^>]*>([^<]+)',
                                                           response.get_data(as_text=True)))


@pytest.fixture
def setup(app: Flask) -> tuple[AuthActions, dict[str, str]]:
    numbers = _world(app)
    return _login(app, "sec_fz"), numbers


def test_one_person_from_application_to_full_membership(app: Flask, setup) -> None:
    auth, n = setup
    response = auth.post("/console/branches/FZ01/recruitment/new", name="新同志",
                         applied_on="2024-09-01", birth_date="2000-01-01", gender="female",
                         ethnicity="汉族", id_number="", phone="13911112222", address="东路1号")
    assert response.status_code == 303
    person = int(response.headers["Location"].rsplit("/", 1)[1])
    again = auth.post("/console/branches/FZ01/recruitment/new", name="新同志",
                      applied_on="2024-09-01", birth_date="2000-01-01", gender="female",
                      ethnicity="汉族", id_number="", phone="13911112222", address="东路1号")
    assert again.status_code == 400 and "入党申请已登记" in again.get_data(as_text=True)
    _step(auth, person, "talk", talk_on="2024-09-15", talk_by="支部书记")
    _step(auth, person, "activist", decided_on="2024-10-01", filed_on="2024-10-08",
          contact_1=n["one"], contact_2="")
    _step(auth, person, "training", completed_on="2024-12-01", hours="40")
    _step(auth, person, "candidate", opinions_on="2025-09-20", decided_on="2025-10-01")
    _step(auth, person, "introducers", introducer_1=n["one"], introducer_2=n["two"])
    _step(auth, person, "review", reviewed_on="2025-10-15", conclusion="passed")
    _step(auth, person, "intensive", completed_on="2025-10-20", hours="24")
    _step(auth, person, "prereview", prereviewed_on="2025-10-25", pledge_number="ZY-2025-01")
    _step(auth, person, "notice", notice_from="2025-10-26", notice_until="2025-11-01")
    _step(auth, person, "admit", meeting_on="2025-11-05", **VOTES)
    _step(auth, person, "approve", talk_on="2025-11-10", approved_on="2025-11-20", number="")
    twice = auth.post(f"/console/recruitment/{person}/approve", talk_on="2025-11-10",
                      approved_on="2025-11-20", number="")  # a double tap: refused, harmless
    assert twice.status_code == 400 and "按程序逐步进行" in twice.get_data(as_text=True)
    _step(auth, person, "convert", meeting_on="2026-11-05", **VOTES)
    _step(auth, person, "convert_approve", approved_on="2026-11-15")
    with app.app_context():
        a = db.session.get(Applicant, person)
        assert a.stage is RecruitStage.FULL and a.member_id is not None
        member = db.session.get(Member, a.member_id)
        assert (member.name, member.category) == ("新同志", Category.FULL)
        assert db.session.scalar(select(func.count()).select_from(Member).where(
            Member.name == "新同志")) == 1
        assert db.session.scalar(select(func.count()).select_from(Applicant).where(
            Applicant.name == "新同志")) == 1
        assert member.joined_on == dt.date(2025, 11, 5)  # the 支部大会's date
        assert member.converted_on == dt.date(2026, 11, 5)  # the day probation ended
        assert member.phone == "13911112222" and a.phone is None  # moved, one copy
        since = db.session.scalar(select(Membership.since).where(
            Membership.member_id == member.id))
        assert since == dt.date(2025, 11, 5)
        logged = db.session.scalars(select(ChangeLog.action).where(
            ChangeLog.table_name == "applicant",
            ChangeLog.record_key == f"FZ{person:06d}").order_by(ChangeLog.id)).all()
        assert logged[0] == "insert" and len(logged) >= 14  # every step left its trail
        number = member.number
    page = auth.client.get(f"/console/recruitment/{person}").get_data(as_text=True)
    for text in ("正式党员", "2024-09-01", "2025-11-05", "ZY-2025-01", "介绍人甲", number):
        assert text in page
    assert "13911112222" not in page and "139****2222" in page  # masked until revealed
    member_page = auth.client.get(f"/console/members/{number}").get_data(as_text=True)
    assert f"/console/recruitment/{person}" in member_page
    # the yearly development table counts each step in its year
    table = auth.client.get("/console/branches/FZ01/recruitment/table.xlsx?year=2026")
    assert table.status_code == 200
    ws = load_workbook(BytesIO(table.data)).active
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows[2024] == (1, 1, 0, 0, 0, 0)
    assert rows[2025] == (0, 0, 1, 1, 0, 0)
    assert rows[2026] == (0, 0, 0, 0, 1, 0)
    assert rows["合计"] == (1, 1, 1, 1, 1, 0)


def test_a_step_out_of_order_or_incomplete_is_refused_with_its_rule(app: Flask, setup) -> None:
    auth, n = setup
    with app.app_context():
        person = make_applicant_in("FZ01").id
    response = auth.post(f"/console/recruitment/{person}/activist", decided_on="2025-02-01",
                         filed_on="2025-02-02", contact_1=n["one"], contact_2="")
    assert response.status_code == 400
    assert "规则「一个月内与申请人谈话」" in response.get_data(as_text=True)
    _step(auth, person, "talk", talk_on="2025-01-20")
    _step(auth, person, "activist", decided_on="2025-02-01", filed_on="2025-02-02",
          contact_1=n["one"], contact_2="")
    _step(auth, person, "training", completed_on="2025-03-01", hours="30")
    early = auth.post(f"/console/recruitment/{person}/candidate", opinions_on="2026-01-20",
                      decided_on="2026-01-31")
    assert early.status_code == 400
    assert "规则「经过一年以上的培养考察」" in early.get_data(as_text=True)
    for data, message in (({"completed_on": "2025-13-01", "hours": "3"}, "不是日期"),
                          ({"completed_on": "2025-03-01", "hours": "1001"}, "1 到 1000")):
        bad = auth.post(f"/console/recruitment/{person}/training", **data)
        assert bad.status_code == 400 and message in bad.get_data(as_text=True), data
    other_branch = auth.post(f"/console/recruitment/{person}/candidate",
                             opinions_on="2026-02-01", decided_on="2026-02-02")
    assert other_branch.status_code == 303  # a year and a day: allowed
    with app.app_context():
        assert db.session.get(Applicant, person).stage is RecruitStage.CANDIDATE


def test_another_branch_never_sees_an_applicant_not_even_by_name(app: Flask, setup) -> None:
    _, n = setup
    other = _login(app, "sec_other")
    with app.app_context():
        person = make_applicant_in("FZ01", "保密申请人").id
    for url in (f"/console/recruitment/{person}", f"/console/recruitment/{person}/talk",
                "/console/branches/FZ01/recruitment",
                "/console/branches/FZ01/recruitment/table.xlsx"):
        assert other.client.get(url).status_code == 404, url
    assert other.post(f"/console/recruitment/{person}/talk",
                      talk_on="2025-01-20").status_code == 404
    for url in ("/console/", "/console/members?q=保密", "/console/branches/FZ02/recruitment",
                "/console/history"):
        assert "保密申请人" not in other.client.get(url).get_data(as_text=True), url
    own = other.client.get(f"/console/recruitment/{n['hidden']}").get_data(as_text=True)
    assert "隔壁申请人" in own


def test_a_supervisor_reads_without_private_fields_or_forms(app: Flask, setup) -> None:
    auth, _ = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "被督导者").id
    supervisor = _login(app, "super_fz")
    page = supervisor.client.get(f"/console/recruitment/{person}").get_data(as_text=True)
    assert "被督导者" in page and "139" not in page and "/talk" not in page
    assert supervisor.client.get(f"/console/recruitment/{person}/talk").status_code == 403
    english = supervisor.client.get("/console/branches/FZ01/recruitment?lang=en")
    text = english.get_data(as_text=True)
    assert "Recruitment" in text and "Applicant" in text and "Record an application" not in text
    assert supervisor.post(f"/console/recruitment/{person}/reveal").status_code == 403
    revealed = auth.post(f"/console/recruitment/{person}/reveal").get_data(as_text=True)
    assert "13987654321" in revealed
    with app.app_context():
        assert db.session.scalar(select(ChangeLog.action).where(
            ChangeLog.table_name == "applicant", ChangeLog.action == "reveal")) == "reveal"


def _checklist(auth: AuthActions) -> str:
    return auth.client.get("/console/branches/FZ01").get_data(as_text=True)


def _link(page: str, name: str) -> str:
    found = re.search(r'<a href="([^"]+)">' + re.escape(name), page)
    assert found, (name, page[-3000:])
    return found.group(1)


def test_each_recruitment_line_is_closed_by_the_screen_it_links_to(app: Flask, setup) -> None:
    auth, n = setup
    from core.changelog import Actor
    from profiles.recruitment import operations as ops

    who = Actor("t", "t")
    with app.app_context():
        talk = make_applicant_in("FZ01", "待谈话")  # applied 2025-01-10: talk overdue
        activist = make_applicant_in("FZ01", "老积极分子")
        ops.record_talk(who, activist, talk_on=dt.date(2025, 1, 15))
        one = db.session.scalar(select(Member).where(Member.number == n["one"]))
        two = db.session.scalar(select(Member).where(Member.number == n["two"]))
        ops.make_activist(who, activist, decided_on=dt.date(2025, 2, 1),
                          filed_on=dt.date(2025, 2, 2), contacts=[one])
        ops.record_training(who, activist, completed_on=dt.date(2025, 3, 1), hours=20)
        waiting = make_applicant_in("FZ01", "待审批")
        for a, d in ((waiting, dt.date(2023, 1, 15)),):
            a.applied_on = dt.date(2023, 1, 10)
            ops.record_talk(who, a, talk_on=d)
            ops.make_activist(who, a, decided_on=dt.date(2023, 2, 1),
                              filed_on=dt.date(2023, 2, 2), contacts=[one])
            ops.record_training(who, a, completed_on=dt.date(2023, 3, 1), hours=20)
            ops.make_candidate(who, a, opinions_on=dt.date(2024, 2, 1),
                               decided_on=dt.date(2024, 2, 2))
            ops.set_introducers(who, a, [one, two])
            ops.record_review(who, a, reviewed_on=dt.date(2024, 3, 1),
                              conclusion=ReviewConclusion.PASSED)
            ops.record_intensive(who, a, completed_on=dt.date(2024, 3, 5), hours=24)
            ops.record_prereview(who, a, prereviewed_on=dt.date(2024, 3, 10), pledge_number="Z1")
        db.session.commit()
        ids = {"talk": talk.id, "activist": activist.id, "waiting": waiting.id}
    page = _checklist(auth)
    # a 公示 not held (after the 预审): closed by the notice form
    url = _link(page, "待审批：2024-03-10 已预审，未登记公示")
    assert url == f"/console/recruitment/{ids['waiting']}/notice"
    assert auth.post(url, notice_from="2024-03-11", notice_until="2024-03-17").status_code == 303
    assert "未登记公示" not in _checklist(auth)
    _step(auth, ids["waiting"], "admit", meeting_on="2024-04-01", **VOTES)
    page = _checklist(auth)
    url = _link(page, "待审批：2024-04-01 支部大会通过，三个月仍未经上级党委审批")
    assert url == f"/console/recruitment/{ids['waiting']}/approve"
    assert auth.post(url, talk_on="2024-04-05", approved_on="2024-08-01",
                     number="").status_code == 303
    page = _checklist(auth)
    assert "仍未经上级党委审批" not in page
    # a conversion overdue: the member checklist's line, fed by the real dates
    url = _link(page, "待审批：预备期已于2025-04-01届满，尚未转正")
    assert url == f"/console/recruitment/{ids['waiting']}/convert"
    assert auth.post(url, meeting_on="2025-04-01", **VOTES).status_code == 303
    _step(auth, ids["waiting"], "convert_approve", approved_on="2025-04-20")
    page = _checklist(auth)
    assert "尚未转正" not in page
    # a talk overdue: closed by the talk form
    url = _link(page, "待谈话：已递交入党申请书，尚未谈话")
    assert url == f"/console/recruitment/{ids['talk']}/talk"
    assert auth.post(url, talk_on="2025-02-20", talk_by="").status_code == 303
    # an activist past a year (a warning): closed by the 发展对象 form
    page = _checklist(auth)
    assert "尚未谈话" not in page
    url = _link(page, "老积极分子：2025-02-01 确定为入党积极分子，已满一年")
    assert url == f"/console/recruitment/{ids['activist']}/candidate"
    assert auth.post(url, opinions_on="2026-02-01", decided_on="2026-02-02").status_code == 303
    assert "已满一年" not in _checklist(auth)


def test_the_pipeline_and_the_checklist_run_as_many_statements_for_many_people(
        app: Flask, setup) -> None:
    from tests.helpers.pages import count_statements

    auth, _ = setup

    def count(url: str) -> int:
        auth.client.get(url)
        with count_statements(app) as statements:
            assert auth.client.get(url).status_code == 200
        return len(statements)

    urls = ("/console/branches/FZ01/recruitment", "/console/branches/FZ01")
    with app.app_context():
        make_applicant_in("FZ01", "一号")
    few = [count(u) for u in urls]
    with app.app_context():
        for i in range(12):
            make_applicant_in("FZ01", f"多人{i:02d}")
    assert [count(u) for u in urls] == few


# -- the end of the way (发展终止) ------------------------------------------------------------


def _end_log(app: Flask, person: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ChangeLog.changes).where(
            ChangeLog.table_name == "applicant", ChangeLog.record_key == f"FZ{person:06d}",
            ChangeLog.changes.contains("ended_on")).order_by(ChangeLog.id)))


def test_the_secretary_ends_a_way_and_its_checklist_line_goes(app: Flask, setup) -> None:
    auth, _ = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "撤回申请人").id  # applied 2025-01-10, no talk
    talk_line = "撤回申请人：已递交入党申请书，尚未谈话"
    assert talk_line in _checklist(auth) and talk_line in auth.client.get(
        "/console/").get_data(as_text=True)
    offered = auth.client.get(f"/console/recruitment/{person}").get_data(as_text=True)
    assert f"/console/recruitment/{person}/end" in offered
    form = auth.client.get(f"/console/recruitment/{person}/end").get_data(as_text=True)
    assert "终止发展" in form and 'value="2026-11-21"' in form  # today by default
    assert "本人撤回申请" in form and "调离本单位" in form
    done = auth.post(f"/console/recruitment/{person}/end", ended_on="2025-02-01",
                     end_reason="withdrawn", end_note="本人书面撤回")
    assert done.status_code == 303
    assert "撤回申请人 已于 2025-02-01 终止发展：本人撤回申请。" in auth.client.get(
        done.headers["Location"]).get_data(as_text=True)
    assert talk_line not in _checklist(auth)
    assert talk_line not in auth.client.get("/console/").get_data(as_text=True)
    pipeline = auth.client.get("/console/branches/FZ01/recruitment").get_data(as_text=True)
    ended = pipeline.split("已终止", 1)[1]
    for text in ("撤回申请人", "入党申请人", "2025-02-01", "本人撤回申请", "本人书面撤回"):
        assert text in ended, text
    assert "撤回申请人" not in pipeline.split("已终止", 1)[0].split("</ul>", 1)[1]
    assert re.search(r"<span>入党申请人</span> <strong>0</strong>", pipeline)
    page = auth.client.get(f"/console/recruitment/{person}").get_data(as_text=True)
    assert "2025-02-01" in page and "本人撤回申请" in page
    offered = set(re.findall(rf"/console/recruitment/{person}/(\w+)", page))
    assert offered == {"reveal", "reopen"}  # no step any more: only undoing the end
    step = auth.post(f"/console/recruitment/{person}/talk", talk_on="2025-01-20")
    assert step.status_code == 400 and "已于 2025-02-01 终止发展" in step.get_data(as_text=True)
    with app.app_context():
        a = db.session.get(Applicant, person)
        assert (a.ended_on, a.end_reason.value, a.stage) == (
            dt.date(2025, 2, 1), "withdrawn", RecruitStage.APPLICANT)
        from profiles.reports.reads import applicants_on_the_way

        assert person not in {x.id for x in applicants_on_the_way(
            lambda column: column == a.branch_id)}  # the organisation home's gaps


def test_ending_twice_is_a_double_tap_and_a_different_end_is_refused(app: Flask,
                                                                     setup) -> None:
    auth, _ = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "调走者").id
    data = {"ended_on": "2025-03-01", "end_reason": "moved_away", "end_note": ""}
    assert auth.post(f"/console/recruitment/{person}/end", **data).status_code == 303
    again = auth.post(f"/console/recruitment/{person}/end", **data)
    assert again.status_code == 303
    assert "未作改动" in auth.client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_end_log(app, person)) == 1
    other = auth.post(f"/console/recruitment/{person}/end",
                      **{**data, "end_reason": "withdrawn"})
    assert other.status_code == 400
    assert "已于 2025-03-01 终止发展（调离本单位），只能终止一次" in other.get_data(as_text=True)
    assert len(_end_log(app, person)) == 1


def test_an_end_is_written_by_the_secretary_only(app: Flask, setup) -> None:
    _, n = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "旁观者").id
    data = {"ended_on": "2025-03-01", "end_reason": "withdrawn", "end_note": ""}
    supervisor = _login(app, "super_fz")
    assert supervisor.client.get(f"/console/recruitment/{person}/end").status_code == 403
    assert supervisor.post(f"/console/recruitment/{person}/end", **data).status_code == 403
    other = _login(app, "sec_other")
    assert other.client.get(f"/console/recruitment/{person}/end").status_code == 404
    assert other.post(f"/console/recruitment/{person}/end", **data).status_code == 404
    assert _end_log(app, person) == []
    with app.app_context():
        assert db.session.get(Applicant, person).ended_on is None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"ended_on": "2026-11-22"}, "ended_on", "晚于今天"),
    ({"ended_on": "2025-01-09"}, "ended_on", "早于递交入党申请书"),
    ({"ended_on": "2025-13-01"}, "ended_on", "不是日期"),
    ({"end_reason": "other"}, "end_note", "请在说明中写明"),
    ({"end_reason": ""}, "end_reason", "请选择终止发展的原因"),
    ({"end_reason": "not_admitted"}, "end_reason", "不适用于入党申请人"),
    ({"end_note": "长" * 201}, "end_note", "200"),
])
def test_a_bad_end_is_refused_beside_its_field_and_writes_nothing(
        app: Flask, setup, data: dict[str, str], field: str, message: str) -> None:
    auth, _ = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "待定者").id
    good = {"ended_on": "2025-03-01", "end_reason": "withdrawn", "end_note": ""}
    response = auth.post(f"/console/recruitment/{person}/end", **{**good, **data})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    beside = re.search(r'<label class="invalid">[^<]*<(?:input|select)[^>]*name="'
                       + field + r'"[\s\S]*?</label>', page)
    assert beside and message in beside.group(0), page[-2500:]
    assert _end_log(app, person) == []
    with app.app_context():
        assert db.session.get(Applicant, person).ended_on is None


def test_the_yearly_table_counts_the_steps_before_the_end_and_the_end(app: Flask,
                                                                      setup) -> None:
    auth, n = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "中途终止").id
    _step(auth, person, "talk", talk_on="2025-01-20")
    _step(auth, person, "activist", decided_on="2025-02-01", filed_on="2025-02-02",
          contact_1=n["one"], contact_2="")
    _step(auth, person, "end", ended_on="2026-03-01", end_reason="disqualified",
          end_note="不再适合作为入党积极分子")
    table = auth.client.get("/console/branches/FZ01/recruitment/table.xlsx?year=2026")
    ws = load_workbook(BytesIO(table.data)).active
    assert [c.value for c in ws[2]][-1] == "终止发展"
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows[2025] == (1, 1, 0, 0, 0, 0)
    assert rows[2026] == (0, 0, 0, 0, 0, 1)


def test_an_end_recorded_in_error_is_undone_and_the_way_goes_on(app: Flask, setup) -> None:
    auth, _ = setup
    with app.app_context():
        person = make_applicant_in("FZ01", "误终止").id
    _step(auth, person, "end", ended_on="2025-02-01", end_reason="moved_away", end_note="")
    talk_line = "误终止：已递交入党申请书，尚未谈话"
    assert talk_line not in _checklist(auth)
    form = auth.client.get(f"/console/recruitment/{person}/reopen").get_data(as_text=True)
    assert "仅用于纠正误登记的终止" in form
    done = auth.post(f"/console/recruitment/{person}/reopen")
    assert done.status_code == 303
    assert "已恢复 误终止 的发展：重新为入党申请人" in auth.client.get(
        done.headers["Location"]).get_data(as_text=True)
    assert talk_line in _checklist(auth)  # owed again, as before the end
    again = auth.post(f"/console/recruitment/{person}/reopen")  # a double tap
    assert again.status_code == 303
    assert "未终止发展，未作改动" in auth.client.get(
        again.headers["Location"]).get_data(as_text=True)
    pipeline = auth.client.get("/console/branches/FZ01/recruitment").get_data(as_text=True)
    assert "已终止" not in pipeline and "误终止" in pipeline
    _step(auth, person, "talk", talk_on="2025-01-20")
    logged = _end_log(app, person)
    assert len(logged) == 2 and '"ended_on": ["2025-02-01", null]' in logged[1]
