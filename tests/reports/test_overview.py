"""The organisation home's gap counts are the branch checklists' own findings, read for
every branch in a fixed number of statements."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlalchemy import select

from core.db import db
from profiles.audit.checklist import run_audit, settings_from_config
from profiles.models import Branch
from profiles.queries import branch_page
from profiles.reports.overview import overview
from profiles.reports.reads import everything
from tests.helpers import factories
from tests.helpers.dates import TODAY
from tests.helpers.pages import count_statements


def test_every_demo_branch_has_the_gaps_its_own_checklist_lists(demo_app: Flask) -> None:
    with demo_app.app_context():
        settings = settings_from_config(demo_app.config)
        home = overview(everything, settings, TODAY)
        ids = list(db.session.scalars(select(Branch.id).order_by(Branch.code)))
        assert [g.branch.id for g in home.branches] == ids
        assert sum(g.total for g in home.branches) > 0  # the demo's deliberate gaps
        for gaps in home.branches:
            page = branch_page(gaps.branch.id, TODAY, settings.lookback_months)
            assert page is not None
            # The console checklist's lines: the self-audit's and the 发展党员 rules'.
            from console.checklist import branch_checklist

            with demo_app.test_request_context():
                lines = branch_checklist(gaps.branch.id)
            assert lines is not None
            findings = run_audit(page.audit, settings, TODAY)
            assert gaps.total == len(lines.lines)
            assert gaps.critical == sum(1 for line in lines.lines if line.critical)
            kinds = Counter(f.rule for f in findings)
            if len(lines.lines) > len(findings):
                kinds["recruitment"] = len(lines.lines) - len(findings)
            assert {k: v for k, v in gaps.by_kind.items() if v} == dict(kinds), gaps.branch.code
            assert gaps.branch.members == len(page.members)


def _statements(app: Flask) -> tuple[int, int, int]:
    """Statements of the home's figures, of a yearly report and of a month's scores."""
    from profiles.months import Period
    from profiles.reports.figures import build_report
    from profiles.scoring.compute import compute_month
    from profiles.scoring.rules import DEFAULT_RULES

    settings = settings_from_config(app.config)
    counts = []
    with app.app_context():
        for run in (lambda: overview(everything, settings, TODAY),
                    lambda: build_report(everything, Period(2026, 0, "year"), TODAY,
                                         settings, "o", "s"),
                    lambda: compute_month(everything, 202610, DEFAULT_RULES, settings, {})):
            with count_statements(app) as statements:
                run()
            counts.append(len(statements))
    return counts[0], counts[1], counts[2]


def test_home_reports_and_scores_run_the_same_statements_for_two_branches_or_twelve(
        app: Flask) -> None:
    with app.app_context():
        for _ in range(2):
            branch = factories.make_branch()
            factories.make_member(branch)
        db.session.commit()
    few = _statements(app)
    with app.app_context():
        for _ in range(10):
            branch = factories.make_branch()
            for _ in range(3):
                factories.make_member(branch)
            factories.make_meeting(branch)
        db.session.commit()
    assert _statements(app) == few
    # the home: 13 with the full members' dates (the 支委会 owed only from the seventh, issue 18)
    assert few[0] <= 13 and few[1] <= 16 and few[2] <= 10, few
