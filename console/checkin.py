"""签到: check members in to a meeting, four ways in, one operation
(``profiles.meetings.checkin.perform_checkin``).

- **Scan in the page** (``checkin_camera``, ``static/console/scan.js``): the page reads the
  camera itself and decodes with BarcodeDetector where the browser has it, elsewhere posts
  downscaled frames to :func:`checkin_scan`, which decodes them with zxing-cpp. Works in
  WeChat's in-app browser and iOS Safari, which have no BarcodeDetector. Each result shows
  at once, with an undo for a few seconds.
- **The card's URL** (``console.scan``): a phone camera app opening the card in the browser
  where this secretary opened 签到 is sent on to :func:`checkin_confirm`: "签到：<name> →
  <meeting>" and one button.
- **A photo** (:func:`checkin_photo`): without JavaScript, the 签到 screen's file field
  opens the camera; the server reads the card in the picture.
- **By name** (:func:`checkin_by_name`): the list of who is still expected, searched by name
  or pinyin, for a forgotten card.

A member of another branch is refused, not recorded as a guest: attendance belongs to the
branch the member is in (the rates, the absence rule and the points all read it there).
Refusals name the member only to an account that may read the member's branch.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import current_access, record_access, signed_in
from accounts.forms import PostForm
from console.blueprint import bp
from console.record import actor, meeting_by_id
from console.scan import SESSION_KEY, open_meeting_id
from core.db import db
from profiles.collation import name_key
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
    state_refusal,
)
from profiles.meetings.name_search import matches
from profiles.members import reads as members_reads
from profiles.models import Meeting, Member
from qr.cards import scan_member
from qr.decode import MAX_BYTES, PictureRefused, TooLarge, codes_in_picture, member_token

REFRESH_SECONDS = 5  # the 签到 screen reloads itself: live enough for a room
UNDO_SECONDS = 8  # how long the scanner offers "undo" after a check-in
REST = {"excused": Attendance.EXCUSED, "absent": Attendance.ABSENT}


def _room(meeting: Meeting, ordered: bool = True) -> dict[str, Any]:
    """Who is in, who is still expected, who was marked: three statements (in pinyin
    order, unless only counted)."""
    members = members_reads.members_in_branch_on(meeting.branch_id, meeting.held_on)
    if ordered:
        members.sort(key=lambda m: name_key(m.name))
    expected = meetings_reads.expected_ids(meeting, members)
    recorded = meetings_reads.attendance_of(meeting)
    present = [m for m in members if recorded.get(m.id) in ATTENDED]  # 出席, 线上参加
    return {
        "present": present,
        "waiting": [m for m in members if m.id in expected and m.id not in recorded],
        "marked": [m for m in members if recorded.get(m.id) in (Attendance.EXCUSED,
                                                                Attendance.ABSENT)],
        "recorded": recorded,
        "expected_count": len(expected | {m.id for m in present}),
    }


def _phase(meeting: Meeting) -> str:
    """"before", "open" or "after": what the screen offers."""
    refusal = state_refusal(meeting)
    return "open" if refusal is None else "before" if refusal is Refusal.NOT_OPEN else "after"


@bp.get("/meetings/<int:meeting_id>/checkin")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting")
def checkin(meeting: Meeting) -> Response:
    """Who is in and who is still expected; open or close 签到; 签到 by name or photo;
    after 签到, the rest marked 请假 or 缺席 in one step."""
    room = _room(meeting)
    query = request.args.get("q", "").strip()[:40]
    # Those marked 请假 or 缺席 too: a member who comes late, after the rest were marked
    # and 签到 opened again, is found and checked in (the check-in changes the mark).
    found = [m for m in room["waiting"] + room["marked"] if matches(m.name, query)] \
        if query else None
    times = meetings_reads.checkin_times(meeting) if room["present"] else {}
    response = Response(render_template(
        "console/record_checkin.html", meeting=meeting, branch=meeting.branch,
        phase=_phase(meeting), query=query, found=found, times=times,
        here=open_meeting_id() == meeting.id, photo_mb=MAX_BYTES // (1024 * 1024),
        writable=current_access().can_write(meeting.branch_id), post=PostForm(), **room))
    if meeting.checkin_open and not query:
        # Reloads itself while members check in (not while a name is being looked up).
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/meetings/<int:meeting_id>/checkin/camera")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_camera(meeting: Meeting) -> str:
    """Scan continuously with the page's own camera (static/console/scan.js); a page of its
    own, as the 签到 screen reloads itself."""
    room = _room(meeting)
    return render_template("console/record_checkin_camera.html", meeting=meeting,
                           branch=meeting.branch, phase=_phase(meeting),
                           count=(len(room["present"]), room["expected_count"]),
                           undo_seconds=UNDO_SECONDS, photo_mb=MAX_BYTES // (1024 * 1024))


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


@bp.post("/meetings/<int:meeting_id>/checkin/rest")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_rest(meeting: Meeting) -> ResponseReturnValue:
    """After 签到: everyone expected and not recorded marked 请假 or 缺席 in one step."""
    status = REST.get(request.form.get("status", ""))
    back = redirect(url_for("console.checkin", meeting_id=meeting.id), 303)
    if status is None:
        flash(_("Choose 请假 or 缺席 for the members not checked in."), "error")
        return back
    if meeting.checkin_open:
        flash(_("签到 is still open: close it first, then mark the rest."), "error")
        return back
    room = _room(meeting)
    meeting_id = meeting.id
    marked = meeting_ops.mark_the_rest(actor(), meeting, room["waiting"], status)
    db.session.commit()
    flash(_("%(count)s members marked. Change single members on the meeting's page.",
            count=marked))
    return redirect(url_for("console.checkin", meeting_id=meeting_id), 303)


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


# -- one answer for every way in ---------------------------------------------------------

# What each refusal answers: a bad card as the card page would (404, 410), the rest 409.
_STATUS = {Refusal.UNKNOWN_CARD: 404, Refusal.REPLACED_CARD: 410}


def _visible(member: Member | None) -> Member | None:
    """The member, if this account may see them (else a refusal names nobody)."""
    if member is not None and current_access().can_read(member.branch_id):
        return member
    return None


def _count(meeting: Meeting) -> tuple[int, int]:
    room = _room(meeting, ordered=False)
    return len(room["present"]), room["expected_count"]


def _outcome(meeting: Meeting, scan: Scan, *, write: bool) -> dict[str, Any]:
    """Check in (``write``) or only look: the state, the member shown, and the refusal."""
    try:
        if write:
            newly = perform_checkin(actor(), meeting, scan)
            state = "done" if newly else "in"
        else:
            member = check_eligible(meeting, scan)
            state = "in" if is_checked_in(meeting, member) else "offer"
        return {"state": state, "member": scan.member, "status": 200}
    except CheckinRefused as refused:
        if refused.reason in (Refusal.CLOSED, Refusal.NOT_OPEN) \
                and open_meeting_id() == meeting.id:
            session.pop(SESSION_KEY, None)  # nothing to scan for any more
        return {"state": refused.reason.value, "member": _visible(refused.member),
                "status": _STATUS.get(refused.reason, 409)}


def _page(meeting: Meeting, outcome: dict[str, Any], token: str | None = None,
          message: str = "") -> ResponseReturnValue:
    status = outcome.pop("status")
    return render_template("console/record_checkin_confirm.html", meeting=meeting,
                           branch=meeting.branch, token=token, message=message,
                           post=PostForm(), **outcome), status


@bp.get("/meetings/<int:meeting_id>/checkin/<token>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_confirm(meeting: Meeting, token: str) -> ResponseReturnValue:
    """"签到：<name> → <meeting>" and one button (or why not)."""
    outcome = _outcome(meeting, scan_member(token), write=False)
    if outcome["state"] == "in" and request.args.get("done") == "1":
        outcome["state"] = "done"
    return _page(meeting, outcome, token)


@bp.post("/meetings/<int:meeting_id>/checkin/<token>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_post(meeting: Meeting, token: str) -> ResponseReturnValue:
    """Check the member in: once; a second tap (or phone) changes nothing."""
    meeting_id = meeting.id  # read before the commit expires it: no query to rebuild the URL
    outcome = _outcome(meeting, scan_member(token), write=True)
    if outcome["status"] != 200:
        return _page(meeting, outcome, token)  # says why; nothing written
    db.session.commit()
    if outcome["state"] == "in":
        flash(_("%(name)s was checked in already.", name=outcome["member"].name))
    return redirect(url_for("console.checkin_confirm", meeting_id=meeting_id, token=token,
                            done="1" if outcome["state"] == "done" else None), 303)


def _member_here(meeting: Meeting, number: str) -> Member:
    """The member ``number`` for a write at this meeting: 404 unless readable."""
    member = members_reads.member_by_number(number)
    if _visible(member) is None:
        abort(404)
    assert member is not None
    return member


@bp.post("/meetings/<int:meeting_id>/checkin/by-name/<number>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_by_name(meeting: Meeting, number: str) -> ResponseReturnValue:
    """签到 from the list, for a member without the card."""
    member = _member_here(meeting, number)
    meeting_id = meeting.id
    outcome = _outcome(meeting, Scan(member), write=True)
    if outcome["status"] != 200:
        return _page(meeting, outcome)
    db.session.commit()
    flash(_("✓ %(name)s checked in.", name=member.name) if outcome["state"] == "done"
          else _("%(name)s was checked in already.", name=member.name))
    return redirect(url_for("console.checkin", meeting_id=meeting_id), 303)


@bp.post("/meetings/<int:meeting_id>/checkin/out/<number>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_out(meeting: Meeting, number: str) -> ResponseReturnValue:
    """签退: the time a present member left (党课 and training hours)."""
    member = _member_here(meeting, number)
    meeting_id = meeting.id
    done = meeting_ops.check_out(actor(), meeting, member)
    db.session.commit()
    flash(_("%(name)s signed out.", name=member.name) if done else
          _("%(name)s is not checked in, or signed out already; nothing changed.",
            name=member.name))
    return redirect(url_for("console.checkin", meeting_id=meeting_id), 303)


def _wants_json() -> bool:
    return request.form.get("reply") == "json"


@bp.post("/meetings/<int:meeting_id>/checkin/undo/<number>")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_undo(meeting: Meeting, number: str) -> ResponseReturnValue:
    """Take back a 签到 made a moment ago (the scanner's undo); logged like any write."""
    member = _member_here(meeting, number)
    meeting_id = meeting.id
    undone = meeting_ops.undo_checkin(actor(), meeting, member)
    db.session.commit()
    message = (_("%(name)s's 签到 was undone.", name=member.name) if undone else
               _("%(name)s was not checked in; nothing changed.", name=member.name))
    if _wants_json():
        present, expected = _count(db.session.get_one(Meeting, meeting_id))
        return jsonify(ok=undone, message=message, present=present, expected=expected)
    flash(message)
    return redirect(url_for("console.checkin", meeting_id=meeting_id), 303)


# -- pictures: frames from the in-page scanner, photos without JavaScript -----------------

def _read_picture(field: str) -> tuple[str | None, str]:
    """(token or None, message): the member card in the uploaded picture."""
    upload = request.files.get(field)
    if upload is None or not upload.filename and not upload.mimetype.startswith("image/"):
        return None, _("No photo was sent. Take a photo of the card and send it.")
    try:
        codes = codes_in_picture(upload.read(MAX_BYTES + 1))
    except PictureRefused as refused:
        return None, str(refused)
    for text in codes:
        token = member_token(text)
        if token is not None:
            return token, ""
    if codes:
        return None, _("The code in the picture is not a member's card of this "
                       "organisation.")
    return None, _("No code was found in the picture. Hold the card flat, fill most of "
                   "the picture with it, avoid glare, and take the photo again.")


def _too_large() -> bool:
    """A request larger than a picture (and its form) is refused before it is read."""
    return (request.content_length or 0) > MAX_BYTES + 64 * 1024


def _result(meeting: Meeting, outcome: dict[str, Any], token: str) -> dict[str, Any]:
    """The scanner's JSON: what to show full screen."""
    member = outcome["member"]
    state = outcome["state"]
    present, expected = _count(meeting)
    good = state in ("done", "in")
    messages = {
        "done": _("Checked in."), "in": _("已签到 already; nothing changed."),
        "unknown": _("This code is not a member's card. Nobody was checked in."),
        "replaced": _("This card was replaced; use the new one. Nobody was checked in."),
        "not_open": _("签到 has not started. Open 签到 first."),
        "closed": _("签到 is closed. Nobody was checked in."),
        "not_yet_member": _("Not a party member yet on the meeting's date. Nobody was "
                            "checked in."),
        "other_branch": _("Not a member of %(branch)s: their own branch records their "
                          "attendance.", branch=meeting.branch.name),
        "other_group": _("In another party group: this 党小组会 records its own group."),
        "transferred": _("Transferred out of the organisation. Nobody was checked in."),
    }
    return {
        "ok": good, "state": state, "key": token,
        "name": member.name if member is not None else "",
        "message": messages.get(state, ""), "present": present, "expected": expected,
        "undo": url_for("console.checkin_undo", meeting_id=meeting.id,
                        number=member.number) if state == "done" and member else None,
    }


@bp.post("/meetings/<int:meeting_id>/checkin/scan")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_scan(meeting: Meeting) -> ResponseReturnValue:
    """The in-page scanner's check-in: ``code`` (the text BarcodeDetector read) or ``frame``
    (a downscaled camera frame, decoded here). JSON: ``state`` "none" while no code is
    in view, else the result to show."""
    meeting_id = meeting.id
    if _too_large():
        return jsonify(ok=False, state="none", name="", message=_(
            "The picture is too large to read."))
    code = request.form.get("code", "")[:500]
    if code:
        token = member_token(code)
        if token is None:
            return jsonify(ok=False, state="foreign", name="", message=_(
                "This code is not a member's card of this organisation."))
    else:
        token, message = _read_picture("frame")
        if token is None:
            return jsonify(ok=False, state="none", name="", message=message)
    outcome = _outcome(meeting, scan_member(token), write=True)
    if outcome["status"] == 200:
        db.session.commit()
        meeting = db.session.get_one(Meeting, meeting_id)
    return jsonify(_result(meeting, outcome, token))


@bp.post("/meetings/<int:meeting_id>/checkin/photo")
@record_access(meeting_by_id, arg="meeting_id", pass_as="meeting", write=True)
def checkin_photo(meeting: Meeting) -> ResponseReturnValue:
    """签到 from a photo of the card (no JavaScript needed): read, then checked in."""
    meeting_id = meeting.id
    if _too_large():
        return _page(meeting, {"state": "no_code", "member": None, "status": 413},
                     message=str(TooLarge()))
    token, message = _read_picture("photo")
    if token is None:
        return _page(meeting, {"state": "no_code", "member": None, "status": 422},
                     message=message)
    outcome = _outcome(meeting, scan_member(token), write=True)
    if outcome["status"] != 200:
        return _page(meeting, outcome, token)
    db.session.commit()
    return redirect(url_for("console.checkin_confirm", meeting_id=meeting_id, token=token,
                            done="1" if outcome["state"] == "done" else None), 303)
