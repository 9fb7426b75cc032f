"""``flask keys ...``: create and rotate the signing keys."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core.keys import KEYS_FILENAME, read_keys, write_new_key

keys_cli = AppGroup("keys", help="Manage the keys that sign card tokens.")


@keys_cli.command("generate")
def generate_command() -> None:
    """Append a new signing key; older keys keep verifying printed cards."""
    path = Path(current_app.instance_path) / KEYS_FILENAME
    write_new_key(path)
    click.echo(f"{path}: {len(read_keys(path))} key(s); the newest now signs new cards.")


@keys_cli.command("rotate-session")
def rotate_session_command() -> None:
    """Append a new session secret; sessions signed with older ones stay valid."""
    from core.sessions import SESSION_SECRET_FILENAME, append_session_secret

    path = Path(current_app.instance_path) / SESSION_SECRET_FILENAME
    append_session_secret(path)
    click.echo(f"{path}: new session secret appended; restart the app to use it. Card "
               "keys are unchanged.")


i18n_cli = AppGroup("i18n", help="Translation catalogs.")


@i18n_cli.command("compile")
def compile_command() -> None:
    """Compile the translation catalogs (``translations/*/LC_MESSAGES/*.po``)."""
    from core.i18n import compile_catalogs

    written = compile_catalogs(Path(current_app.root_path) / "translations")
    click.echo(f"{len(written)} catalog(s) compiled.")


LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                    help="Language of the messages (default: Chinese).")


def _locale(lang: str | None) -> str:
    return lang or str(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh"))


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The backup archive to write (.zip).")
@LANG
@with_appcontext
def backup_command(output: str, lang: str | None) -> None:
    """Write a consistent copy of the database and the signing keys to one archive."""
    from flask_babel import force_locale, gettext

    from core.backup import BackupError, make_backup
    from core.blobs import evidence_store
    from core.db import db
    from core.files import OutputError

    with force_locale(_locale(lang)):
        try:
            manifest = make_backup(db.engine, Path(current_app.instance_path), Path(output),
                                   store=evidence_store(current_app))
        except (BackupError, OutputError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(gettext("Backup written to %(file)s (%(dialect)s, schema %(revision)s).",
                           file=output, dialect=manifest["dialect"],
                           revision=manifest["revision"]))


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@LANG
@with_appcontext
def restore_command(archive: str, force: bool, lang: str | None) -> None:
    """Replace the database with a backup archive (the current data is kept unless --force)."""
    from flask_babel import force_locale

    with force_locale(_locale(lang)):
        _restore(archive, force)


def _restore(archive: str, force: bool) -> None:
    from flask_babel import gettext
    from sqlalchemy import inspect

    from core.backup import (
        MAX_DATABASE_BYTES,
        BackupError,
        known_revisions,
        read_manifest,
        restore_backup,
    )
    from core.blobs import evidence_store
    from core.db import db

    try:
        read_manifest(Path(archive))
        if not force and inspect(db.engine).has_table("committee"):
            from sqlalchemy import text

            # By table name: core knows the schema's root table, not the domain's models.
            if db.session.execute(text("SELECT 1 FROM committee LIMIT 1")).first():
                raise click.ClickException(gettext(
                    "The database already holds an organisation; nothing was changed. "
                    "Make a backup of it first, then run restore again with --force."))
        db.session.remove()
        manifest = restore_backup(
            db.engine, Path(current_app.instance_path), Path(archive),
            known_revisions=known_revisions(Path(current_app.root_path) / "migrations"),
            max_bytes=int(current_app.config.get("RESTORE_MAX_BYTES", MAX_DATABASE_BYTES)),
            store=evidence_store(current_app))
        from core.cache import cache

        cleared = cache.clear()  # a shared (Redis) cache; in-process caches go with a restart
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(gettext("Restored %(file)s (made %(created)s); run `flask --app app db "
                       "upgrade` if the schema is older than the code.", file=archive,
                       created=manifest["created_at"]))
    # A server started before the restore still holds the old database (SQLite: the
    # replaced file stays open) and the old signing keys: it must be restarted.
    click.echo(gettext("Restart every running partycard server now: until it restarts it "
                       "keeps serving the data from before the restore and does not know "
                       "the restored signing keys, so restored cards may not open."), err=True)
    if not cleared:
        click.echo(gettext(
            "The page cache could not be cleared (is Redis running?); clear it "
            "(redis-cli FLUSHDB on the cache's database) or wait %(seconds)s s before "
            "relying on the pages.",
            seconds=current_app.config.get("CACHE_DEFAULT_TIMEOUT")), err=True)
