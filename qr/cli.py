"""``flask qr url ...`` and ``flask card reissue ...``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core.changelog import Actor
from core.db import db
from core.errors import UserError
from profiles.cards import reissue_card
from profiles.models import Branch, Member
from profiles.queries import CardRef, find_branch_card_by_code, find_member_card_by_number
from qr.links import card_url
from qr.tokens import Kind

qr_cli = AppGroup("qr", help="The URLs the codes encode.")
url_cli = AppGroup("url", help="Print the URL in a member's or branch's code.")
qr_cli.add_command(url_cli)
card_cli = AppGroup("card", help="Member and branch cards.")


def _url(kind: Kind, card: CardRef) -> str:
    config = current_app.config
    return card_url(config["BASE_URL"], config["SIGNING_KEYS"], kind, card.record_id,
                    card.generation)


@url_cli.command("member")
@click.argument("number")
def member_url_command(number: str) -> None:
    """Print the URL in the code of member NUMBER (党员编号)."""
    card = find_member_card_by_number(number)
    if card is None:
        raise click.ClickException(f"No member with number {number}.")
    click.echo(_url("member", card))


@url_cli.command("branch")
@click.argument("code")
def branch_url_command(code: str) -> None:
    """Print the URL in the code of branch CODE."""
    card = find_branch_card_by_code(code)
    if card is None:
        raise click.ClickException(f"No branch with code {code}.")
    click.echo(_url("branch", card))


@card_cli.command("reissue")
@click.argument("number", required=False)
@click.option("--branch", "branch_code", help="Reissue the branch's card (poster) instead.")
@click.option("--reason", default="", help="Why (lost, damaged …); logged with the new card.")
def reissue_command(number: str | None, branch_code: str | None, reason: str) -> None:
    """Issue a new card for member NUMBER (or --branch CODE); the old card then says replaced."""
    if (number is None) == (branch_code is None):
        raise click.UsageError("Give a member NUMBER or --branch CODE (one of them).")
    record: Member | Branch | None
    if branch_code is not None:
        record = db.session.scalar(select(Branch).where(Branch.code == branch_code))
        actor = Actor.from_os("card reissue --branch")
    else:
        record = db.session.scalar(select(Member).where(Member.number == number))
        actor = Actor.from_os("card reissue")
    if record is None:
        raise click.ClickException(f"Not found: {branch_code or number}.")
    try:
        generation = reissue_card(actor, record, reason)
    except UserError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    kind: Kind = "branch" if isinstance(record, Branch) else "member"
    click.echo(f"Card generation {generation}; older cards now open a 'replaced' page.")
    click.echo(_url(kind, CardRef(record.id, generation, record.name)))
