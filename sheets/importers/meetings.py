"""Meetings with attendance: one row per member per meeting (or a meeting with no member).

A meeting is identified by branch, kind, date and (for 党小组会) group; attendance by
meeting and member. New ones are inserted, changed statuses and topics updated. The
record's 会议内容/主要内容 (the minutes, line breaks kept), 主持人 and 记录人 are read
too: the first row that has them gives them (an empty cell changes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.changelog import Change
from core.db import db
from core.text import unsafe_characters
from profiles import bulk
from profiles.collation import name_key
from profiles.enums import ENDED, Attendance, MeetingKind, MemberStatus
from profiles.meetings import operations as meeting_ops
from profiles.meetings import rules as meeting_rules
from profiles.meetings.attendees import Invitee, should_attend
from profiles.meetings.rules import RECORD_LIMITS, tidy_record_text
from profiles.models import AttendanceRecord, Branch, Meeting, Member, PartyGroup
from sheets.importers import given, meeting_content
from sheets.importers.orgs import group_list
from sheets.importers.record_pipeline import (
    MemberFinder,
    first_time,
    report,
    row_is_clean,
    run_import,
)
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome, Unlisted

RECORD_COLUMNS = ("minutes", "host", "recorder")  # the record's fields a register may carry
MeetingKey = tuple[str, MeetingKind, dt.date, str]  # branch code, kind, date, group ('' if none)


def import_meetings(path: SheetFile, *, dry_run: bool = False, actor: str = "unknown",
                    progress: Callable[[int, int], None] | None = None,
                    today: dt.date | None = None, branch: str | None = None,
                    **_: Any) -> Outcome:
    """Import meetings and attendance; raises SheetRefused (nothing written) on any problem.
    ``branch``: the branch of a register without a branch column."""
    supplied = given.checked(branch=branch, today=today or dt.date.today())
    return run_import("meetings", path, _plan, dry_run=dry_run, actor=actor, progress=progress,
                      supplied=supplied)


def _key_text(key: MeetingKey) -> str:
    code, kind, held_on, group = key
    return meeting_ops.meeting_key(code, kind, held_on, group)  # as the console's writes name it


def _plan(rows: list[Cells], outcome: Outcome) -> Callable[[], None]:
    finder = MemberFinder()
    branches = {b.code: b.id for b in db.session.scalars(select(Branch))}
    groups = {(g.branch_id, g.name): g.id for g in db.session.scalars(select(PartyGroup))}
    meetings: dict[MeetingKey, Meeting] = {}
    codes = {v: k for k, v in branches.items()}
    group_names = {v: k[1] for k, v in groups.items()}
    for m in db.session.scalars(select(Meeting)):
        meetings.setdefault((codes[m.branch_id], m.kind, m.held_on,
                             group_names.get(m.group_id or 0, "")), m)
    attendance = {(r.meeting_id, r.member_id): r.status for r in db.session.execute(
        select(AttendanceRecord.meeting_id, AttendanceRecord.member_id,
               AttendanceRecord.status)).all()}
    # Who each meeting the file names has attendance for, in the database or the file.
    listed: dict[MeetingKey, set[int]] = {}
    new_meetings: dict[MeetingKey, dict[str, Any]] = {}
    updates: dict[int, dict[str, str]] = {}  # existing meeting id → record fields changed
    new_attendance: list[tuple[MeetingKey, int, Attendance]] = []
    changed_attendance: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    inserted: dict[MeetingKey, Change] = {}
    for cells in rows:
        before = len(cells.problems)
        code = finder.branch_code(cells)
        kind = cells.choice("kind", MeetingKind, required=True)
        held_on = cells.date("held_on", required=True)
        group = cells.text("group", max_length=60)
        record = {"topic": meeting_content.topic(cells)}
        for field in RECORD_COLUMNS:
            raw = cells.raw(field)
            text = tidy_record_text(field, str(raw)) if raw not in (None, "") else ""
            if len(text) > RECORD_LIMITS[field]:
                cells.report(field, "Too long: at most %(count)s characters.",
                             count=RECORD_LIMITS[field])
            elif unsafe_characters(text):
                cells.report(field, "Holds an invisible control or direction character "
                             "(%(code)s); retype the text without it.",
                             code=unsafe_characters(text)[0].code)
            record[field] = text
        person = finder.find(cells, code, required=False, on=held_on)
        status = cells.choice("attendance", Attendance, required=person is not None)
        if code == "" and person is not None:
            code = (finder.branch_on(person, held_on) if held_on else None) or person.branch_code
        elif code == "":
            cells.report("branch", "Say which branch held the meeting (支部编号 or 所在支部).")
        if person is not None and code and held_on is not None:
            # The branch the member was in on the meeting's date, not today's.
            finder.in_branch_on(cells, person, code, held_on)
        kind_refused = kind is not None and report(
            cells, meeting_rules.meeting_problems(kind, has_group=bool(group)))
        if not kind_refused and group and code and (branches[code], group) not in groups:
            cells.report("group", "Branch %(branch)s has no party group '%(value)s' (its groups: "
                         "%(groups)s).", branch=finder.branch_names[code], value=group,
                         groups=group_list((gid, name) for (b, name), gid in groups.items()
                                           if b == branches[code]))
        if person is not None and code and kind is not None and held_on is not None:
            first_time(cells, "name", ((code, kind, held_on, group), person.id), seen,
                       "This member's attendance at this meeting is already in row %(other)s.")
        if not row_is_clean(cells, before) or not code or kind is None or held_on is None:
            continue
        key: MeetingKey = (code, kind, held_on, group)
        existing = meetings.get(key)
        names = listed.setdefault(key, set())
        if person is not None:
            names.add(person.id)
        if existing is None and key not in new_meetings:
            new_meetings[key] = {"branch_id": branches[code], "kind": kind, "held_on": held_on,
                                 "group_id": groups.get((branches[code], group)), **record}
            inserted[key] = Change("insert", "meeting", _key_text(key), "", cells.row,
                                   {"topic": (None, record["topic"]),
                                    **{f: (None, v) for f, v in record.items()
                                       if v and f != "topic"}})
            outcome.changes.append(inserted[key])
        elif existing is None:
            # A later row of a new meeting: fills what the first left empty (a register
            # often writes the minutes once, on the meeting's first row).
            planned = new_meetings[key]
            for f, v in record.items():
                if v and not planned[f]:
                    planned[f] = v
                    inserted[key].fields[f] = (None, v)
        else:
            changed = updates.setdefault(existing.id, {})
            fields = {f: (getattr(existing, f), v) for f, v in record.items()
                      if v and v != getattr(existing, f) and f not in changed}
            if fields:
                changed.update({f: new for f, (_, new) in fields.items()})
                outcome.changes.append(Change("update", "meeting", _key_text(key), "",
                                              cells.row, fields))
        if person is None or status is None:
            continue
        record_key = f"{person.number} {_key_text(key)}"
        old = attendance.get((existing.id, person.id)) if existing is not None else None
        if old is None:
            new_attendance.append((key, person.id, status))
            outcome.changes.append(Change("insert", "attendance", record_key, person.name,
                                          cells.row, {"attendance": (None, status)}))
        elif old != status:
            assert existing is not None
            changed_attendance.append({"meeting_id": existing.id, "member_id": person.id,
                                       "status": status})
            outcome.changes.append(Change("update", "attendance", record_key, person.name,
                                          cells.row, {"attendance": (old, status)}))
        else:
            outcome.unchanged += 1
    outcome.notes += meeting_content.notes(rows[0].header if rows else None)
    outcome.unlisted = _unlisted(listed, meetings, attendance, branches, groups, finder)

    def write() -> None:
        ids = {key: m.id for key, m in meetings.items()}
        for key, values in new_meetings.items():
            ids[key] = bulk.add_meeting(values)
        bulk.set_meeting_values(updates)
        bulk.bulk_insert(AttendanceRecord, [
            {"meeting_id": ids[key], "member_id": member_id, "status": status}
            for key, member_id, status in new_attendance])
        bulk.bulk_update(AttendanceRecord, changed_attendance)

    return write


def _unlisted(listed: dict[MeetingKey, set[int]], meetings: dict[MeetingKey, Meeting],
              attendance: dict[tuple[int, int], Attendance], branches: dict[str, int],
              groups: dict[tuple[int, str], int], finder: MemberFinder) -> list[Unlisted]:
    """Members who should attend a meeting of the file but have no attendance state.

    They would count neither as attending nor as absent, so the report names them
    (a sign-in sheet often lists only those present). Who should attend is decided on
    the membership of the meeting's date: a member who moved in later is not expected.
    """
    if not listed:
        return []
    by_id = {meetings[key].id: ids for key, ids in listed.items() if key in meetings}
    for meeting_id, member_id in attendance:
        if meeting_id in by_id:
            by_id[meeting_id].add(member_id)
    branch_ids = {branches[key[0]] for key in listed}
    people = {p.id: p for p in finder.by_number.values()
              if p.branch_id in branch_ids or any(s.branch_id in branch_ids for s in p.spans)}
    rows = db.session.execute(
        select(Member.id, Member.position, Member.status, Member.joined_on)
        .where(Member.id.in_(list(people)))).all() if people else []
    found = []
    for key in sorted(listed, key=lambda k: (k[0], k[2], k[1], k[3])):
        code, kind, held_on, group = key
        branch_id = branches[code]
        invitees = []
        for member_id, position, status, joined_on in rows:
            person = people[member_id]
            if finder.branch_on(person, held_on) != code:
                continue
            group_id = finder.group_on(person, held_on) if person.spans else None
            # Transferred out since: expected as the member they were on the day.
            if status in ENDED and person.spans:
                status = MemberStatus.NORMAL
            invitees.append(Invitee(member_id, person.name, group_id, position, status,
                                    joined_on))
        expected = should_attend(kind, groups.get((branch_id, group)), held_on, invitees)
        missing = sorted((m.name for m in expected if m.id not in listed[key]), key=name_key)
        if missing:
            found.append(Unlisted(_key_text(key), missing, recorded=len(listed[key])))
    return found
