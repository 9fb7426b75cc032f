"""Template + font + in-memory resources → PDF bytes, through WeasyPrint and our fetcher."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup
from weasyprint import HTML

from print.fetcher import PrintFetcher, Resource
from print.fonts import CJKFont
from print.templating import TEMPLATES, environment

FONT_RESOURCE = "font"


def render_html(template: str, font: CJKFont, blobs: Mapping[str, tuple[bytes | None, str]],
                finisher: Callable[[Any, Any], None], css_file: str, **context: Any) -> bytes:
    """Render ``templates/print/<template>`` to PDF; ``finisher`` edits it before writing."""
    resources = {name: Resource(mime, data=data) for name, (data, mime) in blobs.items()}
    font_url = None
    if font.path is not None:
        resources[FONT_RESOURCE] = Resource("font/sfnt", path=font.path)
        font_url = "partycard:" + FONT_RESOURCE
    css = Markup((TEMPLATES / css_file).read_text(encoding="utf-8"))
    html = environment().get_template(template).render(
        family=font.family, font_url=font_url, css=css, **context)
    document = HTML(string=html, base_url="partycard:", url_fetcher=PrintFetcher(resources))
    pdf: bytes = document.write_pdf(finisher=finisher)
    return pdf
