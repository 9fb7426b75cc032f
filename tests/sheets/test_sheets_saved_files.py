"""Rosters saved by LibreOffice Calc (tests/data/README.md) import field for field."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.enums import Category, Gender, Position
from profiles.models import Member, PartyGroup
from sheets.importers.members import import_members
from tests.helpers import factories
from tests.helpers.paths import DATA

FILES = ["libreoffice-roster.xlsx", "libreoffice-roster-gbk.csv", "libreoffice-roster-utf8.csv"]


@pytest.mark.parametrize("name", FILES)
def test_roster_saved_by_libreoffice(app: Flask, name: str) -> None:
    with app.app_context():
        branch = factories.make_branch(code="ZB01", name="机关第一党支部", groups=0)
        for group in ("第一党小组", "第二党小组"):
            db.session.add(PartyGroup(branch_id=branch.id, name=group))
        db.session.commit()
        outcome = import_members(DATA / name, actor="t", today=dt.date(2026, 11, 21))
        assert (outcome.inserted, outcome.updated) == (3, 0)
        members = {m.number: m for m in db.session.scalars(select(Member))}
        zhang, li, ouyang = members["DY100001"], members["DY100002"], members["DY100003"]
        assert (zhang.name, li.name, ouyang.name) == ("张三", "李四", "欧阳修")
        assert zhang.birth_date == dt.date(1985, 3, 2)
        assert zhang.joined_on == dt.date(2019, 7, 1)
        assert zhang.converted_on == dt.date(2020, 7, 1)
        assert zhang.phone == "13812345678" and zhang.position is Position.SECRETARY
        assert zhang.gender is Gender.MALE and zhang.ethnicity == "汉族"
        assert zhang.group is not None and zhang.group.name == "第一党小组"
        assert li.category is Category.PROBATIONARY and li.converted_on is None
        assert li.joined_on == dt.date(2025, 12, 1) and li.phone == "13900000001"
        assert li.gender is Gender.FEMALE and li.ethnicity == "回族"
        assert ouyang.joined_on == dt.date(2010, 7, 1)
        assert ouyang.converted_on == dt.date(2011, 7, 1)
        assert ouyang.birth_date == dt.date(1988, 1, 1) and ouyang.phone is None
        assert ouyang.position is Position.ORGANISATION
        assert import_members(DATA / name, actor="t", today=dt.date(2026, 11, 21)).changes == []
