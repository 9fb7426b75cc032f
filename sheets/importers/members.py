"""Member import: parse and check every row, plan inserts and updates, apply in one transaction.

Rows are matched to members by 党员编号; a row without one is matched by name + branch +
入党日期, and a new member from such a row gets the next free number ``DY`` + six digits.
Only the columns present in the file are compared and written; an empty cell in a
present column clears an optional field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from core.changelog import Actor, Change
from core.db import db
from core.problems import Problem, problem
from profiles import bulk
from profiles.enums import ENDED
from profiles.members import history as membership_history
from profiles.members import operations as member_ops
from profiles.members.membership import END_OF_STATUS
from profiles.models import (
    Branch,
    Member,
    Membership,
    MembershipEnd,
    MembershipStart,
    PartyGroup,
    start_of,
)
from sheets.importers import arrivals, given, inference, standings
from sheets.importers.consequences import foresee
from sheets.importers.lifetimes import apply_lifetimes, plan_lifetimes
from sheets.importers.member_rows import ATTRIBUTES, DEFAULTS, MemberRow, parse_member_row
from sheets.importers.orgs import OrgIndex
from sheets.importers.transaction import commit_import, import_transaction
from sheets.reading.rows import read_rows
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome
from sheets.report.refusal import SheetRefused

GENERATED = re.compile(r"^DY(\d+)$")


def import_members(path: SheetFile, *, dry_run: bool = False, create_branches: bool = False,
                   actor: str = "unknown", today: dt.date | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   committee: str | None = None, branch: str | None = None,
                   scope: frozenset[str] | None = None,
                   as_of: dt.date | None = None) -> Outcome:
    """Import a member roster; raises SheetRefused (nothing written) if any row is wrong.

    ``committee`` names the committee of new branches when the file has no committee
    column (a first import into an empty database); ``branch`` (a code) is the branch a
    roster without a branch column is about. A new member without 人员类别 is given the
    one the dates imply (``inference``). ``scope``: the codes of the branches the
    importing account writes (None: all). Under a scope a row may only name those
    branches and their groups, and only match or take members, member numbers and ID
    numbers of them; no branch is created. What lies outside is refused with messages
    that name nothing of it, the same whether it exists or not. ``as_of``: the day the
    roster was true; the arrivals and moves it implies without a date of their own are
    dated by it (``arrivals``)."""
    day = today or dt.date.today()
    dating = arrivals.Dating(arrivals.check_as_of(as_of, day), day)
    intake = read_rows(path, "members", supplied=given.checked(branch=branch, today=day))
    problems = intake.problems
    rows = []
    planned_standings: list[standings.Planned] = []  # statuses the operations write
    for cells in intake.rows:
        row = parse_member_row(cells, day)
        row.committee = row.committee or committee or ""
        rows.append(row)
        if (planned := standings.take(row)) is not None:
            planned_standings.append(planned)
        if progress and len(rows) % 500 == 0:
            progress(len(rows), len(intake.rows))
    if not rows and not problems:
        raise SheetRefused([problem(None, "The sheet has a header but no data rows.")
                            .at(row=intake.header.row)])
    with import_transaction(dry_run):
        orgs = OrgIndex.load()
        existing = [dict(r) for r in db.session.execute(select(Member.__table__)).mappings()]
        if scope is not None:
            existing = _within(existing, orgs, scope)
        outcome = Outcome("members", path.name, len(rows), dry_run=dry_run)
        outcome.notes = intake.notes
        moves: dict[str, dt.date] = {}  # member number -> effective date of a move
        first: dict[str, arrivals.Arrival] = {}  # new member's number -> first range's start
        inserts, updates = _plan(rows, orgs, existing, create_branches, problems, outcome, day)
        _plan_moves(outcome, rows, existing, dating, moves, first, orgs)
        outcome.notes += dating.notes()
        outcome.dating = dating
        outcome.notes += standings.plan(planned_standings, existing, outcome.changes, day)
        lifetimes = plan_lifetimes(rows, orgs)
        if problems:
            raise SheetRefused(sorted(problems, key=lambda p: (p.sheet_no, p.row or 0,
                                                               p.column or 0)))
        outcome.side_changes = orgs.planned_changes() + [
            Change("update", table, " ".join(key), key[-1], 0, {field: (old, new)})
            for (table, key, field), (old, new) in lifetimes.items()]

        def write() -> None:
            orgs.create_planned()
            _apply(inserts, updates, orgs)
            apply_lifetimes(lifetimes, orgs)
            _record_moves(moves, first, actor, f"import members {path.name}")
            standings.apply(planned_standings, Actor(actor, f"import members {path.name}"), day)

        if not dry_run and (outcome.changes or outcome.side_changes):
            commit_import(write, outcome.side_changes + outcome.changes, actor,
                          f"import members {path.name}")
        elif dry_run:  # the checklist lines it would add and close, if asked for
            foresee(write, outcome.side_changes + outcome.changes)
    return outcome


def _within(existing: list[dict[str, Any]], orgs: OrgIndex,
            scope: frozenset[str]) -> list[dict[str, Any]]:
    """Restrict the index to the scope's branches; the members inside it. The numbers and
    ID numbers of the others are kept only as taken."""
    ids = {b.id for code, b in orgs.by_code.items() if code in scope}
    orgs.restrict(scope)
    inside = []
    for member in existing:
        if member["branch_id"] in ids:
            inside.append(member)
            continue
        orgs.outside_numbers.add(member["number"])
        if member["id_number"]:
            orgs.outside_id_numbers.add(member["id_number"])
    return inside


# A file bringing more ID numbers new to the account's members than this: a collision
# with another branch's record is not pinned to its row (a file of candidate ID numbers
# would otherwise confirm the one that exists).
MAX_NAMED_OUTSIDE_IDS = 3


def _plan(rows: list[MemberRow], orgs: OrgIndex, existing: list[dict[str, Any]],
          create_branches: bool, problems: list[Problem], outcome: Outcome,
          today: dt.date) -> tuple[list[MemberRow], list[tuple[dict[str, Any], MemberRow]]]:
    by_number = {m["number"]: m for m in existing}
    branch_codes = {b.id: code for code, b in orgs.by_code.items()}
    group_names = {gid: name for (_, name), gid in orgs.groups.items()}
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {
        (m["name"], branch_codes[m["branch_id"]], m["joined_on"]): m for m in existing}
    by_id_number = {m["id_number"]: m for m in existing if m["id_number"]}
    next_number = 1 + max((int(g.group(1)) for n in (*by_number, *orgs.outside_numbers)
                           if (g := GENERATED.match(n))), default=0)
    outside_ids: list[MemberRow] = []
    seen: dict[Any, int] = {}
    bad_rows = {p.row for p in problems}  # rows whose cells did not parse: not planned
    inserts: list[MemberRow] = []
    updates: list[tuple[dict[str, Any], MemberRow]] = []
    taken: list[tuple[MemberRow, dict[str, Any]]] = []
    new_id_numbers: dict[int, str | None] = {}  # member id -> 身份证号 the file gives
    inferred = inference.Inferences()
    for row in rows:
        before = len(problems)
        code = _resolve_branch(row, orgs, create_branches)
        number = row.values.get("number") or ""
        key = (row.values["name"], code, row.values.get("joined_on"))
        if not _first_in_file(row, number, key, seen):
            continue
        id_number = row.values.get("id_number")
        if id_number and ("id", id_number) in seen:
            row.cells.report("id_number", "The same ID number is in row %(other)s.",
                             other=seen[("id", id_number)])
        elif id_number:
            seen[("id", id_number)] = row.cells.row
        if code is not None:
            _resolve_group(row, code, orgs, create_branches)
        if code is None or row.cells.row in bad_rows or len(problems) > before:
            continue
        if number and number in orgs.outside_numbers:
            row.cells.report("number", "党员编号 %(value)s is used by another record of the "
                             "organisation; check it, or leave the cell empty to give a new "
                             "number.", value=number)
            continue
        if id_number and id_number in orgs.outside_id_numbers:
            outside_ids.append(row)
            continue
        current = by_number.get(number) if number else by_key.get(key)
        holder = by_id_number.get(id_number) if id_number else None
        if holder is not None and holder is not current:
            taken.append((row, holder))  # fine if the file gives the holder another number
        if current is not None and "id_number" in row.values:
            new_id_numbers[current["id"]] = row.values["id_number"]
        if current is None:
            inference.infer_category(row.values, row.cells, today, inferred)
            if not number:
                row.values["number"] = number = f"DY{next_number:06d}"
                next_number += 1
            inserts.append(row)
            outcome.changes.append(Change("insert", "member", number, row.values["name"],
                                          row.cells.row, _new_fields(row, orgs, code)))
            continue
        changed = _changed_fields(current, row, code, orgs, branch_codes, group_names)
        if changed:
            updates.append((current, row))
            outcome.changes.append(Change("update", "member", current["number"],
                                          row.values["name"], row.cells.row, changed))
        else:
            outcome.unchanged += 1
    fresh = {r.values.get("id_number") for r in rows} - set(by_id_number) - {None, ""}
    _report_outside_ids(outside_ids, len(fresh), problems)
    for row, holder in taken:
        if new_id_numbers.get(holder["id"], holder["id_number"]) == holder["id_number"]:
            row.cells.report("id_number", "This ID number belongs to member %(number)s "
                             "(%(name)s) already.", number=holder["number"], name=holder["name"])
    outcome.notes += inference.category_notes(inferred)
    outcome.created = (sorted(orgs.new_committees)
                       + [f"{b.code} {b.name}" for b in orgs.new_branches.values()]
                       + [f"{orgs.branch_name(c)} {g}" for c, g in sorted(orgs.new_groups)])
    return inserts, updates


def _report_outside_ids(rows: list[MemberRow], fresh: int, problems: list[Problem]) -> None:
    """ID numbers that other records of the organisation hold. The rows are named only
    when the file brings few ID numbers new to the account's members (a correction, a
    new member or two); a file of many new ones gets one problem for the whole file, so
    a file of candidates does not say which one exists (docs/security.md)."""
    if not rows:
        return
    if fresh <= MAX_NAMED_OUTSIDE_IDS:
        for row in rows:
            row.cells.report("id_number", "This ID number is used by another record of the "
                             "organisation; please check it.")
        return
    problems.append(problem(None, "%(num)s ID numbers in this file are used by other records "
                            "of the organisation. Check the 身份证号 column against your "
                            "members' records, or ask an administrator.", num=len(rows)))
    from flask import current_app

    current_app.logger.warning("member import: %d ID numbers of other branches' records in "
                               "one file", len(rows))


class ImportDate(str):
    """A move's date taken from the import's own date: the change log keeps the ISO date,
    the report (where a language is chosen) says where it came from."""

    def __str__(self) -> str:
        return str(gettext("%(date)s (the import date)", date=str.__str__(self)))


def _plan_moves(outcome: Outcome, rows: list[MemberRow], existing: list[dict[str, Any]],
                dating: arrivals.Dating, moves: dict[str, dt.date],
                first: dict[str, arrivals.Arrival], orgs: OrgIndex) -> None:
    """Date every change of branch, group or 已转出 the roster makes (转入日期/调动日期,
    else the as-of date, else the import date, said in the report), and every new member's
    arrival (``arrivals.Dating.arrival``). Checked against the history: a move may not
    predate the member's last recorded one."""
    by_row = {row.cells.row: row for row in rows}
    ids = {m["number"]: m["id"] for m in existing}
    recorded = arrivals.recorded_branches() | {m["branch_id"] for m in existing}
    spans = membership_history.histories()
    for change in outcome.changes:
        row = by_row.get(change.row)
        if row is None:
            continue
        moved_on = row.dates.get("moved_on")
        if moved_on is not None and moved_on > dating.today:
            row.cells.report("moved_on", "转入日期 %(date)s is in the future; give the day "
                             "the member came, or leave the cell empty.",
                             date=moved_on.isoformat())
            continue
        if change.action == "insert":
            _plan_arrival(change, row, dating, moves, first, orgs, recorded)
            continue
        status = change.fields.get("status", (None, None))
        if not ({"branch", "group"} & change.fields.keys()
                or any(s in ENDED for s in status)):
            continue
        history = spans.get(ids.get(change.key, 0), [])
        latest = max((s.until or s.since for s in history), default=None)
        on = moved_on or dating.as_of or dating.today
        if latest is not None and on < latest:
            row.cells.report("moved_on" if moved_on else "branch",
                             "%(name)s's membership record already runs to %(date)s; give a "
                             "转入日期 or 调动日期 on or after it.", name=change.label,
                             date=latest.isoformat())
            continue
        on, source = dating.move_day(moved_on, change.label)
        moves[change.key] = on
        change.fields["moved_on"] = (None, on if source is None
                                     else arrivals.AsOfDate(on.isoformat())
                                     if source == arrivals.AS_OF
                                     else ImportDate(on.isoformat()))


def _plan_arrival(change: Change, row: MemberRow, dating: arrivals.Dating,
                  moves: dict[str, dt.date], first: dict[str, arrivals.Arrival],
                  orgs: OrgIndex, recorded: set[int]) -> None:
    """A new member's first day here. One listed as already 已转出 keeps the old way (a
    range ending on the 转出 date)."""
    moved_on = row.dates.get("moved_on")
    joined_on = row.values.get("joined_on")
    if row.ends:
        return  # from where the branch's record begins up to the end the row gives
    if row.values.get("status") in ENDED:
        if moved_on is not None:
            moves[change.key] = moved_on
            change.fields["moved_on"] = (None, moved_on)
        return
    if joined_on is None:
        return
    code = orgs.branch_code(row.branch_code, row.branch_name)
    branch = orgs.by_code.get(code) if code else None
    first_roster = branch is None or branch.id not in recorded
    arrival = dating.arrival(joined_on, moved_on, first_roster, change.label)
    if arrival is None:
        return  # from the branch's record start, as open_missing_memberships decides
    first[change.key] = arrival
    change.fields["moved_on"] = (None, arrival.since)


def _record_moves(moves: dict[str, dt.date], first: dict[str, arrivals.Arrival], actor: str,
                  source: str) -> None:
    """Close and open the membership ranges for the moves the import planned, and open the
    first range of each new member it dated."""
    db.session.flush()
    numbers = list(moves) + list(first)
    members = {m.number: m for m in db.session.scalars(
        select(Member).where(Member.number.in_(numbers)))} if numbers else {}
    known = membership_history.histories([m.id for m in members.values()])
    who = Actor(actor, source)
    first_ranges: list[dict[str, Any]] = [{
        "member_id": members[number].id, "branch_id": members[number].branch_id,
        "group_id": members[number].group_id, "since": arrival.since, "until": None,
        "start_reason": arrival.reason, "end_reason": None}
        for number, arrival in first.items() if members[number].id not in known]
    for number, on in moves.items():
        member = members[number]
        if member.id not in known:
            # New and listed as ended (已转出, 去世 …): the range ends on that day.
            since = start_of(member.joined_on, None)[0]
            first_ranges.append({
                "member_id": member.id, "branch_id": member.branch_id,
                "group_id": member.group_id, "since": since,
                "until": max(on, since + dt.timedelta(days=1)),
                "start_reason": MembershipStart.RECORDED,
                "end_reason": END_OF_STATUS.get(member.status,
                                                MembershipEnd.TRANSFERRED_OUT)})
            continue
        if member.status in ENDED:
            member_ops.move_membership(who, member, branch=None, group=None, on=on)
            continue
        member_ops.move_membership(who, member, branch=db.session.get(Branch, member.branch_id),
                                   group=db.session.get(PartyGroup, member.group_id)
                                   if member.group_id else None, on=on)
    bulk.bulk_insert(Membership, first_ranges)
    db.session.flush()
    member_ops.open_missing_memberships()  # a branch's first roster: from its record start


def _first_in_file(row: MemberRow, number: str, key: tuple[Any, ...],
                   seen: dict[Any, int]) -> bool:
    """Whether this row's member has not appeared in an earlier row of the file."""
    if number:
        if ("number", number) in seen:
            row.cells.report("number", "党员编号 %(value)s is also in row %(other)s.",
                             value=number, other=seen[("number", number)])
            return False
        seen[("number", number)] = row.cells.row
        return True
    if key in seen:
        row.cells.report("name", "%(name)s with the same branch and 入党日期 is also in "
                         "row %(other)s.", name=row.values["name"], other=seen[key])
        return False
    seen[key] = row.cells.row
    return True


def _resolve_branch(row: MemberRow, orgs: OrgIndex, create: bool) -> str | None:
    if not row.branch_name:
        return None
    code = orgs.branch_code(row.branch_code, row.branch_name)
    if code is not None:
        if orgs.branch_name(code) != row.branch_name:
            row.cells.report("branch", "Branch %(code)s is called %(name)s, not %(value)s; "
                             "correct one of the two cells.", code=code,
                             name=orgs.branch_name(code), value=row.branch_name)
            return None
        return code
    if orgs.scope is not None:  # never created, never told whether it exists
        row.cells.report("branch", "'%(value)s' is not one of the branches your account "
                         "keeps (%(yours)s). Import only rows of your own branches.",
                         value=row.branch_code or row.branch_name,
                         yours="、".join(sorted(b.name for b in orgs.by_code.values())) or "—")
        return None
    if not row.branch_code and orgs.ambiguous(row.branch_name):
        row.cells.report("branch", "Several branches are called '%(value)s'; add a 支部编号 "
                         "column to say which.", value=row.branch_name)
        return None
    if not create:
        row.cells.report("branch", "Branch '%(value)s' does not exist. Check the name, or "
                         "import with --create-branches to create it.", value=row.branch_name)
        return None
    committee = row.committee or (next(iter(orgs.committees)) if len(orgs.committees) == 1
                                  else "")
    if not committee:
        row.cells.report("branch", "Cannot tell which committee the new branch '%(value)s' "
                         "belongs to; add a 上级党组织 column.", value=row.branch_name)
        return None
    return orgs.plan_branch(row.branch_code, row.branch_name, committee)


def _resolve_group(row: MemberRow, code: str, orgs: OrgIndex, create: bool) -> None:
    if not row.group or (code, row.group) in orgs.groups or (code, row.group) in orgs.new_groups:
        return
    if create:
        orgs.new_groups.add((code, row.group))
    else:
        row.cells.report("group", "Branch %(branch)s has no party group '%(value)s' (its groups: "
                         "%(groups)s). Check the name, or import with --create-branches to "
                         "create it.", branch=orgs.branch_name(code), value=row.group,
                         groups=orgs.group_names(code))


def _new_fields(row: MemberRow, orgs: OrgIndex, code: str) -> dict[str, tuple[Any, Any]]:
    fields: dict[str, tuple[Any, Any]] = {f: (None, v) for f, v in row.values.items()
                                          if v is not None}
    fields["branch"] = (None, orgs.branch_name(code))
    if row.group:
        fields["group"] = (None, row.group)
    return fields


def _changed_fields(current: dict[str, Any], row: MemberRow, code: str, orgs: OrgIndex,
                    branch_codes: dict[int, str],
                    group_names: dict[int, str]) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for field, new in row.values.items():
        old = current[ATTRIBUTES[field]]
        if field == "number" and not new:
            continue
        if old != new:
            changed[field] = (old, new)
    old_code = branch_codes[current["branch_id"]]
    if old_code != code:
        changed["branch"] = (orgs.branch_name(old_code), orgs.branch_name(code))
    old_group = group_names.get(current["group_id"]) if current["group_id"] else None
    new_group = row.group if row.group is not None else (old_group if old_code == code else None)
    if old_group != (new_group or None):
        changed["group"] = (old_group, new_group or None)
    return changed


def _apply(inserts: list[MemberRow], updates: list[tuple[dict[str, Any], MemberRow]],
           orgs: OrgIndex) -> None:
    def attributes(row: MemberRow) -> dict[str, Any]:
        values = {ATTRIBUTES[f]: v for f, v in row.values.items() if f != "number" or v}
        code = orgs.branch_code(row.branch_code, row.branch_name) or row.branch_code
        values["branch_id"] = orgs.by_code[code].id
        if row.group is not None:
            values["group_id"] = orgs.groups.get((code, row.group)) if row.group else None
        return values

    new_rows = []
    for row in inserts:
        values = {**DEFAULTS, **attributes(row)}
        new_rows.append(values)
    bulk.bulk_insert(Member, new_rows)
    changed = []
    for current, row in updates:
        values = attributes(row)
        if row.group is None and values["branch_id"] != current["branch_id"]:
            values["group_id"] = None  # a group belongs to the old branch
        changed.append({"id": current["id"], **values})
    bulk.release_id_numbers([c["id"] for c in changed if "id_number" in c])
    bulk.bulk_update(Member, changed)
