"""The printable 会议记录 (A4, the meeting's record with its photos) and the 政治生日 card
(贺卡, A6 or half A4, one per member): plain values in, PDF bytes out, through WeasyPrint
and the fetcher that loads only the photos handed in (``print.fetcher``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from print.documents import render_html
from print.errors import PrintError
from print.fonts import CJKFont
from print.textfit import fit_text


def _no_finish(document: Any, pdf: Any) -> None:
    """Nothing is stamped on these pages after the layout."""


@dataclass(frozen=True)
class RecordPhoto:
    """A photo for the record: its kept bytes (JPEG or PNG) and its name."""

    name: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class MeetingRecord:
    """What the 会议记录 shows."""

    organisation: str
    branch: str
    kind: str
    held_on: dt.date
    topic: str
    place: str
    host: str
    recorder: str
    guests: str
    minutes: list[list[str]]  # paragraphs of lines (profiles.meetings.rules.paragraphs)
    resolutions: list[list[str]]
    expected: int
    attended: list[str]  # 出席 and 线上参加 (the latter marked by the caller)
    excused: list[str]
    absent: list[str]
    documents: list[str] = field(default_factory=list)  # names of attached documents
    photos: list[RecordPhoto] = field(default_factory=list)


def render_meeting_record(record: MeetingRecord, font: CJKFont) -> bytes:
    """The 会议记录 on A4, the photos after the text, two to a row."""
    blobs = {f"photo{i}": (p.data, p.content_type) for i, p in enumerate(record.photos)}
    return render_html("meeting_record.html", font, blobs, _no_finish,
                       css_file="record.css", title=f"{record.branch} {record.kind} "
                       f"{record.held_on.isoformat()}", record=record)


SIZES = {"a6": (105.0, 148.0), "half-a4": (148.0, 210.0)}


@dataclass(frozen=True)
class BirthdayCard:
    """One member's 政治生日 card."""

    branch: str
    name: str
    joined_on: dt.date
    years: int


def render_birthday_cards(cards: Sequence[BirthdayCard], font: CJKFont, organisation: str,
                          size: str = "a6") -> bytes:
    """One card per page (A6, or half A4 landscape-folded: 148 x 210 mm portrait), with
    the branch, the member's name fitted to the line, the years, and a ruled space for a
    handwritten message."""
    if size not in SIZES:
        raise PrintError(f"card size must be one of {', '.join(SIZES)}, not {size!r}")
    if not cards:
        raise PrintError("no political birthdays to print")
    width, height = SIZES[size]
    unit = width / 105.0
    margin = 9 * unit
    inner = width - 2 * margin
    fitted = [(card, fit_text(card.name + " 同志", inner, 16 * unit, 15 * unit, 7 * unit),
               fit_text(card.branch, inner, 8 * unit, 5 * unit, 3 * unit)) for card in cards]
    return render_html("birthday_card.html", font, {}, _no_finish, css_file="record.css",
                       title="政治生日", width=width, height=height, unit=unit, margin=margin,
                       cards=fitted, organisation=organisation,
                       org=fit_text(organisation, inner, 6 * unit, 4 * unit, 2.5 * unit))
