"""The columns of each kind of sheet: field, the Chinese header the export and templates
write, the English header, and the variants secretaries type. Import and export share
this table, so whatever is exported can be imported again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    field: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 12  # in the export and templates, in characters


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("number", "党员编号", "Member number", ("编号", "党员号", "人员编号", "number")),
    Column("name", "姓名", "Name", ("党员姓名", "名字", "姓 名"), True, 10),
    Column("gender", "性别", "Gender", ("sex",), width=6),
    Column("ethnicity", "民族", "Ethnicity", (), width=8),
    Column("birth_date", "出生日期", "Birth date", ("出生年月", "出生年月日", "生日", "出生时间")),
    Column("id_number", "身份证号", "ID number",
           ("身份证号码", "公民身份号码", "身份证", "身份证件号码"), width=21),
    Column("phone", "联系电话", "Phone",
           ("电话", "手机", "手机号", "手机号码", "联系方式"), width=14),
    Column("address", "家庭住址", "Address", ("住址", "地址", "家庭地址", "现住址"), width=24),
    Column("committee", "上级党组织", "Committee", ("所属党委", "上级党委"), width=24),
    Column("branch_code", "支部编号", "Branch code", ("支部代码",), width=10),
    Column("branch", "所在支部", "Branch",
           ("支部", "党支部", "所在党支部", "支部名称", "所属支部", "所属党支部"), True, 18),
    Column("group", "党小组", "Party group", ("所在党小组", "小组", "所属党小组"), width=10),
    Column("category", "人员类别", "Category",
           ("党员类别", "类别", "党员身份", "人员类型", "党员类型"), True, 10),
    Column("position", "党内职务", "Position", ("职务", "支部职务", "党内职位"), width=10),
    Column("status", "党员状态", "Status", ("状态", "党籍状态"), width=10),
    Column("joined_on", "入党日期", "Joined on",
           ("入党时间", "入党年月", "加入党组织日期", "入党日期（政治生日）"), True),
    Column("converted_on", "转正日期", "Converted on", ("转正时间", "转为正式党员日期")),
    Column("probation_extension_months", "延长预备期（月）", "Probation extension (months)",
           ("延长预备期", "预备期延长（月）", "延长预备期月数"), width=10),
    Column("dues_basis", "党费计缴类型", "Dues basis", ("计缴类型", "党费类型", "缴费类型")),
    Column("dues_base", "党费基数（元）", "Dues base (yuan)",
           ("党费基数", "缴费基数", "月工资", "税后工资", "月收入", "计缴基数")),
    # The day a change of branch, group or 已转出 in this row takes effect.
    Column("moved_on", "调动日期", "Moved on",
           ("转入日期", "转出日期", "调入日期", "转接日期", "组织关系转接日期")),
    # The lifetimes of the row's branch and party group (no period outside is audited).
    Column("branch_founded_on", "支部成立日期", "Branch founded on",
           ("支部成立时间", "党支部成立日期", "成立日期")),
    Column("branch_dissolved_on", "支部撤销日期", "Branch dissolved on",
           ("支部撤销时间", "党支部撤销日期")),
    Column("group_founded_on", "党小组成立日期", "Party group founded on",
           ("小组成立日期", "党小组成立时间")),
    Column("group_dissolved_on", "党小组撤销日期", "Party group dissolved on",
           ("小组撤销日期", "党小组撤销时间")),
)

MEETING_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", ("支部代码",), width=10),
    Column("branch", "所在支部", "Branch", ("支部", "党支部", "支部名称"), width=18),
    Column("kind", "会议类型", "Meeting kind", ("会议类别", "会议名称", "类型", "活动类型"), True),
    Column("held_on", "会议日期", "Date", ("日期", "召开日期", "时间", "开会日期"), True),
    Column("group", "党小组", "Party group", ("小组",), width=10),
    Column("topic", "会议主题", "Topic", ("主题", "内容", "议题"), width=24),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("attendance", "出勤情况", "Attendance", ("出勤", "参会情况", "考勤", "出席情况")),
)

DUES_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", ("支部代码",), width=10),
    Column("branch", "所在支部", "Branch", ("支部", "党支部"), width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("month", "月份", "Month", ("缴费月份", "所属月份", "党费月份"), True, 10),
    Column("due", "应缴金额（元）", "Due (yuan)", ("应缴金额", "应缴党费", "应缴"), width=14),
    Column("paid", "实缴金额（元）", "Paid (yuan)",
           ("实缴金额", "实缴党费", "实缴", "缴纳金额", "已缴金额"), True, 14),
    Column("paid_on", "缴纳日期", "Paid on", ("缴费日期", "交纳日期", "缴纳时间")),
)

POINTS_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", ("支部代码",), width=10),
    Column("branch", "所在支部", "Branch", ("支部", "党支部"), width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("recorded_on", "日期", "Date", ("记录日期", "积分日期", "时间"), True),
    Column("points", "分值", "Points", ("积分", "得分", "加减分", "分数"), True, 8),
    Column("rule", "积分规则", "Rule", ("规则", "积分项目", "项目"), width=18),
    Column("reason", "事由", "Reason", ("原因", "说明", "备注", "积分事由"), width=24),
    Column("recorded_by", "记录人", "Recorded by", ("登记人", "录入人"), width=10),
)

EVALUATION_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", ("支部代码",), width=10),
    Column("branch", "所在支部", "Branch", ("支部", "党支部"), width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("year", "年度", "Year", ("评议年度", "年份"), True, 8),
    Column("stage", "评议阶段", "Stage", ("阶段", "进度"), True),
    Column("rating", "评定等次", "Rating", ("等次", "评议结果", "评定结果", "评定等级"), width=10),
)

# The export's sheet names; each importer reads its own sheet from an exported workbook.
SHEET_NAMES = {
    "members": "党员",
    "meetings": "会议出勤",
    "dues": "党费",
    "points": "积分",
    "evaluations": "民主评议",
}

COLUMNS = {
    "members": MEMBER_COLUMNS,
    "meetings": MEETING_COLUMNS,
    "dues": DUES_COLUMNS,
    "points": POINTS_COLUMNS,
    "evaluations": EVALUATION_COLUMNS,
}
