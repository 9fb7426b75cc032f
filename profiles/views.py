"""The public pages that are not reached by a code (the front page), and template helpers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from profiles import labels
from profiles.audit.wording import (
    cadence_label,
    describe,
    locale_code,
    period_label,
    rule_label,
    short_period_label,
)
from profiles.enums import EvaluationStage, Rating
from profiles.months import Period
from profiles.org.wording import record_since

bp = Blueprint("profiles", __name__)


@bp.get("/")
def index() -> str:
    """Explain what the site is; there is deliberately no index of members or branches."""
    return render_template("profiles/index.html")


def _month(yyyymm: int, locale: str | None = None) -> str:
    return period_label(Period(yyyymm // 100, yyyymm % 100, "month"), locale)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    """Formatting helpers the page templates use (no business rules in them)."""
    code = locale_code()  # once per page: a page shows dozens of labels

    def label(value: Any) -> str:
        return labels.label(value, code)

    # The word helpers with the page's language bound: each would otherwise look the
    # locale up again through flask-babel's context proxies, ~55 times on a branch page.
    return {"label": label, "describe": describe,
            "rule_label": lambda finding: rule_label(finding, code),
            "period_label": lambda period: period_label(period, code),
            "short_period_label": lambda period: short_period_label(period, code),
            "cadence_label": lambda cadence: cadence_label(cadence, code),
            "month_label": lambda yyyymm: _month(yyyymm, code), "percent": _percent,
            "record_since": record_since,
            "lang": locale_code, "stages": EvaluationStage, "ratings": Rating}
