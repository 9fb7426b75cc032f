"""Export one branch to a workbook a secretary can hand upward: one sheet per record kind,
with the same columns the importers read (so an export can be imported again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from sqlalchemy import select

from core.db import db
from core.errors import UserError
from profiles.labels import label
from profiles.models import (
    AttendanceRecord,
    Branch,
    Committee,
    DuesRecord,
    Evaluation,
    Meeting,
    Member,
    PartyGroup,
    PointsEntry,
    PointsRule,
)
from profiles.months import month_label
from sheets.columns import COLUMNS, SHEET_NAMES, TITLES
from sheets.reading.values import yuan
from sheets.writing.safe_text import write_as_text
from sheets.writing.styling import format_rows, start_sheet

# The kinds a branch export holds (a 发展党员 register is imported, not exported: the
# branch's people on the way are in the console, and its yearly table is its own export).
EXPORTED_KINDS = ("members", "meetings", "dues", "points", "evaluations")


class BranchNotFound(UserError, LookupError):
    """No branch has the code asked for."""


def export_branch(code: str, path: Path | BinaryIO, on: dt.date) -> dict[str, int]:
    """Write the branch's workbook to ``path`` (or a stream, e.g. a download's body);
    returns the number of data rows per sheet."""
    branch = db.session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        raise BranchNotFound(code)
    members = list(db.session.scalars(
        select(Member).where(Member.branch_id == branch.id).order_by(Member.number)))
    groups = {g.id: g.name for g in db.session.scalars(
        select(PartyGroup).where(PartyGroup.branch_id == branch.id))}
    context = _Context(branch, members, groups)
    workbook = Workbook()
    workbook.remove(workbook.active)
    counts = {}
    for kind, rows in (("members", context.members()), ("meetings", context.meetings()),
                       ("dues", context.dues()), ("points", context.points()),
                       ("evaluations", context.evaluations())):
        ws = workbook.create_sheet(SHEET_NAMES[kind])
        columns = COLUMNS[kind]
        start_sheet(ws, f"{branch.name} {TITLES[kind]}（{on.isoformat()} 导出）", columns)
        counts[kind] = 0
        for row in rows:
            ws.append([None if row.get(c.field) == "" else row.get(c.field) for c in columns])
            counts[kind] += 1
        format_rows(ws, columns)
        write_as_text(ws)  # the title and any value typed as "=..." stay text
    workbook.save(path)
    return counts


class _Context:
    """The branch's rows, each as a dict keyed by column field."""

    def __init__(self, branch: Branch, members: list[Member], groups: dict[int, str]) -> None:
        self.branch = branch
        self.by_id = {m.id: m for m in members}
        self.others: dict[int, Member] = {}  # moved away, named by this branch's records
        self.groups = groups
        self.ids = list(self.by_id)
        self.where = {"branch_code": branch.code, "branch": branch.name}

    def _who(self, member_id: int) -> dict[str, Any]:
        member = self.by_id.get(member_id) or self.others[member_id]
        return {**self.where, "number": member.number, "name": member.name}

    def members(self) -> Iterator[dict[str, Any]]:
        committee = db.session.scalar(
            select(Committee.name).where(Committee.id == self.branch.committee_id))
        for m in self.by_id.values():
            yield {
                **self._who(m.id), "gender": label(m.gender), "ethnicity": m.ethnicity,
                "birth_date": m.birth_date, "id_number": m.id_number, "phone": m.phone,
                "address": m.address, "committee": committee,
                "group": self.groups.get(m.group_id) if m.group_id else None,
                "category": label(m.category), "position": label(m.position),
                "status": label(m.status), "joined_on": m.joined_on,
                "converted_on": m.converted_on,
                "probation_extension_months": m.probation_extension_months or None,
                "dues_basis": label(m.dues_basis), "dues_base": yuan(m.dues_base_cents),
            }

    def meetings(self) -> Iterator[dict[str, Any]]:
        meetings = sorted(
            db.session.scalars(select(Meeting).where(Meeting.branch_id == self.branch.id)),
            key=lambda m: (m.held_on, m.kind.value, self.groups.get(m.group_id or 0, ""),
                           m.topic, m.id))
        attendance: dict[int, list[AttendanceRecord]] = {}
        for record in db.session.scalars(
                select(AttendanceRecord).join(Meeting)
                .where(Meeting.branch_id == self.branch.id)):
            attendance.setdefault(record.meeting_id, []).append(record)
        # Attendance belongs to the branch of the meeting's date: a member who has since
        # moved to another branch keeps their rows here, and the export names them.
        movers = {r.member_id for rows in attendance.values() for r in rows} - set(self.by_id)
        if movers:
            self.others.update({m.id: m for m in db.session.scalars(
                select(Member).where(Member.id.in_(movers)))})
        for meeting in meetings:
            head = {**self.where, "kind": label(meeting.kind), "held_on": meeting.held_on,
                    "group": self.groups.get(meeting.group_id) if meeting.group_id else None,
                    "topic": meeting.topic or None}
            records = sorted(attendance.get(meeting.id, []),
                             key=lambda r: self._who(r.member_id)["number"])
            if not records:
                yield head
            for record in records:
                yield {**head, **self._who(record.member_id),
                       "attendance": label(record.status)}

    def dues(self) -> Iterator[dict[str, Any]]:
        rows = db.session.scalars(select(DuesRecord).where(DuesRecord.member_id.in_(self.ids)))
        for d in sorted(rows, key=lambda d: (self.by_id[d.member_id].number, d.month)):
            yield {**self._who(d.member_id), "month": month_label(d.month),
                   "due": yuan(d.due_cents), "paid": yuan(d.paid_cents), "paid_on": d.paid_on}

    def points(self) -> Iterator[dict[str, Any]]:
        rules = {r.id: r.name for r in db.session.scalars(select(PointsRule))}
        rows = db.session.scalars(select(PointsEntry).where(PointsEntry.member_id.in_(self.ids)))
        for p in sorted(rows, key=lambda p: (self.by_id[p.member_id].number, p.recorded_on,
                                             p.id)):
            yield {**self._who(p.member_id), "recorded_on": p.recorded_on, "points": p.points,
                   "rule": rules.get(p.rule_id) if p.rule_id else None, "reason": p.reason,
                   "recorded_by": p.recorded_by}

    def evaluations(self) -> Iterator[dict[str, Any]]:
        rows = db.session.scalars(select(Evaluation).where(Evaluation.member_id.in_(self.ids)))
        for e in sorted(rows, key=lambda e: (self.by_id[e.member_id].number, e.year)):
            yield {**self._who(e.member_id), "year": e.year, "stage": label(e.stage),
                   "rating": label(e.rating) or None}
