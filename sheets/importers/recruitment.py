"""发展党员 registers (owip-style): one row per person, the stage and the date of each step.

Each row is checked with the rules of ``profiles.recruitment.rules`` (the age on the day of
the application, the dates the stage needs and their order, the year as activist, the
培养联系人 and 入党介绍人 as full members on the roster) and planned; someone already
admitted (预备党员, 正式党员) becomes a member of the branch as well, from the date of the
支部大会. A row may say the way ended before admission (终止发展时间, 终止发展原因,
终止发展说明), checked with the same rule as the console's 终止发展. A person already on
record (same branch, name and application date) is left as it is: a register imported
twice adds nobody.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.changelog import Change
from core.clock import today
from core.db import db
from profiles.enums import (
    ENDED,
    Category,
    Gender,
    MemberStatus,
    RecruitEnd,
    RecruitStage,
    ReviewConclusion,
)
from profiles.members.operations import next_member_number
from profiles.models import Applicant, Member
from profiles.recruitment import rules
from profiles.recruitment.models import MAX_HOURS
from profiles.recruitment.operations import Planned, write_imported
from profiles.recruitment.rules import Record
from sheets.importers.record_pipeline import (
    MemberFinder,
    Person,
    first_time,
    report,
    row_is_clean,
    run_import,
)
from sheets.reading.row_cells import Cells
from sheets.reading.sheet_file import SheetFile
from sheets.report.outcome import Outcome

DATES = ("applied_on", "talk_on", "activist_on", "activist_filed_on", "training_on",
         "opinions_on", "candidate_on", "review_on", "intensive_on", "prereview_on",
         "notice_from", "notice_until", "admit_meeting_on", "approved_on",
         "convert_meeting_on", "convert_approved_on")
SEPARATORS = re.compile(r"[、,，;；/\s]+")


def import_recruitment(path: SheetFile, *, dry_run: bool = False, actor: str = "unknown",
                       progress: Callable[[int, int], None] | None = None,
                       **_: Any) -> Outcome:
    """Import a 发展党员 register; raises SheetRefused (nothing written) on any problem."""
    return run_import("recruitment", path, _plan, dry_run=dry_run, actor=actor,
                      progress=progress)


def _people(cells: Cells, finder: MemberFinder, field: str, code: str) -> list[Person]:
    """The full members a cell names (by name, in the row's branch first)."""
    found = []
    for name in (n for n in SEPARATORS.split(cells.text(field)) if n):
        people = finder.by_name.get(name, [])
        mine = [p for p in people if p.branch_code == code] or people
        if len(mine) != 1:
            cells.report(field, "No member called %(value)s; add them to the roster first, "
                         "or correct the name." if not mine else "Several members are called "
                         "%(value)s; keep one of them in the cell and record the other in the "
                         "console.", value=name)
            continue
        found.append(mine[0])
    return found


def _plan(rows: list[Cells], outcome: Outcome) -> Callable[[], None]:
    finder = MemberFinder()
    branch_ids = {code: i for i, code in finder.codes.items()}
    on_record = {(b, n, d) for b, n, d in db.session.execute(
        select(Applicant.branch_id, Applicant.name, Applicant.applied_on))}
    categories = {i: c for i, c in db.session.execute(select(Member.id, Member.category))}
    statuses = {i: s for i, s in db.session.execute(select(Member.id, Member.status))}
    taken_ids = {i for (i,) in db.session.execute(select(Applicant.id_number).where(
        Applicant.id_number.is_not(None)))} | {i for (i,) in db.session.execute(
            select(Member.id_number).where(Member.id_number.is_not(None)))}
    next_number = int(next_member_number()[2:])
    planned: list[Planned] = []
    seen: dict[Any, int] = {}
    for cells in rows:
        before = len(cells.problems)
        code = finder.branch_code(cells)
        if code == "":
            cells.report("branch", "Give the branch (所在支部 or 支部编号) of the person.")
        name = cells.name("name", required=True)
        stage = cells.choice("recruit_stage", RecruitStage, required=True)
        dates = {field: cells.date(field) for field in DATES}
        birth_date = cells.date("birth_date", required=True, month_only=True)
        id_number = cells.text("id_number", max_length=18).upper() or None
        number = cells.text("number", max_length=32).upper()
        hours = {f: cells.integer(f, limit=MAX_HOURS) for f in ("training_hours",
                                                                       "intensive_hours")}
        for field, value in hours.items():
            if value is not None and value < 1:
                cells.report(field, "Training hours are a whole number from 1 to %(max)s.",
                             max=MAX_HOURS)
        extension = cells.integer("extension_months", limit=12) or 0
        conclusion = cells.choice("review_conclusion", ReviewConclusion)
        ended_on = cells.date("ended_on")
        end_reason = cells.choice("end_reason", RecruitEnd)
        end_note = cells.text("end_note", max_length=rules.END_NOTE_MAX)
        if not code or stage is None or not name:
            continue
        contacts = _people(cells, finder, "contacts", code)
        introducers = _people(cells, finder, "introducers", code)
        for p in contacts + introducers:
            if categories.get(p.id) is not Category.FULL or \
                    statuses.get(p.id) in ENDED:
                cells.report("introducers" if p in introducers else "contacts",
                             "%(name)s is not a full member (正式党员); name a full member.",
                             name=p.name)
        report(cells, rules.application_problems(
            name=name, birth_date=birth_date, applied_on=dates["applied_on"],
            id_number=id_number))
        record = Record(stage=stage, applied_on=dates["applied_on"] or dt.date.min,
                        talk_on=dates["talk_on"], activist_on=dates["activist_on"],
                        activist_filed_on=dates["activist_filed_on"],
                        training_on=dates["training_on"], opinions_on=dates["opinions_on"],
                        candidate_on=dates["candidate_on"], review_on=dates["review_on"],
                        intensive_on=dates["intensive_on"], prereview_on=dates["prereview_on"],
                        notice_from=dates["notice_from"], notice_until=dates["notice_until"],
                        admit_meeting_on=dates["admit_meeting_on"],
                        approved_on=dates["approved_on"],
                        convert_meeting_on=dates["convert_meeting_on"],
                        convert_approved_on=dates["convert_approved_on"],
                        extension_months=extension)
        if dates["applied_on"] is not None:
            report(cells, rules.register_problems(record, len(introducers), len(contacts)))
            if ended_on or end_reason or end_note:
                report(cells, rules.end_problems(record, ended_on=ended_on, reason=end_reason,
                                                 note=end_note, today=today()))
        if id_number and id_number in taken_ids:
            cells.report("id_number", "This ID number is already on record for another "
                         "person; check it, or leave the cell empty.")
        if id_number:
            first_time(cells, "id_number", id_number, seen,
                       "The same ID number is in row %(other)s already; check both rows.")
        admitted = stage in (RecruitStage.PROBATIONARY, RecruitStage.FULL)
        if admitted and number and (number in finder.by_number or number in seen):
            cells.report("number", "党员编号 %(value)s is another member's; give a free one "
                         "or leave the cell empty.", value=number)
        if not row_is_clean(cells, before):
            continue
        branch_id = branch_ids[code]
        if (branch_id, name, dates["applied_on"]) in on_record:
            outcome.unchanged += 1
            continue
        first_time(cells, "name", (branch_id, name, dates["applied_on"]), seen,
                   "The same person (branch, name, application date) is in row %(other)s "
                   "already; keep one of the rows.")
        if not row_is_clean(cells, before):
            continue
        private = {"birth_date": birth_date, "id_number": id_number,
                   "phone": cells.text("phone", max_length=32) or None}
        values: dict[str, Any] = {
            "branch_id": branch_id, "name": name, "stage": stage,
            "gender": cells.choice("gender", Gender), "ethnicity": cells.text(
                "ethnicity", max_length=20) or None,
            **{f: dates[f] for f in DATES},
            "training_hours": hours["training_hours"], "intensive_hours": hours[
                "intensive_hours"], "review_conclusion": conclusion,
            "pledge_number": cells.text("pledge_number", max_length=32) or None,
            "extension_months": extension,
            "extension_reason": cells.text("extension_reason") or None,
            "ended_on": ended_on, "end_reason": end_reason, "end_note": end_note or None,
            "contact_1_id": contacts[0].id if contacts else None,
            "contact_2_id": contacts[1].id if len(contacts) > 1 else None,
            "introducer_1_id": introducers[0].id if introducers else None,
            "introducer_2_id": introducers[1].id if len(introducers) > 1 else None,
        }
        member = None
        if admitted:
            if not number:
                number, next_number = f"DY{next_number:06d}", next_number + 1
            seen[number] = cells.row
            member = {"number": number, "name": name, "gender": values["gender"],
                      "ethnicity": values["ethnicity"], "branch_id": branch_id,
                      "category": Category.FULL if stage is RecruitStage.FULL
                      else Category.PROBATIONARY, "joined_on": dates["admit_meeting_on"],
                      "converted_on": record.probation_ends if stage is RecruitStage.FULL
                      else None, "probation_extension_months": extension,
                      "status": MemberStatus.NORMAL, **private}
        else:
            values.update(private)
        if id_number:
            taken_ids.add(id_number)
        planned.append(Planned(values, member))
        shown = {k: (None, v) for k, v in {**values, **private}.items()
                 if v is not None and not k.endswith("_id")}
        outcome.changes.append(Change("insert", "applicant", f"{name} {dates['applied_on']}",
                                      name, cells.row, shown))
        if member is not None:
            outcome.changes.append(Change("insert", "member", str(member["number"]), name,
                                          cells.row, {k: (None, v) for k, v in member.items()
                                                      if v is not None
                                                      and k != "branch_id"}))
    return lambda: write_imported(planned)
