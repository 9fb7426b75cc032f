"""The application factory: ``flask --app app run``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None,
               instance_path: str | None = None) -> Flask:
    """Create and configure a partycard application."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)  # private data
    app.config.from_mapping(
        DATABASE_URL="sqlite:///" + os.path.join(app.instance_path, "partycard.sqlite3"),
        BASE_URL="http://127.0.0.1:5000",
        ORG_NAME=None,  # printed on cards; defaults to the committee's name
        SIGNING_KEYS=None,  # comma-separated or a list; else instance/signing-keys
        GENERATE_KEYS=True,  # create instance/signing-keys on first run
        LANGUAGES=["zh", "en"],
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        TODAY=None,  # pin the date pages are computed for (tests, demos)
        CJK_FONT=None,  # a font file or family for printing; fontconfig finds one if unset
        HIDDEN_SECTIONS=[],  # member page sections to hide, e.g. ["evaluation_rating"]
        SHOW_INTRODUCERS=False,  # the member page names the member's two 入党介绍人
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        CACHE_TYPE=None,  # SimpleCache (per process); RedisCache with CACHE_REDIS_URL
        CACHE_DEFAULT_TIMEOUT=600,
        CACHE_THRESHOLD=5000,
        CACHE_KEY_PREFIX="partycard:",
        CACHE_NO_NULL_WARNING=True,  # NullCache in tests is deliberate
    )
    from profiles.audit.checklist import CONFIG_DEFAULTS as AUDIT_DEFAULTS

    app.config.from_mapping(AUDIT_DEFAULTS)  # AUDIT_CADENCES, DUES_*_MONTHS, ... (pages)
    from core.blobs import CONFIG_DEFAULTS as STORE_DEFAULTS
    from profiles.meetings.evidence import CONFIG_DEFAULTS as EVIDENCE_DEFAULTS

    app.config.from_mapping(STORE_DEFAULTS)  # EVIDENCE_STORE, EVIDENCE_S3_* (docs/evidence.md)
    app.config.from_mapping(EVIDENCE_DEFAULTS)  # EVIDENCE_MAX_FILE_MB, ..._QUOTA_MB, ...
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PARTYCARD")
    else:
        app.config.from_mapping(test_config)
    from core.cache import add_page_settings

    add_page_settings(app, AUDIT_DEFAULTS)  # the audit thresholds shape pages: in the key
    add_page_settings(app, ("SHOW_INTRODUCERS",))  # the member page's 入党介绍人 line

    from core.db import database_uri, db
    from core.i18n import domains
    from core.keys import load_signing_keys
    from core.sessions import load_session_secrets

    translations = Path(app.root_path) / "translations"
    app.config.setdefault("BABEL_DOMAIN", domains(translations))
    # flask-babel pairs directories and domains by position, so name the folder once per
    # domain; with a single directory it would load only the first domain.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(
        [str(translations)] * len(app.config["BABEL_DOMAIN"].split(";"))))
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_uri(app.config["DATABASE_URL"]))
    if app.config["CACHE_TYPE"] is None:
        # Tests change data behind the app's back; they switch the cache on where they test it.
        app.config["CACHE_TYPE"] = "NullCache" if app.testing else "SimpleCache"
    strict = not (app.debug or app.testing)
    keys = load_signing_keys(
        app.config["SIGNING_KEYS"], Path(app.instance_path),
        generate=bool(app.config["GENERATE_KEYS"]), strict=strict,
    )
    app.config["SIGNING_KEYS"] = keys
    from core.settings import check_settings
    from core.storage import prepare_database_file
    from qr.links import SETTINGS_CHECKS as QR_SETTINGS

    check_settings(app.config, QR_SETTINGS)  # BASE_URL, before any code is drawn with it

    prepare_database_file(app.config["SQLALCHEMY_DATABASE_URI"], strict=strict)
    from core.security import apply_proxy_fix
    from core.storage import secure_instance

    secure_instance(Path(app.instance_path), strict=strict)  # 0700 / 0600, whoever made them
    apply_proxy_fix(app)
    # Sessions have their own secret (instance/session-secret): rotating card keys must not
    # log anyone out, nor rotating the session secret invalidate a printed card.
    secret, fallbacks = load_session_secrets(
        app.config.get("SECRET_KEY"), Path(app.instance_path),
        generate=bool(app.config["GENERATE_KEYS"]), strict=strict)
    app.config["SECRET_KEY"] = secret
    app.config["SECRET_KEY_FALLBACKS"] = app.config.get("SECRET_KEY_FALLBACKS") or fallbacks

    from flask_migrate import Migrate

    import core.jobs  # noqa: F401  (the job table)
    import profiles.models  # noqa: F401  (registers every table on the metadata)
    from core.cache import cache
    from core.cli import backup_command, i18n_cli, keys_cli, restore_command
    from core.errors import register_error_pages
    from core.i18n import init_i18n
    from core.security import add_security_headers

    db.init_app(app)
    cache.init_app(app)
    Migrate(app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True,
            compare_type=True)
    init_i18n(app)
    app.after_request(add_security_headers)
    register_error_pages(app)
    app.cli.add_command(keys_cli)
    app.cli.add_command(i18n_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

    # Feature blueprints and commands; each feature adds its own lines here.
    from demo.cli import demo_command, urls_command
    from print.cli import print_cli
    from profiles import views as profile_views
    from profiles.org.cli import record_cli
    from qr import views as qr_views
    from qr.cli import card_cli, qr_cli
    from sheets.cli import export_cli, import_cli, template_command

    app.register_blueprint(profile_views.bp)
    app.register_blueprint(qr_views.bp)
    app.cli.add_command(demo_command)
    app.cli.add_command(qr_cli)
    app.cli.add_command(card_cli)
    app.cli.add_command(urls_command)
    app.cli.add_command(print_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(template_command)
    app.cli.add_command(export_cli)
    app.cli.add_command(record_cli)

    from accounts import init_accounts
    from console import init_console

    init_accounts(app)
    init_console(app)

    from core.tasks import init_tasks

    init_tasks(app)  # after the features: their tasks are declared by then
    return app
