"""Card sheets from plain values: every code decodes to its card's URL, names are real text."""

from __future__ import annotations

import pytest

from print.cards import render_cards
from print.fonts import find_cjk_font
from print.presets import PRESETS, get_preset
from qr.tokens import read_token
from tests.helpers.cards import KEYS, make_cards
from tests.helpers.pdf import decode_pages, embedded_fonts, page_count, text_of


@pytest.fixture(scope="module")
def font() -> object:
    return find_cjk_font()


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_code_on_a_sheet_decodes_to_its_card(preset: str, font: object) -> None:
    layout = get_preset(preset)
    cards = make_cards(layout.per_page + 1)  # a full sheet and one card on the next
    pdf = render_cards(cards, layout, font)  # type: ignore[arg-type]
    pages = decode_pages(pdf)
    assert len(pages) == 2
    decoded = sorted(url for page in pages for url in page)
    assert decoded == sorted(card.url for card in cards)
    for card in cards:
        token = read_token(KEYS, "member", card.url.rsplit("/", 1)[1])
        assert (token.record_id, token.generation) == (card.member_id, 1 + card.member_id % 2)


def test_names_are_text_in_an_embedded_cjk_font(font: object) -> None:
    cards = make_cards(12)
    pdf = render_cards(cards, get_preset("id1"), font)  # type: ignore[arg-type]
    text = text_of(pdf)
    for card in cards:
        assert card.name in text
    assert "正式党员" in text and "扫码查看党员信息" in text
    assert any("CJK" in name for name in embedded_fonts(pdf)), embedded_fonts(pdf)


def test_back_side_pages_follow_each_front_and_mirror_it(font: object) -> None:
    cards = make_cards(11)
    pdf = render_cards(cards, get_preset("id1"), font, back=True)  # type: ignore[arg-type]
    assert page_count(pdf) == 4
    pages = decode_pages(pdf)
    assert [len(p) for p in pages] == [10, 0, 1, 0]
    assert "党员信息卡" in text_of(pdf)
