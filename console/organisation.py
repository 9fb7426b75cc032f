"""The organisation home: every branch the account reads, grouped by 党总支, with its open
gaps by kind and severity, sortable and filterable by query parameters (no script), and
the organisation's trend month by month. The console's home (``console.home``) shows it
to anyone who reads more than one branch: administrators, supervisors, and a secretary of
several branches (over theirs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext

from accounts.access import Access, current_access, signed_in
from console.blueprint import bp
from core.cache import cache, page_settings_fingerprint
from core.changelog import newest_id
from core.clock import today
from core.money import format_yuan
from profiles.audit.checklist import settings_from_config
from profiles.collation import name_key
from profiles.reports import reads as report_reads
from profiles.reports.overview import GAP_KINDS, BranchGaps, Overview, overview


def _(text: str) -> str:
    return str(gettext(text))


SORTS = ("gaps", "critical", "code", "name", "members", *GAP_KINDS)


def kind_label(kind: str) -> str:
    """A kind of gap, as a column heading."""
    return str({
        "meeting_missed": _("Meetings missed"),
        "dues_unpaid": _("Dues unpaid"),
        "probation_overdue": _("Probation overdue"),
        "evaluation_missing": _("Evaluation not done"),
        "excellent_share": _("Too many excellent"),
        "absent": _("Absent from meetings"),
        "minutes_missing": _("Minutes missing"),
        "recruitment": _("Party recruitment"),
    }[kind])


def sort_label(sort: str) -> str:
    """A sort order's name in the sort menu."""
    if sort in GAP_KINDS:
        return kind_label(sort)
    return str({"gaps": _("Gaps"), "critical": _("Serious gaps"), "code": _("Code"),
                "name": _("Name"), "members": _("Members")}[sort])


@dataclass(frozen=True)
class Query:
    """The home's sorting and filters, from the query string (unknown values ignored)."""

    sort: str = "gaps"
    descending: bool = True
    general_branch: int | None = None
    kind: str | None = None
    critical_only: bool = False
    text: str = ""

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this view with ``changes`` (the sort links)."""
        out: dict[str, Any] = {"sort": self.sort, "order": "desc" if self.descending else "asc",
                               "gb": self.general_branch, "kind": self.kind,
                               "severity": "critical" if self.critical_only else None,
                               "q": self.text or None}
        out.update(changes)
        return {k: v for k, v in out.items() if v is not None}


def parse_query(args: Any, general_branch_ids: Sequence[int]) -> Query:
    sort = args.get("sort", "gaps")
    if sort not in SORTS:
        sort = "gaps"
    order = args.get("order")
    descending = order != "asc" if order in ("asc", "desc") else sort not in ("code", "name")
    gb_text = args.get("gb", "")
    general_branch = int(gb_text) if gb_text.isdigit() and int(gb_text) in general_branch_ids \
        else None
    kind = args.get("kind")
    return Query(sort, descending, general_branch, kind if kind in GAP_KINDS else None,
                 args.get("severity") == "critical", args.get("q", "").strip()[:60])


def sort_key(query: Query) -> Any:
    def key(row: BranchGaps) -> Any:
        if query.sort == "code":
            return row.branch.code
        if query.sort == "name":
            return name_key(row.branch.name)
        if query.sort == "members":
            return row.branch.members
        if query.sort == "critical":
            return (row.critical, row.total)
        if query.sort in GAP_KINDS:
            return row.by_kind.get(query.sort, 0)
        return (row.total, row.critical)
    return key


def select_rows(rows: Sequence[BranchGaps], query: Query) -> list[BranchGaps]:
    """The rows the filters keep, in the chosen order (ties by code)."""
    kept = [r for r in rows
            if (query.general_branch is None or r.branch.general_branch_id == query.general_branch)
            and (query.kind is None or r.by_kind.get(query.kind, 0) > 0)
            and (not query.critical_only or r.critical > 0)
            and (not query.text or query.text in r.branch.name or query.text in r.branch.code)]
    kept.sort(key=lambda r: r.branch.code)
    kept.sort(key=sort_key(query), reverse=query.descending)
    return kept


def grouped(rows: Sequence[BranchGaps]) -> list[tuple[str | None, list[BranchGaps]]]:
    """The rows by 党总支 (branches directly under the committee last), each in order."""
    groups: dict[int | None, tuple[str | None, list[BranchGaps]]] = {}
    for r in rows:
        groups.setdefault(r.branch.general_branch_id, (r.branch.general_branch, []))[1].append(r)
    return sorted(groups.values(), key=lambda g: (g[0] is None, name_key(g[0] or "")))


def cached_overview(access: Access) -> Overview:
    """The figures of :func:`overview`, kept in the page cache under the data revision
    (the newest change-log id: every write moves it), the day, the audit settings and the
    branches the account reads: a repeat view costs one statement, a write shows at once."""
    settings = settings_from_config(current_app.config)
    day = today()
    scope = "all" if access.reads_all else ",".join(map(str, sorted(access.branches)))
    key = (f"org-overview:{scope}:{newest_id()}:{day.isoformat()}:"
           f"{page_settings_fingerprint(current_app.config)}")
    data = cache.get(key)
    if not isinstance(data, Overview):
        data = overview(access.readable, settings, day)
        cache.set(key, data)
    return data


@bp.get("/organisation")
@signed_in
def organisation() -> str:
    """The organisation view over the branches the account reads (a secretary of several
    branches reaches it from their home; administrators and supervisors have it as home)."""
    return organisation_home("console.organisation")


def organisation_home(endpoint: str = "console.home") -> str:
    """The organisation home page (``console.home`` calls it for administrators and
    supervisors); its forms and sort links lead back to ``endpoint``."""
    access = current_access()
    general = report_reads.general_branches(access.readable)
    query = parse_query(request.args, [g[0] for g in general])
    data = cached_overview(access)
    rows = select_rows(data.branches, query)
    totals = {kind: sum(r.by_kind.get(kind, 0) for r in data.branches) for kind in GAP_KINDS}
    return render_template(
        "console/organisation.html", query=query, general=general, groups=grouped(rows),
        shown=len(rows), total=len(data.branches), kinds=GAP_KINDS, totals=totals,
        critical=sum(r.critical for r in data.branches),
        warning=sum(r.warning for r in data.branches), trend=data.trend, sorts=SORTS,
        kind_label=kind_label, sort_label=sort_label, yuan=format_yuan, here=endpoint)
