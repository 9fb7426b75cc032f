"""Money as people type it: yuan in, fen (integers) out."""

from __future__ import annotations

import re


def parse_yuan(text: str) -> int | None:
    """'12.5' → 1250 fen; None for empty; ValueError for anything else."""
    text = text.strip().removesuffix("元").strip()
    if not text:
        return None
    found = re.fullmatch(r"(\d{1,9})(?:[.．](\d{1,2}))?", text)
    if found is None:
        raise ValueError(text)
    return int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
