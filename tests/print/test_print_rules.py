"""The print module's refusals: layouts that do not fit, tiny modules, no CJK font, URLs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from weasyprint import HTML

from print.cards import CardValues, render_cards
from print.codes import check_code, print_matrix
from print.errors import PrintError
from print.fetcher import PrintFetcher, RefusedURL, Resource
from print.fonts import CJKFont, find_cjk_font
from print.marks import cut_marks
from print.presets import PRESETS, custom_preset, get_preset
from print.textfit import LINE_HEIGHT, fit_text, width_em
from qr.matrix import qr_matrix
from tests.helpers.pdf import decode_pages, embedded_fonts, text_of

URL = "HTTPS://PC.EXAMPLE.ORG/M/JW7YIPIJXYA5GFAWVTK2NHM32MQA"


def test_named_presets_fit_a4() -> None:
    assert {p.per_page for p in PRESETS.values()} == {10, 4}
    assert get_preset("CR80") is PRESETS["id1"]
    for preset in PRESETS.values():
        for i in range(preset.per_page):
            x, y = preset.slot(i)
            assert x >= 0 and y >= 0
            assert x + preset.card_width <= preset.page_width + 0.01
            assert y + preset.card_height <= preset.page_height + 0.01


def test_unknown_preset_lists_the_choices() -> None:
    with pytest.raises(PrintError, match="id1, durable, a6"):
        get_preset("business-card")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cols": 3, "rows": 5}, "does not fit the sheet"),  # 3 x 85.6 mm > 210 mm
    ({"cols": 2, "rows": 6}, "does not fit the sheet"),  # 6 x 54 mm > 297 mm
    ({"cols": 2, "rows": 5, "margin_x": 40.0}, "does not fit the sheet"),
    ({"cols": 2, "rows": 5, "gap_y": 10.0}, "does not fit the sheet"),
    ({"cols": 2, "rows": 5, "gap_x": -1.0}, "negative"),
    ({"cols": 2, "rows": 5, "code_size": 50.0}, "does not fit a 85.6x54 mm card"),
])
def test_a_layout_that_does_not_fit_is_an_error(kwargs: dict[str, object],
                                                message: str) -> None:
    with pytest.raises(PrintError, match=message):
        custom_preset(85.6, 54.0, **kwargs)  # type: ignore[arg-type]


def test_a_custom_layout_that_fits_is_used_as_given() -> None:
    preset = custom_preset(80.0, 50.0, cols=2, rows=4, gap_x=5, gap_y=5, margin_x=10,
                           margin_y=12)
    assert preset.slot(0) == (10, 12)
    assert preset.slot(3) == (95, 12 + 55)
    # The mirrored back of the left card sits where a long-edge flip puts it.
    assert preset.slot(0, mirrored=True) == (210 - 10 - 80, 12)


def test_modules_under_half_a_millimetre_are_refused() -> None:
    matrix = print_matrix(URL)
    assert matrix.version == qr_matrix(URL).version == 3
    check_code(matrix, 20.0)  # 37 modules in 20 mm: 0.54 mm
    long_url = URL + "/" + "X" * 120  # a longer BASE_URL pushes the version up
    with pytest.raises(PrintError, match=r"under the 0\.5 mm"):
        check_code(print_matrix(long_url), 24.0)
    with pytest.raises(PrintError, match="at least 20 mm"):
        check_code(matrix, 18.0)


def test_print_matrix_is_the_same_code_as_qr_matrix() -> None:
    ours, reference = print_matrix(URL), qr_matrix(URL)
    assert (ours.version, ours.size) == (reference.version, reference.size)
    # Both are valid encodings; the mask may differ, the finder patterns never do.
    assert ours.rows[:7] and [r[:7] for r in ours.rows[:7]] == [r[:7]
                                                                for r in reference.rows[:7]]


def _fake_fc(families: Sequence[str]) -> object:
    def run(args: Sequence[str]) -> str:
        return "\n".join(families) + ("\n" if families else "")
    return run


def test_missing_cjk_font_says_how_to_install_one() -> None:
    with pytest.raises(PrintError, match="apt-get install fonts-noto-cjk"):
        find_cjk_font(None, run=_fake_fc([]))  # type: ignore[arg-type]
    with pytest.raises(PrintError, match="apt-get install fonts-noto-cjk"):
        find_cjk_font("No Such Font SC", run=_fake_fc(["Noto Sans CJK SC"]))  # type: ignore[arg-type]
    with pytest.raises(PrintError, match="does not exist"):
        find_cjk_font("/nonexistent/font.otf")


def test_font_discovery_prefers_simplified_chinese() -> None:
    font = find_cjk_font(None, run=_fake_fc(["Noto Sans CJK JP,Noto Sans CJK JP Regular",
                                             "Noto Sans CJK SC,Noto Sans CJK SC Regular"]))  # type: ignore[arg-type]
    assert font.family == "Noto Sans CJK SC" and font.path is None


def _system_collection() -> str:
    import subprocess

    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"],
                          capture_output=True, text=True, check=True).stdout
    if not path.endswith(".ttc"):
        pytest.skip("no Noto CJK collection to test with")
    return path


def test_a_font_collection_is_used_by_its_simplified_chinese_family() -> None:
    font = find_cjk_font(_system_collection())
    assert font == CJKFont(family="Noto Sans CJK SC")


def test_a_font_file_that_lacks_chinese_is_refused() -> None:
    import subprocess

    latin = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"],
                           capture_output=True, text=True, check=True).stdout
    with pytest.raises(PrintError, match="does not cover Chinese"):
        find_cjk_font(latin)


def test_a_single_face_font_file_is_served_through_the_fetcher(tmp_path: Path) -> None:
    from fontTools.ttLib import TTCollection

    path = tmp_path / "NotoSansCJKsc-Regular.otf"
    collection = TTCollection(_system_collection())
    try:
        face = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith(" SC"))
        face.save(path)
    finally:
        collection.close()
    font = find_cjk_font(str(path))
    assert font.path == path.resolve()
    card = CardValues(1, "欧阳娜娜", "机关第一党支部", "正式党员", dt.date(2001, 7, 1),
                      "中共示范区直属机关委员会", URL)
    pdf = render_cards([card], get_preset("id1"), font)
    assert "欧阳娜娜" in text_of(pdf)
    assert any("Partycard" in name for name in embedded_fonts(pdf))


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.org/x.png", "https://example.org/x.png",
    "data:image/png;base64,iVBORw0KGgo=", "ftp://example.org/x", "partycard:photo/99",
])
def test_the_fetcher_refuses_everything_but_its_own_resources(url: str) -> None:
    fetcher = PrintFetcher({"photo/1": Resource("image/png", data=b"x")})
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.fetch("partycard:photo/1").read() == b"x"


def test_a_refused_url_stops_the_rendering() -> None:
    html = '<img src="file:///etc/hostname">'
    with pytest.raises(BaseException, match="file"):
        HTML(string=html, base_url="partycard:", url_fetcher=PrintFetcher()).write_pdf()


def test_markup_in_a_name_is_printed_as_text_not_fetched() -> None:
    card = CardValues(1, '<img src="file:///etc/hostname">', "支部", "正式党员", None,
                      "组织", URL)
    pdf = render_cards([card], get_preset("id1"), find_cjk_font())
    assert "img src" in text_of(pdf)


@pytest.mark.parametrize("name", ["李", "欧阳娜娜", "阿卜杜热合曼·买买提明·艾力江·阿不都热西提",
                                  "Alexandrina Montgomery-Worthington", "王" * 60])
def test_long_names_shrink_to_fit_their_box(name: str) -> None:
    fit = fit_text(name, 40.0, 9.0, 7.0, 3.15)
    assert fit.lines * fit.size * LINE_HEIGHT <= 9.0 + 1e-6
    if fit.lines == 1:
        assert width_em(name) * fit.size <= 40.0 + 1e-6


def test_a_long_name_is_printed_whole_and_its_code_still_scans() -> None:
    name = "阿卜杜热合曼·买买提明·艾力江·阿不都热西提"
    card = CardValues(1, name, "机关第一党支部", "正式党员", dt.date(2001, 7, 1),
                      "中共示范区直属机关委员会", URL)
    pdf = render_cards([card], get_preset("id1"), find_cjk_font())
    assert name in text_of(pdf).replace("\n", "")
    assert decode_pages(pdf) == [[URL]]


def test_cut_marks_stay_out_of_every_card() -> None:
    for preset in PRESETS.values():
        cards = [(*preset.slot(i), preset.card_width, preset.card_height)
                 for i in range(preset.per_page)]
        for x1, y1, x2, y2 in cut_marks(preset, preset.per_page):
            mid = ((x1 + x2) / 2, (y1 + y2) / 2)
            for x, y, w, h in cards:
                inside = x + 0.01 < mid[0] < x + w - 0.01 and y + 0.01 < mid[1] < y + h - 0.01
                # Only the inward ticks of a gapless layout (A6) touch a card, on its edge.
                assert not inside or preset.gap_x == 0
