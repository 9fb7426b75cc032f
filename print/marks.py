"""Cut marks: short hairlines on each card's cut lines, outside the card where there is room."""

from __future__ import annotations

from print.presets import Preset

OFFSET = 0.5  # mm between the card edge and its mark, so a slightly-off cut hides the mark
LENGTH = 3.0
MIN_LENGTH = 1.0
INWARD = 2.0  # length of the tick drawn on the edge itself when there is no room outside


Segment = tuple[float, float, float, float]


def _outward(space: float, shared: bool) -> float:
    # Between two cards the gutter is shared, so keep clear of the neighbour too.
    room = space - (2 * OFFSET if shared else OFFSET)
    return min(LENGTH, room)


def cut_marks(preset: Preset, count: int, mirrored: bool = False) -> list[Segment]:
    """Line segments (x1, y1, x2, y2 in mm) marking the first ``count`` slots of a sheet."""
    p = preset
    parts: list[Segment] = []
    for index in range(count):
        x, y = p.slot(index, mirrored)
        row, col = divmod(index, p.cols)
        if mirrored:
            col = p.cols - 1 - col
        spaces = {
            "left": (p.gap_x, True) if col > 0 else (x, False),
            "right": (p.gap_x, True) if col < p.cols - 1 else (
                p.page_width - x - p.card_width, False),
            "top": (p.gap_y, True) if row > 0 else (y, False),
            "bottom": (p.gap_y, True) if row < p.rows - 1 else (
                p.page_height - y - p.card_height, False),
        }
        right, bottom = x + p.card_width, y + p.card_height
        for cx, cy, hside, vside in ((x, y, "left", "top"), (right, y, "right", "top"),
                                     (x, bottom, "left", "bottom"),
                                     (right, bottom, "right", "bottom")):
            hdir = -1 if hside == "left" else 1
            vdir = -1 if vside == "top" else 1
            # Horizontal mark on the line of the horizontal edge, outside the corner.
            length = _outward(*spaces[hside])
            if length >= MIN_LENGTH:
                start = cx + hdir * OFFSET
                parts.append((start, cy, start + hdir * length, cy))
            else:
                parts.append((cx, cy, cx - hdir * INWARD, cy))
            # Vertical mark on the line of the vertical edge.
            length = _outward(*spaces[vside])
            if length >= MIN_LENGTH:
                start = cy + vdir * OFFSET
                parts.append((cx, start, cx, start + vdir * length))
            else:
                parts.append((cx, cy, cx, cy - vdir * INWARD))
    return parts
