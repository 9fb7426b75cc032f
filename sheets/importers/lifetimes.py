"""The lifetimes of the branches and party groups a roster names (支部成立日期, 支部撤销日期,
党小组成立日期, 党小组撤销日期): planned from the rows, written with the import."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.db import db
from profiles import bulk
from profiles.models import Branch, PartyGroup
from sheets.importers.member_rows import MemberRow
from sheets.importers.orgs import OrgIndex

Lifetime = tuple[str, tuple[str, ...], str]  # table, (branch code[, group name]), field
LIFETIME_FIELDS = (("branch", "branch_founded_on", "founded_on"),
                   ("branch", "branch_dissolved_on", "dissolved_on"),
                   ("party_group", "group_founded_on", "founded_on"),
                   ("party_group", "group_dissolved_on", "dissolved_on"))


def plan_lifetimes(rows: list[MemberRow],
                   orgs: OrgIndex) -> dict[Lifetime, tuple[dt.date | None, dt.date]]:
    """Founding and dissolution dates the roster gives for its branches and groups; the
    same unit given two different dates is a problem at the second row."""
    groups = {gid: (code, name) for (code, name), gid in orgs.groups.items()}
    current: dict[Lifetime, dt.date | None] = {}
    for branch in orgs.by_code.values():
        for field in ("founded_on", "dissolved_on"):
            current[("branch", (branch.code,), field)] = getattr(branch, field)
    if groups:
        for gid, founded, dissolved in db.session.execute(select(
                PartyGroup.id, PartyGroup.founded_on, PartyGroup.dissolved_on)).all():
            if gid in groups:  # under a scope, only its branches' groups
                current[("party_group", groups[gid], "founded_on")] = founded
                current[("party_group", groups[gid], "dissolved_on")] = dissolved
    planned: dict[Lifetime, tuple[dt.date | None, dt.date]] = {}
    given: dict[Lifetime, tuple[dt.date, int]] = {}
    for row in rows:
        code = orgs.branch_code(row.branch_code, row.branch_name)
        for table, column, field in LIFETIME_FIELDS:
            if code is None or column not in row.dates or (table == "party_group"
                                                           and not row.group):
                continue
            day = row.dates[column]
            if day is None:
                continue
            key: Lifetime = (table, (code, row.group) if table == "party_group" and row.group
                             else (code,), field)
            if key in given and given[key][0] != day:
                row.cells.report(column, "Row %(other)s gives %(date)s for the same unit.",
                                 other=given[key][1], date=given[key][0].isoformat())
                continue
            given[key] = (day, row.cells.row)
            if current.get(key) != day:
                planned[key] = (current.get(key), day)
    return planned


def apply_lifetimes(planned: dict[Lifetime, tuple[dt.date | None, dt.date]],
                    orgs: OrgIndex) -> None:
    branches, groups = [], []
    for (table, key, field), (_, day) in planned.items():
        if table == "branch":
            branches.append({"id": orgs.by_code[key[0]].id, field: day})
        else:
            groups.append({"id": orgs.groups[(key[0], key[1])], field: day})
    bulk.bulk_update(Branch, branches)
    bulk.bulk_update(PartyGroup, groups)
