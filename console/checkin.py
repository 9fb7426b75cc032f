"""签到: check members in to a meeting by scanning their cards.

The secretary opens 签到 for a meeting (the meeting is marked open, and this browser's
session remembers it). Scanning a member's card opens the card's URL; ``console.scan``
sends this browser on to :func:`checkin_confirm`, which shows "签到：<name> → <meeting>"
and one button (a POST with CSRF; no JavaScript). Everyone else still gets the card page.

A member of another branch is refused, not recorded as a guest: attendance belongs to the
branch the member is in (the rates, the absence rule and the points all read it there), and
a guest row would count in neither branch. The screen says so and where to record it.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import current_access, record_access, signed_in
from accounts.forms import PostForm
from console.blueprint import bp
from console.record import actor, meeting_by_id
from console.scan import SESSION_KEY, open_meeting_id
from core.db import db
from profiles.enums import ATTENDED, Attendance
from profiles.meetings import operations as meeting_ops
from profiles.meetings import reads as meetings_reads
from profiles.meetings.checkin import (
    CheckinRefused,
    Refusal,
    Scan,
    check_eligible,
    is_checked_in,
    perform_checkin,
)
from profiles.members import reads as members_reads
from profiles.models import Meeting
from qr.cards import scan_member

REFRESH_SECONDS = 5  # the 签到 screen reloads itself: live enough for a room


@bp.get("/meetings/<int:meeting_id>/checkin")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def checkin(meeting: Meeting) -> Response:
    """Who is in and who is still expected; open or close 签到."""
    members = members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)
    expected = meetings_reads.expected_ids(meeting, members)
    recorded = meetings_reads.attendance_of(meeting)
    present = [m for m in members if recorded.get(m.id) in ATTENDED]  # 出席, 线上参加
    waiting = [m for m in members if m.id in expected and m.id not in recorded]
    marked = [m for m in members if recorded.get(m.id) in (Attendance.EXCUSED,
                                                           Attendance.ABSENT)]

    response = Response(render_template(
        "console/record_checkin.html", meeting=meeting, branch=meeting.branch,
        present=present, waiting=waiting, marked=marked, recorded=recorded,
        here=open_meeting_id() == meeting.id,
        writable=current_access().can_write(meeting.branch_id), post=PostForm()))
    if meeting.checkin_open:
        # Reloads itself while members check in; no script needed.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/meetings/<int:meeting_id>/checkin/camera")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_camera(meeting: Meeting) -> str:
    """Scan with the page's own camera (BarcodeDetector, static/console/scan.js), for
    browsers that have it; a page of its own, as the 签到 screen reloads itself."""
    return render_template("console/record_checkin_camera.html", meeting=meeting,
                           branch=meeting.branch)


@bp.post("/meetings/<int:meeting_id>/checkin/open")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def open_checkin(meeting: Meeting) -> ResponseReturnValue:
    """Open 签到, and scan in this browser."""
    meeting_ops.set_checkin(actor(), meeting, open_=True)
    db.session.commit()
    session[SESSION_KEY] = meeting.id
    flash(_("签到 is open. Scan members' cards with this phone's camera."))
    return redirect(url_for("console.checkin", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/checkin/close")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def close_checkin(meeting: Meeting) -> ResponseReturnValue:
    """Close 签到; the members not checked in are left for the secretary to mark."""
    meeting_ops.set_checkin(actor(), meeting, open_=False)
    db.session.commit()
    if open_meeting_id() == meeting.id:
        session.pop(SESSION_KEY, None)
    flash(_("签到 is closed. Mark the members not checked in as 请假 or 缺席."))
    return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)


@bp.get("/checkin")
@signed_in
def checkin_here() -> ResponseReturnValue:
    """Where a scan from this browser goes: the open 签到, or "no meeting open"."""
    meeting_id = open_meeting_id()
    if meeting_id is not None:
        return redirect(url_for("console.checkin", meeting_id=meeting_id), 303)
    return render_template("console/record_checkin_none.html")


@bp.post("/checkin/stop")
@signed_in
def stop_scanning() -> ResponseReturnValue:
    """This browser stops checking in (the meeting's 签到 stays as it is)."""
    session.pop(SESSION_KEY, None)
    flash(_("This browser no longer checks members in; cards open their pages."))
    return redirect(url_for("console.home"), 303)


# What each refusal answers: a bad card as the card page would (404, 410), the rest 409.
_STATUS = {Refusal.UNKNOWN_CARD: 404, Refusal.REPLACED_CARD: 410}


def _answer(meeting: Meeting, token: str, *, done: bool = False,
            scan: Scan | None = None) -> ResponseReturnValue:
    """The confirm page for the card ``token``: the offer, "checked in", or the refusal.
    ``scan``: the card as the caller resolved it already (not resolved twice)."""
    scan = scan if scan is not None else scan_member(token)
    context = {"meeting": meeting, "branch": meeting.branch, "token": token,
               "member": scan.member, "post": PostForm()}
    try:
        member = check_eligible(meeting, scan)
    except CheckinRefused as refused:
        if refused.reason is Refusal.CLOSED and open_meeting_id() == meeting.id:
            session.pop(SESSION_KEY, None)  # nothing to scan for any more
        return render_template("console/record_checkin_confirm.html",
                               state=refused.reason.value, **context), \
            _STATUS.get(refused.reason, 409)
    state = "in" if is_checked_in(meeting, member) else "offer"
    if state == "in" and done:
        state = "done"
    return render_template("console/record_checkin_confirm.html", state=state,
                           **context), 200


@bp.get("/meetings/<int:meeting_id>/checkin/<token>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_confirm(meeting: Meeting, token: str) -> ResponseReturnValue:
    """"签到：<name> → <meeting>" and one button (or why not)."""
    return _answer(meeting, token, done=request.args.get("done") == "1")


@bp.post("/meetings/<int:meeting_id>/checkin/<token>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_post(meeting: Meeting, token: str) -> ResponseReturnValue:
    """Check the member in: once; a second tap changes nothing."""
    scan = scan_member(token)
    try:
        newly = perform_checkin(actor(), meeting, scan)
    except CheckinRefused:
        return _answer(meeting, token, scan=scan)  # says why; nothing written
    assert scan.member is not None
    member = scan.member
    meeting_id = meeting.id  # read before the commit expires it: no query to rebuild the URL
    db.session.commit()
    if not newly:
        flash(_("%(name)s was checked in already.", name=member.name))
    return redirect(url_for("console.checkin_confirm", meeting_id=meeting_id,
                            token=token, done="1" if newly else None), 303)

