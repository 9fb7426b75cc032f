"""Fixtures of the domain's tests: a committed organisation to write to."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import db
from tests.helpers import factories


@pytest.fixture
def org(ctx: None) -> dict[str, Any]:
    """A committed branch (two groups) with two members, and a second branch."""
    branch = factories.make_branch("ZB01", "第一党支部")
    other = factories.make_branch("ZB02", "第二党支部")
    groups = sorted(branch.groups, key=lambda g: g.name)
    members = [factories.make_member(branch, name="李娜", group_id=groups[0].id),
               factories.make_member(branch, name="王芳")]
    stranger = factories.make_member(other, name="张伟")
    db.session.commit()
    return {"branch": branch, "other": other, "groups": groups, "members": members,
            "stranger": stranger}
