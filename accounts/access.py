"""Who may read and write which branch: the one place the console asks.

A console view never checks roles itself. It declares its access with one decorator, and
the decorator loads the record (404 if there is none), checks the grant, then calls the
view with the record::

    @bp.get("/branches/<code>/things")
    @branch_access()                       # read: secretary of the branch, supervisor, admin
    def things(branch: Branch) -> str: ...

    @bp.post("/members/<number>/edit")
    @member_access(write=True)             # write: secretary of the member's branch, admin
    def edit(member: Member) -> ResponseReturnValue: ...

    @bp.get("/accounts")
    @admin_required
    def accounts() -> str: ...

    @bp.get("/")
    @signed_in                             # any account; shows only what it may read
    def home() -> str: ...

Someone who may not read a branch gets 404, exactly as if it did not exist: even a 403
would confirm that the code or number is real. Someone who may read but not write (a
supervisor) gets 403. Every decorator records an :class:`AccessRule` on the view
(``view.access``); the permission-matrix test reads it, and fails for a console route that
has none, so no route escapes the matrix.

For a record of another kind (a meeting, a print job), use :func:`record_access` with a
loader that returns the record and the id of the branch it belongs to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, false, true

from profiles.members import reads as members_reads
from profiles.models import Branch, Member
from profiles.org import reads as org_reads

F = TypeVar("F", bound=Callable[..., Any])

Scope = Literal["public", "signed_in", "admin", "branch", "member", "record", "owner"]


@dataclass(frozen=True)
class AccessRule:
    """What a view requires: its scope, and whether it writes."""

    scope: Scope
    write: bool = False
    arg: str | None = None  # the URL argument that names the record (branch, member, ...)


@dataclass(frozen=True)
class Access:
    """What one signed-in account may do, computed from its grants once per request."""

    admin: bool = False
    supervisor: bool = False
    branches: frozenset[int] = frozenset()  # branches held as secretary / committee member

    @property
    def reads_all(self) -> bool:
        """Administrators and supervisors read every branch."""
        return self.admin or self.supervisor

    def can_read(self, branch_id: int) -> bool:
        return self.reads_all or branch_id in self.branches

    def can_write(self, branch_id: int) -> bool:
        return self.admin or branch_id in self.branches

    def manages(self, branch_id: int) -> bool:
        """Who sees a member's private fields: those who keep that member's record."""
        return self.can_write(branch_id)

    def readable(self, branch_id_column: Any) -> ColumnElement[bool]:
        """A WHERE clause limiting a query to the branches this account may read."""
        if self.reads_all:
            return true()
        if not self.branches:
            return false()
        return cast(ColumnElement[bool], branch_id_column.in_(sorted(self.branches)))

    def writable(self, branch_id_column: Any) -> ColumnElement[bool]:
        """A WHERE clause limiting a query to the branches this account may write."""
        if self.admin:
            return true()
        if not self.branches:
            return false()
        return cast(ColumnElement[bool], branch_id_column.in_(sorted(self.branches)))


NOBODY = Access()


def current_access() -> Access:
    """The signed-in account's access (nothing for an anonymous visitor)."""
    if not current_user.is_authenticated:
        return NOBODY
    return cast(Access, current_user.access)


def check(branch_id: int, *, write: bool) -> None:
    """404 unless the current account reads the branch; 403 if it must write and cannot."""
    access = current_access()
    if not access.can_read(branch_id):
        abort(404)  # not 403: that would confirm the branch (or member) exists
    if write and not access.can_write(branch_id):
        abort(403)


def _mark(view: F, rule: AccessRule) -> F:
    view.access = rule  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """No login needed (the login page itself)."""
    return _mark(view, AccessRule("public"))


def signed_in(view: F) -> F:
    """Any signed-in account; the view must itself show only what the account may read."""
    # The console blueprints already send anonymous visitors to the login page; this only
    # declares the rule, so the matrix test knows what to expect.
    return _mark(view, AccessRule("signed_in"))


def admin_required(view: F) -> F:
    """Administrators only (accounts, backups). Others get 403: nothing of a branch leaks."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_access().admin:
            abort(403)
        return view(*args, **kwargs)

    return _mark(cast(F, wrapper), AccessRule("admin", write=True))


def writer_required(view: F) -> F:
    """Any account that writes at least one branch (a secretary, an administrator); a
    supervisor, who changes nothing, gets 403. The view limits itself to writable branches."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        access = current_access()
        if not (access.admin or access.branches):
            abort(403)
        return view(*args, **kwargs)

    return _mark(cast(F, wrapper), AccessRule("signed_in", write=True))


def owner_access(loader: Callable[[Any], tuple[Any, str] | None], *, arg: str,
                 pass_as: str) -> Callable[[F], F]:
    """A record that belongs to one account (a background job): ``loader(kwargs[arg])``
    returns (record, owner's username) or None. Its owner and administrators see it;
    everyone else gets 404, as if it did not exist."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found = loader(kwargs.pop(arg))
            if found is None:
                abort(404)
            record, owner = found
            if not (current_access().admin or owner == current_user.username):
                abort(404)
            kwargs[pass_as] = record
            return view(*args, **kwargs)

        return _mark(cast(F, wrapper), AccessRule("owner", False, arg))

    return decorate


def record_access(loader: Callable[[Any], tuple[Any, int] | None], *, arg: str,
                  pass_as: str, write: bool = False, scope: Scope = "record") -> Callable[[F], F]:
    """Load ``loader(kwargs[arg])`` → (record, branch id) or None (404), check, then call the
    view with the record as ``pass_as`` instead of the URL argument."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found = loader(kwargs.pop(arg))
            if found is None:
                abort(404)
            record, branch_id = found
            check(branch_id, write=write)
            kwargs[pass_as] = record
            return view(*args, **kwargs)

        return _mark(cast(F, wrapper), AccessRule(scope, write, arg))

    return decorate


def _branch_by_code(code: Any) -> tuple[Branch, int] | None:
    branch = org_reads.branch_by_code(str(code))
    return (branch, branch.id) if branch is not None else None


def _member_by_number(number: Any) -> tuple[Member, int] | None:
    member = members_reads.member_by_number(str(number))
    return (member, member.branch_id) if member is not None else None


def branch_access(*, write: bool = False) -> Callable[[F], F]:
    """The view takes ``<code>`` in its URL and receives ``branch: Branch``."""
    return record_access(_branch_by_code, arg="code", pass_as="branch", write=write,
                         scope="branch")


def member_access(*, write: bool = False) -> Callable[[F], F]:
    """The view takes ``<number>`` in its URL and receives ``member: Member``; access follows
    the member's current branch."""
    return record_access(_member_by_number, arg="number", pass_as="member", write=write,
                         scope="member")


def access_rule(view: Callable[..., Any]) -> AccessRule | None:
    """The rule a view declared, or None (the matrix test refuses such a console route)."""
    return getattr(view, "access", None)
