"""Managing accounts and grants: shared by the ``user`` command and the console.

Each function flushes and never commits (the command or request does). Every change is
logged in the change log (table ``account``), without any password or hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from accounts.models import Account, Grant, Role
from accounts.passwords import hash_password, random_password
from accounts.sessions import end_all_sessions
from core.changelog import Actor, log_change
from core.db import db
from core.errors import UserError
from profiles.models import Branch


class AccountError(UserError):
    """A refused account change, translated (Chinese first) when raised."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(gettext(message, **values))


@dataclass(frozen=True)
class GrantSpec:
    """A role, and for a secretary the branch code."""

    role: Role
    branch_code: str | None = None


def _log(actor: str, source: str, account: Account, action: str,
         changes: dict[str, tuple[Any, Any]]) -> None:
    log_change(Actor(actor, source), action, "account", account.username, changes)


def find_account(username: str) -> Account | None:
    return db.session.scalar(select(Account).where(
        func.lower(Account.username) == username.strip().lower()))


def _branch(code: str) -> Branch:
    branch: Branch | None = db.session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        raise AccountError("No branch with code %(code)s.", code=code)
    return branch


def describe_grant(grant: Grant) -> str:
    """E.g. ``secretary:ZB01`` (for the log and the command line)."""
    return f"{grant.role.value}:{grant.branch.code}" if grant.branch else grant.role.value


def add_grant(actor: str, source: str, account: Account, spec: GrantSpec) -> Grant | None:
    """Give ``account`` a role (None if it already holds it)."""
    branch = None
    if spec.role is Role.SECRETARY:
        if not spec.branch_code:
            raise AccountError("A secretary grant needs a branch.")
        branch = _branch(spec.branch_code)
    elif spec.branch_code:
        raise AccountError("Only a secretary grant names a branch.")
    for g in account.grants:
        if g.role is spec.role and g.branch_id == (branch.id if branch else None):
            return None
    grant = Grant(role=spec.role, branch_id=branch.id if branch else None, branch=branch)
    account.grants.append(grant)
    db.session.flush()
    _log(actor, source, account, "grant", {"grant": (None, describe_grant(grant))})
    return grant


def _last_admin(account: Account) -> bool:
    """Whether ``account`` is the only active account holding the administrator role."""
    admins = db.session.scalars(
        select(Grant.account_id).join(Account, Account.id == Grant.account_id)
        .where(Grant.role == Role.ADMIN, Account.active.is_(True))).all()
    return set(admins) == {account.id}


def revoke_grant(actor: str, source: str, account: Account, grant: Grant) -> None:
    """Take a role away (never the last administrator's: nobody could manage accounts)."""
    if grant.role is Role.ADMIN and _last_admin(account):
        raise AccountError("This is the last administrator: make another one first.")
    text = describe_grant(grant)
    account.grants.remove(grant)
    db.session.flush()
    _log(actor, source, account, "revoke", {"grant": (text, None)})


def create_account(actor: str, source: str, username: str, grants: Sequence[GrantSpec],
                   display_name: str = "", password: str | None = None) -> tuple[Account, str]:
    """A new account with its grants and a password (random unless given); returns both."""
    username = username.strip()
    if not username:
        raise AccountError("A username is needed.")
    if find_account(username) is not None:
        raise AccountError("An account named %(name)s already exists.", name=username)
    password = password or random_password()
    account = Account(username=username, display_name=display_name.strip(),
                      password_hash=hash_password(password), active=True)
    db.session.add(account)
    db.session.flush()
    _log(actor, source, account, "insert", {"display_name": (None, account.display_name)})
    for spec in grants:
        add_grant(actor, source, account, spec)
    return account, password


def reset_password(actor: str, source: str, account: Account,
                   password: str | None = None) -> str:
    """A new password (random unless given); every session of the account ends."""
    password = password or random_password()
    account.password_hash = hash_password(password)
    end_all_sessions(account.id)
    db.session.flush()
    _log(actor, source, account, "reset", {"password": (None, "***")})
    return password


def change_password(actor: str, source: str, account: Account, password: str) -> None:
    """The account's own new password (checked by the caller: the current one, the rules);
    every session of the account ends, so it logs in again with the new one."""
    account.password_hash = hash_password(password)
    end_all_sessions(account.id)
    db.session.flush()
    _log(actor, source, account, "update", {"password": (None, "***")})


def set_active(actor: str, source: str, account: Account, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    if account.active == active:
        return
    if not active and _last_admin(account):
        raise AccountError("This is the last administrator: make another one first.")
    account.active = active
    if not active:
        end_all_sessions(account.id)
    db.session.flush()
    _log(actor, source, account, "update", {"active": (not active, active)})


def accounts_exist() -> bool:
    return db.session.scalar(select(func.count(Account.id))) != 0
