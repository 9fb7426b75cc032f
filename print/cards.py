"""Member cards: plain values in, a PDF sheet (optionally with mirrored backs) out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from print.codes import check_code, print_matrix
from print.documents import render_html
from print.fonts import CJKFont
from print.geometry import Box, CardGeometry, card_geometry
from print.marks import cut_marks
from print.presets import Preset, check_fit
from print.stamp import PageStamp, Placed, imposer
from print.textfit import LINE_HEIGHT, fit_text, width_em

SCAN_LINE = "扫码查看党员信息"
BACK_TITLE = "党员信息卡"
BACK_NOTE = "扫描正面二维码查看党员信息"
INFO_LINE_HEIGHT = 1.5  # must match .info in templates/print/sheet.css
LONGEST_DATE = "入党日期 2000年10月10日"  # sizes the info lines the same on every card


@dataclass(frozen=True)
class CardValues:
    """Everything printed on one member's card, already looked up and labelled."""

    member_id: int
    name: str
    branch: str
    category: str  # the label, e.g. "正式党员"
    joined_on: dt.date | None  # 入党日期, the political birthday
    organisation: str
    url: str  # card_url(...) of the member's current card
    photo: bytes | None = None
    photo_type: str = "image/jpeg"
    generation: int = 1  # the card's version: a reissued card (2 and up) says so, small


def version_line(generation: int) -> str:
    """"第2版" on a reissued card (the first card says nothing)."""
    return f"第{generation}版" if generation > 1 else ""


def political_birthday(day: dt.date | None) -> str:
    """"入党日期 2019年7月1日" (or empty)."""
    return f"入党日期 {day.year}年{day.month}月{day.day}日" if day else ""


def _text(cls: str, text: str, box: Box, largest: float, smallest: float,
          centre_v: bool = False) -> dict[str, Any]:
    fit = fit_text(text, box.w, box.h, largest, smallest)
    # Bands centre their single line vertically.
    pad = (box.h - fit.size * LINE_HEIGHT) / 2 if centre_v and fit.lines == 1 else 0
    return {"cls": f"{cls} {'one' if fit.lines == 1 else 'wrap'}", "text": text,
            "size": fit.size, "pad": round(pad, 2)}


def _info_size(lines: Sequence[str], box: Box, largest: float) -> float:
    """The size at which the widest info line fits and all of them fit the box's height."""
    return round(min([largest, box.h / (INFO_LINE_HEIGHT * 3)]
                     + [box.w / width_em(line) for line in lines if line]), 2)


def card_boxes(g: CardGeometry) -> dict[str, Box]:
    """The CSS class → box table the template turns into positioned classes."""
    return {"band": g.header, "name": g.name, "name-p": g.name_beside_photo, "info": g.info,
            "info-p": g.info_beside_photo, "caption": g.caption, "photo": g.photo,
            "code": g.code}


FrontKey = tuple[str, str, str, bool]  # organisation, branch, category, has a photo


def front_key(card: CardValues) -> FrontKey:
    """What a card shares with others: everything printed but name, date and photo."""
    return (card.organisation, card.branch, card.category, card.photo is not None)


def front_art(key: FrontKey, g: CardGeometry) -> dict[str, Any]:
    """The shared part of a front: band, branch and category lines, scan line."""
    organisation, branch, category, photo = key
    info = g.info_beside_photo if photo else g.info
    texts = [
        _text("band", organisation, g.header, g.org_size, g.org_size * 0.5, centre_v=True),
        _text("caption", SCAN_LINE, g.caption, g.caption_size, g.caption_size * 0.6),
    ]
    return {"texts": texts, "photo": None, "info": [branch, category],
            "info_cls": "info-p" if photo else "info",
            "info_size": _info_size([branch, category, LONGEST_DATE], info, g.info_size)}


def front_context(card: CardValues, g: CardGeometry, photo_url: str | None) -> dict[str, Any]:
    """The variable part of one card's front: name, political birthday, photo."""
    name_box = g.name_beside_photo if photo_url else g.name
    info = g.info_beside_photo if photo_url else g.info
    size = _info_size([card.branch, card.category, LONGEST_DATE], info, g.info_size)
    # Third line of the info block the form draws; same size and line height.
    date = {"cls": "info-line one", "text": political_birthday(card.joined_on), "size": size,
            "pad": 0, "x": info.x, "y": info.y + 2 * size * INFO_LINE_HEIGHT, "w": info.w,
            "h": size * INFO_LINE_HEIGHT}
    name = _text("name", card.name, name_box, g.name_size, g.name_size * 0.45)
    name.update(x=name_box.x, y=name_box.y, w=name_box.w, h=name_box.h)
    texts = [name, date]
    if card.generation > 1:  # small, in the band's lower right corner: which card this is
        vsize = max(1.5, g.caption_size * 0.8)
        texts.append({"cls": "info-line one version", "text": version_line(card.generation),
                      "size": round(vsize, 3), "pad": 0,
                      "x": g.header.x + g.header.w - 12.0, "w": 11.0,
                      "y": g.header.y + g.header.h - vsize * 1.4, "h": vsize * 1.3})
    # Positioned on the page, not in a card box: one box fewer per card to lay out.
    return {"texts": texts, "photo": photo_url, "info": None, "flat": True}


def back_boxes(preset: Preset, g: CardGeometry) -> dict[str, Box]:
    """Boxes of the back: a title, the branch, a note."""
    w = preset.card_width
    unit = min(w, preset.card_height) / 54.0
    top = g.header.h + 6 * unit
    return {"title": Box(4 * unit, top, w - 8 * unit, 10 * unit),
            "branch": Box(4 * unit, top + 13 * unit, w - 8 * unit, 5 * unit),
            "note": Box(4 * unit, top + 20 * unit, w - 8 * unit, 4 * unit)}


def back_art(organisation: str, branch: str, g: CardGeometry, boxes: dict[str, Box],
             unit: float) -> dict[str, Any]:
    """A back (nothing on it is personal, so every back is shared art): band, title, branch."""
    texts = [
        _text("band", organisation, g.header, g.org_size, g.org_size * 0.5, centre_v=True),
        _text("title", BACK_TITLE, boxes["title"], 6 * unit, 3 * unit),
        _text("branch", branch, boxes["branch"], 3 * unit, 1.5 * unit),
        _text("note", BACK_NOTE, boxes["note"], 2.2 * unit, 1.4 * unit),
    ]
    return {"texts": texts, "photo": None, "info": None}


def _at(xy: tuple[float, float], values: dict[str, Any]) -> dict[str, Any]:
    return {"x": round(xy[0], 2), "y": round(xy[1], 2), **values}


def render_cards(cards: Sequence[CardValues], preset: Preset, font: CJKFont,
                 back: bool = False) -> bytes:
    """One PDF of card sheets; with ``back`` every front page is followed by its mirrored back.

    As on a variable-data press, what cards share (per organisation, branch, category) is
    laid out once on template pages, which the imposer turns into forms drawn under each
    card; WeasyPrint lays out only the name and date of each card (see ``print.stamp``).
    """
    check_fit(preset)
    matrices = [print_matrix(card.url) for card in cards]
    for matrix in matrices:
        check_code(matrix, preset.code_size)
    g = card_geometry(preset)
    bboxes = back_boxes(preset, g)
    unit = min(preset.card_width, preset.card_height) / 54.0
    photos = {f"photo/{i}": (c.photo, c.photo_type) for i, c in enumerate(cards) if c.photo}
    pages: list[dict[str, Any]] = []
    front_form: dict[FrontKey, int] = {}
    back_form: dict[tuple[str, str], int] = {}
    for card in cards:
        key = front_key(card)
        if key not in front_form:
            front_form[key] = len(pages)
            pages.append({"cards": [_at(preset.slot(0), front_art(key, g))]})
        if back and (card.organisation, card.branch) not in back_form:
            back_form[card.organisation, card.branch] = len(pages)
            pages.append({"cards": [_at(preset.slot(0, True), back_art(
                card.organisation, card.branch, g, bboxes, unit))]})
    templates = len(pages)
    stamps: list[PageStamp] = []
    x0, y0 = preset.slot(0)
    bx0, by0 = preset.slot(0, mirrored=True)
    for start in range(0, len(cards), preset.per_page):
        chunk = cards[start:start + preset.per_page]
        front, stamp = [], PageStamp(marks=cut_marks(preset, len(chunk)))
        for i, card in enumerate(chunk, start):
            x, y = preset.slot(i)
            url = f"partycard:photo/{i}" if card.photo else None
            front.append(_at((x, y), front_context(card, g, url)))
            stamp.forms.append((front_form[front_key(card)], x - x0, y - y0))
            stamp.codes.append(Placed(x + g.code.x, y + g.code.y, g.code.w, matrices[i]))
        pages.append({"cards": front})
        stamps.append(stamp)
        if back:
            stamp = PageStamp(marks=cut_marks(preset, len(chunk), mirrored=True))
            for i, card in enumerate(chunk, start):
                x, y = preset.slot(i, mirrored=True)
                stamp.forms.append((back_form[card.organisation, card.branch], x - bx0, y - by0))
            pages.append({"cards": []})
            stamps.append(stamp)
    return render_html("cards.html", font, photos, imposer(templates, stamps, preset.page_height),
                       title="党员卡", p=preset, g=g, boxes={**card_boxes(g), **bboxes},
                       pages=pages, css_file="sheet.css")
