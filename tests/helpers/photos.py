"""A real rendered member card, and pictures of it as a phone takes them: on a desk, at an
angle (perspective), slightly out of focus, as a 3000 px JPEG at quality 60."""

from __future__ import annotations

import datetime as dt
import io
import random

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

from print.cards import CardValues, render_cards
from print.fonts import find_cjk_font
from print.presets import get_preset
from qr.links import card_url
from tests.helpers.app import BASE_URL
from tests.helpers.cards import KEYS

PHONE = (3000, 2250)  # a 6.75 MP phone photo, landscape


def card_png(member_id: int, name: str, generation: int = 1, dpi: int = 300,
             keys: list[str] | None = None, branch: str = "签到甲支部") -> Image.Image:
    """The front of member ``member_id``'s printed card (id1 preset), cut out of the sheet."""
    values = CardValues(member_id=member_id, name=name, branch=branch,
                        category="正式党员", joined_on=dt.date(2010, 7, 1),
                        organisation="中共示范区直属机关委员会",
                        url=card_url(BASE_URL, keys or KEYS, "member", member_id, generation))
    preset = get_preset("id1")
    pdf = render_cards([values], preset, find_cjk_font())
    page = pdfium.PdfDocument(pdf)[0]
    sheet = page.render(scale=dpi / 72).to_pil().convert("RGB")
    x, y = preset.slot(0)
    mm = dpi / 25.4
    box = (int(x * mm), int(y * mm), int((x + preset.card_width) * mm),
           int((y + preset.card_height) * mm))
    return sheet.crop(box)


def _perspective(size: tuple[int, int], corners: list[tuple[float, float]]) -> list[float]:
    """PIL's PERSPECTIVE coefficients mapping the output quad ``corners`` to ``size``."""
    w, h = size
    source = [(0, 0), (w, 0), (w, h), (0, h)]
    rows = []
    for (x, y), (u, v) in zip(corners, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    rhs = [c for point in source for c in point]
    return _solve(rows, [float(c) for c in rhs])


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (8 unknowns; no numpy here)."""
    n = len(b)
    m = [list(map(float, row)) + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def photographed(card: Image.Image, *, size: tuple[int, int] = PHONE, fill: float = 0.45,
                 tilt: float = 0.12, blur: float = 2.0, quality: int = 60,
                 seed: int = 19) -> bytes:
    """A phone photo of ``card``: on a textured desk, seen at an angle, blurred, JPEG."""
    rng = random.Random(seed)
    photo = Image.new("RGB", size, (146, 120, 92))
    draw = ImageDraw.Draw(photo)
    for _ in range(400):  # wood-ish streaks
        y = rng.randrange(size[1])
        shade = rng.randrange(120, 170)
        draw.line([(0, y), (size[0], y + rng.randrange(-40, 40))],
                  fill=(shade, shade - 25, shade - 50), width=rng.randrange(2, 9))
    w = int(size[0] * fill)
    h = int(w * card.height / card.width)
    left, top = (size[0] - w) // 2, (size[1] - h) // 2
    d = tilt * w
    corners = [(left + d, top), (left + w - d * 0.3, top + d * 0.4),
               (left + w, top + h), (left - d * 0.2, top + h - d * 0.3)]
    warped = card.transform(size, Image.Transform.PERSPECTIVE,
                            _perspective(card.size, corners), Image.Resampling.BICUBIC)
    mask = Image.new("L", card.size, 255).transform(
        size, Image.Transform.PERSPECTIVE, _perspective(card.size, corners))
    photo.paste(warped, (0, 0), mask)
    photo = photo.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def y4m(image: Image.Image, path: str, frames: int = 10, size: tuple[int, int] = (640, 480)
        ) -> None:
    """A Y4M video (what Chromium's fake camera plays in a loop) showing ``image``."""
    w, h = size
    frame = Image.new("RGB", size, (146, 120, 92))
    shown = image.copy()
    shown.thumbnail((int(w * 0.8), int(h * 0.8)))
    frame.paste(shown, ((w - shown.width) // 2, (h - shown.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (w // 2, h // 2)
    planes = (y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
