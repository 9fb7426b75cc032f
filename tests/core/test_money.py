"""The one money parser, and the console's money fields that use it: bad amounts are
refused with a message, never a 500, and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import db
from core.money import format_yuan, parse_yuan
from profiles.models import Member
from sheets.reading.values import parse_cell_yuan
from tests.helpers.console import MEMBER_FORM, AuthActions, World


# As the console's dues forms read amounts (no thousands separators there).
@pytest.mark.parametrize("text, cents", [("45", 4500), ("45.5", 4550), ("0.20", 20),
                                         (" 12.34元 ", 1234), ("", None)])
def test_parse_yuan(text: str, cents: int | None) -> None:
    assert parse_yuan(text) == cents


@pytest.mark.parametrize("text", ["-3", "1.234", "abc", "1,000"])
def test_parse_yuan_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yuan(text)


@pytest.mark.parametrize(("typed", "cents"), [
    ("45", 4500), ("45.5", 4550), ("45．5", 4550), ("¥45.50", 4550), ("45.50元", 4550),
    (45.5, 4550), (Decimal("0.20"), 20), (0, 0), ("", None), (None, None)])
def test_amounts_people_type(typed: object, cents: int | None) -> None:
    assert parse_yuan(typed) == cents


@pytest.mark.parametrize("typed", ["-3", "1.234", "abc", "NaN", "inf", "1e3", "1,000",
                                   "9" * 10, True, -1, float("nan"), "¥", "￥ ", "元"])
def test_what_is_not_an_amount(typed: object) -> None:
    with pytest.raises(ValueError):
        parse_yuan(typed)


def test_thousands_separators_only_where_a_spreadsheet_writes_them() -> None:
    assert parse_yuan("1,234.56", grouped=True) == 123456
    assert parse_yuan("6，500", grouped=True) == 650000
    for typed in ("12,5", "1,2,3", ",100"):  # a decimal comma must not become ×10
        with pytest.raises(ValueError):
            parse_yuan(typed, grouped=True)
    assert format_yuan(85560) == "855.60" and format_yuan(5) == "0.05"


def test_a_cell_may_hold_more_digits_than_a_form() -> None:
    """A spreadsheet's long amount is read, so the importer can say it is beyond what a
    cell may hold; a form refuses it as not an amount."""
    assert parse_cell_yuan("12345678901") == 1_234_567_890_100
    with pytest.raises(ValueError):
        parse_yuan("12345678901")
    with pytest.raises(ValueError):
        parse_cell_yuan("¥")  # a currency sign alone is no amount, not an empty cell


@pytest.mark.parametrize("typed", ["NaN", "-5", "1e9999", "12,5", "6500.005"])
def test_a_bad_dues_base_is_refused_at_its_field(app: Flask, world: World, auth: AuthActions,
                                                 typed: str) -> None:
    number = world.a.member_numbers[0]
    auth.login("sec_a")
    with app.app_context():
        before = db.session.scalar(select(Member.dues_base_cents).where(Member.number == number))
    answer = auth.post(f"/console/members/{number}/edit", **{**MEMBER_FORM, "dues_base": typed})
    assert answer.status_code == 400
    said = "金额不能为负数" if typed.startswith("-") else "请填写以元为单位的金额"
    assert said in answer.get_data(as_text=True)
    with app.app_context():
        after = db.session.scalar(select(Member.dues_base_cents).where(Member.number == number))
    assert after == before
