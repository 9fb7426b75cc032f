"""Fixed value sets of the domain; stored as these codes, shown through ``profiles.labels``."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


class Category(enum.StrEnum):
    """正式党员 / 预备党员."""

    FULL = "full"
    PROBATIONARY = "probationary"


class Position(enum.StrEnum):
    """Branch committee positions (支委); a member without one has ``None``."""

    SECRETARY = "secretary"  # 书记
    DEPUTY_SECRETARY = "deputy_secretary"  # 副书记
    ORGANISATION = "organisation"  # 组织委员
    PUBLICITY = "publicity"  # 宣传委员
    DISCIPLINE = "discipline"  # 纪检委员
    YOUTH = "youth"  # 青年委员
    UNITED_FRONT = "united_front"  # 统战委员


class MemberStatus(enum.StrEnum):
    """正常 / 流动 / 失联 / 停止党籍 / 出国（境）暂留, and the ends of a membership: 已转出 /
    去世 / 自行脱党除名 / 开除党籍 / 退党 (``ENDED``). The history is ``member_standing``."""

    NORMAL = "normal"
    AWAY = "away"  # 流动: organisational life may be elsewhere; dues still owed
    LOST_CONTACT = "lost_contact"  # 失联, from a date
    SUSPENDED = "suspended"  # 停止党籍: nothing owed; may be restored (恢复党籍)
    ABROAD = "abroad"  # 出国（境）暂留: dues deferred, organisational life suspended, to a date
    TRANSFERRED_OUT = "transferred_out"
    DECEASED = "deceased"  # 去世
    REMOVED = "removed"  # 自行脱党除名
    EXPELLED = "expelled"  # 开除党籍
    WITHDREW = "withdrew"  # 退党


# The statuses of a member who is no longer one (历史党员): nothing is owed after the end.
ENDED = frozenset({MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED, MemberStatus.REMOVED,
                   MemberStatus.EXPELLED, MemberStatus.WITHDREW})

# The statuses under which nothing is owed for the months they hold (停止党籍, 暂留).
EXEMPT = frozenset({MemberStatus.SUSPENDED, MemberStatus.ABROAD})


class Gender(enum.StrEnum):
    """男 / 女."""

    MALE = "male"
    FEMALE = "female"


class DuesBasis(enum.StrEnum):
    """What the monthly dues are computed from."""

    WAGE = "wage"  # fixed monthly after-tax wage
    PENSION = "pension"  # retirees
    FLAT = "flat"  # students, unemployed, basic living allowance: 0.2 yuan


class MeetingKind(enum.StrEnum):
    """三会一课 and the other kinds of organisational life."""

    GENERAL = "general"  # 支部党员大会
    COMMITTEE = "committee"  # 支委会
    GROUP = "group"  # 党小组会
    LECTURE = "lecture"  # 党课
    THEME_DAY = "theme_day"  # 主题党日
    LIFE = "life"  # 组织生活会
    EVALUATION = "evaluation"  # 民主评议党员


class Attendance(enum.StrEnum):
    """出席 / 请假 / 缺席 / 线上参加 (online: counts as attended, ``ATTENDED``)."""

    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"
    ONLINE = "online"  # 线上参加, e.g. a video meeting: counts as attended everywhere


# What counts as having attended a meeting (rates, points, the absence rule, 签到).
ATTENDED = frozenset({Attendance.PRESENT, Attendance.ONLINE})


class EvidenceKind(enum.StrEnum):
    """What a meeting's attached file is: a photo (resized, EXIF stripped) or a document."""

    PHOTO = "photo"
    DOCUMENT = "document"


class EvaluationStage(enum.StrEnum):
    """个人自评 → 党员互评 → 民主测评 → 支部评定, in order."""

    SELF = "self"
    PEER = "peer"
    ASSESSMENT = "assessment"
    DECIDED = "decided"


class Rating(enum.StrEnum):
    """优秀 / 合格 / 基本合格 / 不合格."""

    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    UNQUALIFIED = "unqualified"


def enum_column(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A VARCHAR column restricted by a CHECK constraint to the enum's codes."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class RecruitStage(enum.StrEnum):
    """发展党员: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员, in order."""

    APPLICANT = "applicant"
    ACTIVIST = "activist"
    CANDIDATE = "candidate"
    PROBATIONARY = "probationary"
    FULL = "full"


class RecruitEnd(enum.StrEnum):
    """Why a person's way to membership ended before admission (发展终止): the record stays,
    the stage reached stays, and nothing more is owed to them (细则: 对不再适合作为入党积极
    分子的应当取消其资格)."""

    WITHDRAWN = "withdrawn"  # 本人撤回入党申请
    DISQUALIFIED = "disqualified"  # 取消入党积极分子资格 / 不再列为发展对象
    NOT_ADMITTED = "not_admitted"  # 支部大会未通过或上级党委未批准
    MOVED_AWAY = "moved_away"  # 调离本单位
    OTHER = "other"  # 其他 (with a note)


class ReviewConclusion(enum.StrEnum):
    """The conclusion of the political review (政治审查结论)."""

    PASSED = "passed"  # 合格
    FAILED = "failed"  # 不合格
