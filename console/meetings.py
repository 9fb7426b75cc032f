"""Meetings: a branch's list, recording one, editing it and its attendance list.

The attendance list starts from who should attend (profiles.meetings.attendees: the committee for a
支委会, the group for a 党小组会, else the whole branch); nothing is marked until the
secretary marks it or the member checks in (console.checkin).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import branch_access, current_access, record_access
from console.blueprint import bp
from console.feedback import problem, refuse_at
from console.record import actor, meeting_by_id, parse_date
from core.clock import today
from core.db import db
from core.errors import UserError
from profiles.audit.wording import period_label
from profiles.enums import Attendance, EvidenceKind, MeetingKind
from profiles.meetings import operations as meeting_ops
from profiles.meetings import reads as meetings_reads
from profiles.meetings.evidence import MB, EvidenceLimits
from profiles.meetings.rules import paragraphs
from profiles.members import reads as members_reads
from profiles.models import Branch, Meeting, Member, PartyGroup
from profiles.months import Period, period_of
from profiles.org import reads as org_reads

LIST_YEARS = 2  # this year and last
# The attendance choices in the order the form offers them.
STATUS_ORDER = [Attendance.PRESENT, Attendance.ONLINE, Attendance.EXCUSED, Attendance.ABSENT]
MONTHS_A_PAGE = 3  # the meetings list shows this many months a page


def _groups(branch: Branch) -> list[PartyGroup]:
    return org_reads.groups_of(branch.id)


def _form_values(branch: Branch) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """The meeting fields from the posted form, and what is wrong with them (field, message)."""
    errors = []
    try:
        kind = MeetingKind(request.form.get("kind", ""))
    except ValueError:
        kind = None
        errors.append(("kind", _("Choose the kind of meeting.")))
    held_on = parse_date(request.form.get("held_on", ""))
    if held_on is None:
        errors.append(("held_on", _("Give the date the meeting was held (yyyy-mm-dd).")))
    elif held_on > today():
        errors.append(("held_on", _("The date %(date)s is in the future: record a meeting "
                                    "once it has been held.", date=held_on.isoformat())))
    group = None
    group_id = request.form.get("group", "")
    if group_id:
        group = next((g for g in _groups(branch) if str(g.id) == group_id), None)
        if group is None:
            errors.append(("group", _("Choose a party group of this branch.")))
    values: dict[str, object] = {
        "kind": kind, "held_on": held_on, "group": group,
        "topic": request.form.get("topic", "").strip(),
        "place": request.form.get("place", "").strip()}
    # The record (痕迹管理); a form without these fields leaves them as they are.
    values.update({f: request.form[f] for f in sorted(meeting_ops.RECORD_FIELDS)
                   if f in request.form})
    return values, errors


@bp.get("/branches/<code>/meetings")
@branch_access()
def meetings(branch: Branch) -> str:
    """The branch's meetings of this year and last, newest first."""
    since = dt.date(today().year - LIST_YEARS + 1, 1, 1)
    rows = meetings_reads.branch_meetings(branch.id, since)
    groups = {g.id: g.name for g in _groups(branch)}
    # Grouped by month, newest first; a page holds MONTHS_A_PAGE months (``page``).
    months: dict[int, list[Meeting]] = {}
    for m in rows:
        months.setdefault(m.held_on.year * 100 + m.held_on.month, []).append(m)
    keys = list(months)
    pages = max(1, -(-len(keys) // MONTHS_A_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    shown = [(k, months[k]) for k in keys[(page - 1) * MONTHS_A_PAGE:page * MONTHS_A_PAGE]]
    return render_template("console/record_meetings.html", branch=branch, rows=rows,
                           months=shown, page=page, pages=pages,
                           groups=groups, writable=current_access().can_write(branch.id))


@bp.route("/branches/<code>/meetings/new", methods=["GET", "POST"])
@branch_access(write=True)
def new_meeting(branch: Branch) -> ResponseReturnValue:
    """Record a meeting; then its attendance list."""
    groups = _groups(branch)
    status = 200
    if request.method == "POST":
        values, errors = _form_values(branch)
        for field, e in errors:
            problem(field, e)
        if not errors:
            try:
                meeting = meeting_ops.record_meeting(actor(), branch=branch, **values)  # type: ignore[arg-type]
            except UserError as error:
                refuse_at(error)
            else:
                db.session.commit()
                flash(_("Meeting recorded. Now mark who attended, or open 签到."))
                return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)
        status = 400
        form = request.form.to_dict()
    period = _period_arg()
    if request.method != "POST":
        # Today's date, unless the checklist line asks for a past period: then its last day
        # (a date inside the period, which is what closes the gap).
        day = today() if period is None or period.contains(today()) else period.last_day
        held = parse_date(request.args.get("held_on", ""))
        form = {"kind": request.args.get("kind", ""),
                "held_on": (held or day).isoformat()}
        group_name = request.args.get("group")
        if group_name:
            form["group"] = next((str(g.id) for g in groups if g.name == group_name), "")
    return render_template("console/record_meeting_new.html", branch=branch, groups=groups,
                           form=form, kinds=list(MeetingKind), period=period,
                           period_name=period_label(period) if period else ""), status


def _period_arg() -> Period | None:
    """The period a checklist line names (``period`` its first day, ``cadence``)."""
    first = parse_date(request.args.get("period", ""))
    if first is None:
        return None
    cadence = request.args.get("cadence", "")
    if cadence not in ("month", "quarter", "year"):
        cadence = "quarter" if first.month in (1, 4, 7, 10) else "month"
    return period_of(first, cadence)  # type: ignore[arg-type]


def _meeting_view(meeting: Meeting, status: int = 200) -> tuple[str, int]:
    members = members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)
    expected = meetings_reads.expected_ids(meeting, members)
    rows = meetings_reads.attendance_rows(meeting)
    recorded = {member_id: row.status for member_id, row in rows.items()}
    files = meetings_reads.meeting_files(meeting.id)
    limits = EvidenceLimits.from_config(current_app.config)
    # Everyone expected, and anyone else recorded (e.g. checked in though not expected).
    listed = [m for m in members if m.id in expected or m.id in recorded]
    counts = {s: sum(1 for v in recorded.values() if v is s) for s in Attendance}
    groups = _groups(meeting.branch)
    group = next((g for g in groups if g.id == meeting.group_id), None)
    return render_template(
        "console/record_meeting.html", meeting=meeting, branch=meeting.branch, listed=listed,
        expected=expected, recorded=recorded, counts=counts, statuses=STATUS_ORDER,
        groups=groups, group=group, kinds=list(MeetingKind),
        writable=current_access().can_write(meeting.branch_id),
        rows=rows, photos=[f for f in files if f.kind is EvidenceKind.PHOTO],
        documents=[f for f in files if f.kind is EvidenceKind.DOCUMENT], limits=limits,
        absent=[m for m in listed if recorded.get(m.id) is Attendance.ABSENT],
        minutes=paragraphs(meeting.minutes), resolutions=paragraphs(meeting.resolutions),
        limits_mb=limits.max_file_bytes // MB, today=today(),
        unmarked=sum(1 for m in listed if m.id not in recorded)), status


@bp.get("/meetings/<int:meeting_id>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def meeting(meeting: Meeting) -> tuple[str, int]:
    """A meeting and its attendance list."""
    return _meeting_view(meeting)


@bp.post("/meetings/<int:meeting_id>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def edit_meeting(meeting: Meeting) -> ResponseReturnValue:
    """Change the meeting's kind, date, topic, place or group, or its record (host,
    recorder, guests, minutes, resolutions); logged."""
    values, errors = _form_values(meeting.branch)
    for field, e in errors:
        problem(field, e)
    if errors:
        return _meeting_view(meeting, 400)
    try:
        meeting_ops.edit_meeting(actor(), meeting, **values)
    except UserError as error:
        db.session.rollback()
        refuse_at(error)
        return _meeting_view(meeting, 400)
    db.session.commit()
    flash(_("Meeting saved."))
    return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/attendance")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def meeting_attendance(meeting: Meeting) -> ResponseReturnValue:
    """Mark 出席 / 线上参加 / 请假 / 缺席 for the members listed; a member left unmarked
    stays so."""
    members = {str(m.id): m for m in
               members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)}
    changes: list[tuple[Member, Attendance]] = []
    rest = request.form.get("rest", "")  # one status for everyone listed and not marked
    if rest:
        try:
            rest_status = Attendance(rest)
        except ValueError:
            abort(400)
        listed = meetings_reads.expected_ids(meeting, members.values())
        recorded = meetings_reads.attendance_of(meeting)
        for member_id in sorted(listed - set(recorded)):
            if not request.form.get(f"status-{member_id}"):
                changes.append((members[str(member_id)], rest_status))
    for key, value in request.form.items():
        if not key.startswith("status-") or not value:
            continue
        member = members.get(key.removeprefix("status-"))
        try:
            status = Attendance(value)
        except ValueError:
            abort(400)
        if member is None:
            abort(400)  # not a member of this branch (or transferred out)
        changes.append((member, status))
    try:
        for member, status in changes:
            meeting_ops.set_attendance(actor(), meeting, member, status)
    except UserError as error:
        db.session.rollback()
        refuse_at(error, default="attendance")
        return _meeting_view(meeting, 400)
    db.session.commit()
    flash(_("Attendance saved."))
    return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/delete")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def delete_meeting(meeting: Meeting) -> ResponseReturnValue:
    """Delete a meeting recorded by mistake, with the reason (logged); back to the list."""
    code = meeting.branch.code
    try:
        meeting_ops.delete_meeting(actor(), meeting, request.form.get("reason", ""))
    except UserError as error:
        db.session.rollback()
        refuse_at(error, default="delete-reason", fields={"reason": "delete-reason"})
        return _meeting_view(meeting, 400)
    db.session.commit()
    flash(_("Meeting deleted."))
    return redirect(url_for("console.meetings", code=code), 303)
