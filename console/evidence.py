"""A meeting's evidence (痕迹管理): photos and files from the phone, the make-up (补学) of a
missed meeting, the printable 会议记录, and the month's 政治生日 with their cards.

Who sees evidence: whoever reads the branch (``record_access``); who adds or deletes it:
whoever writes the branch. The bytes live in the evidence store (``core.blobs``); the
rules of what is kept are ``profiles.meetings.evidence``; the writes are the meetings'
operations. Uploads are a plain multipart form (no script needed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from accounts.access import branch_access, record_access
from console import downloads
from console.blueprint import bp
from console.record import actor, meeting_by_id, parse_date, refuse
from core.blobs import MissingBlob, evidence_store
from core.clock import today
from core.db import db
from core.errors import UserError
from profiles.enums import ATTENDED, Attendance, EvidenceKind
from profiles.labels import label
from profiles.meetings import operations as meeting_ops
from profiles.meetings import reads as meetings_reads
from profiles.meetings.evidence import EvidenceLimits, prepare
from profiles.meetings.rules import paragraphs
from profiles.members import reads as members_reads
from profiles.members.rules import political_birthdays
from profiles.models import Branch, Meeting

MAX_UPLOADS_AT_ONCE = 12  # files in one form post (the count cap per meeting still applies)


def _limits() -> EvidenceLimits:
    return EvidenceLimits.from_config(current_app.config)


def largest_upload(config: Mapping[str, Any]) -> int:
    """The largest body any console form takes: a full evidence post (12 files of 20 MB
    by default, 241 MB) with 1 MB of form around it; every other upload (a roster, a
    签到 photo: 20 MB each) is smaller. The app refuses anything larger before reading it,
    and a body sent without a length is cut off there too (``MAX_CONTENT_LENGTH``)."""
    return _largest_post(EvidenceLimits.from_config(config))


def _largest_post(limits: EvidenceLimits) -> int:
    return MAX_UPLOADS_AT_ONCE * limits.max_file_bytes + 2**20


def _back(meeting: Meeting) -> Response:
    return redirect(url_for("console.meeting", meeting_id=meeting.id, _anchor="evidence"), 303)


@bp.post("/meetings/<int:meeting_id>/files")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def upload_files(meeting: Meeting) -> ResponseReturnValue:
    """Attach photos and documents (one form, several files); each kept or refused alone."""
    limits = _limits()
    if (request.content_length or 0) > _largest_post(limits):
        # Refused before the body is read: nothing this large can be kept.
        flash(_("At most %(count)d files at a time; send the rest in a second go.",
                count=MAX_UPLOADS_AT_ONCE), "error")
        return _back(meeting)
    uploads = [f for field in ("photos", "documents") for f in request.files.getlist(field)
               if f and f.filename]
    if not uploads:
        flash(_("Choose one or more photos or files first."), "error")
        return _back(meeting)
    if len(uploads) > MAX_UPLOADS_AT_ONCE:
        flash(_("At most %(count)d files at a time; send the rest in a second go.",
                count=MAX_UPLOADS_AT_ONCE), "error")
        return _back(meeting)
    store = evidence_store()
    kept = 0
    for upload in uploads:
        name = upload.filename or "file"
        data = upload.stream.read(limits.max_file_bytes + 1)
        try:
            prepared = prepare(name, data, limits)
            meeting_ops.attach_file(actor(), meeting, name, prepared, store, limits)
        except UserError as error:
            db.session.rollback()
            refuse(error)
            continue
        db.session.commit()  # each file on its own: a refused one keeps the others
        kept += 1
    if kept:
        flash(_("%(count)d file(s) attached.", count=kept))
    return _back(meeting)


def _file_or_404(meeting: Meeting, file_id: int):  # type: ignore[no-untyped-def]
    row = meetings_reads.meeting_file(meeting.id, file_id)
    if row is None:
        abort(404)
    return row


def _send(data: bytes, content_type: str, name: str, inline: bool) -> Response:
    if inline:
        response = Response(data, mimetype=content_type)
        response.headers["Content-Disposition"] = "inline"
    else:
        response = downloads.attachment(data, name, content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/meetings/<int:meeting_id>/files/<int:file_id>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def meeting_file(meeting: Meeting, file_id: int) -> Response:
    """One file: a photo shown, a document downloaded (never rendered by the browser)."""
    row = _file_or_404(meeting, file_id)
    try:
        data = evidence_store().get(row.blob_key)
    except MissingBlob:
        abort(404)
    return _send(data, row.content_type, row.name, inline=row.kind is EvidenceKind.PHOTO)


@bp.get("/meetings/<int:meeting_id>/files/<int:file_id>/thumb")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def meeting_file_thumb(meeting: Meeting, file_id: int) -> Response:
    """A photo's thumbnail (JPEG, at most 320 px)."""
    row = _file_or_404(meeting, file_id)
    if not row.thumb_key:
        abort(404)
    try:
        data = evidence_store().get(row.thumb_key)
    except MissingBlob:
        abort(404)
    return _send(data, "image/jpeg", row.name, inline=True)


@bp.post("/meetings/<int:meeting_id>/files/delete")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def delete_meeting_file(meeting: Meeting) -> ResponseReturnValue:
    """Delete one file (``file`` in the form; logged); a second tap finds it gone and
    says so."""
    try:
        file_id = int(request.form.get("file", ""))
    except ValueError:
        abort(400)
    row = meetings_reads.meeting_file(meeting.id, file_id)
    if row is None:
        flash(_("That file was already deleted."))
        return _back(meeting)
    name = row.name
    meeting_ops.delete_file(actor(), meeting, row, evidence_store())
    db.session.commit()
    flash(_("%(name)s deleted.", name=name))
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/make-up")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def meeting_make_up(meeting: Meeting) -> ResponseReturnValue:
    """Record (or withdraw) a member's 补学 of this meeting: the date and a note."""
    members = {str(m.id): m for m in
               members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)}
    member = members.get(request.form.get("member", ""))
    if member is None:
        abort(400)
    withdraw = request.form.get("withdraw") == "1"
    made_up_on = None if withdraw else parse_date(request.form.get("made_up_on", ""))
    if made_up_on is None and not withdraw:
        flash(_("Give the day of the 补学 (yyyy-mm-dd)."), "error")
        return redirect(url_for("console.meeting", meeting_id=meeting.id, _anchor="make-up"),
                        303)
    try:
        meeting_ops.record_make_up(actor(), meeting, member, made_up_on,
                                   request.form.get("note", ""), today=today())
    except UserError as error:
        db.session.rollback()
        refuse(error)
    else:
        db.session.commit()
        flash(_("补学 withdrawn for %(name)s.", name=member.name) if withdraw
              else _("%(name)s: 缺席 → 已补学 %(date)s.", name=member.name,
                     date=made_up_on.isoformat() if made_up_on else ""))
    return redirect(url_for("console.meeting", meeting_id=meeting.id, _anchor="make-up"), 303)


@bp.get("/meetings/<int:meeting_id>/record.pdf")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def meeting_record_pdf(meeting: Meeting) -> ResponseReturnValue:
    """The printable 会议记录: A4, the record, who attended, the photos."""
    from print.errors import PrintError
    from print.fonts import find_cjk_font
    from print.record import MeetingRecord, RecordPhoto, render_meeting_record

    members = members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)
    expected = meetings_reads.expected_ids(meeting, members)
    rows = meetings_reads.attendance_rows(meeting)

    def names(*statuses: Attendance) -> list[str]:
        return [m.name + ("（线上）" if rows[m.id].status is Attendance.ONLINE else "")
                + ("（已补学）" if rows[m.id].made_up_on else "")
                for m in members if m.id in rows and rows[m.id].status in statuses]

    files = meetings_reads.meeting_files(meeting.id)
    store = evidence_store()
    photos = []
    for f in files:
        if f.kind is EvidenceKind.PHOTO:
            try:
                photos.append(RecordPhoto(f.name, store.get(f.blob_key), f.content_type))
            except MissingBlob:
                continue
    config = current_app.config
    branch = meeting.branch
    record = MeetingRecord(
        organisation=config.get("ORG_NAME") or branch.committee.name, branch=branch.name,
        kind=label(meeting.kind, "zh"), held_on=meeting.held_on, topic=meeting.topic,
        place=meeting.place, host=meeting.host, recorder=meeting.recorder,
        guests=meeting.guests, minutes=paragraphs(meeting.minutes),
        resolutions=paragraphs(meeting.resolutions),
        expected=len(expected), attended=names(*ATTENDED), excused=names(Attendance.EXCUSED),
        absent=names(Attendance.ABSENT),
        documents=[f.name for f in files if f.kind is EvidenceKind.DOCUMENT], photos=photos)
    try:
        pdf = render_meeting_record(record, find_cjk_font(config.get("CJK_FONT")))
    except PrintError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)
    response = downloads.pdf(pdf, f"{branch.name}-{meeting.held_on.isoformat()}-"
                                  f"{label(meeting.kind, 'zh')}-会议记录.pdf")
    return response


# -- 政治生日 -------------------------------------------------------------------------------

def _month() -> tuple[int, int]:
    now = today()
    try:
        month = int(request.args.get("month", request.form.get("month", now.month)))
    except ValueError:
        abort(400)
    if not 1 <= month <= 12:
        abort(400)
    return now.year, month


def _birthdays(branch: Branch, year: int, month: int):  # type: ignore[no-untyped-def]
    members = members_reads.current_members(branch.id)
    return political_birthdays(((m.id, m.name, m.joined_on) for m in members), year, month)


@bp.get("/branches/<code>/birthdays")
@branch_access()
def birthdays(branch: Branch) -> str:
    """This month's 政治生日 (or ``?month=``), with years of membership; print their cards."""
    year, month = _month()
    return render_template("console/birthdays.html", branch=branch, year=year, month=month,
                           rows=_birthdays(branch, year, month))


@bp.post("/branches/<code>/birthdays/cards")
@branch_access()
def birthday_cards(branch: Branch) -> ResponseReturnValue:
    """贺卡 as a PDF: one member's (``member``) or the whole month's; A6 or half A4."""
    from print.errors import PrintError
    from print.fonts import find_cjk_font
    from print.record import SIZES, BirthdayCard, render_birthday_cards

    year, month = _month()
    size = request.form.get("size", "a6")
    if size not in SIZES:
        abort(400)
    rows = _birthdays(branch, year, month)
    wanted = request.form.get("member", "")
    if wanted:
        rows = [r for r in rows if str(r.member_id) == wanted]
        if not rows:
            abort(400)
    config = current_app.config
    cards = [BirthdayCard(branch.name, r.name, r.joined_on, r.years) for r in rows]
    try:
        pdf = render_birthday_cards(cards, find_cjk_font(config.get("CJK_FONT")),
                                    config.get("ORG_NAME") or branch.committee.name, size)
    except PrintError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.birthdays", code=branch.code, month=month), 303)
    return downloads.pdf(pdf, f"{branch.name}-{year}-{month:02d}-政治生日贺卡.pdf")
