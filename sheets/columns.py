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
           ("身份证号码", "公民身份号码", "公民身份证号码", "公民身份证号", "身份证",
            "身份证件号码", "证件号码", "身份证号（18位）"), width=21),
    Column("phone", "联系电话", "Phone",
           ("电话", "手机", "手机号", "手机号码", "联系方式"), width=14),
    Column("address", "家庭住址", "Address", ("住址", "地址", "家庭地址", "现住址"), width=24),
    Column("committee", "上级党组织", "Committee",
           ("所属党委", "上级党委", "所在分党委", "所属分党委", "二级党委名称", "二级党委",
            "所属党组织", "所在党委", "党委名称", "所属二级党委", "上级党组织名称"), width=24),
    Column("branch_code", "支部编号", "Branch code",
           ("支部代码", "支部编码", "党支部编码", "党支部代码", "党组织编码"), width=10),
    Column("branch", "所在支部", "Branch",
           ("支部", "党支部", "所在党支部", "支部名称", "所属支部", "所属党支部", "党支部名称",
            "所在党组织", "党组织名称"), True, 18),
    Column("group", "党小组", "Party group", ("所在党小组", "小组", "所属党小组"), width=10),
    Column("category", "人员类别", "Category",
           ("党员类别", "类别", "党员身份", "人员类型", "党员类型", "政治面貌", "预/正", "正/预",
            "正式/预备", "预备/正式", "是否预备党员"), True, 10),
    Column("position", "党内职务", "Position",
           ("职务", "支部职务", "党内职位", "党内职务（支部）", "支部内职务", "现任党内职务"),
           width=10),
    Column("status", "党员状态", "Status", ("状态", "党籍状态", "党员状况", "组织关系状态",
                                             "人员状态",
                                             # a 历史党员 list: why the membership ended
                                             "减少类型", "减少原因", "减少方式", "出党方式",
                                             "出党原因", "终止原因"),
           width=10),
    Column("joined_on", "入党日期", "Joined on",
           ("入党时间", "入党年月", "加入党组织日期", "入党日期（政治生日）", "加入中共时间",
            "加入中国共产党日期", "入党年月日"), True),
    Column("converted_on", "转正日期", "Converted on",
           ("转正时间", "转为正式党员日期", "转正年月", "转为正式党员时间")),
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
    # Since when the row's status holds (停止党籍's decision, 失联, 暂留, an end's date), and
    # up to when an 出国（境）暂留 is approved: the life of a membership (issue 18).
    Column("status_since", "状态日期", "Status since",
           ("状态变更日期", "停止党籍日期", "失联日期", "出国日期", "出国（境）日期",
            "减少日期", "减少时间", "党籍终止日期", "去世日期")),
    Column("status_until", "暂留截止日期", "Kept until", ("暂留期限", "暂留至", "暂留截止")),
)

BRANCH_ALIASES = ("支部", "党支部", "支部名称", "所在党支部", "所属支部", "所属党支部",
                  "党支部名称", "所在支部名称")
BRANCH_CODE_ALIASES = ("支部代码", "支部编码", "党支部编码", "党支部代码", "党组织编码")

MEETING_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", BRANCH_CODE_ALIASES, width=10),
    Column("branch", "所在支部", "Branch", BRANCH_ALIASES, width=18),
    Column("kind", "会议类型", "Meeting kind",
           ("会议类别", "会议名称", "类型", "活动类型", "会议形式", "组织生活类型", "活动类别",
            "会议种类"), True),
    Column("held_on", "会议日期", "Date",
           ("日期", "召开日期", "时间", "开会日期", "实际会议时间", "实际时间", "会议时间",
            "召开时间", "活动时间", "活动日期", "实际召开时间"), True),
    Column("group", "党小组", "Party group", ("小组", "党小组名称"), width=10),
    Column("topic", "会议主题", "Topic",
           ("主题", "议题", "会议议题", "活动主题", "活动名称", "学习主题"), width=24),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("attendance", "出勤情况", "Attendance",
           ("出勤", "参会情况", "考勤", "出席情况", "参加情况", "出席")),
)

DUES_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", BRANCH_CODE_ALIASES, width=10),
    Column("branch", "所在支部", "Branch", BRANCH_ALIASES, width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("month", "月份", "Month",
           ("缴费月份", "所属月份", "党费月份", "交费月份", "交纳月份", "缴纳月份", "缴费年月",
            "交费年月", "党费所属月份"), True, 10),
    Column("due", "应缴金额（元）", "Due (yuan)",
           ("应缴金额", "应缴党费", "应缴", "应交金额", "应交党费", "应交", "月应缴党费",
            "每月应缴", "每月应交", "月缴纳额", "应缴党费（元）", "应交党费（元）"), width=14),
    Column("paid", "实缴金额（元）", "Paid (yuan)",
           ("实缴金额", "实缴党费", "实缴", "缴纳金额", "已缴金额", "实交金额", "实交党费", "实交",
            "交纳金额", "实缴党费（元）", "实交党费（元）", "缴费金额", "交费金额"), True, 14),
    Column("paid_on", "缴纳日期", "Paid on",
           ("缴费日期", "交纳日期", "缴纳时间", "交费日期", "缴费时间", "交费时间", "支付时间",
            "支付日期", "付款时间", "交易时间")),
)

POINTS_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", BRANCH_CODE_ALIASES, width=10),
    Column("branch", "所在支部", "Branch", BRANCH_ALIASES, width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("recorded_on", "日期", "Date", ("记录日期", "积分日期", "时间"), True),
    Column("points", "分值", "Points", ("积分", "得分", "加减分", "分数"), True, 8),
    Column("rule", "积分规则", "Rule", ("规则", "积分项目", "项目"), width=18),
    Column("reason", "事由", "Reason", ("原因", "说明", "备注", "积分事由"), width=24),
    Column("recorded_by", "记录人", "Recorded by", ("登记人", "录入人"), width=10),
)

EVALUATION_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", BRANCH_CODE_ALIASES, width=10),
    Column("branch", "所在支部", "Branch", BRANCH_ALIASES, width=18),
    Column("number", "党员编号", "Member number", ("编号",)),
    Column("name", "姓名", "Name", ("党员姓名",), width=10),
    Column("year", "年度", "Year", ("评议年度", "年份"), True, 8),
    Column("stage", "评议阶段", "Stage", ("阶段", "进度"), True),
    Column("rating", "评定等次", "Rating",
           ("等次", "评议结果", "评定结果", "评定等级", "评议等次", "民主评议结果", "评议等级",
            "测评结果"), width=10),
)

# 发展党员 registers (owip-style: one row per person, the stage and the date of each step).
RECRUITMENT_COLUMNS: tuple[Column, ...] = (
    Column("branch_code", "支部编号", "Branch code", BRANCH_CODE_ALIASES, width=10),
    Column("branch", "所在支部", "Branch", BRANCH_ALIASES, width=18),
    Column("name", "姓名", "Name", ("申请人姓名", "发展对象姓名"), True, 10),
    Column("gender", "性别", "Gender", (), width=6),
    Column("ethnicity", "民族", "Ethnicity", (), width=8),
    Column("birth_date", "出生日期", "Birth date", ("出生年月", "出生时间"), True),
    Column("id_number", "身份证号", "ID number", ("身份证号码", "公民身份号码"), width=21),
    Column("phone", "联系电话", "Phone", ("手机", "手机号", "联系方式"), width=14),
    Column("recruit_stage", "发展阶段", "Stage",
           ("当前阶段", "所处阶段", "政治面貌", "培养阶段", "发展党员阶段"), True, 12),
    Column("applied_on", "提交书面申请书时间", "Applied on",
           ("申请入党日期", "申请入党时间", "递交入党申请书时间", "入党申请时间", "申请日期"),
           True),
    Column("talk_on", "谈话时间", "Talk on", ("谈话日期", "组织谈话时间", "派人谈话时间")),
    Column("activist_on", "确定为入党积极分子时间", "Activist on",
           ("确定为积极分子时间", "确定入党积极分子日期", "确定积极分子时间",
            "列为入党积极分子时间")),
    Column("activist_filed_on", "积极分子备案时间", "Filed on", ("备案时间", "备案日期")),
    Column("contacts", "培养联系人", "Contacts", ("培养人", "联系人"), width=16),
    Column("training_on", "党校培训结业时间", "Training ended on",
           ("党校培训时间", "积极分子培训时间", "培训结业时间")),
    Column("training_hours", "党校培训学时", "Training hours", ("培训学时", "学时"), width=8),
    Column("opinions_on", "听取意见时间", "Opinions heard on", ("听取意见日期",)),
    Column("candidate_on", "确定为发展对象时间", "Candidate on",
           ("确定发展对象时间", "列为发展对象时间", "确定为发展对象日期")),
    Column("introducers", "入党介绍人", "Introducers", ("介绍人",), width=16),
    Column("review_on", "政治审查时间", "Review on", ("政审时间", "政审日期")),
    Column("review_conclusion", "政审结论", "Review conclusion",
           ("政治审查结论", "政审结果"), width=8),
    Column("intensive_on", "集中培训结业时间", "Intensive training ended on",
           ("集中培训时间", "发展对象培训时间")),
    Column("intensive_hours", "集中培训学时", "Intensive training hours", (), width=8),
    Column("prereview_on", "预审时间", "Pre-review on", ("上级党委预审时间", "预审日期")),
    Column("notice_from", "公示开始时间", "Notice from", ("公示开始日期", "公示起始时间")),
    Column("notice_until", "公示结束时间", "Notice until", ("公示结束日期", "公示截止时间")),
    Column("pledge_number", "入党志愿书编号", "Pledge number", ("志愿书编号",), width=14),
    Column("admit_meeting_on", "支部大会通过时间", "Admission meeting on",
           ("支部大会讨论时间", "接收预备党员时间", "入党时间", "入党日期",
            "成为预备党员时间"), width=12),
    Column("approved_on", "上级党委审批时间", "Approved on",
           ("党委审批时间", "审批时间", "上级党组织审批时间")),
    Column("convert_meeting_on", "转正支部大会时间", "Conversion meeting on",
           ("转正讨论时间", "支部大会讨论转正时间")),
    Column("convert_approved_on", "转正审批时间", "Conversion approved on",
           ("转正时间", "转正日期", "成为正式党员时间")),
    Column("extension_months", "延长预备期（月）", "Extension (months)", ("延长预备期",),
           width=8),
    Column("extension_reason", "延长原因", "Extension reason", ("延长预备期原因",), width=20),
    # 发展终止: someone whose way ended before admission (withdrawn, disqualified, …).
    Column("ended_on", "终止发展时间", "Ended on", ("终止时间", "终止日期", "撤回申请时间")),
    Column("end_reason", "终止发展原因", "End reason", ("终止原因",), width=14),
    Column("end_note", "终止发展说明", "End note", ("终止说明",), width=20),
    Column("number", "党员编号", "Member number", ("编号",)),
)

# The title of a kind's sheet (an export's, a template's) and its downloads' names.
TITLES = {
    "members": "党员名册",
    "meetings": "组织生活会议及出勤",
    "dues": "党费收缴",
    "points": "党员积分",
    "evaluations": "民主评议党员",
    "recruitment": "发展党员工作台账",
}

# The export's sheet names; each importer reads its own sheet from an exported workbook.
SHEET_NAMES = {
    "members": "党员",
    "meetings": "会议出勤",
    "dues": "党费",
    "points": "积分",
    "evaluations": "民主评议",
    "recruitment": "发展党员",
}

COLUMNS = {
    "members": MEMBER_COLUMNS,
    "meetings": MEETING_COLUMNS,
    "dues": DUES_COLUMNS,
    "points": POINTS_COLUMNS,
    "evaluations": EVALUATION_COLUMNS,
    "recruitment": RECRUITMENT_COLUMNS,
}

# Columns the importers read but the export and templates do not write (other layouts).
READ_ONLY_COLUMNS: dict[str, tuple[Column, ...]] = {
    "meetings": (
        # A register that gives only counts: the meeting counts as held, and the report
        # says that per-member attendance is missing.
        Column("expected_count", "应到人数", "Expected", ("应到", "应参会人数", "应到会人数")),
        Column("present_count", "实到人数", "Present",
               ("实到", "实参会人数", "到会人数", "参会人数")),
        Column("excused_count", "请假人数", "Excused", ("请假",)),
        Column("absent_count", "缺席人数", "Absent", ("缺席",)),
        # What was said and done, beside the topic (会议议题): kept as the meeting's
        # minutes where meetings have them; a sheet with only this column gives the topic.
        Column("minutes", "会议内容", "Content",
               ("内容", "主要内容", "活动内容", "学习内容", "会议纪要", "会议记录", "纪要")),
        # The record (痕迹管理): who led the meeting and who took the minutes.
        Column("host", "主持人", "Host", ("会议主持人", "主持")),
        Column("recorder", "记录人", "Recorder", ("会议记录人",)),
    ),
    "dues": (
        # 补缴 over a range of months: one row, spread over the months from start to end.
        Column("month_start", "起始月份", "From month",
               ("开始月份", "起始年月", "补缴起始月份", "起缴月份", "缴费起始月份", "起始时间")),
        Column("month_end", "截止月份", "To month",
               ("结束月份", "终止月份", "截止年月", "补缴截止月份", "缴费截止月份", "截止时间")),
        Column("year", "年度", "Year", ("年份", "缴费年度", "所属年度")),
        # Who paid (an online payment): not necessarily the member (党员姓名/党员编号).
        Column("payer", "交费人", "Paid by",
               ("缴费人", "付款人", "支付人", "代缴人", "交款人", "缴款人", "交费人姓名",
                "缴费人姓名")),
    ),
}


def read_columns(kind: str) -> tuple[Column, ...]:
    """Every column the importer of ``kind`` recognises."""
    return COLUMNS[kind] + READ_ONLY_COLUMNS.get(kind, ())
