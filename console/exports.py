"""Export: its own screen (not under 导入), listing the branches the account keeps; each
link downloads that branch's workbook (``console.export``, logged)."""

from __future__ import annotations

from flask import render_template

from accounts.access import current_access, signed_in
from console.blueprint import bp
from profiles.org import reads as org_reads


@bp.get("/export")
@signed_in
def export_home() -> str:
    """The branches whose records this account may export (those it writes)."""
    branches = org_reads.branch_choices(current_access().writable)
    return render_template("console/export.html", branches=branches)
