"""Member and branch pages reached by a code: failures, reissue, rotation, privacy,
headers, language and the number of SQL statements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import db
from profiles.enums import Category, Position
from profiles.models import Branch, ChangeLog, Member, MemberPhoto
from qr.tokens import make_token
from tests.helpers import factories
from tests.helpers.app import make_app
from tests.helpers.dates import TODAY
from tests.helpers.pages import count_statements, path, seed_branch, token
from tests.helpers.paths import ROOT


def _one_member(app: Flask, **fields: object) -> tuple[int, int, str]:
    with app.app_context():
        branch = factories.make_branch(name="第九党支部")
        member = factories.make_member(branch, name="陈静", **fields)
        db.session.commit()
        return member.id, branch.id, member.number


def test_member_page_opens_in_chinese_and_links_to_its_branch(app: Flask,
                                                              client: FlaskClient) -> None:
    member_id, branch_id, _ = _one_member(app)
    response = client.get(path(app, "member", member_id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "陈静" in html and 'lang="zh-Hans"' in html and "政治生日" in html
    branch_path = path(app, "branch", branch_id)
    assert f'href="{branch_path}"' in html
    branch_html = client.get(branch_path).get_data(as_text=True)
    assert "第九党支部" in branch_html and f'href="{path(app, "member", member_id)}"' in branch_html


def test_every_bad_token_gives_the_same_plain_404(app: Flask, client: FlaskClient) -> None:
    member_id, branch_id, _ = _one_member(app)
    good = token(app, "member", member_id)
    forged = make_token(["f" * 48], "member", member_id, 1)
    flipped = good[:5] + ("A" if good[5] != "A" else "B") + good[6:]
    bad_paths = [
        f"/M/{forged}",  # signed with another key
        f"/M/{good[:-1]}",  # truncated
        f"/M/{good[:-4]}",
        f"/M/{good}AA",  # extended
        f"/M/{flipped}",  # garbled
        f"/M/{good.replace(good[3], '1')}",  # not Base32 at all
        "/M/%E4%BD%A0%E5%A5%BD",  # not ASCII
        f"/M/{'A' * 200}",  # far too long
        f"/B/{good}",  # a member token on the branch route
        f"/M/{token(app, 'branch', branch_id)}",  # and the other way round
        f"/M/{token(app, 'member', 999_999)}",  # valid signature, unknown member
        f"/M/{token(app, 'member', 2**40)}",  # an id beyond the column's range
        f"/M/{token(app, 'member', member_id, 5)}",  # a generation never issued
        f"/B/{token(app, 'branch', 424_242)}",
        "/M/", "/X/" + good,
    ]
    bodies = set()
    for bad in bad_paths:
        response = client.get(bad)
        assert response.status_code == 404, bad
        bodies.add(response.get_data(as_text=True))
    assert len(bodies) == 1  # the same page whatever was wrong: no hint
    body = bodies.pop()
    assert "token" not in body.lower() and "signature" not in body.lower()


def test_kind_and_token_are_case_insensitive(app: Flask, client: FlaskClient) -> None:
    member_id, _, _ = _one_member(app)
    good = token(app, "member", member_id)
    for url in (f"/M/{good}", f"/m/{good}", f"/m/{good.lower()}", f"/M/{good.lower()}"):
        assert client.get(url).status_code == 200, url


def test_card_reissue_replaces_the_old_card(app: Flask, client: FlaskClient) -> None:
    member_id, _, number = _one_member(app)
    old = path(app, "member", member_id, 1)
    result = app.test_cli_runner().invoke(args=["card", "reissue", number])
    assert result.exit_code == 0, result.output
    new_url = result.output.strip().splitlines()[-1]
    assert new_url.endswith(token(app, "member", member_id, 2))
    response = client.get(old)
    assert response.status_code == 410
    assert "no-store" in response.headers["Cache-Control"]
    assert "此卡已被更换" in response.get_data(as_text=True)
    assert client.get(path(app, "member", member_id, 2)).status_code == 200
    with app.app_context():
        log = db.session.scalars(select(ChangeLog)).one()
        assert (log.table_name, log.record_key, log.action) == ("member", number, "update")
        assert '"card_generation": [1, 2]' in log.changes


def test_branch_card_reissue(app: Flask, client: FlaskClient) -> None:
    _, branch_id, _ = _one_member(app)
    runner = app.test_cli_runner()
    with app.app_context():
        code = db.session.scalar(select(Branch.code).where(Branch.id == branch_id))
    result = runner.invoke(args=["card", "reissue", "--branch", code])
    assert result.exit_code == 0, result.output
    assert client.get(path(app, "branch", branch_id, 1)).status_code == 410
    assert client.get(path(app, "branch", branch_id, 2)).status_code == 200
    assert runner.invoke(args=["card", "reissue", "NOPE"]).exit_code != 0
    assert runner.invoke(args=["card", "reissue"]).exit_code != 0


def test_key_rotation_keeps_printed_cards_working(database_url: str, tmp_path: Path) -> None:
    old_key, new_key = "o" * 48, "n" * 48
    before = make_app(database_url, tmp_path / "a", SIGNING_KEYS=[old_key])
    member_id, _, _ = _one_member(before)
    printed = path(before, "member", member_id)
    after = make_app(database_url, tmp_path / "b", SIGNING_KEYS=[old_key, new_key])
    assert after.test_client().get(printed).status_code == 200
    reprinted = path(after, "member", member_id)
    assert reprinted != printed  # the newest key signs new cards
    assert after.test_client().get(reprinted).status_code == 200
    dropped = make_app(database_url, tmp_path / "c", SIGNING_KEYS=[new_key])
    assert dropped.test_client().get(printed).status_code == 404
    for app in (before, after, dropped):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


PRIVATE = {
    "id_number": "11010519900307123X",
    "phone": "13912345678",
    "address": "示范区东大街99号",
    "birth_date": dt.date(1990, 3, 7),
    "dues_base_cents": 876_543,
}


def test_the_private_fields_are_the_one_list_and_no_page_query_reads_them() -> None:
    from core.changelog import PRIVATE_MEMBER_FIELDS

    assert set(PRIVATE) == set(PRIVATE_MEMBER_FIELDS)  # the page test below covers every one
    root = ROOT
    # The pages' statements: their assemblers (profiles/queries) and the concepts' read
    # modules they call (which the console shares; a console read that needs a private
    # column belongs in the console's own code, behind its access check).
    sources = [*(root / "profiles" / "queries").glob("*.py"),
               *(root / "profiles").glob("*/reads.py"),
               *(root / "templates" / "profiles").glob("*.html")]
    assert any(s.name == "reads.py" for s in sources)
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for field in PRIVATE_MEMBER_FIELDS:
            assert f"Member.{field}" not in text and f".{field}" not in text, (source, field)


def test_private_fields_never_appear_on_either_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        branch_id, (member_id, *_) = seed_branch(1, 14, **PRIVATE)
    pages = [client.get(path(app, "member", member_id)), client.get(path(app, "branch", branch_id))]
    for lang in ("zh", "en"):
        pages.append(client.get(path(app, "member", member_id) + f"?lang={lang}"))
        pages.append(client.get(path(app, "branch", branch_id) + f"?lang={lang}"))
    forbidden = ["11010519900307123X", "11010519900307123x", "13912345678", "东大街99号",
                 "1990-03-07", "1990年3月7日", "19900307", "876543", "8765.43", "8,765.43",
                 "87.65", "131.48"]  # the base, and the dues it implies (1.5%)
    for response in pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        for secret in forbidden:
            assert secret not in html


def test_token_pages_send_strict_headers(app: Flask, client: FlaskClient) -> None:
    member_id, branch_id, _ = _one_member(app)
    for url in (path(app, "member", member_id), path(app, "branch", branch_id)):
        response = client.get(url)
        headers = response.headers
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src" not in csp
        cache = headers["Cache-Control"]
        assert "private" in cache and "no-store" in cache
        assert headers["X-Robots-Tag"] == "noindex, nofollow"
        html = response.get_data(as_text=True)
        assert "<script" not in html and "http://" not in html and "https://" not in html
        assert len(response.data) < 30_000


def test_language_by_accept_language_switch_and_cookie(app: Flask, client: FlaskClient) -> None:
    member_id, _, _ = _one_member(app)
    url = path(app, "member", member_id)
    zh = client.get(url).get_data(as_text=True)
    assert "政治生日" in zh and 'href="?lang=en"' in zh
    en = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Political birthday" in en and "政治生日" not in en and 'lang="en"' in en
    switched = client.get(url + "?lang=en")
    assert "Political birthday" in switched.get_data(as_text=True)
    assert "lang=en" in switched.headers["Set-Cookie"]
    # The cookie carries the choice to the next page, over Accept-Language.
    again = client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Political birthday" in again and 'href="?lang=zh"' in again
    back = client.get(url + "?lang=zh").get_data(as_text=True)
    assert "政治生日" in back


def test_statement_count_does_not_grow_with_history_or_branch_size(app: Flask,
                                                                   client: FlaskClient) -> None:
    with app.app_context():
        small_branch, small_members = seed_branch(2, 1)
        big_branch, big_members = seed_branch(30, 24)
    counts = {}
    for name, kind, record_id in (("small member", "member", small_members[1]),
                                  ("big member", "member", big_members[1]),
                                  ("small branch", "branch", small_branch),
                                  ("big branch", "branch", big_branch)):
        with count_statements(app) as statements:
            assert client.get(path(app, kind, record_id)).status_code == 200  # type: ignore[arg-type]
        counts[name] = len(statements)
    assert counts["small member"] == counts["big member"] <= 8, counts
    # 13: the standing periods of the branch (停止党籍, 暂留 …), one statement (issue 18).
    assert counts["small branch"] == counts["big branch"] <= 13, counts


def test_hidden_sections(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "i", HIDDEN_SECTIONS=["evaluation_rating", "points"])
    with app.app_context():
        branch_id, (member_id, *_) = seed_branch(1, 2)
    html = app.test_client().get(path(app, "member", member_id)).get_data(as_text=True)
    assert "支部评定" in html and "合格" not in html and "党员积分" not in html
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_member_page_shows_what_the_brief_lists(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        branch_id, (secretary_id, member_id) = seed_branch(2, 14)
        member = db.session.get(Member, member_id)
        assert member is not None
        member.category = Category.PROBATIONARY
        member.converted_on = None
        member.joined_on = dt.date(2026, 3, 1)
        db.session.add(MemberPhoto(member_id=secretary_id, content_type="image/png",
                                   data=b"\x89PNG fake"))
        db.session.commit()
    html = client.get(path(app, "member", member_id)).get_data(as_text=True)
    for text in ("预备党员", "2026-03-01", "预备期届满", "2027-03-01", "主题党日", "2025",
                 "2026", "党员积分", "在支部2人中排名第", "民主评议党员", "合格",
                 "党费已交至2026年"):
        assert text in html, text
    secretary = client.get(path(app, "member", secretary_id)).get_data(as_text=True)
    assert "书记" in secretary
    photo = f"{path(app, 'member', secretary_id)}/photo"
    assert f'src="{photo}"' in secretary
    response = client.get(photo)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert client.get(f"{path(app, 'member', member_id)}/photo").status_code == 404


def test_points_totals_and_rank_in_the_branch(app: Flask) -> None:
    from profiles.enums import MemberStatus
    from profiles.models import PointsEntry
    from profiles.queries.member import member_page

    with app.app_context():
        branch = factories.make_branch()
        a, b, c = (factories.make_member(branch, name=n) for n in ("甲", "乙", "丙"))
        gone = factories.make_member(branch, name="丁", status=MemberStatus.TRANSFERRED_OUT)
        other_branch = factories.make_member(factories.make_branch(), name="戊")
        ledger = [
            (a, dt.date(2026, 1, 1), 5), (a, dt.date(2025, 12, 31), 7),  # year boundary
            (a, dt.date(2024, 12, 31), 100),  # two years ago: not shown
            (a, TODAY, 1), (a, TODAY + dt.timedelta(days=1), 50),  # tomorrow: not yet
            (b, dt.date(2026, 6, 1), 9), (b, dt.date(2025, 6, 1), 40),
            (c, dt.date(2026, 2, 1), -3),
            (gone, dt.date(2026, 3, 1), 99),  # transferred out: not ranked
            (other_branch, dt.date(2026, 3, 1), 99),
        ]
        for member, day, points in ledger:
            db.session.add(PointsEntry(member_id=member.id, recorded_on=day, points=points,
                                       reason="测试", recorded_by="测试"))
        db.session.commit()
        summary = {m.name: member_page(m.id, TODAY).points for m in (a, b, c, gone)}
    assert {n: (p.this_year, p.last_year, p.rank, p.ranked) for n, p in summary.items()} == {
        "甲": (6, 7, 2, 3), "乙": (9, 40, 1, 3), "丙": (-3, 0, 3, 3),
        # A transferred-out member's own page still ranks them against the active members.
        "丁": (99, 0, 1, 4)}
    assert [line.points for line in summary["甲"].latest] == [1, 5, 7, 100]


def test_front_page_lists_nobody(app: Flask, client: FlaskClient) -> None:
    _one_member(app)
    html = client.get("/").get_data(as_text=True)
    assert "陈静" not in html and "第九党支部" not in html and "/M/" not in html
    assert "扫描" in html


@pytest.mark.parametrize("position", [Position.SECRETARY])
def test_branch_page_names_its_secretary(app: Flask, client: FlaskClient,
                                         position: Position) -> None:
    member_id, branch_id, _ = _one_member(app, position=position)
    html = client.get(path(app, "branch", branch_id)).get_data(as_text=True)
    assert "书记" in html and "陈静" in html and "自查清单" in html


def test_random_tokens_never_give_a_500(app: Flask, client: FlaskClient) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    member_id, _, _ = _one_member(app)
    good = token(app, "member", member_id)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz0189=-_.~"

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(alphabet=alphabet, min_size=1, max_size=70),
           st.sampled_from(["/M/", "/m/", "/B/", "/b/"]),
           st.sampled_from(["", ".svg", ".png", "/photo"]))
    def check(text: str, prefix: str, suffix: str) -> None:
        if text.upper() == good:
            return
        response = client.get(prefix + text + suffix)
        assert response.status_code == 404, (prefix, text, suffix)

    check()
