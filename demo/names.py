"""Plausible Chinese names, weighted towards common surnames."""

from __future__ import annotations

import random

# Common surnames, most frequent first; weights fall off so 王/李/张 dominate as in life.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志文博晨"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧红琳倩颖洁琴云莉兰萍桂英秀梅丹蕾佳悦欣怡"
# Names the demo gives to members with deliberate gaps; random names avoid them.
RESERVED = frozenset({"李娜", "张伟", "刘洋", "王芳"})

ETHNICITIES = ("汉族",) * 46 + ("回族", "满族", "蒙古族", "壮族")

_SURNAME_WEIGHTS = [1.0 / (i + 3) for i in range(len(SURNAMES))]


def chinese_name(rng: random.Random, female: bool) -> str:
    """A two- or three-character name; never one of the reserved demo names."""
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    while True:
        surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
        name = surname + given
        if name not in RESERVED and given[:1] != given[1:]:
            return name
