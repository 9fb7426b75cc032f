"""``flask print cards`` / ``print poster`` on the demo organisation, read back by a scanner."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import event, select

from core.db import db
from print import batch
from print.batch import render_cards_batched
from print.data import card_values
from print.fonts import find_cjk_font
from print.presets import get_preset
from profiles.collation import name_key
from profiles.enums import MemberStatus
from profiles.models import Branch, Member, MemberPhoto
from qr.links import card_url, normalise_base_url
from qr.tokens import read_token
from tests.helpers.pdf import decode_pages, page_count, text_of


def _open(app: Flask, url: str) -> str:
    """GET the page a decoded code points at, as a phone would; return its HTML."""
    base = normalise_base_url(app.config["BASE_URL"])
    assert url.startswith(base + "/"), url
    response = app.test_client().get(url[len(base):])
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["print", *args])
    return result.exit_code, result.output


def test_print_cards_of_a_branch_every_code_opens_its_member(demo_app: Flask,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "zb03.pdf"
    code, output = _cli(demo_app, "cards", "--branch", "ZB03", "-o", str(out))
    assert code == 0, output
    pdf = out.read_bytes()
    keys = demo_app.config["SIGNING_KEYS"]
    with demo_app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == "ZB03"))
        members = db.session.scalars(select(Member).where(Member.branch_id == branch.id)).all()
        printed = [m for m in members if m.status != MemberStatus.TRANSFERRED_OUT]
        assert len(printed) < len(members)  # the demo's transferred-out member is left out
        expected = {card_url(demo_app.config["BASE_URL"], keys, "member", m.id,
                             m.card_generation): m for m in printed}
        decoded = [url for page in decode_pages(pdf) for url in page]
        assert sorted(decoded) == sorted(expected)
        for url, member in expected.items():
            token = read_token(keys, "member", url.rsplit("/", 1)[1])
            assert (token.record_id, token.generation) == (member.id, member.card_generation)
        # Every decoded URL opens that very member's page over HTTP.
        for url in decoded:
            assert f"<h1>{expected[url].name}</h1>" in _open(demo_app, url)
        text = text_of(pdf)
        assert all(m.name in text for m in printed)
        transferred = [m for m in members if m.status == MemberStatus.TRANSFERRED_OUT]
        assert not any(
            card_url(demo_app.config["BASE_URL"], keys, "member", m.id, m.card_generation)
            in decoded for m in transferred)


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_print_poster_code_opens_the_branch(demo_app: Flask, tmp_path: Path, size: str) -> None:
    out = tmp_path / "poster.pdf"
    code, output = _cli(demo_app, "poster", "--branch", "zb02", "--size", size, "-o", str(out))
    assert code == 0, output
    pdf = out.read_bytes()
    assert page_count(pdf) == 1
    [[url]] = decode_pages(pdf)
    with demo_app.app_context():
        branch = db.session.scalar(select(Branch).where(Branch.code == "ZB02"))
        assert url == card_url(demo_app.config["BASE_URL"], demo_app.config["SIGNING_KEYS"],
                               "branch", branch.id, branch.card_generation)
        token = read_token(demo_app.config["SIGNING_KEYS"], "branch", url.rsplit("/", 1)[1])
        assert (token.record_id, token.generation) == (branch.id, branch.card_generation)
        assert branch.name in text_of(pdf)
        assert f"<h1>{branch.name}</h1>" in _open(demo_app, url)


def test_everyone_sorted_by_branch_then_name_in_two_queries(demo_app: Flask) -> None:
    with demo_app.app_context():
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        cards = card_values(db.session, "https://pc.example.org", ["k"], None)
        assert len(statements) == 2
        branch_code = {b.name: b.code for b in db.session.scalars(select(Branch))}
        keys = [(branch_code[c.branch], name_key(c.name)) for c in cards]
        assert keys == sorted(keys)  # branch code, then pinyin
        assert {c.organisation for c in cards} == {"中共示范区直属机关委员会"}


def test_org_name_config_and_photo_from_the_database(app: Flask, tmp_path: Path) -> None:
    from tests.helpers import factories

    app.config["ORG_NAME"] = "中共测试委员会"
    with app.app_context():
        member = factories.make_member(name="周杰")
        picture = io.BytesIO()
        Image.new("RGB", (60, 80), (200, 30, 30)).save(picture, "PNG")
        db.session.add(MemberPhoto(member_id=member.id, content_type="image/png",
                                   data=picture.getvalue()))
        db.session.commit()
        [card] = card_values(db.session, app.config["BASE_URL"], app.config["SIGNING_KEYS"],
                             app.config["ORG_NAME"])
        assert card.photo == picture.getvalue() and card.organisation == "中共测试委员会"
    out = tmp_path / "one.pdf"
    code, output = _cli(app, "cards", "--preset", "durable", "-o", str(out))
    assert code == 0, output
    pdf = out.read_bytes()
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
    assert "中共测试委员会" in text_of(pdf) and "周杰" in text_of(pdf)
    assert len(decode_pages(pdf)[0]) == 1


def test_a_replacement_card_for_one_member(app: Flask, tmp_path: Path) -> None:
    from tests.helpers import factories

    with app.app_context():
        branch = factories.make_branch()
        lost = factories.make_member(branch, number="DY000042", name="林小红")
        factories.make_member(branch, name="不打印", status=MemberStatus.TRANSFERRED_OUT)
        factories.make_member(branch, name="也不打印")
        db.session.commit()
        branch_code = branch.code
        old_url = card_url(app.config["BASE_URL"], app.config["SIGNING_KEYS"], "member", lost.id,
                           lost.card_generation)
    result = app.test_cli_runner().invoke(args=["card", "reissue", "DY000042"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "replacement.pdf"
    code, output = _cli(app, "cards", "--member", "dy000042", "-o", str(out))
    assert code == 0 and "1 cards on 1 sheets" in output, output
    [[url]] = decode_pages(out.read_bytes())
    assert url != old_url and "林小红" in text_of(out.read_bytes())
    assert "林小红" in _open(app, url)  # the new card opens the page
    base = normalise_base_url(app.config["BASE_URL"])
    assert app.test_client().get(old_url[len(base):]).status_code == 410  # the lost one: 410
    code, output = _cli(app, "cards", "--member", "DY000042", "--member", "NOPE1", "--member",
                        "NOPE2", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "no member with number NOPE1, NOPE2" in output
    code, output = _cli(app, "cards", "--member", "DY000042", "--branch", branch_code, "-o",
                        str(tmp_path / "x.pdf"))
    assert code == 1 and "give --branch or --member, not both" in output
    assert not (tmp_path / "x.pdf").exists()


def test_command_errors_are_clear(app: Flask, tmp_path: Path) -> None:
    code, output = _cli(app, "cards", "--branch", "NOPE", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "no branch with code 'NOPE'" in output
    code, output = _cli(app, "cards", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "no members to print" in output
    code, output = _cli(app, "cards", "--preset", "huge", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "unknown preset" in output
    code, output = _cli(app, "cards", "--card", "90x60", "--grid", "3x5", "-o",
                        str(tmp_path / "x.pdf"))
    assert code == 1 and "does not fit the sheet" in output
    code, output = _cli(app, "cards", "--card", "ninety", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "--card must look like 85.6x54" in output
    app.config["CJK_FONT"] = str(tmp_path / "missing.otf")
    with app.app_context():
        from tests.helpers import factories

        factories.make_member()
        db.session.commit()
    code, output = _cli(app, "cards", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "apt-get install fonts-noto-cjk" in output
    assert not (tmp_path / "x.pdf").exists()
    app.config["CJK_FONT"] = None  # the default: fontconfig finds one
    code, output = _cli(app, "cards", "-o", "/proc/partycard.pdf")
    assert code == 1 and "cannot write /proc/partycard.pdf" in output


def test_chunks_rendered_in_parallel_join_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers.cards import make_cards

    monkeypatch.setattr(batch, "CHUNK_SHEETS", 1)
    cards = make_cards(25)
    done: list[int] = []
    pdf = render_cards_batched(cards, get_preset("id1"), find_cjk_font(), workers=2,
                               progress=done.append)
    assert done == [10, 10, 5]
    pages = decode_pages(pdf)
    assert [sorted(p) for p in pages] == [sorted(c.url for c in cards[s:s + 10])
                                          for s in (0, 10, 20)]


def test_a_long_run_shows_progress_and_prints_every_card(app: Flask, tmp_path: Path) -> None:
    from tests.helpers import factories

    with app.app_context():
        branch = factories.make_branch(code="BIG")
        for i in range(200):
            factories.make_member(branch, name=f"党员{i:03d}")
        db.session.commit()
    out = tmp_path / "big.pdf"
    code, output = _cli(app, "cards", "--branch", "BIG", "--workers", "2", "-o", str(out))
    assert code == 0, output
    assert "rendering cards" in output and "200 cards on 20 sheets" in output
    assert page_count(out.read_bytes()) == 20


def test_a_custom_layout_from_the_command_line(app: Flask, tmp_path: Path) -> None:
    from tests.helpers import factories

    with app.app_context():
        for _ in range(7):
            factories.make_member()
        db.session.commit()
    out = tmp_path / "custom.pdf"
    code, output = _cli(app, "cards", "--card", "80x50", "--grid", "2x3", "--gaps", "8x8",
                        "--margins", "20x15", "-o", str(out))
    assert code == 0, output
    assert "7 cards on 2 sheets (custom)" in output
    assert [len(p) for p in decode_pages(out.read_bytes())] == [6, 1]
