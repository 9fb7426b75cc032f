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

Card = TypeVar("Card", Member, Branch)


# -- cards ----------------------------------------------------------------------------------

def reissue_card(actor: Actor, record: Card) -> int:
    """Give a member or branch a new card generation (old cards then say "replaced")."""
    # Lock the row: two reissues at once must give two generations, not the same one twice.
    db.session.refresh(record, attribute_names=["card_generation"], with_for_update=True)
    old = int(record.card_generation)
    record.card_generation = old + 1
    db.session.flush()
    key = record.number if isinstance(record, Member) else record.code
    log_change(actor, "update", type(record).__tablename__, key,
               {"card_generation": (old, old + 1)})
    return old + 1
