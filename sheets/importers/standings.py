"""A roster's statuses through the operations of the life of a membership: 流动, 失联,
停止党籍, 出国（境）暂留, 正常 (恢复) and the ends 去世, 自行脱党除名, 开除党籍, 退党 (a 历史党员
list's 减少类型 and 减少日期) are not written as a plain column but by
``profiles.members.standing``, dated by the row's 状态日期 (or 减少日期 …) or else the
import date, which the report says. 已转出 stays a move (``members._plan_moves``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import select

from core.changelog import Actor, Change
from core.db import db
from profiles.enums import ENDED, MemberStatus
from profiles.members import standing as standing_ops
from profiles.members.membership import END_OF_STATUS
from profiles.members.rules import standing_problems
from profiles.models import Member
from sheets.importers.member_rows import MemberRow
from sheets.reading.supplied import former_list


@dataclass
class Planned:
    """One row's status, taken out of the plain member fields."""

    row: MemberRow
    status: MemberStatus
    since: dt.date | None
    until: dt.date | None
    number: str = ""  # the member's, once matched (plan)


def take(row: MemberRow) -> Planned | None:
    """Take a status the operations write out of the row's values (before planning)."""
    status = row.values.get("status")
    if former_list(row.cells.header) and status not in ENDED:
        row.cells.report("status", "A list of former members (历史党员) says why each "
                         "membership ended: give 去世, 转出, 自行脱党除名, 开除党籍 or 退党.")
        return None
    if status is MemberStatus.TRANSFERRED_OUT and row.dates.get("moved_on") is None:
        row.dates["moved_on"] = row.dates.get("status_since")  # a 历史党员 list's 减少日期
    if status is None or status is MemberStatus.TRANSFERRED_OUT:
        return None
    del row.values["status"]
    row.ends = status in ENDED
    return Planned(row, status, row.dates.get("status_since"), row.dates.get("status_until"))


def plan(planned: list[Planned], existing: list[dict[str, Any]], changes: list[Change],
         today: dt.date) -> list[Any]:
    """Check each status against its dates and the member's record, and show it in the
    report's changes (adding one where nothing else of the member changes). Returns the
    report's notes (dates assumed)."""
    by_number = {m["number"]: m for m in existing}
    by_key: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for m in existing:
        by_key.setdefault((m["name"], m["joined_on"]), []).append(m)
    by_row = {c.row: c for c in changes}
    assumed: list[int] = []
    undated: list[int] = []  # 暂留 without its end date
    for p in planned:
        number = p.row.values.get("number") or ""
        change = by_row.get(p.row.cells.row)
        if not number and change is not None:
            number = change.key
        current = by_number.get(number)
        if current is None and not number:  # matched by name and 入党日期 (members._plan)
            found = by_key.get((p.row.values["name"], p.row.values.get("joined_on")), [])
            current = found[0] if len(found) == 1 else None
            number = current["number"] if current else ""
        p.number = number
        old = MemberStatus(current["status"]) if current else None
        if old == p.status or (old is None and p.status is MemberStatus.NORMAL):
            continue
        if old in ENDED:
            p.row.cells.report("status", "%(name)s's membership here has ended; a former "
                               "member's standing cannot change.", name=p.row.values["name"])
            continue
        since = p.since or today
        if p.since is None:
            assumed.append(p.row.cells.row)
        joined = p.row.values.get("joined_on") or (current or {}).get("joined_on") or since
        if p.status is MemberStatus.ABROAD and p.until is None:
            undated.append(p.row.cells.row)
        for refusal in standing_problems(p.status, since, p.until, today, joined,
                                         until_required=False):
            p.row.cells.add(refusal)
        p.since = since
        if change is None:
            change = Change("update", "member", number, p.row.values["name"], p.row.cells.row)
            changes.append(change)
        change.fields["status"] = (old, p.status)
        change.fields["status_since"] = (None, since)
        if p.until is not None:
            change.fields["status_until"] = (None, p.until)
    notes: list[Any] = []
    if undated:
        notes.append(lazy_gettext(
            "No 暂留截止日期 for 出国（境）暂留 in rows %(rows)s: recorded without an end "
            "date, and the self-audit asks for it. Add a 暂留截止日期 column, or give the date "
            "on the member's standing screen.", rows=", ".join(str(r) for r in undated)))
    if not assumed:
        return notes
    return notes + [lazy_gettext("No 状态日期 for the status in rows %(rows)s: dated by the import "
                         "(%(date)s). If it is wrong, add a 状态日期 column or correct it on "
                         "the member's standing screen.",
                         rows=", ".join(str(r) for r in assumed), date=today.isoformat())]


def apply(planned: list[Planned], actor: Actor, today: dt.date) -> None:
    """Write the planned statuses through the operations (after the members are written)."""
    todo = [p for p in planned if p.since is not None]
    if not todo:
        return
    db.session.flush()
    numbers = [p.number or p.row.values.get("number") for p in todo]
    members = {m.number: m for m in db.session.scalars(
        select(Member).where(Member.number.in_(numbers)))}
    for p in todo:
        member = members.get(p.number or p.row.values.get("number") or "")
        if member is None or member.status is p.status:
            continue
        since = p.since or today
        if p.status is MemberStatus.NORMAL:
            standing_ops.restore(actor, member, on=since, today=today)
        elif p.status in ENDED:
            standing_ops.end_membership(actor, member, reason=END_OF_STATUS[p.status],
                                        on=since, today=today)
        else:
            standing_ops.set_standing(actor, member, p.status, since=since, until=p.until,
                                      today=today, until_required=False)
