"""Reading printed PDFs back as a scanner and a text extractor would."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from pypdf import PdfReader

# zxing-cpp 3 made ``QRCode`` a family that also matches Micro QR and rMQR: a few glyph
# strokes can then decode as a tiny Micro QR ("296"). We print and serve full Model 2 codes.
QR_MODEL_2 = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)


def decode_image(image: Image.Image) -> list[str]:
    """The text of every full-size (Model 2) QR code a scanner finds in ``image``."""
    return [code.text for code in zxingcpp.read_barcodes(image, formats=QR_MODEL_2)]


def decode_pages(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """Every QR code's text, page by page, after rasterising at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    found = []
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        found.append(decode_image(image))
        page.close()
    document.close()
    return found


def page_count(pdf: bytes) -> int:
    """Number of pages."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    """All extractable text."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts embedded in the PDF (with their subset prefixes)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor is not None and any(
                    key in descriptor.get_object() for key in ("/FontFile", "/FontFile2",
                                                               "/FontFile3")):
                names.add(str(target["/BaseFont"]))
    return names
