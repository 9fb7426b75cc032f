"""What secretaries type for a fixed value besides its label (正/预, 停止党籍, 主题党日活动 …)
and for "none" (无, -, —, / …); read by the header row (to tell a column by its values)
and by each row's cells."""

from __future__ import annotations

import enum
from typing import TypeVar

from profiles.enums import Category, MeetingKind, MemberStatus, Position
from profiles.labels import parse_label

E = TypeVar("E", bound=enum.StrEnum)
# What secretaries type for "none" in an optional column (e.g. 党内职务: 无), dates included.
NONE_WORDS = frozenset({"", "无", "暂无", "没有", "/", "-", "—", "——", "－", "／", "--", "–"})

# Spellings of values that real systems and secretaries use besides the labels and the
# aliases in profiles.labels. None means "no value" (普通党员 holds no branch position).
SPELLINGS: dict[str, enum.StrEnum | None] = {
    "正": Category.FULL,
    "预": Category.PROBATIONARY,
    "中共党员": Category.FULL,
    "中共正式党员": Category.FULL,
    "正式党员（中共党员）": Category.FULL,
    "中共预备党员": Category.PROBATIONARY,
    "党小组长": None,
    "小组长": None,
    "支部委员": None,
    "支委": None,
    "委员": None,
    "普通党员": None,
    "党员": None,
    "出国": MemberStatus.ABROAD,  # 出国（境）暂留 党籍, not 流动
    "出境": MemberStatus.ABROAD,
    "出国境": MemberStatus.ABROAD,
    "出国（境）": MemberStatus.ABROAD,
    "出国（境）暂留": MemberStatus.ABROAD,
    "出国（境）保留党籍": MemberStatus.ABROAD,
    "暂停党籍": MemberStatus.SUSPENDED,
    "已停止党籍": MemberStatus.SUSPENDED,
    "去世": MemberStatus.DECEASED,
    "已故": MemberStatus.DECEASED,
    "逝世": MemberStatus.DECEASED,
    "除名": MemberStatus.REMOVED,
    "自行脱党": MemberStatus.REMOVED,
    "自行脱党除名": MemberStatus.REMOVED,
    "开除": MemberStatus.EXPELLED,
    "开除党籍": MemberStatus.EXPELLED,
    "退党": MemberStatus.WITHDREW,
    "转出": MemberStatus.TRANSFERRED_OUT,
    "组织关系转出": MemberStatus.TRANSFERRED_OUT,
    "已转出": MemberStatus.TRANSFERRED_OUT,
    "支部大会": MeetingKind.GENERAL,
    "全体党员大会": MeetingKind.GENERAL,
    "党员大会": MeetingKind.GENERAL,
    "支部委员会会议": MeetingKind.COMMITTEE,
    "支委会会议": MeetingKind.COMMITTEE,
    "党小组会议": MeetingKind.GROUP,
    "党小组学习": MeetingKind.GROUP,
    "专题党课": MeetingKind.LECTURE,
    "讲党课": MeetingKind.LECTURE,
    "上党课": MeetingKind.LECTURE,
    "专题组织生活会": MeetingKind.LIFE,
    "民主评议党员大会": MeetingKind.EVALUATION,
    "民主评议党员会": MeetingKind.EVALUATION,
}
_SUFFIXES = ("活动", "会议", "学习")  # 主题党日活动, 党小组会议 ...


def parse_value(text: str, enum_cls: type[E]) -> tuple[bool, E | None]:
    """(known, value) for a cell's text: the label, an alias or a spelling of SPELLINGS.

    ``known`` is False when the text means nothing in ``enum_cls``; a known text may
    still mean "none" (普通党员 as a position).
    """
    found = parse_label(text, enum_cls)
    if found is not None:
        return True, found  # type: ignore[return-value]
    wanted = "".join(text.split()).replace("(", "（").replace(")", "）")
    for candidate in (wanted, *(wanted.removesuffix(s) for s in _SUFFIXES
                                if wanted.endswith(s) and len(wanted) > len(s) + 1)):
        if candidate in SPELLINGS:
            value = SPELLINGS[candidate]
            if value is None:
                return enum_cls is Position, None
            if isinstance(value, enum_cls):
                return True, value
        elif candidate != wanted:
            found = parse_label(candidate, enum_cls)
            if found is not None:
                return True, found  # type: ignore[return-value]
    return False, None
