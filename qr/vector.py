"""QR codes as vector graphics: one SVG path of unit squares, merged along rows."""

from __future__ import annotations

from qr.matrix import QUIET_ZONE, QRMatrix


def svg_path_data(matrix: QRMatrix, offset: int = QUIET_ZONE) -> str:
    """Path data drawing each horizontal run of dark modules as one rectangle.

    Coordinates are in modules, shifted by ``offset`` so the quiet zone is kept.
    Merging runs keeps the path short (fast to render, small PDFs) and leaves no
    hairline gaps between neighbouring modules.
    """
    parts: list[str] = []
    for y, row in enumerate(matrix.rows):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + offset},{y + offset}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(parts)


def svg_document(matrix: QRMatrix, size: str | None = None, title: str | None = None) -> str:
    """A standalone SVG with the quiet zone; ``size`` like ``"25mm"`` fixes its printed size."""
    n = matrix.size_with_quiet_zone
    dims = f' width="{size}" height="{size}"' if size else ""
    label = f"<title>{_escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}"{dims} '
        f'shape-rendering="crispEdges">{label}'
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{svg_path_data(matrix)}"/></svg>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
