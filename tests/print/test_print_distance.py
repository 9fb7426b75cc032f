"""Cards whose codes scan from further away: 0.75 mm modules on the presets, the full quiet
zone, a warning under 0.65 mm on custom layouts, a refusal under 0.5 mm (issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from flask import Flask

from print.cards import CardValues, render_cards
from print.codes import check_code, module_warning, print_matrix
from print.errors import PrintError
from print.fonts import find_cjk_font
from print.geometry import card_geometry
from print.presets import custom_preset, get_preset
from qr.links import card_url
from tests.helpers.pdf import decode_image

KEYS = ["Xq7vR2mPz9LkT4wN8bHc3JdF6sGy1AeU5oQi0nVx"]
BASE_24 = "https://party.example.cn"  # 24 characters: the longest that keeps version 3
DPI = 300


def _url(record_id: int, base: str = BASE_24) -> str:
    return card_url(base, KEYS, "member", record_id, 1)


@pytest.mark.parametrize("preset", ["id1", "durable"])
def test_card_presets_give_version_3_codes_0_75_mm_modules(preset: str) -> None:
    assert len(BASE_24) == 24
    layout = get_preset(preset)
    matrix = print_matrix(_url(10**6))
    assert matrix.version == 3 and matrix.size_with_quiet_zone == 37
    module = layout.code_size / matrix.size_with_quiet_zone
    assert module >= 0.75 and 27.5 <= layout.code_size <= 28.5
    check_code(matrix, layout.code_size)
    assert module_warning(matrix, layout.code_size, custom=False) is None


def test_the_quiet_zone_is_white_and_every_code_decodes() -> None:
    layout = get_preset("id1")
    cards = [CardValues(member_id=i, name="阿卜杜热合曼·买买提明", branch="机关第一党支部",
                        category="正式党员", joined_on=dt.date(2019, 7, 1),
                        organisation="中共示范区直属机关委员会", url=_url(i))
             for i in range(1, layout.per_page + 1)]
    pdf = render_cards(cards, layout, find_cjk_font())
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    assert sorted(decode_image(image)) == sorted(c.url for c in cards)
    g = card_geometry(layout)
    px = DPI / 25.4
    quiet = 4 * layout.code_size / 37
    for i in range(layout.per_page):
        x, y = layout.slot(i)
        left, top = (x + g.code.x) * px, (y + g.code.y) * px
        side = g.code.w * px
        inset, band = 0.15 * px, (quiet - 0.3) * px  # clear of anti-aliased edges
        for box in ((left + inset, top + inset, left + side - inset, top + inset + band),
                    (left + inset, top + side - inset - band, left + side - inset,
                     top + side - inset),
                    (left + inset, top + inset, left + inset + band, top + side - inset),
                    (left + side - inset - band, top + inset, left + side - inset,
                     top + side - inset)):
            lo, _ = image.crop(tuple(round(v) for v in box)).getextrema()
            assert lo >= 250, (i, box)  # nothing printed in the 4-module quiet zone
        # The code's own modules start right inside it: the finder pattern is dark.
        inner_x, inner_y = left + quiet * px, top + quiet * px
        finder = image.crop((round(inner_x + 0.2 * px), round(inner_y + 0.2 * px),
                             round(inner_x + 0.6 * px), round(inner_y + 0.6 * px)))
        assert finder.getextrema()[1] < 100


def test_custom_layouts_warn_under_0_65_mm_and_refuse_under_0_5_mm() -> None:
    matrix = print_matrix(_url(1))
    small = custom_preset(40.0, 40.0, cols=4, rows=6)  # a 24 mm code: 0.649 mm modules
    warning = module_warning(matrix, small.code_size, custom=True)
    assert warning is not None and "under 0.65 mm" in warning and "larger" in warning
    assert module_warning(matrix, custom_preset(80.0, 50.0, cols=2, rows=5).code_size,
                          custom=True) is None
    with pytest.raises(PrintError, match=r"under the 0\.5 mm"):
        check_code(print_matrix(_url(1, "https://" + "x" * 100 + ".example.org")), 24.0)


def _cli(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["print", "cards", *args])
    return result.exit_code, result.output


def test_print_cards_warns_about_small_modules(demo_app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    code, output = _cli(demo_app, "--branch", "ZB03", "--card", "40x40", "--grid", "4x6",
                        "-o", str(out))
    assert code == 0 and "小于 0.65 毫米" in output and "加大卡片" in output and out.exists()
    code, output = _cli(demo_app, "--branch", "ZB03", "-o", str(out))
    assert code == 0 and "警告" not in output
    # A long BASE_URL pushes the preset's code past version 3: said, with the fix.
    demo_app.config["BASE_URL"] = "https://partycard.organisation.example.org"
    code, output = _cli(demo_app, "--branch", "ZB03", "-o", str(out))
    assert code == 0 and "请把 BASE_URL 缩短" in output
