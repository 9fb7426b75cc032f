"""A card opens from one spelling only: no padding, no Unicode look-alikes (issue 14)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.db import db
from qr.tokens import BadToken, make_token, read_token
from tests.helpers import factories
from tests.helpers.pages import token

KEY = "k3Yq9vLp2XzR7mWn4TbJ8sHd6FgC1aQe"


def _spellings(tok: str) -> list[str]:
    """Ways to write a token that fold or strip to the real one."""
    s_at = tok.index("S") if "S" in tok else None
    i_at = tok.index("I") if "I" in tok else None
    spoofs = [f" {tok}", f"{tok} ", f"\t{tok}", f"{tok}\n", f"\u00a0{tok}", f"{tok}\u00a0"]
    if s_at is not None:
        spoofs.append(tok[:s_at] + "\u017f" + tok[s_at + 1:])  # ſ upper()s to S
    if i_at is not None:
        spoofs.append(tok[:i_at] + "\u0131" + tok[i_at + 1:])  # ı upper()s to I
    return spoofs


def _token_with(letters: str) -> str:
    """A token holding each of ``letters`` (ids are tried until one does)."""
    for record_id in range(1, 5000):
        tok = make_token([KEY], "member", record_id, 1)
        if all(c in tok for c in letters):
            return tok
    raise AssertionError("no token found")


def test_only_the_ascii_spelling_verifies() -> None:
    tok = _token_with("SI")
    assert read_token([KEY], "member", tok).record_id >= 1
    assert read_token([KEY], "member", tok.lower()) == read_token([KEY], "member", tok)
    for spoof in _spellings(tok):
        assert spoof.upper().strip() == tok  # what the old code accepted
        with pytest.raises(BadToken):
            read_token([KEY], "member", spoof)


def test_pages_and_images_refuse_padded_or_folded_tokens(app: Flask,
                                                         client: FlaskClient) -> None:
    with app.app_context():
        member = factories.make_member(name="陈静")
        db.session.commit()
        member_id = member.id
    tok = token(app, "member", member_id)
    assert client.get(f"/M/{tok}").status_code == 200
    assert client.get(f"/m/{tok.lower()}.png").status_code == 200
    for quoted in ("%20" + tok, tok + "%20", "%09" + tok, "%C2%A0" + tok, tok + "%C2%A0"):
        for suffix in ("", ".png", ".svg"):
            response = client.get(f"/M/{quoted}{suffix}")
            assert response.status_code == 404, (quoted, suffix)
