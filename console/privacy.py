"""Private member fields in the console: masked until a manager asks, and the asking logged."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.db import db
from profiles.models import ChangeLog, Member

# The fields no QR page shows; in the console only those who manage the member see them.
PRIVATE_FIELDS: tuple[str, ...] = ("id_number", "phone", "address", "birth_date",
                                   "dues_base_cents")
LABELS = {
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "birth_date": _l("Birth date"),
    "dues_base_cents": _l("Dues base (monthly wage or pension)"),
}


def _text(field: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if field == "dues_base_cents" and isinstance(value, int):
        return f"{value / 100:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def masked(field: str, value: object) -> str:
    """What the console shows before a reveal: enough to recognise, not to use."""
    text = _text(field, value)
    if not text:
        return ""
    if field in ("phone", "id_number") and len(text) > 6:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if field == "address":
        return text[:3] + "…"
    return "****"


@dataclass(frozen=True)
class PrivateValue:
    """One private field as the console shows it."""

    field: str
    label: str
    value: str  # masked or revealed
    empty: bool


def private_values(member: Member, revealed: bool) -> list[PrivateValue]:
    """The private fields of ``member``, masked unless ``revealed``."""
    out = []
    for field in PRIVATE_FIELDS:
        raw = getattr(member, field)
        shown = _text(field, raw) if revealed else masked(field, raw)
        out.append(PrivateValue(field, str(LABELS[field]), shown, not _text(field, raw)))
    return out


def log_reveal(actor: str, member: Member) -> None:
    """Record that ``actor`` looked at the member's private fields (no values logged)."""
    fields = [f for f in PRIVATE_FIELDS if _text(f, getattr(member, f))]
    db.session.add(ChangeLog(actor=actor, source="console", table_name="member",
                             record_key=member.number, action="reveal",
                             changes=json.dumps({"revealed": fields})))
    db.session.flush()
