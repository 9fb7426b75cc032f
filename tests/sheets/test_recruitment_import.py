"""An owip-style 发展党员 register: each person at their stage with the dates of the steps;
someone already admitted becomes a member (the same person, linked); every refusal says
how to fix its row, and nothing is written then."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from core.changelog import Actor
from core.db import db
from profiles.enums import Category, RecruitEnd, RecruitStage
from profiles.models import Applicant, ChangeLog, Member, Membership
from profiles.recruitment import operations as ops
from sheets.importers.recruitment import import_recruitment
from sheets.reading.sheet_file import Upload
from sheets.report.refusal import SheetRefused
from tests.helpers import factories
from tests.helpers.pages import path
from tests.helpers.sheets import xlsx

HEADER = ["姓名", "性别", "出生年月", "所在支部", "发展阶段", "提交书面申请书时间",
          "谈话时间", "确定为入党积极分子时间", "培养联系人", "确定为发展对象时间",
          "入党介绍人", "支部大会通过时间", "上级党委审批时间", "转正时间", "联系电话",
          "党校培训学时"]
ROWS = [
    ["赵申请", "男", "2001-03", "发展支部", "入党申请人", "2026-10-01", "", "", "", "", "", "",
     "", "", "13800001111", ""],
    ["钱积极", "女", "1998-05-02", "发展支部", "积极分子", "2025-01-05", "2025-01-20",
     "2025-03-01", "老党员甲", "", "", "", "", "", "", 32],
    ["孙预备", "男", "1995-01-01", "发展支部", "预备党员", "2023-02-01", "2023-02-15",
     "2023-04-01", "老党员甲", "2024-05-01", "老党员甲、老党员乙", "2026-06-01",
     "2026-07-01", "", "13900002222", 40],
    ["李正式", "女", "1990-09-09", "发展支部", "正式党员", "2020-03-01", "2020-03-20",
     "2020-05-01", "老党员乙", "2021-06-01", "老党员甲、老党员乙", "2021-09-01",
     "2021-10-01", "2022-09-10", "", ""],
]


@pytest.fixture
def register(app: Flask, tmp_path: Path) -> Path:
    with app.app_context():
        branch = factories.make_branch(code="FZ01", name="发展支部")
        factories.make_member(branch, name="老党员甲")
        factories.make_member(branch, name="老党员乙")
        db.session.commit()
    return xlsx(tmp_path / "发展党员台账.xlsx", [HEADER, *ROWS], title="发展党员工作台账")


def _upload(path: Path) -> Upload:
    return Upload(path.name, path.read_bytes())


def test_a_register_imports_each_person_at_their_stage(app: Flask, register: Path) -> None:
    dry = app.test_cli_runner().invoke(args=["import", "recruitment", str(register),
                                             "--dry-run"])
    assert dry.exit_code == 0, dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Applicant)) == 0
        try:
            outcome = import_recruitment(_upload(register), actor="tester")
        except SheetRefused as e:
            raise AssertionError([str(p) for p in e.problems]) from None
        assert outcome.inserted == 6  # four people, two of them members too
        people = {a.name: a for a in db.session.scalars(select(Applicant))}
        assert {n: a.stage for n, a in people.items()} == {
            "赵申请": RecruitStage.APPLICANT, "钱积极": RecruitStage.ACTIVIST,
            "孙预备": RecruitStage.PROBATIONARY, "李正式": RecruitStage.FULL}
        assert people["赵申请"].phone == "13800001111" and people["钱积极"].training_hours == 32
        admitted = db.session.get(Member, people["孙预备"].member_id)
        assert (admitted.category, admitted.joined_on) == (Category.PROBATIONARY,
                                                           dt.date(2026, 6, 1))
        assert admitted.phone == "13900002222" and people["孙预备"].phone is None
        full = db.session.get(Member, people["李正式"].member_id)
        assert (full.category, full.converted_on) == (Category.FULL, dt.date(2022, 9, 1))
        assert db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.member_id.in_([admitted.id, full.id]))) == 2
        logged = db.session.scalars(select(ChangeLog.changes).where(
            ChangeLog.table_name == "applicant")).all()
        assert len(logged) == 4 and not any("13800001111" in c for c in logged)  # masked
        # the imported person goes on through the console's operations, the same record
        a = people["孙预备"]
        ops.record_conversion_meeting(Actor("t", "t"), a, meeting_on=dt.date(2027, 6, 1),
                                      votes=ops.Votes(9, 9, 9, 0, 0))
        ops.approve_conversion(Actor("t", "t"), a, approved_on=dt.date(2027, 6, 10))
        assert a.member_id == admitted.id and admitted.category is Category.FULL
        db.session.rollback()
        again = import_recruitment(_upload(register), actor="tester")
        assert (again.inserted, again.unchanged) == (0, 4)  # imported twice adds nobody


BAD_ROWS: list[tuple[dict[int, str], str]] = [
    ({4: "2008-01-01"}, "年满十八岁"),  # too young on the day of the application
    ({9: "2024-03-31"}, "经过一年以上的培养考察"),
    ({10: "老党员甲"}, "两名正式党员作入党介绍人"),
    ({10: "老党员甲、无此人"}, "无此人"),
    ({11: ""}, "填写该单元格"),  # a 预备党员 has the date of the 支部大会
    ({12: "2026-05-01"}, "请检查两个单元格"),  # approved before the meeting
    ({15: "0"}, "培训学时为 1 到 1000 之间的整数"),
]


def test_a_bad_row_is_refused_saying_how_to_fix_it(app: Flask, register: Path,
                                                   tmp_path: Path) -> None:
    for change, message in BAD_ROWS:
        row = list(ROWS[2])
        for index, value in change.items():
            row[index] = value
        if change.get(4) == "2008-01-01":
            row[2], row[4] = "2008-01-01", "预备党员"
        path = xlsx(tmp_path / "bad.xlsx", [HEADER, row])
        with app.app_context(), pytest.raises(SheetRefused) as refused:
            import_recruitment(_upload(path), actor="tester")
        with app.test_request_context(), force_locale("zh"):
            text = "；".join(str(p) for p in refused.value.problems)
        assert message in text and "第2行" in text, text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Applicant)) == 0


def test_the_member_page_names_the_introducers_only_if_the_organisation_enables_it(
        app: Flask, register: Path) -> None:
    with app.app_context():
        import_recruitment(_upload(register), actor="tester")
        member_id = db.session.scalar(select(Applicant.member_id).where(
            Applicant.name == "孙预备"))
        url = path(app, "member", member_id)
    client = app.test_client()
    page = client.get(url).get_data(as_text=True)
    assert "孙预备" in page and "老党员乙" not in page and "入党介绍人" not in page
    assert "13900002222" not in page and "1995-01-01" not in page  # private, as any member's
    app.config["SHOW_INTRODUCERS"] = True
    page = client.get(url).get_data(as_text=True)
    assert "入党介绍人" in page and "老党员甲、老党员乙" in page


def test_a_register_may_say_a_way_ended_and_the_end_is_checked(app: Flask, register: Path,
                                                                tmp_path: Path) -> None:
    """终止发展时间 / 原因 / 说明: the person is on record as ended (no checklist line for
    them), checked with the console's rule: after the latest step, a reason that fits the
    stage, never for someone admitted."""
    header = [*HEADER, "终止发展时间", "终止发展原因", "终止发展说明"]
    ended = [*ROWS[1], "2025-09-01", "取消入党积极分子资格", "不再适合作为入党积极分子"]
    path = xlsx(tmp_path / "ended.xlsx", [header, [*ROWS[0], "", "", ""], ended])
    with app.app_context():
        import_recruitment(_upload(path), actor="tester")
        people = {a.name: a for a in db.session.scalars(select(Applicant))}
        a = people["钱积极"]
        assert (a.ended_on, a.end_reason, a.end_note, a.stage) == (
            dt.date(2025, 9, 1), RecruitEnd.DISQUALIFIED, "不再适合作为入党积极分子",
            RecruitStage.ACTIVIST)
        assert people["赵申请"].ended_on is None
        from profiles.audit.recruitment import OnTheWay, recruitment_findings
        from profiles.recruitment.reads import record_of

        assert not recruitment_findings([OnTheWay(a.id, a.name, record_of(a))],
                                        dt.date(2026, 11, 21))
        db.session.rollback()
    for row, message in (
            ([*ROWS[1], "2025-02-01", "本人撤回申请", ""], "早于确定为入党积极分子"),
            ([*ROWS[1], "2025-09-01", "", ""], "请选择终止发展的原因"),
            ([*ROWS[0], "2026-10-02", "支部大会未通过或上级未批准", ""], "不适用于入党申请人"),
            ([*ROWS[2], "2026-08-01", "调离本单位", ""], "已是党员")):
        bad = xlsx(tmp_path / "bad-end.xlsx", [header, row])
        with app.app_context(), pytest.raises(SheetRefused) as refused:
            import_recruitment(_upload(bad), actor="tester")
        with app.test_request_context(), force_locale("zh"):
            text = "；".join(str(p) for p in refused.value.problems)
        assert message in text and "第2行" in text, text
