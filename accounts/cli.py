"""``flask --app app user ...``: accounts from the command line."""

from __future__ import annotations

import getpass

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext
from sqlalchemy import select

from accounts.models import Account, Role
from accounts.service import (
    AccountError,
    GrantSpec,
    accounts_exist,
    add_grant,
    create_account,
    describe_grant,
    find_account,
    reset_password,
    revoke_grant,
    set_active,
)
from core.db import db
from profiles.models import Branch

SOURCE = "user command"


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _account(name: str) -> Account:
    account = find_account(name)
    if account is None:
        raise click.ClickException(f"no account named {name!r}")
    return account


def _specs(role: str, branches: tuple[str, ...]) -> list[GrantSpec]:
    if Role(role) is Role.SECRETARY:
        if not branches:
            raise click.ClickException("a secretary needs --branch CODE (one or more)")
        return [GrantSpec(Role.SECRETARY, code) for code in branches]
    if branches:
        raise click.ClickException(f"--branch is only for --role secretary, not {role}")
    return [GrantSpec(Role(role))]


ROLE = click.Choice([r.value for r in Role])


@click.group("user", cls=AppGroup)
def user_cli() -> None:
    """Console accounts: add, list, reset, disable, grant, revoke."""


@user_cli.command("add")
@click.argument("name")
@click.option("--role", type=ROLE, required=True, help="admin, supervisor or secretary")
@click.option("--branch", "branches", multiple=True, help="branch code (secretary; repeatable)")
@click.option("--display-name", default="", help="the person's name as shown")
def add_command(name: str, role: str, branches: tuple[str, ...], display_name: str) -> None:
    """Create an account; its random password is printed once."""
    try:
        _, password = create_account(_actor(), SOURCE, name, _specs(role, branches),
                                     display_name)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"account {name} created; password (shown once): {password}")


@user_cli.command("list")
def list_command() -> None:
    """Every account, its state and its grants."""
    for account in db.session.scalars(select(Account).order_by(Account.username)):
        state = "active" if account.active else "disabled"
        grants = ", ".join(describe_grant(g) for g in account.grants) or "-"
        last = account.last_login_at.strftime("%Y-%m-%d %H:%M") if account.last_login_at else "-"
        click.echo(f"{account.username}\t{state}\t{grants}\tlast login {last}")


@user_cli.command("reset")
@click.argument("name")
def reset_command(name: str) -> None:
    """A new random password (printed once); the account's sessions end."""
    password = reset_password(_actor(), SOURCE, _account(name))
    db.session.commit()
    click.echo(f"new password for {name} (shown once): {password}")


@user_cli.command("disable")
@click.argument("name")
def disable_command(name: str) -> None:
    """Disable an account; it is logged out everywhere at once."""
    try:
        set_active(_actor(), SOURCE, _account(name), False)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"account {name} disabled")


@user_cli.command("enable")
@click.argument("name")
def enable_command(name: str) -> None:
    """Enable a disabled account again."""
    set_active(_actor(), SOURCE, _account(name), True)
    db.session.commit()
    click.echo(f"account {name} enabled")


@user_cli.command("grant")
@click.argument("name")
@click.option("--role", type=ROLE, required=True)
@click.option("--branch", "branches", multiple=True)
def grant_command(name: str, role: str, branches: tuple[str, ...]) -> None:
    """Give an account another role."""
    account = _account(name)
    try:
        for spec in _specs(role, branches):
            add_grant(_actor(), SOURCE, account, spec)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{name}: " + ", ".join(describe_grant(g) for g in account.grants))


@user_cli.command("revoke")
@click.argument("name")
@click.option("--role", type=ROLE, required=True)
@click.option("--branch", "branches", multiple=True)
def revoke_command(name: str, role: str, branches: tuple[str, ...]) -> None:
    """Take a role away from an account."""
    account = _account(name)
    wanted = {(s.role, s.branch_code) for s in _specs(role, branches)}
    matching = [g for g in account.grants
                if (g.role, g.branch.code if g.branch else None) in wanted]
    if not matching:
        raise click.ClickException(f"{name} holds no such grant")
    try:
        for grant in matching:
            revoke_grant(_actor(), SOURCE, account, grant)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{name}: " + (", ".join(describe_grant(g) for g in account.grants) or "-"))


@user_cli.command("demo")
@click.option("--branch", "code", default=None,
              help="The branch the demo secretary keeps, if it exists (else the first by code).")
def demo_command(code: str | None) -> None:
    """First run only: a demo administrator and a demo secretary of one branch, with
    random passwords printed once. Does nothing when any account exists."""
    if accounts_exist():
        return
    query = select(Branch).order_by(Branch.code).limit(1)
    branch = (db.session.scalar(query.where(Branch.code == code)) if code else None) \
        or db.session.scalar(query)
    _, admin_pw = create_account(_actor(), SOURCE, "admin", [GrantSpec(Role.ADMIN)],
                                 "演示管理员")
    lines = [gettext("  administrator: admin / %(password)s", password=admin_pw)]
    if branch is not None:
        _, sec_pw = create_account(_actor(), SOURCE, "secretary",
                                   [GrantSpec(Role.SECRETARY, branch.code)], "演示书记")
        lines.append(gettext("  secretary of %(code)s %(name)s: secretary / %(password)s",
                             code=branch.code, name=branch.name, password=sec_pw))
    db.session.commit()
    click.echo(gettext("Console accounts created (passwords shown only this once):"))
    for line in lines:
        click.echo(line)
    click.echo(gettext("Log in at %(url)s/console/login",
                       url=current_app.config["BASE_URL"].rstrip("/")))
