"""What an import would do to the branches' self-audit checklists, shown before it writes.

A dry run that is asked for its consequences (:func:`foreseeing`) writes its plan inside
a savepoint of the import's own transaction, runs the branch audit of every branch the
plan touches before and after the write, and rolls the savepoint back. The audit is the
branch page's (``profiles.queries.branch_page(...).audit`` through
``profiles.audit.checklist.run_audit``) plus the console checklist's 发展党员 lines, worded
by ``profiles.audit.wording``: the preview says exactly the lines the checklist would
gain and lose. The cost is bounded: one audit per affected branch before, one after.

Which branches a plan touches is read from its change records: the member a record is
keyed by (党员编号 first: member, dues, attendance, evaluation, points), the branch a
meeting or unit is keyed by, the committee whose settings change (all its branches), the
applicants of a 发展党员 register by name, the branch a new or moved member's record
names (by name: it may not exist yet). Taking a branch too many costs an audit and
adds no line; the diff of an untouched branch is empty.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.changelog import Actor, Change
from core.clock import today as clock_today
from core.db import db
from profiles.audit.checklist import CRITICAL, Finding, run_audit, settings_from_config
from profiles.audit.recruitment import OnTheWay, recruitment_findings
from profiles.audit.wording import describe, gettext, ngettext
from profiles.models import Applicant, Branch, Committee, Member
from profiles.queries import branch_page
from profiles.recruitment import reads as recruit_reads
from sheets.importers.record_start import apply_start, plan_start

# Tables whose change records are keyed by the member's 党员编号 first.
_BY_NUMBER = frozenset({"member", "dues", "attendance", "evaluation", "points_entry"})
# Tables keyed by the branch code first ("ZB01 2026-05-10 支部党员大会", "ZB01 第一党小组").
_BY_CODE = frozenset({"meeting", "branch", "party_group"})


# -- the pure part: a diff over findings -----------------------------------------------


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def finding_key(finding: Finding) -> tuple[Any, ...]:
    """What makes two findings the same checklist line: rule, severity and values."""
    return (finding.rule, finding.severity, _frozen(dict(finding.params)))


def diff_findings(before: Sequence[Finding],
                  after: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings ``after`` adds and those it closes (as multisets, in their order).

    A line whose values change (a member's arrears grow from 3 to 5 months) is one line
    closed and one added: the checklist says the new one, not the old."""
    old = Counter(finding_key(f) for f in before)
    new = Counter(finding_key(f) for f in after)
    added_left, closed_left = new - old, old - new
    added, closed = [], []
    for finding in after:
        key = finding_key(finding)
        if added_left[key] > 0:
            added_left[key] -= 1
            added.append(finding)
    for finding in before:
        key = finding_key(finding)
        if closed_left[key] > 0:
            closed_left[key] -= 1
            closed.append(finding)
    return added, closed


# -- what the preview shows ------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A checklist line as the checklist words it."""

    rule: str
    text: str
    critical: bool


@dataclass(frozen=True)
class BranchConsequence:
    """What an import would add to and close on one branch's checklist."""

    code: str
    name: str
    added: list[Line]
    closed: list[Line]

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name,
                "added": [vars(line) for line in self.added],
                "closed": [vars(line) for line in self.closed]}


@dataclass
class Foresight:
    """Asked for by :func:`foreseeing`; filled by the dry run (``ran`` once it did)."""

    codes: frozenset[str] | None  # the branches the reader may see (None: all)
    branches: list[BranchConsequence] = field(default_factory=list)
    ran: bool = False
    # Where the record begins, as the import would set it (sheets.importers.record_start):
    # the import's kind, a month the person gave, the roster's as-of date. Without it the
    # first import's preview would count from 入党日期, which the import itself never does.
    kind: str = ""
    given: dt.date | None = None
    as_of: dt.date | None = None

    def as_json(self) -> list[dict[str, Any]]:
        return [b.as_json() for b in self.branches]


_FORESIGHT: ContextVar[Foresight | None] = ContextVar("import_foresight", default=None)


@contextmanager
def foreseeing(codes: frozenset[str] | None = None, enabled: bool = True, *,
               kind: str = "", given: dt.date | None = None,
               as_of: dt.date | None = None) -> Iterator[Foresight]:
    """Ask the dry runs inside to compute their consequences, for the branches ``codes``
    (the reader's; None: every branch). Nothing of any other branch is kept. Not
    ``enabled``: nothing is asked (a real import's own check)."""
    sight = Foresight(codes, kind=kind, given=given, as_of=as_of)
    token = _FORESIGHT.set(sight if enabled else None)
    try:
        yield sight
    finally:
        _FORESIGHT.reset(token)


def foresee(write: Callable[[], None], changes: Iterable[Change],
            months: Sequence[tuple[int, dt.date]] = ()) -> None:
    """Called by a dry run inside its transaction, with the plan and its change records:
    when :func:`foreseeing` asked for it, write in a savepoint and audit the touched
    branches, roll the savepoint back and audit them again as they stand. Which branches
    are touched is read both ways: some records (a new member, an applicant) name their
    branch only once written, a move names the old one only before. Otherwise nothing."""
    sight = _FORESIGHT.get()
    if sight is None:
        return
    changes = list(changes)
    day = clock_today()
    touched = affected_branch_ids(changes)  # as the records stand: a move's old branch
    savepoint = db.session.begin_nested()
    try:
        write()
        if sight.kind:
            plan = plan_start(sight.kind, months, day, given=sight.given, as_of=sight.as_of)
            apply_start(plan, Actor("preview", "import preview"), day)
        db.session.flush()
        touched |= affected_branch_ids(changes)  # and as written: new members, applicants
        # The reader's branches only (a scoped import touches no other): none else audited.
        headers = {bid: (code, name) for bid, code, name in db.session.execute(
            select(Branch.id, Branch.code, Branch.name).where(Branch.id.in_(touched)))
            if sight.codes is None or code in sight.codes}
        after = audits(headers, day)
    finally:
        savepoint.rollback()
    before = audits(headers, day)  # the records as they stand again
    result = []
    for branch_id in sorted(headers, key=lambda b: headers[b][0]):
        code, name = headers[branch_id]
        added, closed = diff_findings(before.get(branch_id, []), after.get(branch_id, []))
        if added or closed:
            result.append(BranchConsequence(code, name, _lines(added), _lines(closed)))
    sight.branches = result
    sight.ran = True


def _lines(findings: Iterable[Finding]) -> list[Line]:
    return [Line(f.rule, describe(f), f.severity == CRITICAL) for f in findings]


def audits(branch_ids: Iterable[int], day: dt.date) -> dict[int, list[Finding]]:
    """Each branch's checklist findings on ``day``: the branch page's audit and the
    console's 发展党员 lines, one assembly per branch."""
    settings = settings_from_config(current_app.config)
    found: dict[int, list[Finding]] = {}
    for branch_id in branch_ids:
        page = branch_page(branch_id, day, settings.lookback_months)
        if page is None:
            continue
        people = [OnTheWay(a.id, a.name, recruit_reads.record_of(a))
                  for a in recruit_reads.branch_applicants(branch_id, on_the_way=True)]
        found[branch_id] = run_audit(page.audit, settings, day) + recruitment_findings(
            people, day)
    return found


def affected_branch_ids(changes: Sequence[Change]) -> set[int]:
    """The branches the change records name, as the database has them now."""
    numbers: set[str] = set()
    codes: set[str] = set()
    committees: set[str] = set()
    applicants: set[str] = set()
    names: set[str] = set()
    for change in changes:
        first = change.key.split(" ", 1)[0]
        if change.table in _BY_NUMBER:
            numbers.add(first)
            # a new member, or a move: the branch it names, before the member exists
            names.update(str(v) for v in change.fields.get("branch", ()) if v)
        elif change.table in _BY_CODE:
            codes.add(first)
        elif change.table == "committee":
            committees.add(change.key)
        elif change.table == "applicant":
            applicants.add(change.label)
    ids: set[int] = set()
    for chunk in _chunks(sorted(numbers)):
        ids.update(db.session.scalars(select(Member.branch_id).where(Member.number.in_(chunk))))
    for chunk in _chunks(sorted(codes)):
        ids.update(db.session.scalars(select(Branch.id).where(Branch.code.in_(chunk))))
    for chunk in _chunks(sorted(names)):
        ids.update(db.session.scalars(select(Branch.id).where(Branch.name.in_(chunk))))
    for chunk in _chunks(sorted(committees)):
        ids.update(db.session.scalars(select(Branch.id).join(
            Committee, Branch.committee_id == Committee.id).where(Committee.name.in_(chunk))))
    for chunk in _chunks(sorted(applicants)):
        ids.update(db.session.scalars(select(Applicant.branch_id).where(
            Applicant.name.in_(chunk))))
    return ids


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# -- the words --------------------------------------------------------------------------


def heading_added(branch: str, num: int) -> str:
    """"ZB02 第二党支部：将新增 3 项自查问题：" """
    return ngettext("%(branch)s: this import would add %(num)d checklist line:",
                    "%(branch)s: this import would add %(num)d checklist lines:", num,
                    branch=branch)


def heading_closed(branch: str, num: int) -> str:
    """"ZB02 第二党支部：将消除 1 项：" """
    return ngettext("%(branch)s: this import would close %(num)d checklist line:",
                    "%(branch)s: this import would close %(num)d checklist lines:", num,
                    branch=branch)


def nothing_changes() -> str:
    return gettext("This import adds no line to any branch's self-audit checklist and "
                   "closes none.")


def critical_mark() -> str:
    return gettext("serious")


def report_lines(branches: Sequence[BranchConsequence]) -> list[str]:
    """The consequences as plain lines (the command line's report)."""
    if not branches:
        return [nothing_changes()]
    out = []
    for b in branches:
        label = f"{b.code} {b.name}"
        if b.added:
            out.append(heading_added(label, len(b.added)))
            out += [f"  {'【' + critical_mark() + '】' if line.critical else '-'} {line.text}"
                    for line in b.added]
        if b.closed:
            out.append(heading_closed(label, len(b.closed)))
            out += [f"  - {line.text}" for line in b.closed]
    return out
