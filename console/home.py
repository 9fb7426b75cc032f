"""Home: the branches I may see, each with its self-audit checklist; one branch's page."""

from __future__ import annotations

from flask import render_template

from accounts.access import branch_access, current_access, signed_in
from console.blueprint import bp
from console.checklist import branch_checklist
from console.organisation import organisation_home
from core.clock import today
from profiles.meetings import reads as meetings_reads
from profiles.members import reads as members_reads
from profiles.members.rules import political_birthdays
from profiles.models import Branch, Meeting
from profiles.org import reads as org_reads

# Up to this many branches the home page shows each checklist in full; an administrator or
# supervisor of a large organisation gets the list of branches instead (one query).
INLINE_CHECKLISTS = 5


@bp.get("/")
@signed_in
def home() -> str:
    """A secretary's branches with their checklists (and, with several, a link to the
    organisation view over them); the organisation home (every branch with its gaps,
    ``console.organisation``) for administrators and supervisors."""
    access = current_access()
    if access.reads_all:
        return organisation_home()
    rows = org_reads.branches_with_member_counts(access.readable)
    checklists = []
    todays: dict[int, list[Meeting]] = {}
    if len(rows) <= INLINE_CHECKLISTS:
        checklists = [c for c in (branch_checklist(r[0]) for r in rows) if c is not None]
        # Today's work, one tap away: the meetings, and 签到 at a meeting held today.
        todays = dict(meetings_reads.meetings_on([r[0] for r in rows], today()))
    ids = {r[1]: r[0] for r in rows}
    return render_template("console/home.html", branches=rows, checklists=checklists,
                           todays={code: todays.get(i, []) for code, i in ids.items()},
                           writable_codes={code for code, i in ids.items()
                                           if access.can_write(i)}, today=today())


@bp.get("/branches/<code>")
@branch_access()
def branch(branch: Branch) -> str:
    """One branch: its checklist and the ways into its record."""
    checklist = branch_checklist(branch.id)
    now = today()
    birthdays = political_birthdays(((m.id, m.name, m.joined_on) for m in
                                     members_reads.current_members(branch.id)),
                                    now.year, now.month)
    return render_template("console/branch.html", branch=branch, checklist=checklist,
                           writable=current_access().can_write(branch.id),
                           birthdays=birthdays, month=now.month)
