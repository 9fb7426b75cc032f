"""Card values for the print tests: plain data, no database."""

from __future__ import annotations

import datetime as dt

from print.cards import CardValues
from qr.links import card_url
from tests.helpers.app import BASE_URL

KEYS = ["test-key-0123456789abcdef"]
NAMES = ["张伟", "欧阳娜娜", "李", "阿卜杜热合曼·买买提明", "王芳", "刘洋", "陈静", "杨秀英",
         "赵磊", "黄敏", "周杰", "吴霞", "徐强"]


def make_cards(n: int, organisation: str = "中共示范区直属机关委员会") -> list[CardValues]:
    """``n`` cards of consecutive member ids, generation 2 for odd ids."""
    return [CardValues(member_id=i, name=NAMES[i % len(NAMES)], branch="机关第一党支部",
                       category="正式党员" if i % 3 else "预备党员",
                       joined_on=dt.date(2000 + i % 20, 7, 1), organisation=organisation,
                       url=card_url(BASE_URL, KEYS, "member", i, 1 + i % 2))
            for i in range(1, n + 1)]
