"""Sheet presets for real stock, custom layouts, and the check that a layout fits."""

from __future__ import annotations

from dataclasses import dataclass

from print.errors import PrintError

A4 = (210.0, 297.0)
A3 = (297.0, 420.0)
MIN_CARD_MM = 30.0  # below this no code of >= 20 mm and a name fit on a card
FIT_TOLERANCE = 0.01  # mm; rounding of decimal inputs must not make a layout "not fit"


@dataclass(frozen=True)
class Preset:
    """A card size laid out ``cols`` x ``rows`` on a page; all lengths in millimetres.

    ``margin_x``/``margin_y`` of ``None`` centre the grid on the page.
    """

    name: str
    card_width: float
    card_height: float
    cols: int
    rows: int
    gap_x: float = 0.0
    gap_y: float = 0.0
    page_width: float = A4[0]
    page_height: float = A4[1]
    margin_x: float | None = None
    margin_y: float | None = None
    code_size: float = 24.0  # printed size of the code, quiet zone included

    @property
    def per_page(self) -> int:
        """Cards on one sheet."""
        return self.cols * self.rows

    @property
    def left(self) -> float:
        """Left margin actually used."""
        if self.margin_x is not None:
            return self.margin_x
        return (self.page_width - self._grid_width) / 2

    @property
    def top(self) -> float:
        """Top margin actually used."""
        if self.margin_y is not None:
            return self.margin_y
        return (self.page_height - self._grid_height) / 2

    @property
    def _grid_width(self) -> float:
        return self.cols * self.card_width + (self.cols - 1) * self.gap_x

    @property
    def _grid_height(self) -> float:
        return self.rows * self.card_height + (self.rows - 1) * self.gap_y

    def slot(self, index: int, mirrored: bool = False) -> tuple[float, float]:
        """Top-left corner of card ``index`` on its page; ``mirrored`` for the duplex back."""
        row, col = divmod(index % self.per_page, self.cols)
        x = self.left + col * (self.card_width + self.gap_x)
        if mirrored:
            # Long-edge duplex flips left and right: the back of a card is the mirror slot.
            x = self.page_width - x - self.card_width
        return x, self.top + row * (self.card_height + self.gap_y)


PRESETS: dict[str, Preset] = {
    # ISO/IEC 7810 ID-1 (CR80), 2 x 5 on A4, with gutters for cut marks.
    "id1": Preset("id1", 85.6, 54.0, cols=2, rows=5, gap_x=6.0, gap_y=3.0),
    # Durable-style badge inserts, 90 x 54 mm, 2 x 5 on A4.
    "durable": Preset("durable", 90.0, 54.0, cols=2, rows=5, gap_x=4.0, gap_y=3.0),
    # A6 (105 x 148 mm), 4 to an A4 sheet: the sheet is cut in half both ways.
    "a6": Preset("a6", 105.0, 148.0, cols=2, rows=2, code_size=40.0),
}
ALIASES = {"cr80": "id1", "id-1": "id1", "badge": "durable", "a6-4up": "a6"}


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (case-insensitive), or a PrintError listing the choices."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in PRESETS:
        raise PrintError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return PRESETS[key]


def custom_preset(card_width: float, card_height: float, *, cols: int, rows: int,
                  gap_x: float = 0.0, gap_y: float = 0.0, page: tuple[float, float] = A4,
                  margin_x: float | None = None, margin_y: float | None = None,
                  code_size: float = 24.0) -> Preset:
    """A checked custom layout."""
    preset = Preset("custom", card_width, card_height, cols, rows, gap_x, gap_y,
                    page[0], page[1], margin_x, margin_y, code_size)
    check_fit(preset)
    return preset


def check_fit(preset: Preset) -> None:
    """Raise PrintError unless every card lies whole on the sheet and can hold its code."""
    p = preset
    if p.cols < 1 or p.rows < 1:
        raise PrintError("a layout needs at least one column and one row")
    if min(p.gap_x, p.gap_y, p.margin_x or 0, p.margin_y or 0) < 0:
        raise PrintError("margins and gaps cannot be negative")
    if min(p.card_width, p.card_height) < MIN_CARD_MM:
        raise PrintError(f"a card must be at least {MIN_CARD_MM:g} mm on each side")
    if p.code_size > min(p.card_width, p.card_height) - 6:
        raise PrintError(
            f"a {p.code_size:g} mm code does not fit a {p.card_width:g}x{p.card_height:g} mm card"
        )
    for what, start, grid, page in (("width", p.left, p._grid_width, p.page_width),
                                    ("height", p.top, p._grid_height, p.page_height)):
        if start < -FIT_TOLERANCE or start + grid > page + FIT_TOLERANCE:
            raise PrintError(
                f"layout does not fit the sheet: {p.cols}x{p.rows} cards of "
                f"{p.card_width:g}x{p.card_height:g} mm need {grid:.1f} mm of {what} "
                f"from a {max(start, 0):.1f} mm margin, the page has {page:g} mm; "
                "use fewer cards, smaller gaps or margins"
            )
