"""QR images for screens: SVG and PNG, with the 4-module quiet zone."""

from __future__ import annotations

import io

from PIL import Image

from qr.matrix import QUIET_ZONE, qr_matrix
from qr.vector import svg_document

PNG_SCALE = 8  # pixels per module: sharp on phones, and still a small file


def qr_svg(url: str) -> str:
    """The code of ``url`` as a standalone SVG document."""
    return svg_document(qr_matrix(url))


def qr_png(url: str, scale: int = PNG_SCALE) -> bytes:
    """The code of ``url`` as a black-and-white PNG, scaled without smoothing."""
    matrix = qr_matrix(url)
    n = matrix.size_with_quiet_zone
    image = Image.new("1", (n, n), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix.rows):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    image = image.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
