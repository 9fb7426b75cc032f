"""A URL's QR module matrix, at the smallest version that holds it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of light margin the standard requires on every side


@dataclass(frozen=True)
class QRMatrix:
    """Dark modules as rows of booleans (no quiet zone), and the version chosen."""

    version: int
    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        """Modules per side, without the quiet zone."""
        return len(self.rows)

    @property
    def size_with_quiet_zone(self) -> int:
        """Modules per side including the 4-module quiet zone on both sides."""
        return self.size + 2 * QUIET_ZONE


@lru_cache(maxsize=4096)
def qr_matrix(data: str, error_correction: int = ERROR_CORRECT_M) -> QRMatrix:
    """Encode ``data`` (an uppercase URL stays in alphanumeric mode) at the smallest version."""
    code = qrcode.QRCode(error_correction=error_correction, border=0)
    code.add_data(data)
    code.make(fit=True)
    rows = tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())
    return QRMatrix(version=int(code.version), rows=rows)
