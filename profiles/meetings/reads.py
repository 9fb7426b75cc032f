"""Reads of meetings: one meeting, a branch's list, a meeting's attendance and who should
attend it.

The console's meeting, attendance and 签到 screens read here, each in one statement
whatever the branch's size (``test_check_in_statements_do_not_grow_with_the_branch``).
Who should attend is :mod:`profiles.meetings.attendees`' rule, applied to the party group
each member was in on the meeting's date (the membership history), not today's.

The token pages read meetings and attendance here too, as plain columns (``core.db.run``)
in their fixed statement counts: the branch page's :func:`held_meetings`,
:func:`attendance_by_kind` and :func:`first_absences`, the member page's
:func:`member_meetings`. The console's :func:`branch_meetings` loads ORM meetings (newest
first, to open and edit them); the page's :func:`held_meetings` reads three columns in a
window, oldest first, for the self-audit's cadence check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, and_, bindparam, case, func, or_, select, true

from core.db import MAX_ID, db, run
from profiles.enums import ATTENDED, ENDED, Attendance, EvidenceKind, MeetingKind
from profiles.meetings.attendees import Invitee, should_attend
from profiles.meetings.models import AttendanceRecord, Meeting, MeetingFile
from profiles.members import reads as members_reads
from profiles.members.history import groups_on
from profiles.members.membership import Membership
from profiles.members.models import Member


def meeting_by_id(meeting_id: int) -> Meeting | None:
    """The meeting with this id (None: there is none). Access is the caller's."""
    if not 0 < meeting_id <= MAX_ID:
        return None
    return db.session.get(Meeting, meeting_id)


def branch_meetings(branch_id: int, since: dt.date) -> list[Meeting]:
    """The branch's meetings held on or after ``since``, newest first."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.branch_id == branch_id, Meeting.held_on >= since)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def meetings_on(branch_ids: Sequence[int], day: dt.date) -> dict[int, list[Meeting]]:
    """branch id → its meetings held on ``day`` (the console home's 签到 shortcut), newest
    recorded first; one statement for all the branches."""
    out: dict[int, list[Meeting]] = {b: [] for b in branch_ids}
    if not branch_ids:
        return out
    for m in db.session.scalars(select(Meeting).where(
            Meeting.branch_id.in_(list(branch_ids)), Meeting.held_on == day)
            .order_by(Meeting.id.desc())):
        out[m.branch_id].append(m)
    return out


def attendance_of(meeting: Meeting) -> dict[int, Attendance]:
    """member id → the attendance recorded at ``meeting``."""
    rows = db.session.execute(
        select(AttendanceRecord.member_id, AttendanceRecord.status)
        .where(AttendanceRecord.meeting_id == meeting.id)).all()
    return {member_id: status for member_id, status in rows}


def expected_ids(meeting: Meeting, members: Iterable[Member]) -> set[int]:
    """Who of ``members`` should attend ``meeting`` (profiles.meetings.attendees), as member
    ids, by the party group each was in on the meeting's date; two statements."""
    groups = groups_on(meeting.branch_id, meeting.held_on)
    standings = members_reads.branch_standings(meeting.branch_id).periods
    invitees = [Invitee(m.id, m.name, groups[m.id], m.position, m.status, m.joined_on,
                        tuple(standings.get(m.id, ())))
                for m in members if m.id in groups]
    return {i.id for i in should_attend(meeting.kind, meeting.group_id, meeting.held_on,
                                        invitees)}


# -- the token pages' reads (columns) --------------------------------------------------------

_CURRENT = Member.status.not_in(ENDED)  # 已转出 members are out of every count


def held_meetings(branch_id: int, since: dt.date, today: dt.date
                  ) -> Sequence[Row[MeetingKind, dt.date, int | None, int, bool, str, int, int]]:
    """(kind, held on, group id, id, has minutes, topic, photos, documents) of the branch's
    meetings from ``since`` to ``today``, oldest first: the branch page's self-audit checks
    the cadences and the minutes with them, and the page notes per meeting only whether
    minutes and photos exist, and how many (never shows them). One row per meeting in the
    window, bounded by the cadence, not by the branch's history."""
    photos = func.sum(case((MeetingFile.kind == EvidenceKind.PHOTO, 1), else_=0))
    documents = func.sum(case((MeetingFile.kind == EvidenceKind.DOCUMENT, 1), else_=0))
    return run(
        select(Meeting.kind, Meeting.held_on, Meeting.group_id, Meeting.id,
               Meeting.minutes != "", Meeting.topic, func.coalesce(photos, 0),
               func.coalesce(documents, 0))
        .outerjoin(MeetingFile, MeetingFile.meeting_id == Meeting.id)
        .where(Meeting.branch_id == branch_id, Meeting.held_on >= since,
               Meeting.held_on <= today)
        .group_by(Meeting.id, Meeting.kind, Meeting.held_on, Meeting.group_id, Meeting.minutes,
                  Meeting.topic)
        .order_by(Meeting.held_on, Meeting.id)
    ).all()


def attendance_by_kind(branch_id: int,
                       today: dt.date) -> Sequence[Row[MeetingKind, int, int, int, int]]:
    """Per kind of the branch's meetings this year up to ``today``: (kind, meetings,
    attended (出席 or 线上参加), excused, attendance rows), over the current members' rows;
    one statement, in no order (the branch page's attendance rates)."""
    return run(
        select(Meeting.kind, func.count(func.distinct(Meeting.id)),
               func.sum(case((AttendanceRecord.status.in_(ATTENDED), 1), else_=0)),
               func.sum(case((AttendanceRecord.status == Attendance.EXCUSED, 1), else_=0)),
               func.count(AttendanceRecord.member_id))
        .join(AttendanceRecord, AttendanceRecord.meeting_id == Meeting.id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .where(Meeting.branch_id == branch_id, _CURRENT,
               Meeting.held_on >= dt.date(today.year, 1, 1), Meeting.held_on <= today)
        .group_by(Meeting.kind)
    ).all()


def first_absences(branch_id: int, today: dt.date,
                   records_from: dt.date | None = None) -> Sequence[Row[str, dt.date]]:
    """(name, day) per current member of the branch: the first 缺席 after their last 出席,
    线上参加, 请假 or made-up 缺席 (已补学), none if they never missed, in any branch of the
    organisation; one statement (the branch page's self-audit). A 缺席 before
    ``records_from`` (where the record begins) does not count."""
    # Over the member's whole history in the organisation: taking part in the old
    # branch last month counts, so a member who moved here is not "absent for 20 months".
    # A 缺席 made up (补学) no longer counts towards the rule: it stands like a 请假.
    took_part = (
        select(AttendanceRecord.member_id, func.max(Meeting.held_on).label("held_on"))
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .join(Member, Member.id == AttendanceRecord.member_id)
        .where(or_(AttendanceRecord.status != Attendance.ABSENT,
                   AttendanceRecord.made_up_on.is_not(None)), Member.branch_id == branch_id)
        .group_by(AttendanceRecord.member_id)
        .subquery()
    )
    return run(
        select(Member.name, func.min(Meeting.held_on))
        .join(AttendanceRecord, AttendanceRecord.member_id == Member.id)
        .join(Meeting, Meeting.id == AttendanceRecord.meeting_id)
        .outerjoin(took_part, took_part.c.member_id == Member.id)
        .where(Member.branch_id == branch_id, _CURRENT, Meeting.held_on <= today,
               true() if records_from is None else Meeting.held_on >= records_from,
               AttendanceRecord.status == Attendance.ABSENT,
               AttendanceRecord.made_up_on.is_(None),
               or_(took_part.c.held_on.is_(None), Meeting.held_on > took_part.c.held_on))
        .group_by(Member.id, Member.name)
    ).all()


# Every meeting of the branches the member has been in, from ``last_start`` to ``today``,
# with the member's attendance row (if any) and the membership range covering its date
# (if any). Which of them the member should have attended is profiles.meetings.attendees'
# rule, applied by the caller. Built once at import, with bind parameters: building a
# statement costs several times more than running it (bench/pages.py).
_IN_RANGE = and_(Membership.member_id == bindparam("member"),
                 Membership.branch_id == Meeting.branch_id, Membership.since <= Meeting.held_on,
                 or_(Membership.until.is_(None), Membership.until > Meeting.held_on))
_MEMBER_MEETINGS = (
    select(Meeting.held_on, Meeting.kind, Meeting.group_id, Meeting.topic,
           AttendanceRecord.status, Membership.id, Membership.group_id,
           AttendanceRecord.made_up_on)
    .outerjoin(AttendanceRecord, and_(AttendanceRecord.meeting_id == Meeting.id,
                                      AttendanceRecord.member_id == bindparam("member")))
    .outerjoin(Membership, _IN_RANGE)
    .where(Meeting.branch_id.in_(select(Membership.branch_id).where(
               Membership.member_id == bindparam("member")).scalar_subquery()),
           Meeting.held_on >= bindparam("last_start"), Meeting.held_on <= bindparam("today"),
           or_(AttendanceRecord.member_id.is_not(None), Membership.id.is_not(None)))
    .order_by(Meeting.held_on.desc(), Meeting.id.desc())
)


def member_meetings(member_id: int, since: dt.date,
                    today: dt.date) -> Sequence[Row[*tuple[Any, ...]]]:
    """(held on, kind, group id, topic, the member's attendance or None, the covering
    membership range's id or None, that range's group id, the day a 缺席 was made up or
    None) of every meeting from ``since``
    to ``today`` of the branches the member has been in, that they have a row for or were
    a member of the branch on its date; newest first, one statement (the member page)."""
    return run(_MEMBER_MEETINGS, {"member": member_id, "last_start": since,
                                  "today": today}).all()


# -- evidence ----------------------------------------------------------------------------

def meeting_files(meeting_id: int) -> list[MeetingFile]:
    """The meeting's files, photos first, each in the order uploaded (the console)."""
    return list(db.session.scalars(
        select(MeetingFile).where(MeetingFile.meeting_id == meeting_id)
        .order_by(MeetingFile.kind.desc(), MeetingFile.id)))


def meeting_file(meeting_id: int, file_id: int) -> MeetingFile | None:
    """One of the meeting's files (None: none, or another meeting's)."""
    if not 0 < file_id <= MAX_ID:
        return None
    row = db.session.get(MeetingFile, file_id)
    return row if row is not None and row.meeting_id == meeting_id else None


def attendance_rows(meeting: Meeting) -> dict[int, AttendanceRecord]:
    """member id → the attendance row at ``meeting`` (with its make-up), one statement."""
    return {r.member_id: r for r in db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.meeting_id == meeting.id))}
def checkin_times(meeting: Meeting) -> dict[int, tuple[Any, Any]]:
    """member id → (签到 time, 签退 time) of the members recorded present (one statement)."""
    rows = db.session.execute(
        select(AttendanceRecord.member_id, AttendanceRecord.checked_in_at,
               AttendanceRecord.checked_out_at)
        .where(AttendanceRecord.meeting_id == meeting.id,
               AttendanceRecord.status == Attendance.PRESENT)).all()
    return {member_id: (came, left) for member_id, came, left in rows}
