"""Ordering Chinese names as a roster is read: by pinyin, not by code point."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=20_000)
def name_key(name: str) -> tuple[tuple[str, ...], str]:
    """Sort key for a person's name: pinyin with tone numbers, then the characters.

    Code-point order (what SQL gives) looks random to a reader: 何, 余, 刘, 孙, 张. Pinyin
    order is what a secretary looks a name up by. Latin letters sort as themselves.
    """
    return tuple(s.lower() for s in lazy_pinyin(name, style=Style.TONE3)), name
