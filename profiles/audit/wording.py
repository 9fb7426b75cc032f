"""The checklist lines and period names, in the request's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_babel
from flask_babel import get_locale

from profiles.audit.checklist import Finding
from profiles.labels import label
from profiles.months import Period


def gettext(text: str, **variables: Any) -> str:
    """Translate ``text`` (typed wrapper; the name keeps pybabel's default keywords)."""
    return str(flask_babel.gettext(text, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate with a plural form (typed wrapper)."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def locale_code() -> str:
    """"zh" or "en", for :func:`profiles.labels.label`."""
    return str(get_locale() or "zh")


# Period names by (language, which label, period): the branch page names ~60 periods, and
# each gettext call costs ~10 µs (bench/pages.py); the catalogs do not change at run time.
_LABELS: dict[tuple[str, str, Period], str] = {}


def period_label(period: Period, locale: str | None = None) -> str:
    """E.g. "2026年第3季度" / "2026 Q3", "2026年10月" / "2026-10", "2025年" / "2025".
    ``locale``: the request's, when the caller has it (a page asks for ~60 labels)."""
    key = (locale or locale_code(), "long", period)
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = _period_label(period)
    return found


def _period_label(period: Period) -> str:
    if period.cadence == "year":
        return gettext("%(year)d", year=period.year)
    if period.cadence == "quarter":
        return gettext("%(year)d Q%(quarter)d", year=period.year, quarter=period.number)
    return gettext("%(year)d-%(month)02d", year=period.year, month=period.number)


def short_period_label(period: Period, locale: str | None = None) -> str:
    """The period within its year: "Q3", "10", or the year."""
    if period.cadence == "quarter":
        key = (locale or locale_code(), "short", period)
        found = _LABELS.get(key)
        if found is None:
            found = _LABELS[key] = gettext("Q%(quarter)d", quarter=period.number)
        return found
    if period.cadence == "month":
        return str(period.number)
    return str(period.year)


# Word lists by (language, list): built once per language, as the period names are. The
# branch page asked for a cadence 8 times and translated all three words each time: 24 of
# its 26 gettext calls, 12 % of the page's first view in a profile (bench/branch_page.py).
_WORDS: dict[tuple[str, str], dict[str, str]] = {}


def _words(which: str, build: Callable[[], dict[str, str]],
           locale: str | None = None) -> dict[str, str]:
    key = (locale or locale_code(), which)
    found = _WORDS.get(key)
    if found is None:
        found = _WORDS[key] = build()
    return found


def cadence_label(cadence: str, locale: str | None = None) -> str:
    """"monthly", "quarterly" or "yearly"."""
    return _words("cadence", lambda: {"month": gettext("monthly"),
                                      "quarter": gettext("quarterly"),
                                      "year": gettext("yearly")}, locale)[cadence]


def rule_label(finding: Finding, locale: str | None = None) -> str:
    """The rule a checklist line comes from, as a short tag."""
    return _words("rule", _rule_labels, locale)[finding.rule]


def _rule_labels() -> dict[str, str]:
    return {
        "meeting_missed": gettext("Meeting cadence"),
        "dues_unpaid": gettext("Party dues"),
        "probation_overdue": gettext("Probation"),
        "evaluation_missing": gettext("Democratic evaluation"),
        "excellent_share": gettext("Democratic evaluation"),
        "absent": gettext("Organisational life"),
        "minutes_missing": gettext("Minutes"),
        "talk_overdue": gettext("Recruitment"),
        "activist_undecided": gettext("Recruitment"),
        "notice_missing": gettext("Recruitment"),
        "approval_overdue": gettext("Recruitment"),
        "lost_contact": gettext("Standing of members"),
        "lost_contact_decide": gettext("Standing of members"),
        "abroad_expired": gettext("Standing of members"),
        "abroad_undated": gettext("Standing of members"),
    }


def describe(finding: Finding) -> str:
    """One checklist line for a finding."""
    p = finding.params
    if finding.rule == "meeting_missed":
        kind = label(p["kind"], locale_code())
        if "group" in p:
            return gettext("%(period)s: no %(kind)s held by %(group)s",
                           period=period_label(p["period"]), kind=kind, group=p["group"])
        return gettext("%(period)s: no %(kind)s held", period=period_label(p["period"]),
                       kind=kind)
    if finding.rule == "dues_unpaid" and p.get("consecutive", p["months"]) != p["months"]:
        return ngettext(
            "%(name)s: dues unpaid for %(num)d month in all, %(run)d of them up to now "
            "(%(limit)d in a row means leaving the party)",
            "%(name)s: dues unpaid for %(num)d months in all, %(run)d of them up to now "
            "(%(limit)d in a row means leaving the party)",
            p["months"], name=p["name"], run=p["consecutive"], limit=p["limit"])
    if finding.rule == "dues_unpaid":
        return ngettext(
            "%(name)s: dues unpaid for %(num)d month (%(limit)d means leaving the party)",
            "%(name)s: dues unpaid for %(num)d months (%(limit)d means leaving the party)",
            p["months"], name=p["name"], limit=p["limit"])
    if finding.rule == "probation_overdue":
        return gettext("%(name)s: probation ended %(date)s, not yet converted",
                       name=p["name"], date=p["ended"].isoformat())
    if finding.rule == "evaluation_missing":
        return ngettext("%(year)d democratic evaluation: %(num)d member not rated",
                        "%(year)d democratic evaluation: %(num)d members not rated",
                        p["count"], year=p["year"])
    if finding.rule == "absent":
        return ngettext(
            "%(name)s: absent from organisational life for %(num)d month",
            "%(name)s: absent from organisational life for %(num)d months",
            p["months"], name=p["name"])
    if finding.rule == "minutes_missing":
        return ngettext(
            "%(date)s %(kind)s: no minutes yet, %(num)d day after it was held",
            "%(date)s %(kind)s: no minutes yet, %(num)d days after it was held",
            p["days"], date=p["held_on"].isoformat(), kind=label(p["kind"], locale_code()))
    if finding.rule == "excellent_share":
        return gettext("%(year)d democratic evaluation: %(count)d of %(total)d rated excellent "
                       "(more than a third)", year=p["year"], count=p["count"],
                       total=p["total"])
    if finding.rule == "talk_overdue":
        return gettext("%(name)s: applied to join, no talk yet (due by %(date)s)",
                       name=p["name"], date=p["due"].isoformat())
    if finding.rule == "activist_undecided":
        return gettext("%(name)s: activist since %(date)s, more than a year, no decision on "
                       "becoming a 发展对象 yet", name=p["name"], date=p["since"].isoformat())
    if finding.rule == "notice_missing":
        return gettext("%(name)s: 预审 on %(date)s, no 公示 on record", name=p["name"],
                       date=p["prereviewed"].isoformat())
    if finding.rule == "approval_overdue":
        return gettext("%(name)s: 支部大会 on %(date)s, no approval by the 上级 after 3 "
                       "months", name=p["name"], date=p["meeting"].isoformat())
    if finding.rule == "lost_contact":
        return ngettext("%(name)s: lost contact for %(num)d month",
                        "%(name)s: lost contact for %(num)d months", p["months"],
                        name=p["name"])
    if finding.rule == "lost_contact_decide":
        return gettext("%(name)s: lost contact for %(limit)d months or more; the branch "
                       "should decide on 停止党籍 as the rules require", name=p["name"],
                       limit=p["limit"])
    if finding.rule == "abroad_undated":
        return gettext("%(name)s: 出国（境）暂留 since %(date)s has no approved end date on "
                       "record; add it", name=p["name"], date=p["since"].isoformat())
    if finding.rule == "abroad_expired":
        return gettext("%(name)s: 出国（境）暂留 ended on %(date)s; record 恢复 or 停止党籍",
                       name=p["name"], date=p["until"].isoformat())
    raise ValueError(f"unknown audit rule {finding.rule!r}")
