"""Branch posters (A4 or A3): a large code, the branch name and one line inviting a scan."""

from __future__ import annotations

from dataclasses import dataclass

from print.codes import check_code, print_matrix
from print.documents import render_html
from print.errors import PrintError
from print.fonts import CJKFont
from print.stamp import PageStamp, Placed, imposer
from print.textfit import fit_text

SIZES = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
INVITATION = "扫一扫，查看本支部党建信息"


@dataclass(frozen=True)
class PosterValues:
    """What a branch poster shows."""

    branch_id: int
    branch: str
    organisation: str
    url: str  # card_url(...) of the branch's current code


def render_poster(poster: PosterValues, font: CJKFont, size: str = "A4") -> bytes:
    """One page: organisation, branch name, the code (half the page wide or more), invitation."""
    if size.upper() not in SIZES:
        raise PrintError(f"poster size must be one of {', '.join(SIZES)}, not {size!r}")
    width, height = SIZES[size.upper()]
    unit = width / 210.0
    code_size = 130.0 * unit
    matrix = print_matrix(poster.url)
    check_code(matrix, code_size)
    margin = 18 * unit
    text_width = width - 2 * margin
    org = fit_text(poster.organisation, text_width, 12 * unit, 8 * unit, 4 * unit)
    name = fit_text(poster.branch, text_width, 40 * unit, 18 * unit, 8 * unit)
    invite = fit_text(INVITATION, text_width, 14 * unit, 9 * unit, 5 * unit)
    code_top = 110 * unit
    stamp = PageStamp(codes=[Placed((width - code_size) / 2, code_top, code_size, matrix)])
    return render_html(
        "poster.html", font, {}, imposer(0, [stamp], height), css_file="poster.css",
        title=poster.branch, width=width, height=height, margin=margin, unit=unit,
        poster=poster, org=org, name=name, invite=invite, invitation=INVITATION,
        invite_top=code_top + code_size + 8 * unit)
