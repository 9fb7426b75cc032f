"""Card generations: a member's or branch's card is replaced by a new generation
(the old code then answers 410)."""

from __future__ import annotations

from typing import TypeVar

from core.changelog import Actor, log_change
from core.db import db
from profiles.models import (
    Branch,
    Member,
)
from profiles.writes import refuse

Card = TypeVar("Card", Member, Branch)


# -- cards ----------------------------------------------------------------------------------

REASON_LENGTH = 200


def reissue_card(actor: Actor, record: Card, reason: str = "") -> int:
    """Give a member or branch a new card generation (old cards then say "replaced");
    ``reason`` (why: lost, damaged …) is logged with it."""
    reason = reason.strip()
    if len(reason) > REASON_LENGTH:
        raise refuse("reason", "At most %(max)s characters, please.", max=REASON_LENGTH)
    # Lock the row: two reissues at once must give two generations, not the same one twice.
    db.session.refresh(record, attribute_names=["card_generation"], with_for_update=True)
    old = int(record.card_generation)
    record.card_generation = old + 1
    db.session.flush()
    key = record.number if isinstance(record, Member) else record.code
    changes: dict[str, tuple[object, object]] = {"card_generation": (old, old + 1)}
    if reason:
        changes["reason"] = (None, reason)
    log_change(actor, "update", type(record).__tablename__, key, changes)
    return old + 1
