"""The end of the way before admission (发展终止): the rule on both sides of each bound, the
operation logged once (a double tap changes nothing, a different end is refused), no step
after it, and no checklist line for someone whose way has ended."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from profiles.audit.recruitment import OnTheWay, recruitment_findings
from profiles.enums import RecruitEnd, RecruitStage
from profiles.models import ChangeLog
from profiles.recruitment import operations as ops
from profiles.recruitment import rules
from profiles.recruitment.rules import Record
from profiles.writes import RuleViolation
from tests.profiles.recruitment.test_recruitment_rules import (
    ACTIVIST,
    APPLIED,
    CANDIDATE,
    PROBATIONARY,
    TALKED,
)

D = dt.date
TODAY = D(2026, 5, 4)
ENDED_ON = D(2025, 8, 1)


def _end(record: Record, ended_on: dt.date | None = ENDED_ON,
         reason: RecruitEnd | None = RecruitEnd.WITHDRAWN, note: str = "",
         today: dt.date = TODAY) -> list[str | None]:
    return [p.field for p in rules.end_problems(record, ended_on=ended_on, reason=reason,
                                                note=note, today=today)]


def test_an_end_is_on_or_after_the_application_and_not_in_the_future() -> None:
    assert _end(APPLIED, ended_on=APPLIED.applied_on) == []
    assert _end(APPLIED, ended_on=APPLIED.applied_on - dt.timedelta(days=1)) == ["ended_on"]
    assert _end(APPLIED, ended_on=TODAY) == []
    assert _end(APPLIED, ended_on=TODAY + dt.timedelta(days=1)) == ["ended_on"]
    assert _end(APPLIED, ended_on=None) == ["ended_on"]


def test_an_end_comes_on_or_after_the_latest_step_on_record() -> None:
    assert rules.latest_step(CANDIDATE) == ("candidate_on", D(2025, 4, 1))
    assert _end(CANDIDATE, ended_on=D(2025, 4, 1)) == []
    before = rules.end_problems(CANDIDATE, ended_on=D(2025, 3, 31), reason=RecruitEnd.OTHER,
                                note="本人出国", today=TODAY)
    assert [p.field for p in before] == ["ended_on"]
    assert before[0].kwargs["earlier"] == "2025-04-01"
    assert _end(TALKED, ended_on=D(2024, 3, 19)) == ["ended_on"]  # before the talk


def test_a_probationary_or_full_member_is_not_ended_here() -> None:
    refused = rules.end_problems(PROBATIONARY, ended_on=D(2025, 8, 1),
                                 reason=RecruitEnd.WITHDRAWN, today=TODAY)
    assert [p.field for p in refused] == [None]
    assert "member's standing" in str(refused[0])
    full = replace(PROBATIONARY, stage=RecruitStage.FULL)
    assert _end(full) == [None]


def test_a_reason_is_chosen_and_fits_the_stage() -> None:
    assert _end(APPLIED, reason=None) == ["end_reason"]
    assert _end(APPLIED, reason=RecruitEnd.MOVED_AWAY) == []
    assert _end(APPLIED, reason=RecruitEnd.DISQUALIFIED) == ["end_reason"]  # no 资格 yet
    assert _end(ACTIVIST, reason=RecruitEnd.DISQUALIFIED) == []
    assert _end(ACTIVIST, reason=RecruitEnd.NOT_ADMITTED) == ["end_reason"]  # no 支部大会 yet
    assert _end(CANDIDATE, reason=RecruitEnd.NOT_ADMITTED) == []


def test_other_needs_a_note_and_a_note_fits() -> None:
    assert _end(APPLIED, reason=RecruitEnd.OTHER) == ["end_note"]
    assert _end(APPLIED, reason=RecruitEnd.OTHER, note="   ") == ["end_note"]
    assert _end(APPLIED, reason=RecruitEnd.OTHER, note="本人长期出国") == []
    assert _end(APPLIED, note="长" * 200) == []
    assert _end(APPLIED, note="长" * 201) == ["end_note"]


def test_an_end_twice_the_same_is_no_problem_a_different_one_is_refused() -> None:
    ended = replace(ACTIVIST, ended_on=D(2025, 8, 1), end_reason=RecruitEnd.WITHDRAWN)
    assert _end(ended) == []  # a double tap
    for other in ({"ended_on": D(2025, 8, 2)}, {"reason": RecruitEnd.MOVED_AWAY},
                  {"note": "另说"}):
        refused = rules.end_problems(ended, **{"ended_on": D(2025, 8, 1),
                                               "reason": RecruitEnd.WITHDRAWN, "note": "",
                                               "today": TODAY, **other})
        assert [p.field for p in refused] == [None], other
        assert "2025-08-01" in str(refused[0])


def test_no_step_and_nothing_due_after_the_end() -> None:
    ended = replace(APPLIED, ended_on=D(2024, 3, 12), end_reason=RecruitEnd.WITHDRAWN)
    assert rules.next_step(APPLIED) is not None and rules.next_step(ended) is None
    assert [p.field for p in rules.talk_problems(ended, talk_on=D(2024, 3, 15))] == [None]
    assert rules.notice_problems(replace(ended, prereview_on=D(2024, 3, 11)),
                                 notice_from=D(2024, 3, 12), notice_until=D(2024, 3, 18))


# -- the checklist -------------------------------------------------------------------------


def _rules_for(record: Record, today: dt.date = TODAY) -> list[str]:
    return [f.rule for f in recruitment_findings([OnTheWay(1, "王一", record)], today)]


def test_an_overdue_talk_is_a_line_until_the_way_ends() -> None:
    assert _rules_for(APPLIED) == ["talk_overdue"]
    ended = replace(APPLIED, ended_on=D(2024, 3, 25), end_reason=RecruitEnd.WITHDRAWN)
    assert _rules_for(ended) == []


def test_an_activist_past_a_year_is_a_warning_until_the_way_ends() -> None:
    assert _rules_for(ACTIVIST) == ["activist_undecided"]
    ended = replace(ACTIVIST, ended_on=D(2025, 6, 1), end_reason=RecruitEnd.DISQUALIFIED)
    assert _rules_for(ended) == []


# -- the operation --------------------------------------------------------------------------

WHO = Actor("书记甲", "console")


def _applicant(org: dict[str, Any]) -> Any:
    return ops.apply(WHO, branch=org["branch"], name="撤回者", applied_on=D(2025, 1, 2),
                     birth_date=D(2000, 1, 1), today=TODAY)


def _log(key: str) -> list[ChangeLog]:
    return list(db.session.scalars(select(ChangeLog).where(
        ChangeLog.table_name == "applicant", ChangeLog.record_key == key)
        .order_by(ChangeLog.id)))


def test_ending_is_logged_with_the_actor_once_and_a_double_tap_changes_nothing(
        org: dict[str, Any]) -> None:
    a = _applicant(org)
    db.session.commit()
    ops.end_path(WHO, a, ended_on=D(2025, 3, 1), reason=RecruitEnd.WITHDRAWN,
                 note=" 本人书面撤回 ", today=TODAY)
    db.session.commit()
    assert (a.ended_on, a.end_reason, a.end_note) == (D(2025, 3, 1), RecruitEnd.WITHDRAWN,
                                                      "本人书面撤回")
    assert a.stage is RecruitStage.APPLICANT  # the stage reached stays
    log = _log(ops.key_of(a))
    assert [row.action for row in log] == ["insert", "update"]
    assert (log[1].actor, log[1].source) == ("书记甲", "console")
    changes = json.loads(log[1].changes)
    assert changes["ended_on"][1] == "2025-03-01" and changes["end_reason"][1] == "withdrawn"
    ops.end_path(WHO, a, ended_on=D(2025, 3, 1), reason=RecruitEnd.WITHDRAWN,
                 note="本人书面撤回", today=TODAY)
    db.session.commit()
    assert len(_log(ops.key_of(a))) == 2  # nothing written the second time


def test_a_different_second_end_and_a_step_after_the_end_are_refused(
        org: dict[str, Any]) -> None:
    a = _applicant(org)
    ops.end_path(WHO, a, ended_on=D(2025, 3, 1), reason=RecruitEnd.MOVED_AWAY, today=TODAY)
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        ops.end_path(WHO, a, ended_on=D(2025, 4, 1), reason=RecruitEnd.WITHDRAWN, today=TODAY)
    assert "2025-03-01" in str(refused.value.problems[0])
    with pytest.raises(RuleViolation):
        ops.record_talk(WHO, a, talk_on=D(2025, 1, 20), today=TODAY)
    db.session.rollback()
    assert (a.ended_on, a.end_reason, a.talk_on) == (D(2025, 3, 1), RecruitEnd.MOVED_AWAY,
                                                     None)
    assert len(_log(ops.key_of(a))) == 2


def test_reopening_undoes_the_end_logged_and_the_steps_go_on(org: dict[str, Any]) -> None:
    a = _applicant(org)
    ops.end_path(WHO, a, ended_on=D(2025, 3, 1), reason=RecruitEnd.OTHER, note="误登记",
                 today=TODAY)
    ops.reopen(WHO, a)
    assert (a.ended_on, a.end_reason, a.end_note) == (None, None, None)
    ops.reopen(WHO, a)  # a double tap: nothing more
    assert [row.action for row in _log(ops.key_of(a))] == ["insert", "update", "update"]
    ops.record_talk(WHO, a, talk_on=D(2025, 1, 20), today=TODAY)
    assert a.talk_on == D(2025, 1, 20)
