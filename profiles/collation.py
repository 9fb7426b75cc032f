"""Ordering Chinese names as a roster is read: by pinyin, not by code point."""

from __future__ import annotations

from functools import lru_cache

# Surnames read otherwise than the character's everyday reading, which is what pypinyin
# gives (曾 ceng2, 单 dan1, 解 jie3 …); compound surnames first.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu4", "chi2"), "万俟": ("mo4", "qi2"), "单于": ("chan2", "yu2"),
    "长孙": ("zhang3", "sun1"),
    "曾": ("zeng1",), "单": ("shan4",), "解": ("xie4",), "仇": ("qiu2",), "朴": ("piao2",),
    "区": ("ou1",), "查": ("zha1",), "盖": ("ge3",), "覃": ("qin2",), "翟": ("zhai2",),
    "缪": ("miao4",), "乐": ("yue4",), "重": ("chong2",), "种": ("chong2",), "秘": ("bi4",),
    "华": ("hua4",), "纪": ("ji3",), "燕": ("yan1",), "薄": ("bo2",), "卜": ("bu3",),
    "隗": ("wei3",), "葛": ("ge3",), "都": ("du1",), "阚": ("kan4",), "任": ("ren2",),
}


def _readings(text: str) -> tuple[str, ...]:
    # Imported on first use: loading pypinyin's dictionaries takes 0.17 s, which every
    # web worker and CLI command would otherwise pay at start-up.
    from pypinyin import Style, lazy_pinyin

    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.TONE3))


@lru_cache(maxsize=20_000)
def name_key(name: str) -> tuple[tuple[str, ...], str]:
    """Sort key for a person's name: pinyin with tone numbers, then the characters.

    Code-point order (what SQL gives) looks random to a reader: 何, 余, 刘, 孙, 张. Pinyin
    order is what a secretary looks a name up by; a surname takes its surname reading
    (曾 zeng, not ceng). Latin letters sort as themselves.
    """
    for length in (2, 1):
        surname = SURNAME_READINGS.get(name[:length])
        if surname is not None:
            return surname + _readings(name[length:]), name
    return _readings(name), name
