"""``flask demo``: seed the demo organisation; ``flask urls``: two of its pages to open."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from core.db import db
from demo.builder import DELIBERATE_GAPS, DemoBuilder
from profiles.models import Branch, Committee, Member
from qr.links import card_url
from qr.tokens import Kind


def database_is_empty() -> bool:
    """Whether there is no organisation yet."""
    return not db.session.scalar(select(func.count()).select_from(Committee))


def wipe_database() -> None:
    """Rebuild the schema from empty (the points ledger refuses row deletes by design)."""
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="base")
    upgrade()


@click.command("demo")
@click.option("--members", default=150, show_default=True, type=click.IntRange(48, 200_000),
              help="How many members to create.")
@click.option("--seed", default=2026, show_default=True, help="Random seed; same seed, same data.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date the demo is built around (default: today).")
@click.option("--reset", is_flag=True, help="Replace whatever the database holds.")
@with_appcontext
def demo_command(members: int, seed: int, today: dt.datetime | None, reset: bool) -> None:
    """Seed a realistic demo organisation (one committee, branches, two years of records)."""
    if not database_is_empty():
        if not reset:
            count = db.session.scalar(select(func.count()).select_from(Member))
            click.echo(f"The database already holds an organisation ({count} members); "
                       "nothing changed. Use --reset to replace it with the demo.")
            return
        wipe_database()
    day = today.date() if today else dt.date.today()
    with click.progressbar(length=members, label="Creating members", file=None) as bar, \
            db.engine.begin() as conn:
        summary = DemoBuilder(conn, members=members, seed=seed, today=day,
                              progress=bar.update).build()
    click.echo(
        f"Demo organisation built around {day}: {summary.branches} branches, "
        f"{summary.members} members, {summary.meetings} meetings, {summary.attendance} "
        f"attendance rows, {summary.dues} dues months, {summary.points} points entries, "
        f"{summary.evaluations} evaluations."
    )
    click.echo("Deliberate gaps for the self-audit to find:")
    for line in DELIBERATE_GAPS:
        click.echo(f"  - {line}")
    current_app.logger.info("demo seeded with seed=%s members=%s", seed, members)


def _url(kind: Kind, record_id: int, generation: int) -> str:
    config = current_app.config
    return card_url(config["BASE_URL"], config["SIGNING_KEYS"], kind, record_id, generation)


@click.command("urls")
@with_appcontext
def urls_command() -> None:
    """Print one member URL and one branch URL to open (李娜 of ZB02 in the demo)."""
    branch = db.session.execute(
        select(Branch.id, Branch.card_generation, Branch.name)
        .order_by((Branch.code == "ZB02").desc(), Branch.code).limit(1)
    ).first()
    if branch is None:
        raise click.ClickException("No branch yet: run `flask --app app demo` first.")
    member = db.session.execute(
        select(Member.id, Member.card_generation, Member.name)
        .where(Member.branch_id == branch[0])
        .order_by((Member.name == "李娜").desc(), Member.id).limit(1)
    ).first()
    if member is not None:
        click.echo(f"Member {member[2]}: {_url('member', *member[:2])}")
    click.echo(f"Branch {branch[2]}: {_url('branch', *branch[:2])}")
