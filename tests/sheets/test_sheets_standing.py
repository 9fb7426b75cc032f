"""A roster's statuses through the operations of the life of a membership (issue 18):
流动 / 失联 / 停止党籍 / 出国（境）暂留 with their dates, 恢复 by 正常, and a 历史党员 list's
减少类型 and 减少日期 imported as ended memberships."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.db import db
from profiles.enums import ENDED, MemberStatus
from profiles.models import Branch, Member, Membership, MembershipEnd, MemberStanding
from sheets.importers.members import import_members
from sheets.report.refusal import SheetRefused
from tests.helpers.dates import TODAY
from tests.helpers.sheets import xlsx

BRANCH = "机关第一党支部"


@pytest.fixture
def branch(make_branch: Callable[..., Branch], make_member: Callable[..., Member]) -> Branch:
    found = make_branch(code="ZB01", name=BRANCH)
    make_member(found, number="DY000001", name="张三")
    make_member(found, number="DY000002", name="王芳")
    db.session.commit()
    return found


def _member(number: str) -> Member:
    return db.session.scalars(select(Member).where(Member.number == number)).one()


def _periods(number: str) -> list[tuple[MemberStatus, dt.date, dt.date | None]]:
    return [tuple(r) for r in db.session.execute(  # type: ignore[misc]
        select(MemberStanding.status, MemberStanding.since, MemberStanding.until)
        .join(Member).where(Member.number == number).order_by(MemberStanding.since)).all()]


def test_roster_statuses_with_their_dates_go_through_the_operations(branch: Branch,
                                                                    tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [
        ["党员编号", "姓名", "人员类别", "入党日期", "所在支部", "人员状态", "状态日期",
         "暂留截止日期"],
        ["DY000001", "张三", "正式党员", "2010-07-01", BRANCH, "停止党籍", "2026-03-15", ""],
        ["DY000002", "王芳", "正式党员", "2010-07-01", BRANCH, "出国（境）", "2026-01-01",
         "2027-01-01"],
        ["", "赵六", "正式党员", "2012-07-01", BRANCH, "失联", "2026-02-01", ""],
    ])
    preview = import_members(path, dry_run=True, actor="t", today=TODAY)
    assert {c.label: c.fields["status"][1] for c in preview.changes if "status" in c.fields} \
        == {"张三": MemberStatus.SUSPENDED, "王芳": MemberStatus.ABROAD,
            "赵六": MemberStatus.LOST_CONTACT}
    import_members(path, actor="t", today=TODAY)
    assert _member("DY000001").status is MemberStatus.SUSPENDED
    assert _periods("DY000001") == [(MemberStatus.SUSPENDED, dt.date(2026, 3, 15), None)]
    assert _periods("DY000002") == [(MemberStatus.ABROAD, dt.date(2026, 1, 1),
                                     dt.date(2027, 1, 1))]
    zhao = db.session.scalars(select(Member).where(Member.name == "赵六")).one()
    assert zhao.status is MemberStatus.LOST_CONTACT
    # The same file again changes nothing.
    again = import_members(path, actor="t", today=TODAY)
    assert not any("status" in c.fields for c in again.changes)
    assert len(_periods("DY000001")) == 1


def test_normal_restores_and_a_status_without_a_date_is_dated_by_the_import(
        branch: Branch, tmp_path: Path) -> None:
    first = xlsx(tmp_path / "a.xlsx", [
        ["党员编号", "姓名", "人员类别", "入党日期", "所在支部", "党籍状态"],
        ["DY000001", "张三", "正式党员", "2010-07-01", BRANCH, "停止党籍"]])
    outcome = import_members(first, actor="t", today=TODAY)
    assert any("状态日期" in str(n) for n in outcome.notes)
    assert _periods("DY000001") == [(MemberStatus.SUSPENDED, TODAY, None)]
    later = TODAY + dt.timedelta(days=40)
    back = xlsx(tmp_path / "b.xlsx", [
        ["党员编号", "姓名", "人员类别", "入党日期", "所在支部", "党籍状态"],
        ["DY000001", "张三", "正式党员", "2010-07-01", BRANCH, "正常"]])
    import_members(back, actor="t", today=later)
    assert _member("DY000001").status is MemberStatus.NORMAL
    assert _periods("DY000001") == [(MemberStatus.SUSPENDED, TODAY, later)]


def test_bad_status_dates_are_refused_at_their_row(branch: Branch, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [
        ["党员编号", "姓名", "人员类别", "入党日期", "所在支部", "人员状态", "状态日期",
         "暂留截止日期"],
        ["DY000001", "张三", "正式党员", "2010-07-01", BRANCH, "失联",
         (TODAY + dt.timedelta(days=1)).isoformat(), ""],
        ["DY000002", "王芳", "正式党员", "2010-07-01", BRANCH, "出国（境）暂留", "2026-01-01",
         "2025-12-31"]])
    with pytest.raises(SheetRefused) as refused:
        import_members(path, actor="t", today=TODAY)
    rows = sorted(p.row for p in refused.value.problems)
    assert rows == [2, 3]
    assert _member("DY000001").status is MemberStatus.NORMAL


def test_a_former_members_list_is_imported_as_ended_memberships(branch: Branch,
                                                               tmp_path: Path) -> None:
    path = xlsx(tmp_path / "h.xlsx", [
        ["序号", "姓名", "性别", "入党日期", "所在党支部", "减少类型", "减少日期"],
        [1, "何平", "男", "1978-07-01", BRANCH, "去世", "2024-03-02"],
        [2, "吕洁", "女", "1990-07-01", BRANCH, "转出", "2025-01-10"],
        [3, "钱七", "男", "1985-07-01", BRANCH, "开除党籍", "2023-05-01"]],
        title="历史党员信息")
    import_members(path, actor="t", today=TODAY)
    people = {m.name: m for m in db.session.scalars(select(Member).where(
        Member.name.in_(["何平", "吕洁", "钱七"])))}
    assert {n: m.status for n, m in people.items()} == {
        "何平": MemberStatus.DECEASED, "吕洁": MemberStatus.TRANSFERRED_OUT,
        "钱七": MemberStatus.EXPELLED}
    assert all(m.status in ENDED for m in people.values())
    ends = dict(db.session.execute(select(Member.name, Membership.until).join(
        Membership, Membership.member_id == Member.id).where(
        Membership.end_reason.in_([MembershipEnd.DECEASED, MembershipEnd.EXPELLED,
                                   MembershipEnd.TRANSFERRED_OUT]))).all())
    assert ends == {"何平": dt.date(2024, 3, 2), "吕洁": dt.date(2025, 1, 10),
                    "钱七": dt.date(2023, 5, 1)}


def test_a_former_members_list_needs_a_reason_on_every_row(branch: Branch,
                                                          tmp_path: Path) -> None:
    path = xlsx(tmp_path / "h.xlsx", [
        ["姓名", "入党日期", "所在党支部", "减少类型", "减少日期"],
        ["何平", "1978-07-01", BRANCH, "", "2024-03-02"]], title="历史党员信息")
    with pytest.raises(SheetRefused) as refused:
        import_members(path, actor="t", today=TODAY)
    with force_locale("zh"):
        assert "减少类型" in " ".join(str(p) for p in refused.value.problems)
    titled = xlsx(tmp_path / "t.xlsx", [["姓名", "人员类别", "入党日期", "所在支部"],
                                        ["何平", "正式党员", "1978-07-01", BRANCH]],
                  title="历史党员名册")
    with pytest.raises(SheetRefused) as no_column:
        import_members(titled, actor="t", today=TODAY)
    assert "减少类型" in " ".join(str(p) for p in no_column.value.problems)


def test_abroad_without_its_end_date_is_kept_open_and_asked_for(branch: Branch,
                                                               tmp_path: Path) -> None:
    from profiles.audit.checklist import MemberStandingFact, standing_findings

    path = xlsx(tmp_path / "r.xlsx", [
        ["党员编号", "姓名", "人员类别", "入党日期", "所在支部", "党籍状态", "状态日期"],
        ["DY000002", "王芳", "正式党员", "2010-07-01", BRANCH, "出国（境）", "2026-01-01"]])
    outcome = import_members(path, actor="t", today=TODAY)
    assert any("暂留截止日期" in str(n) for n in outcome.notes)
    assert _periods("DY000002") == [(MemberStatus.ABROAD, dt.date(2026, 1, 1), None)]
    fact = MemberStandingFact("王芳", MemberStatus.ABROAD, dt.date(2026, 1, 1))
    assert [f.rule for f in standing_findings([fact], TODAY)] == ["abroad_undated"]
