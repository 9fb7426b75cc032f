"""Long runs: cards rendered in chunks (bounded memory), on every core, joined into one PDF."""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

from pypdf import PdfReader, PdfWriter

from print.cards import CardValues, render_cards
from print.fonts import CJKFont
from print.presets import Preset

CHUNK_SHEETS = 15  # at most, per WeasyPrint document: bounds each worker's memory


def join_pdfs(parts: Sequence[bytes]) -> bytes:
    """One PDF with the pages of ``parts`` in order."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunks(cards: Sequence[CardValues], size: int) -> Iterator[Sequence[CardValues]]:
    for start in range(0, len(cards), size):
        yield cards[start:start + size]


def render_cards_batched(cards: Sequence[CardValues], preset: Preset, font: CJKFont,
                         back: bool = False, workers: int | None = None,
                         progress: Callable[[int], None] | None = None) -> bytes:
    """Like :func:`render_cards`, in chunks of whole sheets on ``workers`` processes.

    ``progress`` is called with the number of cards each finished chunk held.
    """
    workers = workers or min(os.cpu_count() or 1, 4)
    sheets = -(-len(cards) // preset.per_page)
    # Enough chunks to keep every worker busy, none larger than CHUNK_SHEETS.
    size = preset.per_page * max(1, min(CHUNK_SHEETS, -(-sheets // workers)))
    if len(cards) <= size:
        pdf = render_cards(cards, preset, font, back)
        if progress:
            progress(len(cards))
        return pdf
    chunks = list(_chunks(cards, size))
    if workers <= 1:
        parts = []
        for chunk in chunks:
            parts.append(render_cards(chunk, preset, font, back))
            if progress:
                progress(len(chunk))
        return join_pdfs(parts)
    # fork: workers inherit the loaded modules and fonts and touch no shared state; a fresh
    # worker per chunk returns each chunk's memory to the system (caches and fragmentation
    # would otherwise grow a long-lived worker past the 10,000-card budget).
    context = multiprocessing.get_context("fork")
    writer = PdfWriter()
    with context.Pool(workers, maxtasksperchild=1) as pool:
        jobs = [(chunk, preset, font, back) for chunk in chunks]
        for chunk, part in zip(chunks, pool.imap(_render, jobs), strict=True):
            writer.append(PdfReader(io.BytesIO(part)))
            if progress:
                progress(len(chunk))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render(job: tuple[Sequence[CardValues], Preset, CJKFont, bool]) -> bytes:
    return render_cards(*job)
