"""The rules of 发展党员, pure: each threshold tested on both of its sides, and a step out
of order or without what it needs refused with the rule named."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from profiles.enums import RecruitStage, ReviewConclusion
from profiles.recruitment import rules
from profiles.recruitment.rules import Due, Person, Record, Votes

D = dt.date
FULL_A, FULL_B = Person(1, "甲", True), Person(2, "乙", True)
PROBATIONER = Person(3, "丙", False)
GONE = Person(4, "丁", True, active=False)

APPLIED = Record(stage=RecruitStage.APPLICANT, applied_on=D(2024, 3, 10))
TALKED = replace(APPLIED, talk_on=D(2024, 3, 20))
ACTIVIST = replace(TALKED, stage=RecruitStage.ACTIVIST, activist_on=D(2024, 4, 1),
                   activist_filed_on=D(2024, 4, 5), contacts=1)
TRAINED = replace(ACTIVIST, training_on=D(2024, 6, 1))
CANDIDATE = replace(TRAINED, stage=RecruitStage.CANDIDATE, opinions_on=D(2025, 3, 20),
                    candidate_on=D(2025, 4, 1))
READY = replace(CANDIDATE, introducers=2, review_on=D(2025, 5, 1),
                review_conclusion=ReviewConclusion.PASSED, intensive_on=D(2025, 5, 10))
PREREVIEWED = replace(READY, prereview_on=D(2025, 6, 1), pledge_number="ZY2025001")
NOTICED = replace(PREREVIEWED, notice_from=D(2025, 6, 2), notice_until=D(2025, 6, 8))
RESOLVED = replace(NOTICED, admit_meeting_on=D(2025, 6, 20))
PROBATIONARY = replace(RESOLVED, stage=RecruitStage.PROBATIONARY, approved_on=D(2025, 7, 1))
GOOD_VOTES = Votes(expected=10, present=8, in_favour=6, against=1, abstain=1)


def rules_named(problems: list) -> set[str]:
    """The rules the problems name (their "rule" parameter), or their fields."""
    return {p.kwargs.get("rule") or p.field for p in problems}


def test_applicant_is_at_least_18_on_the_day_of_the_application() -> None:
    birthday = D(2006, 5, 1)
    assert not rules.application_problems(name="王一", birth_date=birthday,
                                          applied_on=D(2024, 5, 1))
    young = rules.application_problems(name="王一", birth_date=birthday,
                                       applied_on=D(2024, 4, 30))
    assert rules_named(young) == {rules.RULES["age"]}
    assert [p.field for p in young] == ["birth_date"]
    assert young[0].kwargs["age"] == 17


def test_an_application_needs_a_name_birth_date_and_a_date_not_in_the_future() -> None:
    found = rules.application_problems(name=" ", birth_date=None, applied_on=D(2026, 1, 2),
                                       today=D(2026, 1, 1))
    assert {p.field for p in found} == {"name", "birth_date", "applied_on"}
    bad_id = rules.application_problems(name="王一", birth_date=D(1990, 1, 1),
                                        applied_on=D(2024, 1, 1), id_number="110105199003071230")
    assert [p.field for p in bad_id] == ["id_number"]


def test_talk_within_a_month_of_the_application() -> None:
    applied = D(2024, 3, 10)
    assert rules.talk_due(applied) == D(2024, 4, 10)
    assert not rules.talk_late(applied, D(2024, 4, 10))
    assert rules.talk_late(applied, D(2024, 4, 11))
    assert not rules.talk_problems(APPLIED, talk_on=D(2024, 3, 10))
    early = rules.talk_problems(APPLIED, talk_on=D(2024, 3, 9))
    assert rules_named(early) == {rules.RULES["order"]}


def test_an_activist_needs_the_talk_a_filing_and_one_or_two_full_members_as_contacts() -> None:
    ok = dict(decided_on=D(2024, 4, 1), filed_on=D(2024, 4, 5))
    assert not rules.activist_problems(TALKED, contacts=[FULL_A], **ok)
    assert not rules.activist_problems(TALKED, contacts=[FULL_A, FULL_B], **ok)
    no_talk = rules.activist_problems(APPLIED, contacts=[FULL_A], **ok)
    assert rules_named(no_talk) == {rules.RULES["talk"]}
    for contacts in ([], [FULL_A, FULL_B, PROBATIONER], [PROBATIONER], [GONE], [FULL_A, FULL_A]):
        found = rules.activist_problems(TALKED, contacts=contacts, **ok)
        assert rules_named(found) == {rules.RULES["contacts"]}, contacts
    unfiled = rules.activist_problems(TALKED, contacts=[FULL_A], decided_on=D(2024, 4, 1),
                                      filed_on=None)
    assert [p.field for p in unfiled] == ["filed_on"]
    filed_first = rules.activist_problems(TALKED, contacts=[FULL_A], decided_on=D(2024, 4, 5),
                                          filed_on=D(2024, 4, 1))
    assert [p.field for p in filed_first] == ["filed_on"]


def test_at_least_a_year_as_activist_before_becoming_a_candidate() -> None:
    assert rules.candidate_eligible_on(D(2024, 4, 1)) == D(2025, 4, 1)
    assert not rules.candidate_problems(TRAINED, opinions_on=D(2025, 3, 20),
                                        decided_on=D(2025, 4, 1))
    early = rules.candidate_problems(TRAINED, opinions_on=D(2025, 3, 20),
                                     decided_on=D(2025, 3, 31))
    assert rules_named(early) == {rules.RULES["activist_year"]}
    untrained = rules.candidate_problems(ACTIVIST, opinions_on=D(2025, 3, 20),
                                         decided_on=D(2025, 4, 1))
    assert rules_named(untrained) == {rules.RULES["order"]}


def test_training_hours_are_bounded() -> None:
    assert not rules.training_problems(ACTIVIST, completed_on=D(2024, 6, 1), hours=1)
    assert not rules.training_problems(ACTIVIST, completed_on=D(2024, 6, 1), hours=1000)
    for hours in (0, 1001, None):
        found = rules.training_problems(ACTIVIST, completed_on=D(2024, 6, 1), hours=hours)
        assert [p.field for p in found] == ["hours"]


def test_two_full_members_introduce() -> None:
    assert not rules.introducer_problems(CANDIDATE, [FULL_A, FULL_B])
    for people in ([FULL_A], [FULL_A, PROBATIONER], [FULL_A, FULL_A]):
        assert rules_named(rules.introducer_problems(CANDIDATE, people)) == {
            rules.RULES["introducers"]}
    assert rules_named(rules.introducer_problems(ACTIVIST, [FULL_A, FULL_B])) == {
        rules.RULES["order"]}


def test_the_prereview_needs_introducers_a_passed_review_and_the_intensive_training() -> None:
    assert not rules.prereview_problems(READY, prereviewed_on=D(2025, 6, 1),
                                        pledge_number="ZY1")
    failed = replace(READY, review_conclusion=ReviewConclusion.FAILED)
    assert rules_named(rules.prereview_problems(failed, prereviewed_on=D(2025, 6, 1),
                                                pledge_number="ZY1")) == {rules.RULES["review"]}
    alone = replace(READY, introducers=1)
    assert rules_named(rules.prereview_problems(alone, prereviewed_on=D(2025, 6, 1),
                                                pledge_number="ZY1")) == {
        rules.RULES["introducers"]}
    unnumbered = rules.prereview_problems(READY, prereviewed_on=D(2025, 6, 1), pledge_number=" ")
    assert [p.field for p in unnumbered] == ["pledge_number"]


def test_the_notice_lasts_five_days_and_ends_before_the_meeting() -> None:
    assert not rules.notice_problems(PREREVIEWED, notice_from=D(2025, 6, 2),
                                     notice_until=D(2025, 6, 6))
    short = rules.notice_problems(PREREVIEWED, notice_from=D(2025, 6, 2),
                                  notice_until=D(2025, 6, 5))
    assert rules_named(short) == {rules.RULES["notice"]}
    late = rules.notice_problems(replace(PREREVIEWED, admit_meeting_on=D(2025, 6, 6)),
                                 notice_from=D(2025, 6, 2), notice_until=D(2025, 6, 6))
    assert rules_named(late) == {rules.RULES["notice"]}
    no_prereview = rules.notice_problems(READY, notice_from=D(2025, 6, 2),
                                         notice_until=D(2025, 6, 8))
    assert rules_named(no_prereview) == {rules.RULES["notice"]}


@pytest.mark.parametrize(("votes", "rule"), [
    (Votes(10, 6, 6, 0, 0), None),  # 6 of 10 present, 6 in favour
    (Votes(10, 5, 5, 0, 0), "quorum"),  # half present is not more than half
    (Votes(10, 6, 5, 1, 0), "majority"),  # 5 of all 10: not more than half of ALL
    (Votes(9, 5, 5, 0, 0), None),  # odd: 5 of 9 is more than half
    (Votes(9, 4, 4, 0, 0), "quorum"),
    (Votes(10, 11, 6, 0, 0), "counts"),  # 实到 > 应到
    (Votes(10, 8, 6, 2, 1), "counts"),  # 赞成+反对+弃权 > 实到
])
def test_the_meeting_resolves_with_a_quorum_and_a_majority_of_all(votes: Votes,
                                                                  rule: str | None) -> None:
    found = rules.vote_problems(votes)
    assert rules_named(found) == ({rules.RULES[rule]} if rule else set())


def test_counts_are_whole_and_in_range() -> None:
    found = rules.vote_problems(Votes(None, -1, 3, 0, 10_001))
    assert {p.field for p in found} == {"expected", "present", "abstain"}
    assert rules.vote_problems(Votes(0, 0, 0, 0, 0))[0].field == "expected"


def test_the_admission_meeting_comes_after_the_notice() -> None:
    assert not rules.admission_problems(NOTICED, meeting_on=D(2025, 6, 9), votes=GOOD_VOTES)
    same_day = rules.admission_problems(NOTICED, meeting_on=D(2025, 6, 8), votes=GOOD_VOTES)
    assert rules_named(same_day) == {rules.RULES["notice"]}
    unnoticed = rules.admission_problems(PREREVIEWED, meeting_on=D(2025, 6, 20),
                                         votes=GOOD_VOTES)
    assert rules_named(unnoticed) == {rules.RULES["notice"]}
    twice = rules.admission_problems(RESOLVED, meeting_on=D(2025, 6, 21), votes=GOOD_VOTES)
    assert rules_named(twice) == {rules.RULES["order"]}


def test_approval_within_three_months_of_the_meeting() -> None:
    meeting = D(2025, 6, 20)
    assert rules.approval_due(meeting) == D(2025, 9, 20)
    assert not rules.approval_late(meeting, D(2025, 9, 20))
    assert rules.approval_late(meeting, D(2025, 9, 21))
    assert not rules.approval_problems(RESOLVED, talk_on=D(2025, 6, 25),
                                       approved_on=D(2025, 7, 1))
    before = rules.approval_problems(RESOLVED, talk_on=D(2025, 6, 19), approved_on=D(2025, 7, 1))
    assert rules_named(before) == {rules.RULES["order"]}
    unresolved = rules.approval_problems(NOTICED, talk_on=D(2025, 6, 25),
                                         approved_on=D(2025, 7, 1))
    assert rules_named(unresolved) == {rules.RULES["order"]}


def test_probation_is_a_year_from_the_meeting_and_the_conversion_not_before() -> None:
    assert PROBATIONARY.probation_ends == D(2026, 6, 20)
    assert not rules.conversion_problems(PROBATIONARY, meeting_on=D(2026, 6, 20),
                                         votes=GOOD_VOTES)
    early = rules.conversion_problems(PROBATIONARY, meeting_on=D(2026, 6, 19), votes=GOOD_VOTES)
    assert rules_named(early) == {rules.RULES["probation"]}
    extended = replace(PROBATIONARY, extension_months=6)
    assert extended.probation_ends == D(2026, 12, 20)
    assert rules_named(rules.conversion_problems(extended, meeting_on=D(2026, 12, 19),
                                                 votes=GOOD_VOTES)) == {rules.RULES["probation"]}


def test_the_conversion_is_decided_on_time() -> None:
    ends = D(2026, 6, 20)
    assert not rules.conversion_late(ends, D(2026, 7, 20))
    assert rules.conversion_late(ends, D(2026, 7, 21))


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False),
                                            (None, False)])
def test_an_extension_is_6_to_12_months(months: int | None, ok: bool) -> None:
    found = rules.extension_problems(PROBATIONARY, decided_on=D(2026, 6, 20), months=months,
                                     reason="考察期表现需进一步考验")
    assert (not found) is ok
    if not ok:
        assert rules_named(found) == {rules.RULES["extension"]}


def test_an_extension_only_once_with_a_reason_when_the_year_is_up() -> None:
    twice = rules.extension_problems(replace(PROBATIONARY, extension_months=6),
                                     decided_on=D(2026, 12, 20), months=6, reason="再延长")
    assert rules_named(twice) == {rules.RULES["extension"]}
    early = rules.extension_problems(PROBATIONARY, decided_on=D(2026, 6, 19), months=6,
                                     reason="原因")
    assert rules_named(early) == {rules.RULES["probation"]}
    silent = rules.extension_problems(PROBATIONARY, decided_on=D(2026, 6, 20), months=6,
                                      reason=" ")
    assert [p.field for p in silent] == ["reason"]


def test_steps_out_of_order_are_refused_with_the_rule_named() -> None:
    assert rules_named(rules.talk_problems(ACTIVIST, talk_on=D(2024, 5, 1))) == {
        rules.RULES["order"]}
    assert rules_named(rules.candidate_problems(APPLIED, opinions_on=D(2025, 3, 1),
                                                decided_on=D(2025, 4, 2))) >= {
        rules.RULES["order"]}
    assert rules_named(rules.conversion_approval_problems(PROBATIONARY,
                                                          approved_on=D(2026, 7, 1))) == {
        rules.RULES["order"]}


def test_what_is_due_next() -> None:
    assert rules.next_step(APPLIED) == Due("talk", D(2024, 4, 10))
    assert rules.next_step(TALKED) == Due("activist")
    assert rules.next_step(ACTIVIST) == Due("training")
    assert rules.next_step(TRAINED) == Due("candidate", from_on=D(2025, 4, 1))
    assert rules.next_step(CANDIDATE) == Due("introducers")
    assert rules.next_step(READY) == Due("prereview")
    assert rules.next_step(PREREVIEWED) == Due("notice")
    assert rules.next_step(NOTICED) == Due("admit")
    assert rules.next_step(RESOLVED) == Due("approve", D(2025, 9, 20))
    assert rules.next_step(PROBATIONARY) == Due("convert", D(2026, 6, 20))
    assert rules.next_step(replace(PROBATIONARY, stage=RecruitStage.FULL)) is None
