"""Writes to meetings and attendance: record and edit a meeting, set a member's
attendance, open and close 签到, check a member in (race-safe), undo it, sign out (签退),
and mark everyone not checked in at once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.blobs import BlobStore, delete_after_commit
from core.changelog import Actor, log_change
from core.db import db
from core.problems import Problem, problem
from core.revisions import branch_scope, touch
from profiles.enums import ATTENDED, Attendance, MeetingKind
from profiles.labels import label
from profiles.meetings.attendance_points import settle
from profiles.meetings.evidence import MB, EvidenceLimits, EvidenceRefused, Prepared
from profiles.meetings.rules import (
    RECORD_LIMITS,
    attendee_problems,
    make_up_problems,
    meeting_problems,
    record_problems,
    tidy_record_text,
)
from profiles.members.history import membership_on
from profiles.models import (
    AttendanceRecord,
    Branch,
    Meeting,
    MeetingFile,
    Member,
    PartyGroup,
    PointsEntry,
)
from profiles.text_rules import length_problems, text_problems
from profiles.writes import apply_values, changed_values, check, lifespan_of, refuse

RECORD_FIELDS = frozenset(RECORD_LIMITS)  # host, recorder, guests, minutes, resolutions
MEETING_FIELDS = frozenset({"kind", "held_on", "topic", "group", "place"}) | RECORD_FIELDS


# -- meetings and attendance ------------------------------------------------------------

def meeting_key(branch_code: str, kind: MeetingKind, held_on: dt.date, group: str = "") -> str:
    """How the log names a meeting: "ZB01 2026-05-10 支部党员大会" (+ the group)."""
    return " ".join(filter(None, (branch_code, held_on.isoformat(), label(kind), group)))


def meeting_key_of(meeting: Meeting) -> str:
    group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    return meeting_key(meeting.branch.code, meeting.kind, meeting.held_on,
                       group.name if group else "")


def _group_of(group: PartyGroup | None, branch: Branch) -> list[Problem]:
    if group is not None and group.branch_id != branch.id:
        return [problem("group", "That party group belongs to another branch.")]
    return []


def _record_values(values: dict[str, Any]) -> dict[str, str]:
    return {f: tidy_record_text(f, str(values.get(f) or "")) for f in RECORD_FIELDS
            if f in values}


def record_meeting(actor: Actor, *, branch: Branch, kind: MeetingKind, held_on: dt.date,
                   topic: str = "", group: PartyGroup | None = None,
                   place: str = "", **record: str) -> Meeting:
    """Record a meeting a branch (or, for a 党小组会, one of its groups) held, with its
    record (``host``, ``recorder``, ``guests``, ``minutes``, ``resolutions``) if given."""
    unknown = set(record) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"record_meeting takes no {', '.join(sorted(unknown))}")
    texts = _record_values(record)
    check(meeting_problems(kind, has_group=group is not None, held_on=held_on,
                           branch=lifespan_of(branch), topic=topic)
          + _group_of(group, branch) + length_problems("place", place, 200)
          + record_problems(texts)
          + text_problems({"topic": topic, "place": place, **texts}))
    meeting = Meeting(branch_id=branch.id, kind=kind, held_on=held_on, topic=topic,
                      group_id=group.id if group else None, place=place, **texts)
    meeting.branch = branch
    db.session.add(meeting)
    db.session.flush()
    fields: dict[str, tuple[Any, Any]] = {"topic": (None, topic)}
    if place:
        fields["place"] = (None, place)
    fields.update({f: (None, v) for f, v in sorted(texts.items()) if v})
    log_change(actor, "insert", "meeting",
               meeting_key(branch.code, kind, held_on, group.name if group else ""), fields)
    return meeting


def edit_meeting(actor: Actor, meeting: Meeting, **fields: Any) -> Meeting:
    """Change a meeting's kind, date, topic, place or group (``group=None`` clears it), or
    its record: host, recorder, guests, minutes, resolutions (each edit logged)."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"edit_meeting cannot change {', '.join(sorted(unknown))}")
    branch = meeting.branch
    old_group = db.session.get(PartyGroup, meeting.group_id) if meeting.group_id else None
    group: PartyGroup | None = fields.pop("group", old_group)
    fields.update(_record_values(fields))
    values = {"kind": meeting.kind, "held_on": meeting.held_on, "topic": meeting.topic,
              "place": meeting.place, **{f: getattr(meeting, f) for f in RECORD_FIELDS},
              **fields}
    texts = {f: values[f] for f in RECORD_FIELDS}
    check(meeting_problems(values["kind"], has_group=group is not None,
                           held_on=values["held_on"], branch=lifespan_of(branch),
                           topic=values["topic"])
          + _group_of(group, branch) + length_problems("place", values["place"], 200)
          + record_problems(texts)
          + text_problems({"topic": values["topic"], "place": values["place"], **texts}))
    key = meeting_key_of(meeting)
    changed = changed_values(meeting, values)
    if (group.id if group else None) != meeting.group_id:
        changed["group_id"] = (meeting.group_id, group.id if group else None)
    if not changed:
        return meeting
    apply_values(meeting, changed)
    db.session.flush()
    logged = {k: v for k, v in changed.items() if k != "group_id"}
    if "group_id" in changed:
        logged["group"] = (old_group.name if old_group else None, group.name if group else None)
    log_change(actor, "update", "meeting", key, logged)
    return meeting


def set_attendance(actor: Actor, meeting: Meeting, member: Member,
                   status: Attendance) -> AttendanceRecord:
    """Record whether a member was present, excused or absent at a meeting."""
    # The branch the member was in on the meeting's date: a meeting held days before a
    # transfer is the old branch's, and the new one cannot claim it.
    span = membership_on(member.id, meeting.held_on)
    check(attendee_problems(member_name=member.name,
                            member_branch_id=span.branch_id if span else None,
                            meeting_branch_id=meeting.branch_id))
    return record_attendance(actor, meeting, member, status)


def record_attendance(actor: Actor, meeting: Meeting, member: Member,
                      status: Attendance) -> AttendanceRecord:
    """The write of :func:`set_attendance`, for a caller that has checked already that the
    member was in the meeting's branch on its date (``perform_checkin`` does, with the
    rest of 签到's rules): the branch is not read twice. Logs and settles the points."""
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    key = f"{member.number} {meeting_key_of(meeting)}"
    if record is None:
        record = AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=status)
        db.session.add(record)
        db.session.flush()
        log_change(actor, "insert", "attendance", key, {"attendance": (None, status)})
        settle(actor, meeting, member, status)
    elif record.status != status:
        old = record.status
        record.status = status
        logged: dict[str, tuple[Any, Any]] = {"attendance": (old, status)}
        if record.made_up_on is not None:  # no longer a 缺席: nothing left to make up
            logged["made_up_on"] = (record.made_up_on, None)
            record.made_up_on = record.made_up_note = None
        db.session.flush()
        log_change(actor, "update", "attendance", key, logged)
        settle(actor, meeting, member, status)
    return record


# -- check-in (签到) ----------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def set_checkin(actor: Actor, meeting: Meeting, *, open_: bool) -> Meeting:
    """Open or close 签到 for a meeting: while open, scanning a card checks its member in.
    The first opening is kept (``checkin_opened_at``): before it, 签到 has not started."""
    if meeting.checkin_open == open_:
        return meeting
    meeting.checkin_open = open_
    if open_ and meeting.checkin_opened_at is None:
        meeting.checkin_opened_at = _now()
    db.session.flush()
    log_change(actor, "update", "meeting", meeting_key_of(meeting),
               {"checkin_open": (not open_, open_)})
    return meeting


# -- make-up (补学) of a missed meeting ---------------------------------------------------

def record_make_up(actor: Actor, meeting: Meeting, member: Member, made_up_on: dt.date | None,
                   note: str = "", today: dt.date | None = None) -> AttendanceRecord:
    """Record that a member who missed ``meeting`` (缺席) made it up on ``made_up_on`` by
    studying its minutes (``None`` withdraws a make-up recorded by mistake). The 缺席
    stays: the record shows 缺席 → 已补学, and the absence rule no longer counts it."""
    record = db.session.get(AttendanceRecord, (meeting.id, member.id))
    note = " ".join(note.split())
    if record is None:
        raise refuse("made_up_on", "%(value)s has no attendance at this meeting; mark the "
                     "缺席 first.", value=member.name)
    if made_up_on is not None:
        check(make_up_problems(status=record.status.value, held_on=meeting.held_on,
                               made_up_on=made_up_on, today=today or dt.date.today(),
                               note=note) + text_problems({"made_up_note": note}))
    new = (made_up_on, (note or None) if made_up_on else None)
    old = (record.made_up_on, record.made_up_note)
    if new == old:
        return record
    record.made_up_on, record.made_up_note = new
    db.session.flush()
    key = f"{member.number} {meeting_key_of(meeting)}"
    changed = {"made_up_on": old[0], "made_up_note": old[1]}
    log_change(actor, "update", "attendance", key,
               {k: (v, n) for (k, v), n in zip(changed.items(), new, strict=True) if v != n})
    return record


# -- evidence: photos and files ---------------------------------------------------------

def committee_usage(committee_id: int) -> int:
    """Bytes of evidence the organisation keeps (its quota's use)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(MeetingFile.size), 0))
                                 .where(MeetingFile.committee_id == committee_id)) or 0)


def attach_file(actor: Actor, meeting: Meeting, name: str, prepared: Prepared,
                store: BlobStore, limits: EvidenceLimits,
                now: dt.datetime | None = None) -> MeetingFile:
    """Keep a prepared upload (``profiles.meetings.evidence.prepare``) as ``meeting``'s
    evidence, within the count cap and the organisation's quota; logged."""
    count = int(db.session.scalar(select(func.count(MeetingFile.id))
                                  .where(MeetingFile.meeting_id == meeting.id)) or 0)
    if count >= limits.max_files_per_meeting:
        raise EvidenceRefused("This meeting has %(count)s files, the most kept per meeting. "
                              "Delete one it does not need first.", count=count)
    committee_id = meeting.branch.committee_id
    used = committee_usage(committee_id)
    size = len(prepared.data)
    if used + size > limits.quota_bytes:
        raise EvidenceRefused(
            "The organisation's evidence space is full (%(used)s of %(quota)s MB used). "
            "Ask the administrator to raise EVIDENCE_QUOTA_MB or to remove old files.",
            used=f"{used / MB:.1f}", quota=f"{limits.quota_bytes / MB:g}")
    stem = f"meetings/{meeting.id}/{uuid.uuid4().hex}"
    blob_key = stem + prepared.extension
    thumb_key = f"{stem}-thumb.jpg" if prepared.thumbnail is not None else None
    shown = " ".join(name.replace("/", " ").replace("\\", " ").split())[:200] or "file"
    check(text_problems({"name": shown}))
    store.put(blob_key, prepared.data, prepared.content_type)
    if thumb_key is not None and prepared.thumbnail is not None:
        store.put(thumb_key, prepared.thumbnail, "image/jpeg")
    row = MeetingFile(meeting_id=meeting.id, committee_id=committee_id, kind=prepared.kind,
                      name=shown, content_type=prepared.content_type, size=size,
                      blob_key=blob_key, thumb_key=thumb_key,
                      uploaded_at=now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
                      uploaded_by=actor.name)
    db.session.add(row)
    db.session.flush()
    log_change(actor, "insert", "meeting_file", f"{meeting_key_of(meeting)} {shown}",
               {"kind": (None, prepared.kind), "size": (None, size)})
    return row


def delete_file(actor: Actor, meeting: Meeting, row: MeetingFile, store: BlobStore) -> None:
    """Delete one of a meeting's files (logged); the stored bytes go once this commits."""
    if row.meeting_id != meeting.id:
        raise ValueError("the file belongs to another meeting")
    key = f"{meeting_key_of(meeting)} {row.name}"
    fields = {"kind": (row.kind, None), "size": (row.size, None)}
    for blob in (row.blob_key, row.thumb_key):
        if blob:
            delete_after_commit(db.session(), store, blob)
    db.session.delete(row)
    db.session.flush()
    log_change(actor, "delete", "meeting_file", key, fields)
# -- deleting a meeting -------------------------------------------------------------------

DELETE_REASON_LENGTH = 200


def delete_meeting(actor: Actor, meeting: Meeting, reason: str) -> None:
    """Delete a meeting recorded by mistake (twice, in the wrong branch …), with the reason,
    logged; its attendance list goes with it (each record logged too).

    Refused once its attendance has earned points: the points ledger is append-only and its
    entries name the meeting, so such a meeting is corrected (its fields, its attendance),
    never deleted."""
    reason = reason.strip()
    found = []
    if not reason:
        found.append(problem("reason", "Say why the meeting is deleted (e.g. recorded twice)."))
    found += length_problems("reason", reason, DELETE_REASON_LENGTH) + text_problems(
        {"reason": reason})
    credited = db.session.scalar(select(func.count(PointsEntry.id))
                                 .where(PointsEntry.meeting_id == meeting.id)) or 0
    if credited:
        found.append(problem("reason", "This meeting's attendance has earned points (%(count)s "
                             "entries), which the ledger keeps: correct the meeting's fields "
                             "or attendance instead of deleting it.", count=credited))
    files = db.session.scalar(select(func.count(MeetingFile.id))
                              .where(MeetingFile.meeting_id == meeting.id)) or 0
    if files:
        found.append(problem("reason", "This meeting has %(count)s photos or files: delete "
                             "them first (they may belong to another meeting: move them by "
                             "uploading them there).", count=files))
    check(found)
    key = meeting_key_of(meeting)
    records = list(db.session.scalars(select(AttendanceRecord)
                                      .where(AttendanceRecord.meeting_id == meeting.id)))
    for record in records:
        member = db.session.get(Member, record.member_id)
        log_change(actor, "delete", "attendance",
                   f"{member.number if member else record.member_id} {key}",
                   {"attendance": (record.status, None)})
        db.session.delete(record)
    db.session.flush()
    log_change(actor, "delete", "meeting", key,
               {"kind": (meeting.kind, None), "held_on": (meeting.held_on, None),
                "reason": (None, reason)})
    db.session.delete(meeting)
    db.session.flush()
_ATTENDANCE = AttendanceRecord.__table__


def _insert_once(values: dict[str, Any]) -> bool:
    """INSERT the attendance row unless one exists (ON CONFLICT DO NOTHING, on SQLite and
    PostgreSQL alike): True if this statement inserted it. Two requests racing for the same
    member both run it; the database lets exactly one insert, the other waits for it (the
    row lock on PostgreSQL, the write lock on SQLite) and inserts nothing. No savepoint and
    no IntegrityError: the request's transaction stays usable either way."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_ATTENDANCE).values(**values).on_conflict_do_nothing(
        index_elements=["meeting_id", "member_id"]).returning(_ATTENDANCE.c.member_id)
    # RETURNING, not rowcount: psycopg reports no row count for this statement.
    return db.session.execute(statement).first() is not None


def mark_present(actor: Actor, meeting: Meeting, member: Member,
                 at: dt.datetime | None = None) -> bool:
    """The write of 签到 (``profiles.meetings.checkin.perform_checkin`` checks eligibility
    first): the member present at ``meeting``, exactly once however many requests race.

    True if this call recorded it (then it is logged and the points settled, once); False
    if the member was present already (nothing written, nothing logged). A member marked
    请假 or 缺席 before is changed to present by a conditional UPDATE, so of two racing
    changes only one sees a row to change.
    """
    at = at or _now()
    touch(branch_scope(meeting.branch_id))  # written around the ORM: say whose pages move
    key = f"{member.number} {meeting_key_of(meeting)}"
    where = (_ATTENDANCE.c.meeting_id == meeting.id, _ATTENDANCE.c.member_id == member.id)
    if _insert_once({"meeting_id": meeting.id, "member_id": member.id,
                     "status": Attendance.PRESENT, "checked_in_at": at}):
        log_change(actor, "insert", "attendance", key, {"attendance": (None,
                                                                       Attendance.PRESENT)})
    else:
        old = db.session.execute(select(_ATTENDANCE.c.status).where(*where)).scalar()
        if old is None or old in ATTENDED:  # present, or 线上参加: in already
            return False
        changed = db.session.execute(
            update(_ATTENDANCE).where(*where, _ATTENDANCE.c.status.not_in(list(ATTENDED)))
            .values(status=Attendance.PRESENT, checked_in_at=at))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            return False  # another request changed it first
        log_change(actor, "update", "attendance", key, {"attendance": (old,
                                                                       Attendance.PRESENT)})
    _forget(meeting, member)
    settle(actor, meeting, member, Attendance.PRESENT)
    return True


def _forget(meeting: Meeting, member: Member) -> None:
    """Drop a loaded attendance object: the row was written around the ORM."""
    record = db.session.identity_map.get(
        db.session.identity_key(AttendanceRecord, (meeting.id, member.id)))
    if record is not None:
        db.session.expire(record)


def undo_checkin(actor: Actor, meeting: Meeting, member: Member) -> bool:
    """Take back a 签到 made by mistake (the scanner's undo): the row is removed, logged,
    and the points corrected by an appended entry. False if the member was not present."""
    where = (_ATTENDANCE.c.meeting_id == meeting.id, _ATTENDANCE.c.member_id == member.id,
             _ATTENDANCE.c.status == Attendance.PRESENT)
    _forget(meeting, member)
    touch(branch_scope(meeting.branch_id))
    removed = db.session.execute(_ATTENDANCE.delete().where(*where))
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        return False  # never in, or undone already (a double tap)
    log_change(actor, "delete", "attendance", f"{member.number} {meeting_key_of(meeting)}",
               {"attendance": (Attendance.PRESENT, None)})
    settle(actor, meeting, member, None)  # worth nothing now: a correcting entry
    return True


def check_out(actor: Actor, meeting: Meeting, member: Member,
              at: dt.datetime | None = None) -> bool:
    """签退: when a present member left (for 党课 and training hours). Once: a second tap
    keeps the first time. False if the member is not present or signed out already."""
    at = at or _now()
    _forget(meeting, member)
    touch(branch_scope(meeting.branch_id))
    changed = db.session.execute(
        update(_ATTENDANCE).where(_ATTENDANCE.c.meeting_id == meeting.id,
                                  _ATTENDANCE.c.member_id == member.id,
                                  _ATTENDANCE.c.status == Attendance.PRESENT,
                                  _ATTENDANCE.c.checked_out_at.is_(None))
        .values(checked_out_at=at))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    log_change(actor, "update", "attendance", f"{member.number} {meeting_key_of(meeting)}",
               {"checked_out_at": (None, at.isoformat(timespec="minutes"))})
    return True


def mark_the_rest(actor: Actor, meeting: Meeting, members: list[Member],
                  status: Attendance) -> int:
    """After 签到: record ``status`` (请假 or 缺席) for each of ``members`` that has no
    attendance yet, in one step; the secretary then changes single members. Returns how
    many were marked. ``members``: the expected members of the meeting's branch (the
    caller read them for the meeting's date)."""
    if status is Attendance.PRESENT:
        raise ValueError("the rest are marked 请假 or 缺席; 签到 marks members present")
    marked = 0
    touch(branch_scope(meeting.branch_id))
    for member in members:
        if _insert_once({"meeting_id": meeting.id, "member_id": member.id,
                         "status": status}):
            log_change(actor, "insert", "attendance",
                       f"{member.number} {meeting_key_of(meeting)}",
                       {"attendance": (None, status)})
            settle(actor, meeting, member, status)
            marked += 1
    return marked
