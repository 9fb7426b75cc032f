"""A corpus of spreadsheets laid out the way they are really kept, written on demand.

National-system exports (全国党员管理信息系统 headers), university templates and hand-kept
registers, as .xlsx, .ods and .csv, each with what the person importing supplies on the
command line (``--branch``, ``--year``, …) or on the console's import screen. Nothing
here is committed as a binary: ``write_corpus`` builds every file in a folder.

The database the corpus is imported into (``seed_corpus_org``): one committee, two
branches (ZB01 机关第一党支部, ZB02 机关第二党支部) and three members.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

from profiles.members.rules import id_check_digit

COMMITTEE = "中共示范大学委员会"
BRANCHES = {"ZB01": "机关第一党支部", "ZB02": "机关第二党支部"}
# number, name, branch code, 入党日期 (all full members)
MEMBERS = (("DY000001", "张三", "ZB01", dt.date(2005, 6, 1)),
           ("DY000002", "李四", "ZB01", dt.date(2012, 7, 1)),
           ("DY000003", "王芳", "ZB02", dt.date(2015, 10, 1)))


def id_number(birth: dt.date, seq: int) -> str:
    """A well-formed 18-character ID number for someone born on ``birth``."""
    first = f"110105{birth:%Y%m%d}{seq:03d}"
    return first + id_check_digit(first)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a file: its name and rows (a title row is just a row)."""

    name: str
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class CorpusFile:
    """A file of the corpus and what the importing person supplies with it."""

    name: str
    kind: str  # members, meetings, dues, points, evaluations
    what: str  # what it stands for, for messages
    sheets: Sequence[Sheet]
    options: dict[str, Any] = field(default_factory=dict)  # as the CLI gives them
    # For a file that should still be refused: words its message must contain (en, zh),
    # so the refusal says how to fix it.
    fix: tuple[str, str] | None = None


def _ago(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=days)


def _files(today: dt.date) -> list[CorpusFile]:
    year = today.year
    recent = _ago(today, 120)  # within the probation year
    new_id = id_number(dt.date(1999, 4, 2), 11)
    files = [
        CorpusFile("全国系统导出-党员信息.xlsx", "members", "a national-system export", [
            Sheet("党员信息", [
                ["党员信息导出"],
                ["序号", "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "党籍状态",
                 "政治面貌", "入党日期", "转正日期", "所属党支部", "二级党委名称", "工作岗位",
                 "联系电话"],
                [1, "赵敏", "女", id_number(dt.date(1990, 5, 6), 21), "汉族", "1990-05-06",
                 "硕士研究生", "正常", "中共党员", "2014-06-01", "2015-06-01", BRANCHES["ZB01"],
                 COMMITTEE, "行政管理", "13800000001"],
                [2, "钱进", "男", id_number(dt.date(1999, 4, 2), 31), "汉族", "1999-04-02",
                 "大学本科", "正常", "中共预备党员", recent.isoformat(), "", BRANCHES["ZB01"],
                 COMMITTEE, "教师", "13800000002"],
            ])]),
        CorpusFile("第二支部花名册.xlsx", "members", "a branch's own roster (no branch column)", [
            Sheet("花名册", [
                [f"{BRANCHES['ZB02']}党员花名册"],
                ["序号", "姓名", "性别", "出生年月", "入党时间", "转正时间", "人员类别", "党内职务",
                 "联系电话"],
                [1, "孙丽", "女", "1988.03", "2012-07-01", "2013-07-01", "正式党员", "组织委员",
                 "13900000001"],
                [2, "周强", "男", "1995.11", "2019/6/30", "2020/6/30", "正式党员", "无", "—"],
                [3, "", "", "", "", "", "", "", ""],
                [4, "", "", "", "", "", "", "", ""],
            ])], {"branch": "ZB02"}),
        CorpusFile("无人员类别-有转正日期.csv", "members",
                   "a roster with no 人员类别 but with 转正日期", [
            Sheet("csv", [
                ["姓名", "性别", "入党日期", "转正日期", "所在支部"],
                ["吴芳", "女", "2010-07-01", "2011-07-01", BRANCHES["ZB01"]],
                ["郑伟", "男", "2018年6月1日", "2019年6月1日", BRANCHES["ZB01"]],
                ["冯雪", "女", recent.isoformat(), "", BRANCHES["ZB01"]],
            ])]),
        CorpusFile("高校模板-党员信息采集表.xlsx", "members",
                   "a university template (填写说明 first, 正式/预备 sheets, notes)", [
            Sheet("填写说明", [["填写说明"], ["1. 带*号的为必填项"], ["2. 日期格式为2019-07-01"]]),
            Sheet("正式党员", [
                ["示范大学党员信息采集表"],
                ["序号", "*姓名", "性别", "人员类别", "政治面貌", "*入党日期（必填）", "转正日期",
                 "*所在党支部", "党内职务", "联系电话", "备注"],
                [1, "陈晨", "男", "教职工", "中共党员", "2008-07-01 00:00:00", "2009/7/1 0:00:00",
                 BRANCHES["ZB01"], "无", "/", ""],
                [2, "", "", "", "", "", "", "", "", "", ""],
                [3, "", "", "", "", "", "", "", "", "", ""],
                ["注：本表由各党支部填写，于每年3月报送。"],
            ]),
            Sheet("预备党员", [
                ["序号", "*姓名", "性别", "人员类别", "政治面貌", "*入党日期（必填）", "转正日期",
                 "*所在党支部", "党内职务", "联系电话", "备注"],
                [1, "林一", "女", "学生", "中共预备党员", recent.isoformat() + " 09:30", "—",
                 BRANCHES["ZB01"], "-", "", "新发展"],
            ]),
        ]),
        CorpusFile("历史党员.xlsx", "members", "a 历史党员 template", [
            Sheet("历史党员", [
                ["历史党员信息"],
                ["序号", "姓名", "性别", "入党日期", "所在党支部", "减少类型", "减少日期"],
                [1, "何平", "男", "1978-07-01", BRANCHES["ZB01"], "去世", "2024-03-02"],
                [2, "吕洁", "女", "1990-07-01", BRANCHES["ZB01"], "转出", "2025-01-10"],
            ])]),
        CorpusFile("手工登记-党员名册.ods", "members",
                   "a hand-kept register (.ods, no branch, no 人员类别)", [
            Sheet("名册", [
                ["姓名", "入党日期", "转正日期", "党小组", "备注"],
                ["韩梅", "2001.07.01", "2002.07.01", "", "老党员"],
                ["曹阳", recent.strftime("%Y年%m月%d日"), "无", "", ""],
                ["", "", "", "", ""],
                ["填表人：王芳"],
            ])], {"branch": "ZB02"}),
        CorpusFile("新建支部名册.xlsx", "members", "a first roster creating branches", [
            Sheet("Sheet1", [
                ["姓名", "人员类别", "入党日期", "转正日期", "所在支部"],
                ["许可", "正式党员", "2011-07-01", "2012-07-01", "后勤党支部"],
                ["邓超", "正式党员", "2013-07-01", "2014-07-01", "图书馆党支部"],
            ])], {"create_branches": True, "committee": "中共示范大学后勤委员会"}),
        CorpusFile("党员信息-符号.csv", "members", "a roster with -, —, 无 and / for none", [
            Sheet("csv", [
                ["姓名", "性别", "民族", "所在支部", "人员类别", "入党日期", "转正日期", "党内职务",
                 "联系电话", "公民身份号码"],
                ["谢婷", "女", "-", BRANCHES["ZB02"], "正式党员", "2016-07-01 08:00", "2017-07-01",
                 "无", "/", new_id],
                ["邱明", "男", "—", BRANCHES["ZB02"], "预备党员", recent.isoformat(), "/", "-",
                 "无", ""],
            ])]),
        CorpusFile("三会一课登记表.xlsx", "meetings",
                   "a 三会一课 register with 会议议题 and 会议内容, counts only, no branch", [
            Sheet("三会一课", [
                [f"{year}年三会一课登记表"],
                ["序号", "会议类型", "实际会议时间", "会议议题", "会议内容", "主持人", "记录人",
                 "应到人数", "实到人数"],
                [1, "支部党员大会", f"{year}-03-15 14:30-16:00", "学习贯彻全会精神",
                 "传达学习全会精神，讨论发言", "张三", "李四", 2, 2],
                [2, "党课", f"{year}/4/20 9:00", "专题党课", "书记讲党课", "张三", "李四", 2, 1],
                [3, "", "", "", "", "", "", "", ""],
            ])], {"branch": "ZB01"}),
        CorpusFile("会议出勤.csv", "meetings", "a meeting sheet with attendance", [
            Sheet("csv", [
                ["所在支部", "会议类型", "会议日期", "会议主题", "姓名", "出勤情况"],
                [BRANCHES["ZB01"], "支委会", f"{year}-05-08", "研究发展党员", "张三", "出席"],
                [BRANCHES["ZB01"], "支委会", f"{year}-05-08", "研究发展党员", "李四", "请假"],
            ])]),
        CorpusFile("主题党日活动.ods", "meetings", "a 主题党日 sign-in sheet (.ods)", [
            Sheet("主题党日", [
                ["所属党支部", "活动名称", "活动时间", "活动主题", "党员姓名", "参加情况"],
                [BRANCHES["ZB02"], "主题党日活动", f"{year}-06-28", "重温入党誓词", "王芳", "出席"],
            ])]),
        CorpusFile("补缴党费-区间.xlsx", "dues",
                   "a 补缴 sheet over a month range, no payment date", [
            Sheet("补缴", [
                ["党费补缴登记表"],
                ["序号", "姓名", "所在支部", "起始月份", "截止月份", "应缴金额", "实缴金额"],
                [1, "张三", BRANCHES["ZB01"], f"{year}-01", f"{year}-03", "30.00", "30.00"],
            ])]),
        CorpusFile("补缴党费.csv", "dues", "a 补缴 sheet, one row per month, no payment date", [
            Sheet("csv", [
                ["党员编号", "姓名", "缴费月份", "应缴党费", "实缴党费"],
                ["DY000002", "李四", f"{year}-04", "10.00", "10.00"],
                ["DY000002", "李四", f"{year}-05", "10.00", "10.00"],
            ])]),
        CorpusFile("线上交费明细.xlsx", "dues",
                   "an online-payment export whose payer is not the member", [
            Sheet("交费明细", [
                ["订单编号", "党员姓名", "党员编号", "交费月份", "应交金额", "实交金额", "交费人",
                 "支付时间", "支付方式"],
                ["WX0001", "张三", "DY000001", f"{year}-06", "20.00", "20.00", "张三",
                 f"{year}-06-05 14:22:31", "微信"],
                ["WX0002", "王芳", "DY000003", f"{year}-06", "15.00", "15.00", "刘洋",
                 f"{year}-06-06 09:01:10", "微信"],
            ])]),
        CorpusFile("党费收缴台账.ods", "dues", "a dues ledger with one column per month", [
            Sheet(f"{year}年", [
                [f"{year}年党费收缴台账"],
                ["姓名", "所在支部", "一月", "二月", "三月"],
                ["张三", BRANCHES["ZB01"], "20", "20", ""],
            ])]),
        CorpusFile("民主评议结果.xlsx", "evaluations", "an evaluation sheet with no year", [
            Sheet("评议结果", [
                ["姓名", "所在支部", "评议阶段", "评定等次"],
                ["张三", BRANCHES["ZB01"], "支部评定", "优秀"],
                ["李四", BRANCHES["ZB01"], "支部评定", "合格"],
            ])], {"year": year - 1}),
        CorpusFile("民主评议汇总表.xlsx", "evaluations",
                   "an evaluation sheet with the year in its title, ratings only", [
            Sheet("Sheet1", [
                [f"{year - 1}年度民主评议党员结果汇总表"],
                ["序号", "党员姓名", "所在党支部", "测评结果"],
                [1, "王芳", BRANCHES["ZB02"], "合格"],
            ])]),
        CorpusFile("积分登记.csv", "points", "a points register", [
            Sheet("csv", [
                ["姓名", "日期", "分值", "事由"],
                ["张三", f"{year}-03-15", "5", "参加志愿服务"],
            ])]),
        CorpusFile("花名册-无转正日期.xlsx", "members",
                   "a roster with neither 人员类别 nor 转正日期, one member past probation", [
            Sheet("Sheet1", [
                ["姓名", "入党日期", "所在支部"],
                ["马良", _ago(today, 500).isoformat(), BRANCHES["ZB01"]],
                ["高远", "1995-07-01", BRANCHES["ZB01"]],
            ])], fix=("fill in 转正日期", "请填写转正日期")),
        CorpusFile("全国系统导出-本支部党员.txt", "members",
                   "a national-system list of one branch saved as Unicode text", [
            Sheet("txt", [
                ["姓名", "性别", "公民身份号码", "党籍状态", "入党日期", "转正日期", "联系电话"],
                ["罗平", "男", id_number(dt.date(1980, 1, 15), 41), "正式党员", "2003-06-30",
                 "2004-06-30", "—"],
                ["唐宁", "女", id_number(dt.date(2000, 9, 9), 52), "预备党员", recent.isoformat(),
                 "", "无"],
            ])], {"branch": "ZB02"}),
        CorpusFile("党员信息-多表.xlsx", "members",
                   "a workbook with 正式党员 and 预备党员 sheets", [
            Sheet("说明", [["说明"], ["本表共两页"]]),
            Sheet("正式党员", [
                ["姓名", "人员类别", "入党日期", "转正日期", "所在支部"],
                ["罗兰", "正", "2009-07-01", "2010-07-01", BRANCHES["ZB02"]],
            ]),
            Sheet("预备党员", [
                ["姓名", "人员类别", "入党日期", "转正日期", "所在支部"],
                ["宋佳", "预", recent.isoformat(), "", BRANCHES["ZB02"]],
                ["合计：1人"],
            ]),
        ]),
    ]
    return files


def _write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append(list(row))
    workbook.save(path)


def _write_csv(path: Path, sheets: Sequence[Sheet]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(sheets[0].rows)
    path.write_bytes(out.getvalue().encode("gbk"))  # what Chinese Excel writes


def _write_text(path: Path, sheets: Sequence[Sheet]) -> None:
    """Excel's "Unicode text": tab-separated UTF-16 with a byte-order mark."""
    text = "\r\n".join("\t".join(str(v) for v in row) for row in sheets[0].rows) + "\r\n"
    path.write_bytes(text.encode("utf-16"))


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
    ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>')


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def _write_ods(path: Path, sheets: Sequence[Sheet]) -> None:
    """A minimal OpenDocument spreadsheet: what LibreOffice's reader needs, no styles."""
    tables = "".join(
        f'<table:table table:name="{escape(s.name)}">'
        + "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row)
                  + "</table:table-row>" for row in s.rows)
        + "</table:table>" for s in sheets)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", content)


WRITERS: dict[str, Callable[[Path, Sequence[Sheet]], None]] = {
    ".xlsx": _write_xlsx, ".csv": _write_csv, ".ods": _write_ods, ".txt": _write_text}


def write_corpus(folder: Path, today: dt.date) -> list[tuple[CorpusFile, Path]]:
    """Every file of the corpus written into ``folder``, with where it is."""
    out = []
    for item in _files(today):
        path = folder / item.name
        WRITERS[path.suffix](path, item.sheets)
        out.append((item, path))
    return out


def seed_corpus_org() -> None:
    """The organisation the corpus is imported into (committed)."""
    from core.db import db
    from profiles.enums import Category, DuesBasis
    from profiles.models import Branch, Committee, Member

    committee = Committee(name=COMMITTEE)
    db.session.add(committee)
    db.session.flush()
    branches = {}
    for code, name in BRANCHES.items():
        branches[code] = Branch(code=code, name=name, committee_id=committee.id)
        db.session.add(branches[code])
    db.session.flush()
    for number, name, code, joined in MEMBERS:
        db.session.add(Member(number=number, name=name, branch_id=branches[code].id,
                              category=Category.FULL, joined_on=joined,
                              converted_on=joined.replace(year=joined.year + 1),
                              dues_basis=DuesBasis.WAGE, dues_base_cents=400_000))
    db.session.commit()
