"""Branches and party groups named in a file: found in one query each, or planned to be created."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from core.changelog import Change
from core.db import db
from profiles import bulk
from profiles.models import Branch, Committee, PartyGroup


@dataclass
class NewBranch:
    """A branch the import will create (only with --create-branches)."""

    code: str
    name: str
    committee: str  # name of an existing or new committee


def group_list(groups: Iterable[tuple[int, str]]) -> str:
    """Party groups as (id, name), named in the order they were made, for messages."""
    return "、".join(name for _, name in sorted(groups)) or "—"


@dataclass
class OrgIndex:
    """Every branch and group, loaded once; and what the import will add."""

    by_code: dict[str, Branch]
    by_name: dict[str, list[Branch]]
    groups: dict[tuple[str, str], int]  # (branch code, group name) -> id
    committees: dict[str, int]
    new_branches: dict[str, NewBranch] = field(default_factory=dict)  # by code
    new_groups: set[tuple[str, str]] = field(default_factory=set)
    new_committees: set[str] = field(default_factory=set)
    # The branch codes an account's import may touch (None: every branch, an admin or the
    # command line without --account). Outside them a branch is "not yours", whether or
    # not it exists, and its groups and name are never looked at.
    scope: frozenset[str] | None = None
    # Under a scope: the member numbers and ID numbers held by members outside it, so a
    # row cannot take them, and is told so without a name or a branch.
    outside_numbers: set[str] = field(default_factory=set)
    outside_id_numbers: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> OrgIndex:
        """Three queries, whatever the size of the file."""
        branches = list(db.session.scalars(select(Branch)))
        codes = {b.id: b.code for b in branches}
        by_name: dict[str, list[Branch]] = {}
        for b in branches:
            by_name.setdefault(b.name, []).append(b)
        groups = {(codes[g.branch_id], g.name): g.id
                  for g in db.session.scalars(select(PartyGroup))}
        committees = {c.name: c.id for c in db.session.scalars(select(Committee))}
        return cls({b.code: b for b in branches}, by_name, groups, committees)

    def restrict(self, codes: frozenset[str]) -> None:
        """Forget every branch (and its groups) outside ``codes``: rows naming one are
        refused the same way whether or not it exists."""
        self.scope = codes
        self.by_code = {c: b for c, b in self.by_code.items() if c in codes}
        self.by_name = {n: kept for n, bs in self.by_name.items()
                        if (kept := [b for b in bs if b.code in codes])}
        self.groups = {k: v for k, v in self.groups.items() if k[0] in codes}

    def group_names(self, code: str) -> str:
        """The branch's existing party groups, for messages."""
        return group_list((gid, name) for (c, name), gid in self.groups.items() if c == code)

    def branch_code(self, code: str, name: str) -> str | None:
        """The code of the branch a row names (by code, else by unique name), or None."""
        if code:
            if code in self.by_code or code in self.new_branches:
                return code
            return None
        found = self.by_name.get(name, [])
        if len(found) == 1:
            return found[0].code
        planned = [b.code for b in self.new_branches.values() if b.name == name]
        return planned[0] if len(planned) == 1 and not found else None

    def ambiguous(self, name: str) -> bool:
        """Whether several branches carry this name (the file must then give 支部编号)."""
        return len(self.by_name.get(name, [])) > 1

    def plan_branch(self, code: str, name: str, committee: str) -> str:
        """Plan a new branch; a code is made up when the file gives none."""
        if not code:
            n = len(self.by_code) + len(self.new_branches) + 1
            while f"ZB{n:02d}" in self.by_code or f"ZB{n:02d}" in self.new_branches:
                n += 1
            code = f"ZB{n:02d}"
        self.new_branches[code] = NewBranch(code, name, committee)
        if committee not in self.committees:
            self.new_committees.add(committee)
        return code

    def branch_name(self, code: str) -> str:
        """The name of an existing or planned branch."""
        if code in self.by_code:
            return self.by_code[code].name
        return self.new_branches[code].name

    def planned_changes(self) -> list[Change]:
        """Change-log entries for the committees, branches and groups to be created."""
        changes = [Change("insert", "committee", name, name, 0, {"name": (None, name)})
                   for name in sorted(self.new_committees)]
        changes += [Change("insert", "branch", b.code, b.name, 0,
                           {"code": (None, b.code), "name": (None, b.name),
                            "committee": (None, b.committee)})
                    for b in self.new_branches.values()]
        changes += [Change("insert", "party_group", f"{code} {name}", name, 0,
                           {"branch": (None, code), "name": (None, name)})
                    for code, name in sorted(self.new_groups)]
        return changes

    def create_planned(self) -> None:
        """Insert the planned committees, branches and groups (through the operations)."""
        for name in sorted(self.new_committees):
            self.committees[name] = bulk.add_committee(name)
        for new in self.new_branches.values():
            self.by_code[new.code] = bulk.add_branch(new.code, new.name,
                                                     self.committees[new.committee])
        for code, name in sorted(self.new_groups):
            self.groups[(code, name)] = bulk.add_group(self.by_code[code].id, name)
