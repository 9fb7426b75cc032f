"""Build the demo organisation branch by branch and insert it in bulk.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``, so
a seed and a date give the same organisation every time. The deliberate gaps that the
branch self-audit must find are listed in :data:`DELIBERATE_GAPS` and docs/demo.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.schema import AddConstraint, DropConstraint

from core.changelog import Actor, Change, log_changes
from demo.names import ETHNICITIES, chinese_name
from profiles.dues.rates import monthly_dues_cents
from profiles.enums import (
    Attendance,
    Category,
    DuesBasis,
    EvaluationStage,
    Gender,
    MeetingKind,
    MemberStatus,
    Position,
    Rating,
)
from profiles.meetings.attendance_points import ATTENDED, DEFAULT_RULES, MISSED
from profiles.meetings.attendees import Invitee, should_attend
from profiles.members.rules import id_check_digit, probation_end
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    DuesRecord,
    Evaluation,
    GeneralBranch,
    Meeting,
    Member,
    Membership,
    MembershipEnd,
    MembershipStart,
    PartyGroup,
    PointsEntry,
    PointsRule,
    start_of,
)
from profiles.months import add_months, period_of, periods_between

Row = dict[str, Any]

# The tables that receive hundreds of thousands of rows in a big demo.
BULK_TABLES: tuple[Table, ...] = tuple(
    model.__table__
    for model in (Member, Membership, Meeting, AttendanceRecord, DuesRecord, PointsEntry,
                  Evaluation)
)

COMMITTEE_NAME = "中共示范区直属机关委员会"
GENERAL_BRANCH_NAME = "教育局党总支"

# code, name, under the general branch, dues basis of most members
CORE_BRANCHES: tuple[tuple[str, str, bool, DuesBasis], ...] = (
    ("ZB01", "机关第一党支部", False, DuesBasis.WAGE),
    ("ZB02", "机关第二党支部", False, DuesBasis.WAGE),
    ("ZB03", "综合执法党支部", False, DuesBasis.WAGE),
    ("ZB04", "社区服务党支部", False, DuesBasis.WAGE),
    ("ZB05", "离退休干部党支部", True, DuesBasis.PENSION),
    ("ZB06", "第一中学党支部", True, DuesBasis.WAGE),
    ("ZB07", "物业服务党支部", False, DuesBasis.WAGE),
)
SMALL_BRANCH, SMALL_SIZE = "ZB07", 5  # fewer than 7 full members: no 支部委员会
MIN_SIZE = 7  # every other branch
# The statuses the demo draws attendance from (its numbers predate 线上参加).
DEMO_STATUSES = (Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT)
MOVER = "陈静"  # moved from ZB03 to ZB04 in the middle of last month
NEW_GROUP = "第三党小组"  # founded in ZB06 this year, mid-month

DELIBERATE_GAPS = (
    "ZB01 has no gaps at all (it is the complete branch; it also has a member whose "
    "probation was extended by 6 months and is not yet due).",
    "ZB02: no 党课 in the last complete quarter; 李娜 has not paid dues for 4 months.",
    "ZB03: 张伟 has not paid dues for 7 months; 刘洋 has been absent (缺席) from every "
    "meeting for 5 months; one member transferred out 3 months ago.",
    "ZB04: no 支委会 two months ago; 王芳's probation ended about 4 months ago, not converted.",
    "ZB05: last year's 民主评议 has 3 members not yet rated (stage 民主测评).",
    "ZB06: its first party group held no 党小组会 last month (its third group, founded "
    "this year, owes nothing for the months before it existed).",
    "ZB07: a 5-member branch without a committee: no 支委会 is due, and none is missed.",
    "陈静 moved from ZB03 to ZB04 in the middle of last month, with attendance on both "
    "sides: neither branch reports her.",
)

# Attendance's two rules are the ones 签到 and the attendance screens credit (their codes):
# with codes of its own the demo got a second "无故缺席组织生活" at the first 签到.
POINTS_RULES: tuple[tuple[str, str, int], ...] = (
    (ATTENDED, *DEFAULT_RULES[ATTENDED]),
    (MISSED, *DEFAULT_RULES[MISSED]),
    ("study", "理论学习打卡", 3),
    ("quiz", "知识竞答首次答对", 3),
    ("volunteer", "参加志愿服务", 5),
)

RULE_POINTS = {code: points for code, _, points in POINTS_RULES}

# Kinds whose attendance earns or costs points.
POINTS_KINDS = frozenset(
    {MeetingKind.GENERAL, MeetingKind.LECTURE, MeetingKind.THEME_DAY, MeetingKind.LIFE}
)

COMMITTEE_SEATS = (
    Position.SECRETARY,
    Position.ORGANISATION,
    Position.PUBLICITY,
    Position.DEPUTY_SECRETARY,
    Position.DISCIPLINE,
)

TOPICS: dict[MeetingKind, tuple[str, ...]] = {
    MeetingKind.GENERAL: (
        "讨论发展党员", "学习贯彻全会精神", "审议支部工作报告", "预备党员转正表决"
    ),
    MeetingKind.COMMITTEE: ("研究支部月度工作", "研究党费收缴", "讨论发展对象", "部署主题党日"),
    MeetingKind.GROUP: ("学习党章党规", "交流学习心得", "开展谈心谈话"),
    MeetingKind.LECTURE: ("书记讲党课", "党的历史专题党课", "廉洁从政专题党课"),
    MeetingKind.THEME_DAY: ("重温入党誓词", "参观红色教育基地", "社区志愿服务", "专题学习研讨"),
    MeetingKind.LIFE: ("年度组织生活会",),
    MeetingKind.EVALUATION: ("民主评议党员大会",),
}


@dataclass
class Summary:
    """What the demo wrote, and where to look first."""

    branches: int = 0
    members: int = 0
    meetings: int = 0
    attendance: int = 0
    dues: int = 0
    points: int = 0
    evaluations: int = 0
    branch_codes: list[str] = field(default_factory=list)
    first_member_number: str = ""


@dataclass
class _Member:
    """A member being built, with what the generator needs beyond the row."""

    row: Row
    left_on: dt.date | None = None
    arrived_on: dt.date | None = None  # moved here from another branch on this day
    # Earlier branch (id, group id, meetings) for a member who moved here.
    came_from: tuple[int, int, list[Row]] | None = None
    group_since: tuple[dt.date, int, int] | None = None  # (day, old group, new group)
    arrears_months: int = 0
    absent_months: int = 0
    skip_eval_year: int | None = None


class DemoBuilder:
    """Generates and inserts the demo organisation; see :func:`build_demo`."""

    def __init__(self, conn: Connection, *, members: int, seed: int, today: dt.date,
                 progress: Callable[[int], None] | None = None) -> None:
        self.conn = conn
        self.rng = random.Random(seed)
        self.today = today
        self.total_members = members
        self.start = dt.date(today.year - 1, 1, 1)
        self.progress = progress or (lambda n: None)
        self.summary = Summary()
        self.next_id: dict[str, int] = {}
        self.rule_ids: dict[str, int] = {}
        self.used_id_numbers: set[str] = set()
        self.built: dict[str, tuple[int, list[int], list[Row], list[_Member]]] = {}
        self.memberships: list[Row] = []

    # -- ids and inserts ---------------------------------------------------------------

    def _id(self, table: str) -> int:
        self.next_id[table] = self.next_id.get(table, 0) + 1
        return self.next_id[table]

    def _insert(self, table: Table, rows: Sequence[Row], chunk: int = 20_000) -> None:
        if not rows:
            return
        if self.conn.dialect.name == "postgresql":
            self._copy(table, rows)
            return
        for i in range(0, len(rows), chunk):
            self.conn.execute(insert(table), list(rows[i:i + chunk]))

    def _copy(self, table: Table, rows: Sequence[Row]) -> None:
        """PostgreSQL's COPY: several times faster than multi-row INSERT for bulk rows."""
        columns = list(rows[0])
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                # psycopg would write an Enum's name; the schema stores its value.
                copy.write_row([v.value if isinstance(v, enum.Enum) else v
                                for v in (row[c] for c in columns)])

    @contextmanager
    def _foreign_keys_checked_once(self) -> Iterator[None]:
        """On PostgreSQL, check the bulk tables' foreign keys once, after the load.

        Row by row, the server's foreign-key triggers cost about a third of a 10,000-member
        seed; re-adding a constraint validates every row in one join instead. It all runs
        in the caller's transaction, so a failure leaves the constraints as they were.
        """
        if self.conn.dialect.name != "postgresql":
            yield
            return
        keys = [key for table in BULK_TABLES for key in table.foreign_key_constraints]
        for key in keys:
            self.conn.execute(DropConstraint(key))
        yield
        for key in keys:
            self.conn.execute(AddConstraint(key))

    # -- the organisation --------------------------------------------------------------

    def build(self) -> Summary:
        """Write the whole organisation; the caller owns the transaction."""
        # The records start on 1 January last year, and so does the dues tracking.
        self._insert(Committee.__table__, [
            {"id": 1, "name": COMMITTEE_NAME, "short_name": "示范区直属机关党委",
             "records_from": self.start}
        ])
        self._insert(GeneralBranch.__table__, [
            {"id": 1, "committee_id": 1, "name": GENERAL_BRANCH_NAME}
        ])
        rules = []
        for code, name, points in POINTS_RULES:
            rule_id = self._id("points_rule")
            self.rule_ids[code] = rule_id
            rules.append({"id": rule_id, "committee_id": 1, "code": code, "name": name,
                          "points": points, "active": True})
        self._insert(PointsRule.__table__, rules)

        with self._foreign_keys_checked_once():
            for index, size in enumerate(self._branch_sizes()):
                self._build_branch(index, size)
            self._insert(Membership.__table__, self.memberships)
        # One change-log line for the whole seed: it also moves the data revision that
        # cached pages are keyed by.
        log_changes([Change("insert", "*", f"{self.summary.members} members")],
                    Actor("demo", "flask demo"), connection=self.conn)
        self._reset_sequences()
        return self.summary

    def _branch_sizes(self) -> list[int]:
        count = max(len(CORE_BRANCHES), round(self.total_members / 25))
        small = [code for code, *_ in CORE_BRANCHES].index(SMALL_BRANCH)
        weights = [self.rng.uniform(0.6, 1.6) for _ in range(count)]
        weights[small] = 0
        total = self.total_members - SMALL_SIZE
        scale = total / sum(weights)
        sizes = [max(MIN_SIZE, int(w * scale)) for w in weights]
        sizes[small] = 0
        # Spread the rounding remainder (either sign) so the total is exact.
        step = 1 if sum(sizes) < total else -1
        i = 0
        while sum(sizes) != total:
            if i % count != small and sizes[i % count] + step >= MIN_SIZE:
                sizes[i % count] += step
            i += 1
        sizes[small] = SMALL_SIZE
        return sizes

    def _build_branch(self, index: int, size: int) -> None:
        if index < len(CORE_BRANCHES):
            code, name, under_general, basis = CORE_BRANCHES[index]
        else:
            code, name, under_general, basis = (
                f"ZB{index + 1:02d}", f"街道第{index + 1}党支部", False, DuesBasis.WAGE
            )
        branch_id = self._id("branch")
        founded_on = dt.date(2000 + self.rng.randrange(0, 20), 7, 1)
        self._insert(Branch.__table__, [{
            "id": branch_id, "code": code, "name": name, "committee_id": 1,
            "general_branch_id": 1 if under_general else None,
            "founded_on": founded_on,
            "card_generation": 1,
        }])
        group_ids = []
        for g in range(1 if code == SMALL_BRANCH else max(2, size // 12)):
            gid = self._id("party_group")
            group_ids.append(gid)
            self._insert(PartyGroup.__table__, [
                {"id": gid, "branch_id": branch_id, "name": _group_name(g)}
            ])
        new_group: tuple[int, dt.date] | None = None
        if code == "ZB06":
            # A group founded this year, on the 10th: its first month is not audited.
            gid = self._id("party_group")
            new_group = (gid, dt.date(self.today.year, max(1, self.today.month - 4), 10))
            self._insert(PartyGroup.__table__, [{"id": gid, "branch_id": branch_id,
                                                 "name": NEW_GROUP, "founded_on": new_group[1]}])
        meetings = self._schedule_meetings(code, branch_id, group_ids, new_group)
        general_dates = sorted(m["held_on"] for m in meetings if m["kind"] == MeetingKind.GENERAL)
        members = self._make_members(code, branch_id, size, basis, group_ids, general_dates)
        if new_group is not None:
            for m in members[3::3]:  # every third plain member joins the new group
                m.group_since = (new_group[1], m.row["group_id"], new_group[0])
                m.row["group_id"] = new_group[0]
        if code == "ZB04" and "ZB03" in self.built:
            self._move_in(members, branch_id)
        self._insert(Member.__table__, [m.row for m in members])
        self._insert(Meeting.__table__, meetings)
        self.memberships += self._membership_rows(members, founded_on)

        attendance = list(self._attendance(meetings, members))
        for m in members:
            if m.came_from is not None:  # the mover's meetings in their old branch
                attendance += self._attendance(m.came_from[2], [m], before=m.arrived_on)
        self._insert(AttendanceRecord.__table__, attendance)
        dues = [row for m in members for row in self._dues(m)]
        self._insert(DuesRecord.__table__, dues)
        secretary = members[0].row["name"]
        earlier = [r for m in members if m.came_from is not None for r in m.came_from[2]]
        points = list(self._points(meetings + earlier, attendance, members, secretary))
        self._insert(PointsEntry.__table__, points)
        evaluations = self._evaluations(code, members)
        self._insert(Evaluation.__table__, evaluations)

        s = self.summary
        s.branches += 1
        s.members += len(members)
        s.meetings += len(meetings)
        s.attendance += len(attendance)
        s.dues += len(dues)
        s.points += len(points)
        s.evaluations += len(evaluations)
        s.branch_codes.append(code)
        self.built[code] = (branch_id, group_ids, meetings, members)
        if not s.first_member_number:
            s.first_member_number = members[0].row["number"]
        self.progress(len(members))

    # -- meetings ----------------------------------------------------------------------

    def _schedule_meetings(self, code: str, branch_id: int, group_ids: list[int],
                           new_group: tuple[int, dt.date] | None = None) -> list[Row]:
        rng, today = self.rng, self.today
        this_month = today.replace(day=1)
        last_quarter = period_of(period_of(today, "quarter").first_day - dt.timedelta(days=1),
                                 "quarter")
        last_month = _month(add_months(this_month, -1))
        two_months_ago = _month(add_months(this_month, -2))
        rows: list[Row] = []

        def add(kind: MeetingKind, year: int, month: int, low: int, high: int,
                group_id: int | None = None) -> None:
            held_on = dt.date(year, month, rng.randint(low, high))
            if held_on > today or (new_group and group_id == new_group[0]
                                   and held_on < new_group[1]):
                return
            topic = rng.choice(TOPICS[kind])
            rows.append({"id": self._id("meeting"), "branch_id": branch_id, "group_id": group_id,
                         "kind": kind, "held_on": held_on, "topic": topic,
                         # Every demo meeting has its minutes (痕迹管理): no checklist noise.
                         "minutes": f"会议围绕“{topic}”进行学习讨论，与会党员交流发言。"})

        for year, month in _months(self.start, today):
            quarter = period_of(dt.date(year, month, 1), "quarter")
            if not (code == "ZB04" and (year, month) == two_months_ago) \
                    and code != SMALL_BRANCH:
                add(MeetingKind.COMMITTEE, year, month, 2, 8)
            add(MeetingKind.THEME_DAY, year, month, 9, 16)
            for n, gid in enumerate(group_ids):
                if not (code == "ZB06" and n == 0 and (year, month) == last_month):
                    add(MeetingKind.GROUP, year, month, 17, 26, gid)
            if new_group is not None:
                add(MeetingKind.GROUP, year, month, 17, 26, new_group[0])
            if month % 3 == 2:
                add(MeetingKind.GENERAL, year, month, 5, 25)
            if month % 3 == 0 and not (code == "ZB02" and quarter == last_quarter):
                add(MeetingKind.LECTURE, year, month, 8, 24)
            if month == 1:
                add(MeetingKind.LIFE, year, month, 10, 18)
                add(MeetingKind.EVALUATION, year, month, 20, 28)
        rows.sort(key=lambda r: (r["held_on"], r["id"]))
        return rows

    # -- members -----------------------------------------------------------------------

    def _make_members(self, code: str, branch_id: int, size: int, basis: DuesBasis,
                      group_ids: list[int], general_dates: list[dt.date]) -> list[_Member]:
        rng, today = self.rng, self.today
        recent_generals = [d for d in general_dates if (today - d).days < 330]
        members: list[_Member] = []
        seats = COMMITTEE_SEATS[: 1 if code == SMALL_BRANCH else 3 if size < 20 else 5]
        for i in range(size):
            female = rng.random() < 0.45
            member_basis = basis
            if code == "ZB06" and i >= size - 4:
                member_basis = DuesBasis.FLAT  # student members of the school branch
            if member_basis is DuesBasis.PENSION:
                birth = dt.date(rng.randint(1942, 1962), rng.randint(1, 12), rng.randint(1, 28))
            elif member_basis is DuesBasis.FLAT:
                birth = dt.date(rng.randint(2004, 2007), rng.randint(1, 12), rng.randint(1, 28))
            else:
                birth = dt.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
            position = seats[i] if i < len(seats) else None
            probationary = position is None and recent_generals and rng.random() < 0.05
            if probationary:
                joined = rng.choice(recent_generals)
                converted = None
            else:
                earliest = birth.replace(year=birth.year + 19)
                latest = today - dt.timedelta(days=400)
                span = max(1, (latest - earliest).days)
                joined = earliest + dt.timedelta(days=rng.randrange(span))
                converted = probation_end(joined, 0)
            status = MemberStatus.NORMAL
            if position is None and rng.random() < (0.08 if code == "ZB03" else 0.02):
                status = MemberStatus.AWAY
            base = None
            if member_basis is DuesBasis.WAGE:
                base = rng.randint(250, 1600) * 1000  # 2,500 to 16,000 yuan, in fen
            elif member_basis is DuesBasis.PENSION:
                base = rng.randint(300, 800) * 1000
            member_id = self._id("member")
            row = {
                "id": member_id,
                "number": f"DY{member_id:06d}",
                "name": chinese_name(rng, female),
                "gender": Gender.FEMALE if female else Gender.MALE,
                "ethnicity": rng.choice(ETHNICITIES),
                "birth_date": birth,
                "id_number": self._unique_id_number(birth, female),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "address": f"示范区{rng.choice('东西南北')}{rng.choice(('大街', '路', '巷'))}"
                           f"{rng.randint(1, 300)}号",
                "dues_base_cents": base,
                "branch_id": branch_id,
                "group_id": group_ids[i % len(group_ids)],
                "category": Category.PROBATIONARY if probationary else Category.FULL,
                "position": position,
                "status": status,
                "joined_on": joined,
                "converted_on": converted,
                "probation_extension_months": 0,
                "dues_basis": member_basis,
                "card_generation": 1,
            }
            members.append(_Member(row))
        self._plant_gaps(code, members, general_dates)
        return members

    def _unique_id_number(self, birth: dt.date, female: bool) -> str:
        while True:
            number = _id_number(self.rng, birth, female)
            if number not in self.used_id_numbers:
                self.used_id_numbers.add(number)
                return number

    def _plant_gaps(self, code: str, members: list[_Member], general_dates: list[dt.date]) -> None:
        """Give named members the situations the self-audit must report."""
        today = self.today
        plain = [m for m in members if m.row["position"] is None
                 and m.row["category"] is Category.FULL and m.row["status"] is MemberStatus.NORMAL]

        def rename(m: _Member, name: str, female: bool) -> None:
            m.row["name"] = name
            m.row["gender"] = Gender.FEMALE if female else Gender.MALE

        def general_near(days_ago: int) -> dt.date:
            target = today - dt.timedelta(days=days_ago)
            return min(general_dates, key=lambda d: abs((d - target).days))

        if code == "ZB01":
            # Extended probation (6 months), still inside it: must not raise an alarm.
            m = plain[-1]
            m.row.update(category=Category.PROBATIONARY, joined_on=general_near(430),
                         converted_on=None, probation_extension_months=6)
        elif code == "ZB02":
            rename(plain[0], "李娜", True)
            plain[0].arrears_months = 4
        elif code == "ZB03":
            rename(plain[0], "张伟", False)
            plain[0].arrears_months = 7
            rename(plain[1], "刘洋", False)
            plain[1].absent_months = 5
            left = plain[2]
            left.row["status"] = MemberStatus.TRANSFERRED_OUT
            left.left_on = add_months(today.replace(day=1), -3)
        elif code == "ZB04":
            rename(plain[0], "王芳", True)
            plain[0].row.update(category=Category.PROBATIONARY, joined_on=general_near(365 + 125),
                                converted_on=None)
        elif code == "ZB05":
            for m in plain[:3]:
                m.skip_eval_year = today.year - 1

    # -- records -----------------------------------------------------------------------

    def _attendance(self, meetings: list[Row], members: list[_Member],
                    before: dt.date | None = None) -> Iterator[Row]:
        rng = self.rng
        # Who is expected follows profiles.meetings.attendees.should_attend, on the membership of
        # the meeting's date. A member who has since left is offered as the member they
        # were, for the meetings before they left; ``before`` is a mover's old branch.
        invitees = {m.row["id"]: (m, Invitee(
            m.row["id"], m.row["name"], m.row["group_id"], m.row["position"],
            MemberStatus.NORMAL if m.left_on else m.row["status"], m.row["joined_on"]))
            for m in members}
        for meeting in meetings:
            held_on = meeting["held_on"]
            if before is not None and held_on >= before:
                continue
            months_ago = ((self.today.year - held_on.year) * 12
                          + self.today.month - held_on.month)
            current = [self._as_of(m, invitee, held_on, before is not None)
                       for m, invitee in invitees.values()
                       if not (m.left_on and m.left_on <= held_on)
                       and (before is not None or not (m.arrived_on
                                                       and held_on < m.arrived_on))]
            for invitee in should_attend(meeting["kind"], meeting["group_id"], held_on, current):
                m = invitees[invitee.id][0]
                if m.absent_months and months_ago < m.absent_months:
                    status = Attendance.ABSENT
                elif m.row["status"] is MemberStatus.AWAY:
                    status = rng.choices(DEMO_STATUSES, weights=(25, 70, 5))[0]
                else:
                    status = rng.choices(DEMO_STATUSES, weights=(90, 8, 2))[0]
                yield {"meeting_id": meeting["id"], "member_id": m.row["id"], "status": status}

    @staticmethod
    def _as_of(m: _Member, invitee: Invitee, day: dt.date, old_branch: bool) -> Invitee:
        """The member as they were on ``day``: their group then, no seat in an old branch."""
        if old_branch and m.came_from is not None:
            return Invitee(invitee.id, invitee.name, m.came_from[1], None, invitee.status,
                           invitee.joined_on)
        if m.group_since is not None and day < m.group_since[0]:
            return Invitee(invitee.id, invitee.name, m.group_since[1], invitee.position,
                           invitee.status, invitee.joined_on)
        return invitee

    def _move_in(self, members: list[_Member], branch_id: int) -> None:
        """Turn one plain member into one who moved here from ZB03 mid last month."""
        old_branch, old_groups, old_meetings, _ = self.built["ZB03"]
        mover = next(m for m in reversed(members) if m.row["position"] is None
                     and m.row["category"] is Category.FULL
                     and m.row["status"] is MemberStatus.NORMAL and not m.arrears_months
                     and not m.absent_months)
        mover.row["name"], mover.row["gender"] = MOVER, Gender.FEMALE
        mover.arrived_on = add_months(self.today.replace(day=15), -1)
        mover.came_from = (old_branch, old_groups[0], old_meetings)

    def _membership_rows(self, members: list[_Member], founded_on: dt.date) -> list[Row]:
        """Each member's ranges: from admission (or the branch's founding), split at a
        move or a change of group, closed by a transfer out."""
        rows: list[Row] = []
        for m in members:
            since, reason = start_of(m.row["joined_on"], founded_on)
            branch, group = m.row["branch_id"], m.row["group_id"]
            cuts: list[tuple[dt.date, int, int | None]] = []
            if m.came_from is not None and m.arrived_on is not None:
                branch, group = m.came_from[0], m.came_from[1]
                cuts.append((m.arrived_on, m.row["branch_id"], m.row["group_id"]))
            if m.group_since is not None:
                group = m.group_since[1]
                cuts.append((m.group_since[0], branch, m.group_since[2]))
            for day, next_branch, next_group in cuts:
                if day > since:
                    rows.append(self._range(m, branch, group, since, day, reason,
                                            MembershipEnd.MOVED))
                    since, reason = day, MembershipStart.MOVED
                branch, group = next_branch, next_group
            end = MembershipEnd.TRANSFERRED_OUT if m.left_on else None
            rows.append(self._range(m, branch, group, since, m.left_on, reason, end))
        return rows

    def _range(self, m: _Member, branch: int, group: int | None, since: dt.date,
               until: dt.date | None, start: MembershipStart,
               end: MembershipEnd | None) -> Row:
        return {"id": self._id("membership"), "member_id": m.row["id"], "branch_id": branch,
                "group_id": group, "since": since, "until": until, "start_reason": start,
                "end_reason": end}

    def _dues(self, m: _Member) -> Iterator[Row]:
        rng, today = self.rng, self.today
        first = max(self.start, m.row["joined_on"])
        last = min(today, m.left_on - dt.timedelta(days=1)) if m.left_on else today
        due = monthly_dues_cents(m.row["dues_basis"], m.row["dues_base_cents"])
        months = _months(first, last)
        for n, (year, month) in enumerate(months):
            from_end = len(months) - 1 - n
            current = (year, month) == (today.year, today.month)
            unpaid = from_end < m.arrears_months or (current and rng.random() < 0.25)
            paid_on = None
            if not unpaid:
                if current:
                    paid_on = dt.date(year, month, rng.randint(1, today.day))
                elif rng.random() < 0.2:
                    next_month = add_months(dt.date(year, month, 1), 1)
                    paid_on = min(today, next_month.replace(day=rng.randint(1, 15)))
                else:
                    paid_on = dt.date(year, month, rng.randint(1, 28))
            yield {"member_id": m.row["id"], "month": year * 100 + month, "due_cents": due,
                   "paid_cents": 0 if unpaid else due, "paid_on": paid_on}

    def _points(self, meetings: list[Row], attendance: list[Row], members: list[_Member],
                secretary: str) -> Iterator[Row]:
        rng, today = self.rng, self.today
        meeting_by_id = {m["id"]: m for m in meetings}
        for a in attendance:
            meeting = meeting_by_id[a["meeting_id"]]
            if meeting["kind"] not in POINTS_KINDS or a["status"] is Attendance.EXCUSED:
                continue
            code = ATTENDED if a["status"] is Attendance.PRESENT else MISSED
            yield self._entry(a["member_id"], meeting["held_on"], code,
                              f"{meeting['held_on']:%m月%d日}{meeting['topic']}", secretary)
        for m in members:
            first = max(self.start, m.row["joined_on"])
            last = min(today, m.left_on) if m.left_on else today

            def here(day: dt.date, m: _Member = m) -> bool:
                # Only while a member (the random draws are made all the same, so the rest
                # of the organisation stays as it was).
                return m.row["joined_on"] <= day and (m.left_on is None or day < m.left_on)

            for year, month in _months(first, last):
                top = today.day if (year, month) == (today.year, today.month) else 28
                for _ in range(rng.choice((0, 1, 1, 2))):
                    day = dt.date(year, month, rng.randint(1, top))
                    if here(day):
                        yield self._entry(m.row["id"], day, "study", "理论学习打卡", "学习平台")
                if rng.random() < 0.3:
                    day = dt.date(year, month, rng.randint(1, top))
                    if here(day):
                        yield self._entry(m.row["id"], day, "quiz", "知识竞答首次答对",
                                          "学习平台")
                if rng.random() < 0.1:
                    day = dt.date(year, month, rng.randint(1, top))
                    if here(day):
                        yield self._entry(m.row["id"], day, "volunteer", "社区志愿服务",
                                          secretary)

    def _entry(self, member_id: int, on: dt.date, code: str, reason: str, by: str) -> Row:
        points = RULE_POINTS[code]
        return {"id": self._id("points_entry"), "member_id": member_id, "recorded_on": on,
                "points": points, "rule_id": self.rule_ids[code], "reason": reason,
                "recorded_by": by}

    def _evaluations(self, code: str, members: list[_Member]) -> list[Row]:
        rows: list[Row] = []
        for year in (self.today.year - 2, self.today.year - 1):
            year_end = dt.date(year, 12, 31)
            eligible = [m for m in members if m.row["joined_on"] <= year_end
                        and not (m.left_on and m.left_on <= year_end)]
            # 优秀 for at most a sixth, so the one-third rule never trips by chance.
            excellent = set(self.rng.sample(range(len(eligible)), len(eligible) // 6))
            for n, m in enumerate(eligible):
                if m.skip_eval_year == year:
                    stage, rating = EvaluationStage.ASSESSMENT, None
                else:
                    stage = EvaluationStage.DECIDED
                    rating = Rating.EXCELLENT if n in excellent else Rating.QUALIFIED
                    if n == len(eligible) - 1 and len(eligible) >= 20:
                        rating = Rating.BASICALLY_QUALIFIED
                rows.append({"id": self._id("evaluation"), "member_id": m.row["id"],
                             "year": year, "stage": stage, "rating": rating})
        return rows

    def _reset_sequences(self) -> None:
        """Explicit ids leave PostgreSQL's sequences behind; move them past the demo's rows."""
        if self.conn.dialect.name != "postgresql":
            return
        for table in ("committee", "general_branch", "points_rule", "branch", "party_group",
                      "member", "membership", "meeting", "points_entry", "evaluation"):
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from ``first``'s month to ``last``'s."""
    return [(p.year, p.number) for p in periods_between(first, last, "month")]


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _group_name(index: int) -> str:
    """第一党小组 … 第十党小组, then 第11党小组 and on."""
    numerals = "一二三四五六七八九十"
    return f"第{numerals[index] if index < len(numerals) else index + 1}党小组"


def _id_number(rng: random.Random, birth: dt.date, female: bool) -> str:
    """A syntactically valid 18-digit resident ID (GB 11643 check digit); private data."""
    region = rng.choice(("110105", "310104", "440305", "330106", "510107"))
    sex_digit = rng.randrange(0, 10, 2) + (0 if female else 1)  # odd for men, even for women
    body = f"{region}{birth:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    return body + id_check_digit(body)
