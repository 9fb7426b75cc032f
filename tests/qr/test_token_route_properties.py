"""Property tests through the routes: a mangled token never opens a page, never a 500.

Every single-character change, truncation and extension of a valid token answers the
same plain 404 (a replaced card's own token answers 410); only case changes, which the
codes allow, open the page, and then it is the same member's page.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import db
from tests.helpers import factories
from tests.helpers.pages import token

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
NOISE = ALPHABET + "0189abcxyz-_.~%"
FIXTURES_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture],
                       deadline=None)


@pytest.fixture
def cards(app: Flask) -> dict[str, Any]:
    """Two members; the first has had its card replaced once (generation 2)."""
    with app.app_context():
        branch = factories.make_branch()
        first = factories.make_member(branch, name="甲某", card_generation=2)
        second = factories.make_member(branch, name="乙某")
        db.session.commit()
        return {"current": token(app, "member", first.id, 2),
                "replaced": token(app, "member", first.id, 1),
                "other": token(app, "member", second.id, 1)}


def _status_and_name(client: FlaskClient, value: str) -> tuple[int, str]:
    response = client.get(f"/M/{value}")
    body = response.get_data(as_text=True)
    name = "甲某" if "<h1>甲某</h1>" in body else "乙某" if "<h1>乙某</h1>" in body else ""
    return response.status_code, name


def test_every_single_character_change_is_a_plain_404(app: Flask, client: FlaskClient,
                                                      cards: dict[str, Any]) -> None:
    not_found = client.get("/M/NOTATOKEN").get_data()
    for key in ("current", "replaced"):
        original = cards[key]
        for i, char in enumerate(original):
            for replacement in ALPHABET:
                if replacement == char:
                    continue
                mangled = original[:i] + replacement + original[i + 1:]
                response = client.get(f"/M/{mangled}")
                assert response.status_code == 404, mangled
                assert response.get_data() == not_found  # no hint of what was wrong


@FIXTURES_OK
@given(data=st.data())
def test_truncations_and_extensions_are_404(client: FlaskClient, cards: dict[str, Any],
                                            data: st.DataObject) -> None:
    original = cards[data.draw(st.sampled_from(["current", "replaced", "other"]))]
    cut = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
    extra = data.draw(st.text(alphabet=ALPHABET, min_size=1, max_size=10))
    for mangled in (original[:cut] or "A", original[cut + 1:], original + extra,
                    extra + original):
        assert _status_and_name(client, mangled) == (404, "")


@FIXTURES_OK
@given(st.text(alphabet=NOISE, min_size=1, max_size=80))
def test_random_tokens_are_404_never_500(client: FlaskClient, value: str) -> None:
    status, name = _status_and_name(client, value)
    assert status == 404 and name == ""


@FIXTURES_OK
@given(st.lists(st.booleans(), min_size=30, max_size=30))
def test_case_changes_open_the_same_member_only(client: FlaskClient, cards: dict[str, Any],
                                                lower: list[bool]) -> None:
    for key, expected in (("current", (200, "甲某")), ("other", (200, "乙某")),
                          ("replaced", (410, ""))):
        value = "".join(c.lower() if flip else c for c, flip in zip(cards[key], lower,
                                                                    strict=False))
        value += cards[key][len(lower):]
        assert _status_and_name(client, value) == expected
