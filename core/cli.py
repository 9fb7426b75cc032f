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


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The backup archive to write (.zip).")
@with_appcontext
def backup_command(output: str) -> None:
    """Write a consistent copy of the database and the signing keys to one archive."""
    from core.backup import BackupError, make_backup
    from core.db import db
    from core.files import OutputError

    try:
        manifest = make_backup(db.engine, Path(current_app.instance_path), Path(output))
    except (BackupError, OutputError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {output} ({manifest['dialect']}, "
               f"schema {manifest['revision']}).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(archive: str, force: bool) -> None:
    """Replace the database with a backup archive (the current data is kept unless --force)."""
    from sqlalchemy import inspect

    from core.backup import BackupError, read_manifest, restore_backup
    from core.db import db

    try:
        read_manifest(Path(archive))
        if not force and inspect(db.engine).has_table("committee"):
            from sqlalchemy import text

            # By table name: core knows the schema's root table, not the domain's models.
            if db.session.execute(text("SELECT 1 FROM committee LIMIT 1")).first():
                raise click.ClickException(
                    "The database already holds an organisation; nothing was changed. "
                    "Make a backup of it first, then run restore again with --force.")
        db.session.remove()
        manifest = restore_backup(db.engine, Path(current_app.instance_path), Path(archive))
        from core.cache import cache

        cache.clear()  # a shared (Redis) cache; in-process caches go with a server restart
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {archive} (made {manifest['created_at']}); "
               "run `flask --app app db upgrade` if the schema is older than the code.")
