"""The operations of 发展党员 against the database: the rules are enforced by constraints
too, the private fields are masked in the log, and the refusals write nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.changelog import Actor
from core.db import db
from profiles.models import Applicant, ChangeLog
from profiles.recruitment import operations as ops
from profiles.writes import RuleViolation

WHO = Actor("tester", "test")


def _applicant(org: dict[str, Any]) -> Applicant:
    return ops.apply(WHO, branch=org["branch"], name="测试申请人", applied_on=dt.date(2025, 1, 2),
                     birth_date=dt.date(2000, 1, 1), id_number="110105199003071239",
                     phone="13912345678", today=dt.date(2026, 1, 1))


BAD_VALUES: list[dict[str, Any]] = [
    {"admit_expected": 10, "admit_present": 11},  # 实到 > 应到
    {"admit_expected": 10, "admit_present": 8, "admit_for": 6, "admit_against": 2,
     "admit_abstain": 1},  # 赞成+反对+弃权 > 实到
    {"admit_expected": 0},
    {"convert_expected": 5, "convert_present": -1},
    {"training_hours": 0},
    {"extension_months": 5},
    {"talk_on": dt.date(2025, 1, 1)},  # before the application
    {"stage": "probationary"},  # a 预备党员 without a member record
]


def test_the_database_refuses_what_the_rules_refuse(org: dict[str, Any]) -> None:
    applicant_id = _applicant(org).id
    db.session.commit()
    for values in BAD_VALUES:
        a = db.session.get(Applicant, applicant_id)
        for name, value in values.items():
            setattr(a, name, value)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_an_application_logs_its_private_fields_masked(org: dict[str, Any]) -> None:
    a = _applicant(org)
    log = db.session.scalars(select(ChangeLog).where(ChangeLog.table_name == "applicant")).one()
    assert log.record_key == ops.key_of(a) == f"FZ{a.id:06d}"
    assert "13912345678" not in log.changes and "139****5678" in log.changes
    assert "110105199003071239" not in log.changes


def test_a_refused_step_writes_nothing(org: dict[str, Any]) -> None:
    a = _applicant(org)
    db.session.commit()
    before = db.session.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
    with pytest.raises(RuleViolation) as refused:
        ops.make_activist(WHO, a, decided_on=dt.date(2025, 2, 1), filed_on=dt.date(2025, 2, 2),
                          contacts=[org["members"][0]])
    assert [p.field for p in refused.value.problems] == ["decided_on"]  # no talk yet
    assert a.stage.value == "applicant" and a.activist_on is None
    assert db.session.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc())
                             .limit(1)) == before
    with pytest.raises(RuleViolation):  # the same ID number for a second person
        ops.apply(WHO, branch=org["branch"], name="另一人", applied_on=dt.date(2025, 1, 2),
                  birth_date=dt.date(2000, 1, 1), id_number="110105199003071239")
