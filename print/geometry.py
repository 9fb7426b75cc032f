"""Where things go on a card of a given size: one box per element, in millimetres."""

from __future__ import annotations

from dataclasses import dataclass

from print.presets import Preset

CAPTION_GAP = 1.0


@dataclass(frozen=True)
class Box:
    """A rectangle relative to the card's top-left corner."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class CardGeometry:
    """The boxes of a card's front (with and without photo) and back."""

    header: Box
    org_size: float
    code: Box
    caption: Box
    caption_size: float
    photo: Box
    name: Box  # the name box when there is no photo
    name_beside_photo: Box
    name_size: float
    info: Box
    info_beside_photo: Box
    info_size: float


def card_geometry(preset: Preset) -> CardGeometry:
    """The layout for ``preset``'s card: landscape cards put the code right, portrait below."""
    w, h, c = preset.card_width, preset.card_height, preset.code_size
    unit = min(w, h) / 54.0  # everything scales with the short side of an ID-1 card
    pad = 3.0 * unit
    header = Box(0, 0, w, 8.5 * unit)
    caption_size = max(1.8, 1.9 * unit)
    if w >= h:
        # Landscape: text on the left, the code on the right, centred in the body.
        block = c + CAPTION_GAP + caption_size * 1.3
        code = Box(w - pad - c, header.h + (h - header.h - block) / 2, c, c)
        text_right, text_bottom = code.x - 2 * unit, h - pad
    else:
        # Portrait: text across the top, the code centred below it.
        code = Box((w - c) / 2, h - pad * 2 - caption_size * 1.3 - CAPTION_GAP - c, c, c)
        text_right, text_bottom = w - pad, code.y - 2 * unit
    photo = Box(pad, header.h + 3 * unit, 16 * unit, 21 * unit)
    name_top = header.h + 3 * unit
    name = Box(pad + unit, name_top, text_right - pad - unit, 9 * unit)
    beside = photo.x + photo.w + 2.5 * unit
    name_bp = Box(beside, name_top, text_right - beside, 9 * unit)
    info_top = name_top + 10 * unit
    info = Box(name.x, info_top, name.w, text_bottom - info_top)
    info_bp = Box(beside, info_top, name_bp.w, text_bottom - info_top)
    caption = Box(code.x - 4 * unit, code.y + c + CAPTION_GAP, c + 8 * unit, caption_size * 1.3)
    return CardGeometry(
        header=header, org_size=3.0 * unit, code=code, caption=caption,
        caption_size=caption_size, photo=photo, name=name, name_beside_photo=name_bp,
        name_size=7.0 * unit, info=info, info_beside_photo=info_bp,
        info_size=2.5 * unit,
    )
