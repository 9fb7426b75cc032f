"""Members: the list with search, one member's record, and revealing private fields."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from accounts.access import current_access, member_access, signed_in
from accounts.forms import PostForm
from console.blueprint import bp
from console.privacy import log_reveal, private_values
from console.search import find_members
from core.clock import today
from core.db import db
from profiles.members.reads import MemberRow
from profiles.models import Member
from profiles.org import reads as org_reads
from profiles.queries import member_page
from profiles.recruitment import reads as recruit_reads


@bp.get("/members")
@signed_in
def members() -> str:
    """Search by name, pinyin or number, in one branch or every branch one may read."""
    access = current_access()
    query = request.args.get("q", "").strip()[:60]
    code = request.args.get("branch", "").strip()
    branch = None
    if code:
        branch = org_reads.branch_by_code(code)
        if branch is None or not access.can_read(branch.id):
            abort(404)  # the same answer for a branch one may not see as for none
    branches = org_reads.branch_choices(access.readable)
    if branch is None and not query and len(branches) == 1:
        branch = org_reads.branch_by_code(branches[0][0])
    rows: list[MemberRow] = []
    more = False
    if branch is not None or query:
        scope = (Member.branch_id == branch.id) if branch is not None else access.readable(
            Member.branch_id)
        rows, more = find_members(scope, query)
    return render_template("console/members.html", rows=rows, more=more, query=query,
                           branch=branch, branches=branches)


def _member_view(member: Member, revealed: bool) -> str:
    access = current_access()
    page = member_page(member.id, today())
    group = org_reads.group_by_id(member.group_id) if member.group_id else None
    manages = access.manages(member.branch_id)
    return render_template(
        "console/member.html", member=member, page=page, group=group, manages=manages,
        private=private_values(member, revealed) if manages else [], revealed=revealed,
        post=PostForm(), recruited=recruit_reads.applicant_of_member(member.id))


@bp.get("/members/<number>")
@member_access()
def member(member: Member) -> str:
    """A member's record; private fields (for those who manage the member) masked."""
    return _member_view(member, revealed=False)


@bp.post("/members/<number>/reveal")
@member_access(write=True)
def reveal(member: Member) -> str:
    """Show the private fields once, and log who looked. The answer is not a redirect, so
    the values never sit behind a URL in the history."""
    if not PostForm().validate_on_submit():
        abort(400)
    log_reveal(current_user.username, member)
    db.session.commit()
    return _member_view(member, revealed=True)
