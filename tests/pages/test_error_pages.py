"""The app's own error pages, and resolving a scanned token outside the views."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.changelog import Actor
from core.db import db
from core.errors import UserError
from profiles.cards import reissue_card
from profiles.models import Branch, Member
from qr.cards import CardError, ReplacedCard, UnknownCard, resolve_card
from tests.helpers import factories
from tests.helpers.pages import path, token


def _headers_are_strict(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("lang", "text"), [("zh", "页面不存在"), ("en", "Not found")])
def test_404_is_ours_in_both_languages(client: FlaskClient, lang: str, text: str) -> None:
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)
    _headers_are_strict(response)


def test_405_is_ours_and_says_what_is_allowed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        member = factories.make_member()
        db.session.commit()
        url = path(app, "member", member.id)
    response = client.post(url)
    assert response.status_code == 405
    assert "不允许的操作" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]
    _headers_are_strict(response)
    assert "Not allowed" in client.post(url + "?lang=en").get_data(as_text=True)


def test_500_is_ours_and_hides_the_error(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in html and "secret detail" not in html and "Traceback" not in html
    _headers_are_strict(response)


def test_resolve_card_gives_the_record_or_one_error_family(app: Flask) -> None:
    with app.app_context():
        member = factories.make_member()
        db.session.commit()
        first = token(app, "member", member.id)
        found = resolve_card(first.lower(), "member")
        assert isinstance(found, Member) and found.id == member.id
        branch = resolve_card(token(app, "branch", member.branch_id), "branch")
        assert isinstance(branch, Branch)
        reissue_card(Actor("test", "test"), member)
        db.session.commit()
        with pytest.raises(ReplacedCard) as replaced:
            resolve_card(first, "member")
        assert isinstance(replaced.value, CardError) and isinstance(replaced.value, UserError)
        assert "新卡" in str(replaced.value)
        for bad, kind in ((first, "branch"), ("GARBAGE", "member"),
                          (token(app, "member", member.id, 3), "member"),
                          (token(app, "member", member.id + 99), "member")):
            with pytest.raises(UnknownCard) as unknown:
                resolve_card(bad, kind)  # type: ignore[arg-type]
            assert str(unknown.value) == "无法识别此卡。"  # the same words for every reason
