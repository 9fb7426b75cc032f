"""The card page's one question for the console: is this a secretary scanning for 签到?

``qr.views.member`` asks :func:`checkin_redirect` (registered by ``init_console`` as a
card-scan hook) before anything else. Only a browser in
which a signed-in account opened 签到 (the session names the meeting) is sent on, to the
console's confirm page; everyone else gets the card page exactly as before. The session is
read first: an anonymous visitor costs no database query here.
"""

from __future__ import annotations

from flask import Response, request, session, url_for
from flask_login import current_user

SESSION_KEY = "checkin_meeting"  # the meeting this browser is checking members in to


def open_meeting_id() -> int | None:
    """The meeting this browser opened 签到 for, if any."""
    value = session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def checkin_redirect(token: str) -> Response | None:
    """A 303 to the confirm page for a scanning secretary, else None (the card page)."""
    if request.args.get("card") is not None:  # "show me the card itself" from the console
        return None
    meeting_id = open_meeting_id()
    if meeting_id is None or not current_user.is_authenticated:
        return None
    url = url_for("console.checkin_confirm", meeting_id=meeting_id, token=token)
    return Response(status=303, headers={"Location": url, "Cache-Control": "private, no-store",
                                         "Vary": "Cookie"})
