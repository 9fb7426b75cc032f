"""The front page explains the site, lists nobody, and carries the security headers."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_front_page_explains_and_lists_nobody(demo_client: FlaskClient) -> None:
    response = demo_client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>" in html and 'lang="zh-Hans"' in html
    for name in ("李娜", "张伟", "王芳", "DY000001", "ZB01"):
        assert name not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org', "")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_english_on_request(client: FlaskClient) -> None:
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html
