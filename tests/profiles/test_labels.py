"""Every code of every enum has a label in both languages, and labels parse back."""

from __future__ import annotations

import pytest

from profiles import enums
from profiles.labels import LABELS, label, parse_label

ENUMS = [enums.Category, enums.Position, enums.MemberStatus, enums.Gender, enums.DuesBasis,
         enums.MeetingKind, enums.Attendance, enums.EvaluationStage, enums.Rating,
         enums.RecruitStage, enums.ReviewConclusion, enums.RecruitEnd, enums.EvidenceKind]


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda e: e.__name__)
def test_every_value_has_both_labels_and_parses_back(enum_cls: type) -> None:
    for value in enum_cls:
        zh, en = LABELS[value]
        assert zh and en
        assert label(value) == zh and label(value, "en") == en
        assert parse_label(f" {zh} ", enum_cls) is value
        assert parse_label(en.upper(), enum_cls) is value


def test_unknown_label_and_none() -> None:
    assert parse_label("党员之星", enums.Category) is None
    assert label(None) == ""
