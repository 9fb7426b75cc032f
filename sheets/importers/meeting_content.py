"""A meeting sheet's topic and content: 会议议题 is the topic; 会议内容 (主要内容, 会议纪要 …)
is what was said and done, kept as the meeting's minutes (line breaks kept; the meetings
importer reads it with the record's other fields). A sheet with only a content column also
gives the topic from it, as before; the report says where each went."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext

from sheets.reading.header_row import HeaderRow
from sheets.reading.row_cells import Cells

TOPIC_LENGTH = 200  # Meeting.topic


def topic(cells: Cells) -> str:
    """The row's topic: its 会议议题, else (no such column) the start of its content."""
    if cells.has("topic"):
        return cells.text("topic", max_length=TOPIC_LENGTH)
    return cells.text("minutes", max_length=100_000)[:TOPIC_LENGTH]


def notes(header: HeaderRow | None) -> list[Any]:
    """What the report says about a content column beside the topic."""
    if header is None or "minutes" not in header.fields or "topic" not in header.fields:
        return []
    return [lazy_gettext(
        "Column %(content)s (what the meeting discussed) was kept as each meeting's minutes; "
        "the topic was read from %(topic)s.",
        content=header.header("minutes"), topic=header.header("topic"))]
