"""The vector QR decodes with a real decoder and keeps the quiet zone."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from qr.matrix import QUIET_ZONE, qr_matrix
from qr.vector import svg_document, svg_path_data
from tests.helpers.pdf import decode_image

URL = "HTTPS://CARD.EXAMPLE.ORG/M/JW7YIPIJXYA5GFAWVTK2NHM32MQA"


def _rasterise(path_data: str, modules: int, scale: int = 8) -> Image.Image:
    """Draw the path's rectangles the way a renderer would (the path has only M/h/v/z)."""
    image = Image.new("L", (modules * scale, modules * scale), 255)
    draw = ImageDraw.Draw(image)
    for rect in path_data.split("z"):
        if not rect:
            continue
        x, y = (int(v) for v in rect[1:rect.index("h")].split(","))
        width = int(rect[rect.index("h") + 1:rect.index("v")])
        draw.rectangle([x * scale, y * scale, (x + width) * scale - 1, (y + 1) * scale - 1], 0)
    return image


def test_matrix_is_small_and_vector_decodes() -> None:
    matrix = qr_matrix(URL)
    assert matrix.version <= 3
    image = _rasterise(svg_path_data(matrix), matrix.size_with_quiet_zone)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert decode_image(Image.open(buffer)) == [URL]


def test_quiet_zone_is_blank_and_document_is_sized() -> None:
    matrix = qr_matrix(URL)
    data = svg_path_data(matrix)
    xs = [int(part[1:].split(",")[0]) for part in data.split("z") if part]
    assert min(xs) >= QUIET_ZONE
    doc = svg_document(matrix, size="25mm", title="<x>")
    assert 'width="25mm"' in doc and "&lt;x&gt;" in doc
    assert f'viewBox="0 0 {matrix.size + 8} {matrix.size + 8}"' in doc
