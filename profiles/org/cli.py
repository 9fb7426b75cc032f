"""``flask record begins [YYYY-MM]``: where the organisation's record begins.

Without a month it says where the record begins; with one it sets it on every committee
(logged); ``--clear`` unsets it (each member's own dates again). Chinese unless ``--lang
en``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from core.changelog import Actor
from core.clock import today
from core.db import db
from core.errors import UserError
from profiles.audit.wording import gettext
from profiles.org import reads
from profiles.org.operations import set_records_from
from profiles.org.rules import parse_month
from profiles.org.wording import month_words

record_cli = AppGroup("record", help="Where the organisation's record begins.")


def describe_start() -> list[str]:
    """Where the record begins, as lines: one for the organisation, or one per committee
    when they differ."""
    starts = reads.record_starts()
    if not starts:
        return [gettext("There is no organisation yet: import a roster or run the demo "
                        "first.")]
    values = {start for _, _, start in starts}
    if len(values) == 1:
        [start] = values
        if start is None:
            return [gettext("Where the record begins is not set: every rule counts from each "
                            "member's own dates. Set it with: flask record begins YYYY-MM")]
        return [gettext("The record begins in %(month)s: no rule looks before it.",
                        month=month_words(start))]
    return [f"{name}：" + (month_words(start) if start else gettext("not set"))
            for _, name, start in starts]


@record_cli.command("begins")
@click.argument("month", required=False, metavar="[YYYY-MM]")
@click.option("--clear", is_flag=True, help="Unset it: each member's own dates count again.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the output (default: Chinese).")
@with_appcontext
def begins_command(month: str | None, clear: bool, lang: str | None) -> None:
    """Show where the record begins, or set it to MONTH (e.g. 2025-01)."""
    with force_locale(lang or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        if month is None and not clear:
            for line in describe_start():
                click.echo(line)
            return
        if month is not None and clear:
            raise click.UsageError(gettext("Give a month or --clear, not both."))
        day = None
        if month is not None:
            day = parse_month(month)
            if day is None:
                raise click.ClickException(gettext(
                    "'%(value)s' is not a month; write it like 2025-01.", value=month))
        if not reads.record_starts():
            raise click.ClickException(describe_start()[0])
        try:
            changed = set_records_from(Actor.from_os("record begins"), day, today=today())
        except UserError as exc:
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        if not changed:
            click.echo(gettext("Nothing changed."))
        for line in describe_start():
            click.echo(line)
