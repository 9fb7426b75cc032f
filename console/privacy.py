"""Private member fields in the console: masked until a manager asks, and the asking logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.changelog import Actor, log_change, mask
from profiles.models import Member

# The fields no QR page shows (core.changelog.PRIVATE_MEMBER_FIELDS), in the order the
# console lists them; only those who manage the member see them, masked until revealed.
PRIVATE_FIELDS: tuple[str, ...] = ("id_number", "phone", "address", "birth_date",
                                   "dues_base_cents")
LABELS = {
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "birth_date": _l("Birth date"),
    "dues_base_cents": _l("Dues base"),
}


def _text(field: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if field == "dues_base_cents" and isinstance(value, int):
        return f"{value / 100:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class PrivateValue:
    """One private field as the console shows it."""

    field: str
    label: str
    value: str  # masked or revealed
    empty: bool


def private_values(member: Member, revealed: bool) -> list[PrivateValue]:
    """The private fields of ``member``, masked (as in the change log) unless ``revealed``."""
    out = []
    for field in PRIVATE_FIELDS:
        text = _text(field, getattr(member, field))
        shown = text if revealed else str(mask(field, text)) if text else ""
        out.append(PrivateValue(field, str(LABELS[field]), shown, not text))
    return out


def log_reveal(actor: str, member: Member) -> None:
    """Record that ``actor`` looked at the member's private fields (which, not their values)."""
    fields = [f for f in PRIVATE_FIELDS if _text(f, getattr(member, f))]
    log_change(Actor(actor, "console"), "reveal", "member", member.number,
               {"revealed": (None, ", ".join(fields))})
