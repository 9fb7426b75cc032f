"""Finding members by name, pinyin (full or initials) or number, within what one may read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from core.db import db
from profiles.collation import SURNAME_READINGS, name_key
from profiles.enums import Category, MemberStatus
from profiles.models import Branch, Member, PartyGroup

LIMIT = 200  # a page of results; a narrower query finds the rest
_LATIN = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class MemberRow:
    number: str
    name: str
    branch_code: str
    branch_name: str
    group_name: str | None
    category: Category
    status: MemberStatus


@lru_cache(maxsize=20_000)
def _char(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(ch, style=Style.NORMAL)).lower()


@lru_cache(maxsize=50_000)
def spellings(name: str) -> tuple[str, str]:
    """A name's pinyin without tones, whole and as initials: 张三 → ("zhangsan", "zs").

    Read character by character (cached): names share few thousand characters, so a
    search over a whole organisation costs a dictionary lookup per name, where pypinyin's
    phrase matching per name took seconds for 10,000 names. A surname takes its surname
    reading (曾 zeng), as in ``profiles.collation``.
    """
    syllables: list[str] = []
    rest = name
    for length in (2, 1):
        surname = SURNAME_READINGS.get(name[:length])
        if surname is not None:
            syllables = [re.sub(r"\d", "", s) for s in surname]
            rest = name[length:]
            break
    syllables += [_char(ch) for ch in rest if not ch.isspace()]
    return "".join(syllables), "".join(s[:1] for s in syllables)


def matches_pinyin(name: str, query: str) -> bool:
    """``query`` (lowercase latin) is in the full pinyin, or starts the initials."""
    full, initials = spellings(name)
    return query in full or initials.startswith(query)


def find_members(scope: ColumnElement[bool], query: str = "",
                 include_out: bool = False) -> tuple[list[MemberRow], bool]:
    """Members within ``scope`` (a WHERE clause on Member) matching ``query``, in pinyin
    order; and whether there were more than :data:`LIMIT`."""
    stmt: Any = (
        select(Member.number, Member.name, Branch.code, Branch.name, PartyGroup.name,
               Member.category, Member.status)
        .join(Branch, Branch.id == Member.branch_id)
        .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
        .where(scope)
    )
    if not include_out:
        stmt = stmt.where(Member.status != MemberStatus.TRANSFERRED_OUT)
    q = query.strip()
    latin = q.lower().replace(" ", "")
    pinyin = bool(_LATIN.match(latin))
    if q and not pinyin:
        stmt = stmt.where(or_(Member.name.contains(q, autoescape=True),
                              Member.number.icontains(q, autoescape=True)))
    rows = [MemberRow(*r) for r in db.session.execute(stmt).all()]
    if q and pinyin:
        # Letters are pinyin or a number prefix; pinyin lives only in Python (pypinyin).
        rows = [r for r in rows
                if matches_pinyin(r.name, latin) or r.number.lower().startswith(latin)]
    if len(rows) > LIMIT:
        # Many matches: the first LIMIT by pinyin without tones (cheap), then those in
        # proper order; the rest are behind a narrower query.
        rows.sort(key=lambda r: (spellings(r.name)[0], r.name, r.number))
        return sorted(rows[:LIMIT], key=lambda r: (name_key(r.name), r.number)), True
    rows.sort(key=lambda r: (name_key(r.name), r.number))
    return rows, False
