"""The 政治生日 card (贺卡): one A6 (or half A4) page per member, the long name fitted to
its box, the CJK font embedded, nothing fetched; and the sizes it refuses."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from print.errors import PrintError
from print.fonts import CJKFont, find_cjk_font
from print.record import SIZES, BirthdayCard, render_birthday_cards
from print.textfit import fit_text

LONG = "欧阳娜仁托雅·阿不都热合曼买买提"


@pytest.fixture(scope="module")
def font() -> CJKFont:
    return find_cjk_font()


def test_one_card_a_member_with_the_long_name_fitted(font: CJKFont) -> None:
    cards = [BirthdayCard("机关第一党支部", LONG, dt.date(1990, 12, 5), 36),
             BirthdayCard("机关第一党支部", "王芳", dt.date(2016, 12, 1), 10)]
    pdf = PdfReader(io.BytesIO(render_birthday_cards(cards, font, "中共示范区直属机关委员会")))
    assert len(pdf.pages) == 2
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == SIZES["a6"]
    text = pdf.pages[0].extract_text()
    assert "政 治 生 日 快 乐" in text and "党龄 36 年" in text and "机关第一党支部" in text
    fonts = [f for page in pdf.pages for f in page["/Resources"]["/Font"].values()]
    assert all("/FontFile3" in f.get_object()["/DescendantFonts"][0].get_object()
               ["/FontDescriptor"] or "/FontFile2" in f.get_object()["/DescendantFonts"][0]
               .get_object()["/FontDescriptor"] for f in fonts)  # embedded
    # The long name shrinks and wraps inside the card's inner width; the short one does not.
    inner = SIZES["a6"][0] - 18
    long_fit, short_fit = (fit_text(n + " 同志", inner, 16, 15, 7) for n in (LONG, "王芳"))
    assert long_fit.size < short_fit.size and long_fit.lines * long_fit.size * 1.2 <= 16


def test_sizes_and_an_empty_month_are_refused(font: CJKFont) -> None:
    card = BirthdayCard("支部", "王芳", dt.date(2016, 12, 1), 10)
    with pytest.raises(PrintError):
        render_birthday_cards([card], font, "党委", "a3")
    with pytest.raises(PrintError):
        render_birthday_cards([], font, "党委")
