"""Every route of the console blueprints, and a URL for each about branch A (used by the
permission matrix and the CSRF test)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.routing import Rule

from accounts.access import AccessRule, access_rule
from console import CONSOLE_BLUEPRINTS
from tests.helpers.console import World

# How to fill each URL argument for a route about branch A. Add one here when a new
# screen takes a new kind of argument; create the record in branch A once per world, e.g.
#   "meeting_id": lambda w: w.once("meeting", lambda: str(make_meeting_in(w.a.code).id)),
# (``once`` runs the maker in an app context and commits nothing itself: commit in it).
URL_VALUES: dict[str, Callable[[World], str]] = {
    "code": lambda w: w.a.code,
    "number": lambda w: w.a.member_numbers[0],
    "username": lambda w: w.accounts["sec_a"],
    "job_id": lambda w: w.job_id,  # a print job of sec_a's (core/jobs.py)
    "kind": lambda w: "members",  # a blank import template
    "meeting_id": lambda w: str(w.a.meeting_id),
    "token": lambda w: w.a.member_token,
    "file_id": lambda w: w.once("file", lambda: str(make_meeting_photo(w.a.meeting_id))),
    "applicant_id": lambda w: str(w.a.applicant_id),  # an applicant of branch A (发展党员)
    "step": lambda w: "talk",  # the first step of 发展党员 (any step's form answers alike)
    "score_id": lambda w: w.once("score_id", lambda: _closed_score(w)),  # 三级考核
}


def make_meeting_photo(meeting_id: int) -> int:
    """A photo attached to the meeting (kept in the app's evidence store); its id."""
    import io

    from PIL import Image

    from core.blobs import evidence_store
    from core.changelog import Actor
    from core.db import db
    from profiles.meetings import operations as meeting_ops
    from profiles.meetings import reads as meetings_reads
    from profiles.meetings.evidence import EvidenceLimits, prepare

    body = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(body, "PNG")
    meeting = meetings_reads.meeting_by_id(meeting_id)
    assert meeting is not None
    limits = EvidenceLimits()
    row = meeting_ops.attach_file(Actor("tests", "matrix"), meeting, "合影.png",
                                  prepare("合影.png", body.getvalue(), limits),
                                  evidence_store(), limits)
    db.session.commit()
    return int(row.id)



def _closed_score(world: World) -> str:
    """A frozen score of branch A in a closed month (三级考核)."""
    from sqlalchemy import select

    from core.changelog import Actor
    from core.db import db
    from profiles.models import Branch, Score
    from profiles.scoring.compute import Scored
    from profiles.scoring.models import ScoreLevel
    from profiles.scoring.operations import close_month
    from profiles.scoring.rules import ScoreResult

    branch = db.session.scalar(select(Branch).where(Branch.code == world.a.code))
    assert branch is not None
    closed = close_month(Actor("test", "test"), branch.committee_id, 202605, 202611, [
        Scored(ScoreLevel.BRANCH, branch.id, branch.id, branch.name, ScoreResult(5000, ()))])
    score = db.session.scalar(select(Score.id).where(Score.score_month_id == closed.id))
    db.session.commit()
    return str(score)


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    access: AccessRule | None


def console_routes(app: Flask) -> list[Route]:
    """Every route of the console blueprints (logout last: it ends the session)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in CONSOLE_BLUEPRINTS:
            continue
        methods = tuple(m for m in ("GET", "POST") if m in (rule.methods or ()))
        view = app.view_functions[rule.endpoint]
        routes.append(Route(rule.endpoint, rule.rule, methods, access_rule(view)))
    return sorted(routes, key=lambda r: (r.endpoint == "accounts.logout", r.rule))


def build_url(rule: Rule | str, world: World) -> str:
    """The route's URL about branch A."""
    text = rule if isinstance(rule, str) else rule.rule
    url = text
    for part in text.split("<")[1:]:
        spec = part.split(">")[0]
        name = spec.split(":")[-1]
        if name not in URL_VALUES:
            pytest.fail(f"no sample value for URL argument <{name}> of {text}: add one to "
                        "URL_VALUES in tests/helpers/console_routes.py")
        url = url.replace(f"<{spec}>", URL_VALUES[name](world))
    return url
