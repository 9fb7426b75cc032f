"""三级考核 in the console: the month's branch scores (ranked if the organisation says so),
one branch's breakdown with its party groups and members, closing a month (frozen), logged
adjustments of a closed month's scores, the rule table and the ranking settings.

Anyone signed in reads the scores of the branches they read; only an administrator
closes a month, corrects a score, changes the rules or the settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from accounts.access import Access, admin_required, branch_access, current_access, signed_in
from console import downloads
from console.blueprint import bp
from console.organisation import cached_overview
from console.record import actor
from core.cache import cache, page_settings_fingerprint
from core.changelog import newest_id
from core.clock import today
from core.db import db
from print.errors import PrintError
from profiles.audit.checklist import settings_from_config
from profiles.models import Branch, Committee, ScoreMonth
from profiles.months import Period, add_month, yyyymm
from profiles.reports.figures import Report, Table, period_label
from profiles.reports.overview import BranchInfo, branch_infos
from profiles.scoring import operations as scoring_ops
from profiles.scoring import reads as scoring_reads
from profiles.scoring.compute import Scored, compute_month
from profiles.scoring.models import ScoreLevel
from profiles.scoring.rules import DEFAULT_RULES, Line, RuleSpec
from profiles.writes import RuleViolation
from reports.tasks import FORMATS, render


@dataclass(frozen=True)
class ScoreRow:
    """One score as the screens show it."""

    level: ScoreLevel
    subject_id: int
    branch_id: int
    name: str
    total_centi: int
    adjusted_centi: int
    lines: tuple[Line, ...]
    score_id: int | None = None  # a frozen score (closed month) can be adjusted
    rank: int | None = None


def parse_month(text: str | None) -> int | None:
    """"2026-10" → 202610 (years 2000-2100), None for anything else."""
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    return year * 100 + month if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def month_text(month: int) -> str:
    return f"{month // 100}-{month % 100:02d}"


def _organisation() -> Committee:
    org = scoring_reads.organisation()
    if org is None:
        abort(404)
    return org


def _computed(access: Access, month: int, committee_id: int) -> list[Scored]:
    """The month computed from the record now (an open month), cached under the revision."""
    scope = "all" if access.reads_all else ",".join(map(str, sorted(access.branches)))
    key = (f"scores:{scope}:{month}:{newest_id()}:{today().isoformat()}:"
           f"{page_settings_fingerprint(current_app.config)}")
    found = cache.get(key)
    if isinstance(found, list):
        return found
    gaps = {g.branch.id: g for g in cached_overview(access).branches}
    scores = compute_month(access.readable, month, scoring_reads.rules_of(committee_id),
                           settings_from_config(current_app.config), gaps)
    cache.set(key, scores)
    return scores


def month_rows(access: Access, month: int, committee_id: int,
               branch_id: int | None = None) -> tuple[list[ScoreRow], bool]:
    """The month's scores (frozen if it is closed), and whether it is closed."""
    closed = scoring_reads.closed_month(committee_id, month)
    if closed is not None:
        return [ScoreRow(s.level, s.subject_id, s.branch_id, s.name, s.total_centi,
                         s.adjusted_centi, s.lines, s.id)
                for s in scoring_reads.stored_scores(closed.id, access.readable, branch_id)
                ], True
    return [ScoreRow(s.level, s.subject_id, s.branch_id, s.name, s.result.total_centi, 0,
                     s.result.lines)
            for s in _computed(access, month, committee_id)
            if branch_id is None or s.branch_id == branch_id], False


def ranked(rows: Sequence[ScoreRow], rankings: bool) -> list[ScoreRow]:
    """Highest first with ranks (equal totals share one) when rankings are on; otherwise
    in the order given, without ranks."""
    if not rankings:
        return list(rows)
    out: list[ScoreRow] = []
    for row in sorted(rows, key=lambda r: -r.total_centi):
        rank = out[-1].rank if out and out[-1].total_centi == row.total_centi else len(out) + 1
        out.append(ScoreRow(**{**row.__dict__, "rank": rank}))
    return out


def _month_arg() -> int:
    month = parse_month(request.args.get("month"))
    return month if month is not None else add_month(yyyymm(today()), -1)


@bp.get("/scores")
@signed_in
def scores() -> str:
    """The month's branch scores."""
    access = current_access()
    org = _organisation()
    month = _month_arg()
    rows, closed = month_rows(access, month, org.id)
    infos = {i.id: i for i in branch_infos(access.readable)}
    branch_rows = [r for r in rows if r.level is ScoreLevel.BRANCH and r.branch_id in infos]
    branch_rows.sort(key=lambda r: infos[r.branch_id].code)
    return render_template(
        "console/scores.html", month=month, month_text=month_text(month), closed=closed,
        rows=ranked(branch_rows, org.rankings_enabled), infos=infos, org=org,
        can_close=access.admin and not closed and month < yyyymm(today()),
        previous=month_text(add_month(month, -1)), next=month_text(add_month(month, 1)),
        closed_months=[month_text(m) for m in scoring_reads.closed_months(org.id)][:12])


@bp.get("/scores/branches/<code>")
@branch_access()
def branch_scores(branch: Branch) -> str:
    """One branch's score item by item, its party groups' and its members'."""
    access = current_access()
    org = _organisation()
    month = _month_arg()
    rows, closed = month_rows(access, month, org.id, branch.id)
    adjustments = []
    if closed:
        closed_row = scoring_reads.closed_month(org.id, month)
        assert closed_row is not None
        adjustments = list(scoring_reads.adjustments(closed_row.id, access.readable,
                                                     branch.id))
    by_level = {level: [r for r in rows if r.level is level] for level in ScoreLevel}
    return render_template(
        "console/score_branch.html", branch=branch, month=month, month_text=month_text(month),
        closed=closed, branch_score=next(iter(by_level[ScoreLevel.BRANCH]), None),
        groups=ranked(by_level[ScoreLevel.GROUP], org.rankings_enabled),
        members=ranked(sorted(by_level[ScoreLevel.MEMBER], key=lambda r: r.name),
                       org.rankings_enabled),
        adjustments=adjustments, names={r.score_id: r.name for r in rows},
        can_adjust=access.admin and closed)


LEVEL_TITLES = {ScoreLevel.BRANCH: "支部考核得分", ScoreLevel.GROUP: "党小组考核得分",
                ScoreLevel.MEMBER: "党员考核得分"}


def score_tables(rows: Sequence[ScoreRow], infos: dict[int, BranchInfo],
                 rules: Sequence[RuleSpec], rankings: bool) -> list[Table]:
    """One table per level: branch, name, each item's points, adjustments, total, and the
    rank only when the organisation shows rankings."""
    tables = []
    for level, title in LEVEL_TITLES.items():
        items = [r for r in rules if r.level is level and r.active]
        mine = ranked([r for r in rows if r.level is level and r.branch_id in infos],
                      rankings)
        if not rankings:
            mine.sort(key=lambda r: (infos[r.branch_id].code, r.name))
        columns = ("支部编号", "支部名称", *(() if level is ScoreLevel.BRANCH else ("名称",)),
                   *(f"{r.name}（{r.weight}分）" for r in items), "调整", "得分",
                   *(("名次",) if rankings else ()))
        lines = []
        for row in mine:
            info = infos[row.branch_id]
            points = {line.item: line.points_centi for line in row.lines}
            lines.append((info.code, info.name,
                          *(() if level is ScoreLevel.BRANCH else (row.name,)),
                          *(f"{points.get(r.item, 0) / 100:.2f}" for r in items),
                          f"{row.adjusted_centi / 100:+.2f}" if row.adjusted_centi else "",
                          f"{row.total_centi / 100:.2f}", *((row.rank,) if rankings else ())))
        tables.append(Table(level.value, title, columns, lines))
    return tables


@bp.get("/scores/file")
@signed_in
def scores_file() -> ResponseReturnValue:
    """The month's 三级考核 as a report (.xlsx or PDF): every level, item by item."""
    access = current_access()
    org = _organisation()
    month = parse_month(request.args.get("month"))
    fmt = request.args.get("format", "xlsx")
    if month is None or fmt not in FORMATS:
        abort(400)
    rows, closed = month_rows(access, month, org.id)
    infos = {i.id: i for i in branch_infos(access.readable)}
    period = Period(month // 100, month % 100, "month")
    state = "已结账" if closed else "未结账，按现有记录计算"
    report = Report(f"{org.name}三级考核（{period_label(period)}，{state}）", org.name,
                    org.name if access.reads_all else _("My branches"), period, today(),
                    score_tables(rows, infos, scoring_reads.rules_of(org.id),
                                 org.rankings_enabled))
    try:
        data = render(report, fmt)
    except PrintError as exc:
        return render_template("console/error.html", status=503, message=str(exc)), 503
    name = f"三级考核-{month_text(month)}.{fmt}"
    return downloads.pdf(data, name) if fmt == "pdf" else downloads.xlsx(data, name)


@bp.post("/scores/close")
@admin_required
def close_scores() -> ResponseReturnValue:
    """Freeze a month: its scores are stored as they are computed now."""
    org = _organisation()
    month = parse_month(request.form.get("month"))
    if month is None:
        abort(400)
    access = current_access()
    try:
        scoring_ops.close_month(actor(), org.id, month, yyyymm(today()),
                                _computed(access, month, org.id))
        db.session.commit()
        flash(_("%(month)s is closed: its scores are kept as they are now.",
                month=month_text(month)))
    except RuleViolation as exc:
        db.session.rollback()
        flash(str(exc))
    return redirect(url_for("console.scores", month=month_text(month)))


@bp.post("/scores/<score_id>/adjust")
@admin_required
def adjust_score(score_id: str) -> ResponseReturnValue:
    """Correct a frozen score, with the reason; logged and shown with the score."""
    found = scoring_reads.score_by_id(int(score_id)) if score_id.isdigit() \
        and len(score_id) < 10 else None
    if found is None:
        abort(404)
    score, _committee = found
    branch = db.session.get(Branch, score.branch_id)
    assert branch is not None
    closed = db.session.get(ScoreMonth, score.score_month_id)
    month = closed.month if closed is not None else yyyymm(today())
    try:
        points = float(request.form.get("points", "").replace("＋", "+").strip())
    except ValueError:
        points = None
    try:
        scoring_ops.adjust_score(actor(), score, points=points,
                                 reason=request.form.get("reason", ""))
        db.session.commit()
        flash(_("The score is corrected; the correction and its reason are shown with it."))
    except RuleViolation as exc:
        db.session.rollback()
        flash(str(exc))
    return redirect(url_for("console.branch_scores", code=branch.code,
                            month=month_text(month)))


@bp.get("/scores/rules")
@signed_in
def score_rules() -> str:
    """The rule table (an administrator changes it here)."""
    org = _organisation()
    return render_template("console/score_rules.html", rules=scoring_reads.rules_of(org.id),
                           defaults={(r.level, r.item): r for r in DEFAULT_RULES}, org=org,
                           levels=list(ScoreLevel))


@bp.post("/scores/rules")
@admin_required
def save_score_rules() -> ResponseReturnValue:
    """Save the rule table: weights, targets, names, on or off. Closed months keep theirs."""
    org = _organisation()
    errors = []
    for spec in DEFAULT_RULES:
        prefix = f"{spec.level.value}-{spec.item}"
        weight = _int(request.form.get(f"{prefix}-weight"))
        target_text = request.form.get(f"{prefix}-target", "").strip()
        target = _int(target_text) if target_text else None
        if target_text and target is None:
            target = -1  # refused with the target's message
        try:
            scoring_ops.set_rule(actor(), org.id, level=spec.level, item=spec.item,
                                 name=request.form.get(f"{prefix}-name", spec.name),
                                 weight=weight, target=target,
                                 active=request.form.get(f"{prefix}-active") == "on")
        except RuleViolation as exc:
            errors.append(f"{spec.name}：{exc}")
    if errors:
        db.session.rollback()
        for e in errors:
            flash(e)
    else:
        db.session.commit()
        flash(_("The rule table is saved. Closed months keep the scores they were given."))
    return redirect(url_for("console.score_rules"))


@bp.post("/scores/settings")
@admin_required
def save_score_settings() -> ResponseReturnValue:
    """Rankings on or off (pages, console, reports); the member's own score on their page."""
    org = _organisation()
    scoring_ops.set_score_settings(
        actor(), org, rankings_enabled=request.form.get("rankings") == "on",
        member_scores_visible=request.form.get("member_scores") == "on")
    db.session.commit()
    flash(_("The settings are saved."))
    return redirect(url_for("console.score_rules"))


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text.lstrip("-").isdigit() or len(text) > 5:
        return None
    return int(text)
