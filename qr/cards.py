"""Resolving a scanned token to the current card, outside any view.

One function per need, one error family: a token that is forged, garbled, of the other
kind, for a record that does not exist or for a generation never issued is an
:class:`UnknownCard` (never a hint which); a token for an older generation is a
:class:`ReplacedCard`. The pages turn them into 404 and 410; a check-in turns them into a
message. (The itsdangerous way: one base class, subclasses by what the caller may do.)
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext

from core.db import db
from core.errors import UserError
from profiles.meetings.checkin import Refusal, Scan
from profiles.models import Branch, Member
from profiles.queries import branch_card, member_card
from profiles.queries.cards import CardRef
from qr.tokens import BadToken, Kind, TokenData, read_token


class CardError(UserError):
    """A scanned card that does not open a record."""


class UnknownCard(CardError):
    """Forged, garbled or of no record: the same answer for every reason."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(message or lazy_gettext("This card is not known."))


class ReplacedCard(CardError):
    """An older generation of a card that has since been reissued."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(message or lazy_gettext(
            "This card has been replaced by a new one; use the new card."))


def verify_token(kind: Kind, token: str) -> TokenData:
    """What a validly signed token says, without the database (for the code images)."""
    try:
        return read_token(current_app.config["SIGNING_KEYS"], kind, token)
    except BadToken:
        raise UnknownCard from None


def current_card(kind: Kind, token: str) -> CardRef:
    """The card the token opens, if it is the record's current generation.

    A light read (ids, generation and the data revision pages are cached by).
    """
    data = verify_token(kind, token)
    card = member_card(data.record_id) if kind == "member" else branch_card(data.record_id)
    if card is None or data.generation > card.generation:
        raise UnknownCard  # a generation never issued is as unknown as a forged token
    if data.generation < card.generation:
        raise ReplacedCard
    return card


def resolve_card(token: str, kind: Kind) -> Member | Branch:
    """The member or branch a scanned token opens; UnknownCard or ReplacedCard if none."""
    card = current_card(kind, token)
    record: Member | Branch | None = (db.session.get(Member, card.record_id) if kind == "member"
                                      else db.session.get(Branch, card.record_id))
    if record is None:  # deleted between the two reads
        raise UnknownCard
    return record


def scan_member(token: str) -> Scan:
    """What a member's card scanned for 签到 names: its member, or why none (for
    ``profiles.meetings.checkin.perform_checkin``, which refuses the unknown and the
    replaced card with the other reasons)."""
    try:
        record = resolve_card(token, "member")
    except ReplacedCard:
        # Whose card it was (validly signed, an older generation): the console names them
        # to a secretary who manages them, and offers 签到 by name.
        owner = db.session.get(Member, verify_token("member", token).record_id)
        return Scan(None, Refusal.REPLACED_CARD, replaced=owner)
    except UnknownCard:
        return Scan(None, Refusal.UNKNOWN_CARD)
    assert isinstance(record, Member)
    return Scan(record)
