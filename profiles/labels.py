"""How the fixed value sets read, in Chinese and English (one table, used by pages,
print and spreadsheets alike)."""

from __future__ import annotations

import enum

from profiles.enums import (
    Attendance,
    Category,
    DuesBasis,
    EvaluationStage,
    EvidenceKind,
    Gender,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
    RecruitEnd,
    RecruitStage,
    ReviewConclusion,
)

LABELS: dict[enum.StrEnum, tuple[str, str]] = {
    Category.FULL: ("正式党员", "Full member"),
    Category.PROBATIONARY: ("预备党员", "Probationary member"),
    Position.SECRETARY: ("书记", "Secretary"),
    Position.DEPUTY_SECRETARY: ("副书记", "Deputy secretary"),
    Position.ORGANISATION: ("组织委员", "Organisation officer"),
    Position.PUBLICITY: ("宣传委员", "Publicity officer"),
    Position.DISCIPLINE: ("纪检委员", "Discipline officer"),
    Position.YOUTH: ("青年委员", "Youth officer"),
    Position.UNITED_FRONT: ("统战委员", "United front officer"),
    MemberStatus.NORMAL: ("正常", "Normal"),
    MemberStatus.AWAY: ("流动", "Working away"),
    MemberStatus.LOST_CONTACT: ("失联", "Lost contact"),
    MemberStatus.SUSPENDED: ("停止党籍", "Membership suspended"),
    MemberStatus.ABROAD: ("出国（境）暂留", "Abroad, membership kept"),
    MemberStatus.TRANSFERRED_OUT: ("已转出", "Transferred out"),
    MemberStatus.DECEASED: ("去世", "Deceased"),
    MemberStatus.REMOVED: ("自行脱党除名", "Removed (left of own accord)"),
    MemberStatus.EXPELLED: ("开除党籍", "Expelled"),
    MemberStatus.WITHDREW: ("退党", "Withdrew"),
    Gender.MALE: ("男", "Male"),
    Gender.FEMALE: ("女", "Female"),
    DuesBasis.WAGE: ("工资", "Wage"),
    DuesBasis.PENSION: ("离退休费", "Pension"),
    DuesBasis.FLAT: ("每月0.2元", "0.2 yuan a month"),
    MeetingKind.GENERAL: ("支部党员大会", "Branch general meeting"),
    MeetingKind.COMMITTEE: ("支委会", "Branch committee meeting"),
    MeetingKind.GROUP: ("党小组会", "Party group meeting"),
    MeetingKind.LECTURE: ("党课", "Party lecture"),
    MeetingKind.THEME_DAY: ("主题党日", "Theme party day"),
    MeetingKind.LIFE: ("组织生活会", "Organisational life meeting"),
    MeetingKind.EVALUATION: ("民主评议党员", "Democratic evaluation"),
    Attendance.PRESENT: ("出席", "Present"),
    Attendance.EXCUSED: ("请假", "Excused"),
    Attendance.ABSENT: ("缺席", "Absent"),
    Attendance.ONLINE: ("线上参加", "Online"),
    EvaluationStage.SELF: ("个人自评", "Self-assessment"),
    EvaluationStage.PEER: ("党员互评", "Peer review"),
    EvaluationStage.ASSESSMENT: ("民主测评", "Democratic assessment"),
    EvaluationStage.DECIDED: ("支部评定", "Decided by the branch"),
    Rating.EXCELLENT: ("优秀", "Excellent"),
    Rating.QUALIFIED: ("合格", "Qualified"),
    Rating.BASICALLY_QUALIFIED: ("基本合格", "Basically qualified"),
    Rating.UNQUALIFIED: ("不合格", "Unqualified"),
    RecruitStage.APPLICANT: ("入党申请人", "Applicant"),
    RecruitStage.ACTIVIST: ("入党积极分子", "Activist"),
    RecruitStage.CANDIDATE: ("发展对象", "Candidate for admission"),
    RecruitStage.PROBATIONARY: ("预备党员", "Probationary member"),
    RecruitStage.FULL: ("正式党员", "Full member"),
    RecruitEnd.WITHDRAWN: ("本人撤回申请", "Withdrew the application"),
    RecruitEnd.DISQUALIFIED: ("取消资格", "Disqualified"),
    RecruitEnd.NOT_ADMITTED: ("支部大会未通过或上级未批准", "Not admitted"),
    RecruitEnd.MOVED_AWAY: ("调离本单位", "Moved away"),
    RecruitEnd.OTHER: ("其他", "Other"),
    ReviewConclusion.PASSED: ("合格", "Passed"),
    ReviewConclusion.FAILED: ("不合格", "Not passed"),
    EvidenceKind.PHOTO: ("照片", "Photo"),
    EvidenceKind.DOCUMENT: ("文件", "Document"),
}


# Variants secretaries type for the same value (spreadsheets, mostly); labels above win.
ALIASES: dict[str, enum.StrEnum] = {
    "正式": Category.FULL,
    "预备": Category.PROBATIONARY,
    "支部书记": Position.SECRETARY,
    "党支部书记": Position.SECRETARY,
    "支部副书记": Position.DEPUTY_SECRETARY,
    "流动党员": MemberStatus.AWAY,
    "外出流动": MemberStatus.AWAY,
    "失去联系": MemberStatus.LOST_CONTACT,
    "转出": MemberStatus.TRANSFERRED_OUT,
    "死亡": MemberStatus.DECEASED,
    "病故": MemberStatus.DECEASED,
    "男性": Gender.MALE,
    "女性": Gender.FEMALE,
    "在职": DuesBasis.WAGE,
    "工资收入": DuesBasis.WAGE,
    "离退休": DuesBasis.PENSION,
    "退休": DuesBasis.PENSION,
    "退休金": DuesBasis.PENSION,
    "养老金": DuesBasis.PENSION,
    "学生": DuesBasis.FLAT,
    "失业": DuesBasis.FLAT,
    "低保": DuesBasis.FLAT,
    "党员大会": MeetingKind.GENERAL,
    "支部委员会": MeetingKind.COMMITTEE,
    "支委会议": MeetingKind.COMMITTEE,
    "小组会": MeetingKind.GROUP,
    "组织生活": MeetingKind.LIFE,
    "民主评议": MeetingKind.EVALUATION,
    "参加": Attendance.PRESENT,
    "到会": Attendance.PRESENT,
    "已到": Attendance.PRESENT,
    "出勤": Attendance.PRESENT,
    "√": Attendance.PRESENT,
    "病假": Attendance.EXCUSED,
    "事假": Attendance.EXCUSED,
    "公假": Attendance.EXCUSED,
    "线上": Attendance.ONLINE,
    "线上参会": Attendance.ONLINE,
    "视频参会": Attendance.ONLINE,
    "网上参加": Attendance.ONLINE,
    "未到": Attendance.ABSENT,
    "缺勤": Attendance.ABSENT,
    "×": Attendance.ABSENT,
    "自评": EvaluationStage.SELF,
    "互评": EvaluationStage.PEER,
    "测评": EvaluationStage.ASSESSMENT,
    "评定": EvaluationStage.DECIDED,
    "已评定": EvaluationStage.DECIDED,
    "申请人": RecruitStage.APPLICANT,
    "申请入党": RecruitStage.APPLICANT,
    "积极分子": RecruitStage.ACTIVIST,
    "重点发展对象": RecruitStage.CANDIDATE,
    "撤回申请": RecruitEnd.WITHDRAWN,
    "撤回入党申请": RecruitEnd.WITHDRAWN,
    "取消入党积极分子资格": RecruitEnd.DISQUALIFIED,
    "不再列为发展对象": RecruitEnd.DISQUALIFIED,
    "调离": RecruitEnd.MOVED_AWAY,
    "通过": ReviewConclusion.PASSED,
    "政审合格": ReviewConclusion.PASSED,
    "未通过": ReviewConclusion.FAILED,
}


def label(value: enum.StrEnum | None, locale: str = "zh") -> str:
    """The label of a code in ``locale`` ("zh" or "en"); empty for None."""
    if value is None:
        return ""
    zh, en = LABELS[value]
    return en if str(locale).startswith("en") else zh


def parse_label(text: str, enum_cls: type[enum.StrEnum]) -> enum.StrEnum | None:
    """The code whose Chinese or English label (or code) is ``text``, ignoring case/space."""
    wanted = "".join(text.split()).casefold()  # also "正式 党员", full-width spaces
    for member in enum_cls:
        zh, en = LABELS[member]
        if wanted in ("".join(zh.split()).casefold(), "".join(en.split()).casefold(),
                      member.value):
            return member
    alias = ALIASES.get(wanted)
    return alias if isinstance(alias, enum_cls) else None
