"""QR images for screens, the URL commands, and the demo organisation's pages."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from core.db import db
from profiles.enums import ENDED, MemberStatus
from profiles.models import Branch, Member
from qr.matrix import QUIET_ZONE, qr_matrix
from tests.helpers import factories
from tests.helpers.app import BASE_URL
from tests.helpers.pages import path, token
from tests.helpers.pdf import decode_image


def _member(app: Flask) -> tuple[int, str]:
    with app.app_context():
        member = factories.make_member(name="陈静")
        db.session.commit()
        return member.id, member.number


def test_png_and_svg_decode_to_the_card_url_with_a_quiet_zone(app: Flask,
                                                              client: FlaskClient) -> None:
    member_id, _ = _member(app)
    tok = token(app, "member", member_id)
    expected = f"{BASE_URL.upper()}/M/{tok}"
    png = client.get(f"/M/{tok}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data)).convert("L")
    modules = qr_matrix(expected).size_with_quiet_zone
    assert image.width == image.height and image.width % modules == 0
    scale = image.width // modules
    # The quiet zone: the outer 4 modules are white all round.
    border = QUIET_ZONE * scale
    assert image.crop((0, 0, image.width, border)).getextrema() == (255, 255)
    assert image.crop((0, 0, border, image.height)).getextrema() == (255, 255)
    assert decode_image(image) == [expected]
    svg = client.get(f"/m/{tok.lower()}.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert f'viewBox="0 0 {modules} {modules}"' in svg.get_data(as_text=True)


def test_images_are_cacheable_forever_and_answer_304(app: Flask, client: FlaskClient) -> None:
    member_id, _ = _member(app)
    url = f"/M/{token(app, 'member', member_id)}.svg"
    first = client.get(url)
    cache = first.headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_images_only_for_validly_signed_tokens(app: Flask, client: FlaskClient) -> None:
    member_id, _ = _member(app)
    good = token(app, "member", member_id)
    for bad in (f"/M/{good[:-1]}.png", f"/B/{good}.svg", "/M/HELLO.svg", "/B/.png"):
        assert client.get(bad).status_code == 404, bad


def test_qr_url_commands_print_urls_that_open_the_page(app: Flask, client: FlaskClient) -> None:
    member_id, number = _member(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["qr", "url", "member", number])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url == f"{BASE_URL.upper()}/M/{token(app, 'member', member_id)}"
    assert client.get(url[len(BASE_URL):]).status_code == 200
    with app.app_context():
        code = db.session.scalar(select(Branch.code))
    result = runner.invoke(args=["qr", "url", "branch", code])
    assert result.exit_code == 0 and "/B/" in result.output
    assert client.get(result.output.strip()[len(BASE_URL):]).status_code == 200
    missing = runner.invoke(args=["qr", "url", "member", "NOPE"])
    assert missing.exit_code != 0 and "NOPE" in missing.output


# -- the demo organisation (read only: shared on PostgreSQL) ----------------------------

EXPECTED_CHECKLISTS = {
    "ZB01": [],
    "ZB02": ["2026年第3季度：未召开党课", "李娜：连续4个月未交纳党费（满6个月按自行脱党处理）"],
    "ZB03": ["张伟：连续7个月未交纳党费（满6个月按自行脱党处理）",
             "刘洋：连续5个月未参加组织生活"],
    "ZB04": ["2026年9月：未召开支委会", "王芳：预备期已于"],
    "ZB05": ["2025年民主评议党员：3名党员未评定"],
    "ZB06": ["2026年10月：第一党小组未召开党小组会"],
    "ZB07": [],  # 5 members, no committee: no 支委会 is due
}


def _checklist(html: str) -> list[str]:
    match = re.search(r'<ul class="checklist">(.*?)</ul>', html, re.S)
    if match is None:
        assert "未发现问题" in html
        return []
    return [re.sub(r"<[^>]+>", "", re.sub(r'<small class="rule">.*?</small>', "", li)).strip()
            for li in re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.S)]


def test_demo_checklists_show_exactly_the_deliberate_gaps(demo_app: Flask,
                                                          demo_client: FlaskClient) -> None:
    with demo_app.app_context():
        branches = dict(db.session.execute(select(Branch.code, Branch.id)).all())
    for code, expected in EXPECTED_CHECKLISTS.items():
        response = demo_client.get(path(demo_app, "branch", branches[code]))
        assert response.status_code == 200
        assert len(response.data) < 30_000
        lines = _checklist(response.get_data(as_text=True))
        assert len(lines) == len(expected), (code, lines)
        for line, start in zip(sorted(lines), sorted(expected), strict=True):
            assert line.startswith(start), (code, lines)
    # 王芳's probation ended about four months before the demo's date.
    html = demo_client.get(path(demo_app, "branch", branches["ZB04"])).get_data(as_text=True)
    assert re.search(r"王芳：预备期已于2026-0[78]-\d\d届满，尚未转正", html)
    # The transferred-out member of ZB03 is not listed.
    with demo_app.app_context():
        gone = db.session.scalar(select(Member.id).where(
            Member.status == MemberStatus.TRANSFERRED_OUT))
    assert gone is not None
    zb03 = demo_client.get(path(demo_app, "branch", branches["ZB03"])).get_data(as_text=True)
    assert path(demo_app, "member", gone) not in zb03


def test_every_demo_member_page_opens_in_chinese(demo_app: Flask,
                                                 demo_client: FlaskClient) -> None:
    with demo_app.app_context():
        members = db.session.execute(select(Member.id, Member.name, Member.status)).all()
    assert len(members) == 150
    for member_id, name, status in members:
        response = demo_client.get(path(demo_app, "member", member_id))
        if status in ENDED:  # a former member (历史党员): no page by the card
            assert response.status_code == 404 and name not in response.get_data(as_text=True)
            continue
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"<h1>{name}</h1>" in html and 'lang="zh-Hans"' in html
        assert len(response.data) < 30_000


def test_urls_command_prints_li_na_and_zb02(demo_app: Flask, demo_client: FlaskClient) -> None:
    result = demo_app.test_cli_runner().invoke(args=["urls"])
    assert result.exit_code == 0, result.output
    member_line, branch_line = result.output.strip().splitlines()
    assert member_line.startswith("Member 李娜: ") and "机关第二党支部" in branch_line
    member_html = demo_client.get(member_line.split(BASE_URL.upper())[1]).get_data(as_text=True)
    assert "<h1>李娜</h1>" in member_html and "机关第二党支部" in member_html
    assert "未交：4个月" in member_html
