"""Settings: where the organisation's record begins (issue 18), for administrators.

One month (``Committee.records_from`` on every committee, through
``profiles.org.operations.set_records_from``: validated, written, logged): no rule looks
before it. The console home says from when the record runs, or, to an administrator,
that it is not set and where to set it (``record_start`` below, a template global)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import admin_required, current_access
from console.blueprint import bp
from console.record import actor
from core.clock import today
from core.db import db
from profiles.org import reads as org_reads
from profiles.org.operations import set_records_from
from profiles.org.rules import RECORDS_EARLIEST, parse_month
from profiles.org.wording import month_words, record_since
from profiles.writes import RuleViolation


def _current() -> Any:
    starts = org_reads.record_starts()
    return starts, next((s for _, _, s in starts if s is not None), None)


@bp.app_template_global("record_start")
def record_start() -> dict[str, Any]:
    """For the console home: "记录自2025年1月起", or whether an administrator should be told
    it is not set (one statement, run only where a template asks)."""
    starts, current = _current()
    return {"since": record_since(current),
            "unset": bool(starts) and current is None and current_access().admin}


def _page(error: str = "", value: str = "", status: int = 200) -> ResponseReturnValue:
    starts, current = _current()
    last = today()
    return render_template(
        "console/record_settings.html", current=current,
        current_words=month_words(current) if current else "", starts=starts,
        value=value or (f"{current:%Y-%m}" if current else ""), error=error,
        first=f"{RECORDS_EARLIEST:%Y-%m}", last=f"{last:%Y-%m}",
        month_words=month_words), status


@bp.get("/settings/record")
@admin_required
def record_settings() -> ResponseReturnValue:
    """Where the record begins: the month, and how to change it."""
    return _page()


@bp.post("/settings/record")
@admin_required
def save_record_settings() -> ResponseReturnValue:
    """Set (or, with ``clear``, unset) where the record begins; logged."""
    text = request.form.get("records_from", "").strip()[:20]
    month = None
    if not request.form.get("clear"):
        month = parse_month(text)
        if month is None:
            return _page(_("'%(value)s' is not a month; write it like 2025-01.", value=text),
                         text, 400)
    try:
        set_records_from(actor(), month, today=today())
    except RuleViolation as exc:
        db.session.rollback()
        return _page(str(exc), text, 400)
    db.session.commit()
    flash(_("Where the record begins is saved: %(month)s.", month=month_words(month))
          if month else _("Where the record begins is no longer set."))
    return redirect(url_for("console.record_settings"))
