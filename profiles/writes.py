"""Writes made by commands: a new card generation, logged in the change log."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy import select

from core.db import db
from profiles.models import Branch, ChangeLog, Member

Card = TypeVar("Card", Member, Branch)  # the records that carry a card generation


class NotFound(LookupError):
    """No record with that number or code."""


def _log(actor: str, source: str, table: str, key: str, old: int, new: int) -> None:
    db.session.add(ChangeLog(actor=actor, source=source, table_name=table, record_key=key,
                             action="update",
                             changes=json.dumps({"card_generation": [old, new]})))


def _reissue(model: type[Card], key_column: Any, key: str, actor: str, source: str) -> int:
    """Bump the card generation of the row whose ``key_column`` is ``key``; log it."""
    record: Card | None = db.session.scalar(
        select(model).where(key_column == key).with_for_update())
    if record is None:
        raise NotFound(key)
    old = int(record.card_generation)
    record.card_generation = old + 1
    _log(actor, source, model.__tablename__, key, old, old + 1)
    db.session.commit()
    return old + 1


def reissue_member_card(number: str, actor: str, source: str = "card reissue") -> int:
    """Bump a member's card generation (old cards then open "replaced"); return the new one."""
    return _reissue(Member, Member.number, number, actor, source)


def reissue_branch_card(code: str, actor: str, source: str = "card reissue --branch") -> int:
    """Bump a branch's card generation (old posters then open "replaced"); return the new one."""
    return _reissue(Branch, Branch.code, code, actor, source)
