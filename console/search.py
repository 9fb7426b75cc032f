"""Finding members by name, pinyin (full or initials) or number, within what one may read."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import ColumnElement

from profiles.collation import SURNAME_READINGS
from profiles.members import reads as members_reads
from profiles.members.reads import MemberRow

LIMIT = 200  # a page of results; a narrower query finds the rest
_LATIN = re.compile(r"^[a-z]+$")


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
    order; and whether there were more than :data:`LIMIT`. Two statements: the names
    (filtered in SQL, or in Python for pinyin), then the shown rows' details."""
    q = query.strip()
    latin = q.lower().replace(" ", "")
    pinyin = bool(_LATIN.match(latin))
    found = members_reads.search_names(scope, include_out=include_out,
                                       text=q if q and not pinyin else None)
    if q and pinyin:
        # Letters are pinyin or a number prefix; pinyin lives only in Python (pypinyin).
        found = [r for r in found
                 if matches_pinyin(r[1], latin) or r[2].lower().startswith(latin)]
    more = len(found) > LIMIT
    if more:
        # Many matches: the first LIMIT by pinyin without tones (cheap); the rest are
        # behind a narrower query.
        found.sort(key=lambda r: (spellings(r[1])[0], r[1], r[2]))
        found = found[:LIMIT]
    if not found:
        return [], False
    return members_reads.member_rows([r[0] for r in found]), more
