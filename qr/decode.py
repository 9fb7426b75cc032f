"""Reading member cards out of pictures: a phone's photo of a card (签到 without
JavaScript) or a camera frame a browser without BarcodeDetector posts (the 签到 scanner).

zxing-cpp decodes; Pillow opens the picture. A picture is refused before it is decoded
when it is too large in bytes or in pixels (a decompression bomb: a few kilobytes of PNG
that would unpack to gigabytes), each with a message that says what to do.
"""

from __future__ import annotations

import io
import re
import warnings
from typing import Any

import zxingcpp
from flask_babel import lazy_gettext
from PIL import Image, UnidentifiedImageError

from core.errors import UserError

# A phone photo is 2–6 MB (a 12 MP JPEG; a 50 MP one up to ~15 MB); 20 MB leaves room.
MAX_BYTES = 20 * 1024 * 1024
# 50 MP: every phone camera's full picture, far from a bomb's billions.
MAX_PIXELS = 50_000_000
# A card fills a tenth of a photo or more: at this size its code still has > 2 px a module,
# and decoding takes tens of milliseconds instead of hundreds.
WORKING_SIDE = 1600
QR_MODEL_2: Any = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)
_MEMBER_PATH = re.compile(r"/M/([A-Z2-7]+)/?$", re.IGNORECASE)


class PictureRefused(UserError):
    """A picture that is not read: too large, too many pixels, or not a picture."""


class TooLarge(PictureRefused):
    def __init__(self) -> None:
        super().__init__(lazy_gettext(
            "The picture is larger than %(mb)s MB. Take the photo again at a lower "
            "resolution, or closer to the card.", mb=MAX_BYTES // (1024 * 1024)))


class TooManyPixels(PictureRefused):
    def __init__(self) -> None:
        super().__init__(lazy_gettext(
            "The picture has more than %(mp)s million pixels. Take the photo again at the "
            "camera's normal resolution.", mp=MAX_PIXELS // 1_000_000))


class NotAPicture(PictureRefused):
    def __init__(self) -> None:
        super().__init__(lazy_gettext(
            "This file is not a picture. Take a photo of the card (JPEG, PNG or WebP)."))


def _open(data: bytes) -> Image.Image:
    """The picture, opened lazily (header only) and checked for size before any decoding."""
    if len(data) > MAX_BYTES:
        raise TooLarge
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise NotAPicture from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise TooManyPixels
    return image


def _read(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image, formats=QR_MODEL_2)]


def codes_in_picture(data: bytes) -> list[str]:
    """The text of every QR code in the picture (empty: none found).

    Decoded at a working size first (a JPEG is decoded straight at reduced size by
    ``draft``); if nothing is found there, once more at full size, for a card far away.
    """
    image = _open(data)
    full_side = max(image.size)
    try:
        if image.format == "JPEG" and full_side > WORKING_SIDE:
            image.draft("L", (WORKING_SIDE, WORKING_SIDE))
        gray: Any = image.convert("L")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise NotAPicture from None
    if max(gray.size) > WORKING_SIDE:
        gray.thumbnail((WORKING_SIDE, WORKING_SIDE))
    found = _read(gray)
    if found or max(gray.size) >= full_side:
        return found
    try:
        full = _open(data).convert("L")
    except (OSError, ValueError):
        raise NotAPicture from None
    return _read(full)


def member_token(text: str) -> str | None:
    """The token of a member card's URL (``…/M/<token>``), or None for any other code."""
    match = _MEMBER_PATH.search(text.strip().split("?")[0].split("#")[0])
    return match.group(1).upper() if match else None
