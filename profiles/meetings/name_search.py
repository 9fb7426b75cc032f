"""Finding a member by name at 签到: by the characters, the full pinyin or its initials.

Pure: a name and what was typed in, whether it matches. "张伟", "zhangwei", "zhang wei",
"zw" and "伟" all find 张伟; case, spaces and tones do not matter. Surnames read otherwise
than their everyday reading (曾 zeng, 单 shan) are read as surnames
(``profiles.collation.SURNAME_READINGS``).
"""

from __future__ import annotations

from functools import lru_cache

from profiles.collation import SURNAME_READINGS


@lru_cache(maxsize=20_000)
def _syllables(name: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin  # loaded on first use (0.17 s)

    for length in (2, 1):
        surname = SURNAME_READINGS.get(name[:length])
        if surname is not None:
            rest = tuple(s.lower() for s in lazy_pinyin(name[length:], style=Style.NORMAL))
            return tuple(s.rstrip("0123456789") for s in surname) + rest
    return tuple(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL))


def matches(name: str, query: str) -> bool:
    """Whether ``query`` finds ``name`` (an empty query finds nobody)."""
    typed = "".join(query.split()).lower()
    if not typed:
        return False
    if typed in name.lower():
        return True
    syllables = _syllables(name)
    return (typed in "".join(syllables)
            or "".join(s[:1] for s in syllables).startswith(typed))
