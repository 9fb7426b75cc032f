"""QR codes sized for print: the module matrix, and the refusal of codes too small to scan."""

from __future__ import annotations

import zxingcpp

from print.errors import PrintError
from qr.matrix import QRMatrix

MIN_MODULE_MM = 0.5  # phone cameras lose codes whose modules print smaller than this
WARN_MODULE_MM = 0.65  # custom layouts under this scan only from close up: warned about
PRESET_MODULE_MM = 0.75  # what the card presets give a version-3 code (28 mm)
MIN_CODE_MM = 20.0
# zxing-cpp 3 names the classic QR code "Model 2" and uses "QRCode" for the whole family.
QR_MODEL_2 = getattr(zxingcpp.BarcodeFormat, "QRCodeModel2", zxingcpp.BarcodeFormat.QRCode)


def print_matrix(url: str) -> QRMatrix:
    """The code's modules at error correction M and the smallest version.

    zxing-cpp's C++ encoder is ~20x faster than qrcode's mask search, which dominates a
    1000-card run; it may pick another (equally valid) mask than ``qr.matrix``.
    """
    code = zxingcpp.create_barcode(url, QR_MODEL_2, ec_level="M")
    # zxingcpp.Image exposes the buffer protocol; its stubs do not say so.
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    side = image.shape[0] if image.shape else 0
    pixels = image.tobytes()
    rows = tuple(tuple(v == 0 for v in pixels[r * side:(r + 1) * side]) for r in range(side))
    return QRMatrix(version=(side - 17) // 4, rows=rows)


def check_code(matrix: QRMatrix, size_mm: float) -> None:
    """Raise PrintError if the code would be under 20 mm or its modules under 0.5 mm."""
    if size_mm < MIN_CODE_MM:
        raise PrintError(f"a code must be at least {MIN_CODE_MM:g} mm wide, not {size_mm:g} mm")
    module = size_mm / matrix.size_with_quiet_zone
    if module < MIN_MODULE_MM:
        raise PrintError(
            f"QR version {matrix.version} drawn {size_mm:g} mm wide gives {module:.2f} mm "
            f"modules, under the {MIN_MODULE_MM} mm that scans reliably; print the code at "
            f"least {MIN_MODULE_MM * matrix.size_with_quiet_zone:.1f} mm wide or shorten "
            "BASE_URL"
        )


def module_warning(matrix: QRMatrix, size_mm: float, custom: bool) -> str | None:
    """Why codes of this size will scan poorly from a distance, or None.

    Custom layouts are warned under 0.65 mm modules; the presets (0.75 mm at version 3)
    when a long BASE_URL pushed the code to a higher version.
    """
    module = size_mm / matrix.size_with_quiet_zone
    floor = WARN_MODULE_MM if custom else PRESET_MODULE_MM
    if module >= floor - 1e-9:
        return None
    from flask_babel import gettext

    sizes = {"version": matrix.version, "size": f"{size_mm:g}", "module": f"{module:.2f}",
             "floor": f"{floor:g}"}
    if custom:
        return str(gettext(
            "warning: QR version %(version)s drawn %(size)s mm wide gives %(module)s mm "
            "modules, under %(floor)s mm: phones must be held close to scan these cards; "
            "make the card larger (the code needs %(needed)s mm).",
            needed=f"{floor * matrix.size_with_quiet_zone:.1f}", **sizes))
    return str(gettext(
        "warning: QR version %(version)s drawn %(size)s mm wide gives %(module)s mm "
        "modules, under %(floor)s mm: phones must be held close to scan these cards; "
        "shorten BASE_URL to 24 characters or fewer (a version-3 code).", **sizes))
