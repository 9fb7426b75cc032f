"""Shared by the benchmarks: a cached demo database and the URLs of its pages."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

# The suite's pinned date: every run measures the same organisation as the tests.
from tests.helpers.dates import TODAY

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PARTYCARD_BENCH_CACHE", "/tmp/partycard-bench"))


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def demo_database(members: int, seed: int = 2026) -> tuple[Path, Path]:
    """(instance folder, SQLite file) holding the demo organisation; built once and cached."""
    instance = CACHE / f"demo-{members}-{seed}-{TODAY}"
    database = instance / "partycard.sqlite3"
    if not (instance / "ready").exists():
        instance.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        env = dict(os.environ, PARTYCARD_DATABASE_URL=f"sqlite:///{database}")
        factory = f"app:create_app(instance_path='{instance}')"
        flask = [sys.executable, "-m", "flask", "--app", factory]
        print(f"building the demo organisation with {members} members in {instance} ...",
              file=sys.stderr)
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        subprocess.run([*flask, "demo", "--members", str(members), "--seed", str(seed),
                        "--today", TODAY.isoformat()], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        (instance / "ready").write_text("ok\n")
    database.chmod(0o600)  # caches built before databases were made private (docs/security.md)
    return instance, database


def bench_app(instance: Path, database: Path) -> Flask:
    """The production app (not testing) on the cached demo database."""
    from app import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{database}", "TODAY": TODAY.isoformat(),
                       "BASE_URL": "http://127.0.0.1:5000"}, instance_path=str(instance))


def page_paths(app: Flask, sample: int = 500) -> tuple[list[str], list[str], str]:
    """(member page paths, branch page paths, path of the largest branch's page)."""
    from core.db import db
    from profiles.enums import ENDED
    from profiles.models import Branch, Member
    from qr.links import card_url

    keys = app.config["SIGNING_KEYS"]

    def path(kind: str, record_id: int, generation: int) -> str:
        url = card_url("http://x", keys, kind, record_id, generation)  # type: ignore[arg-type]
        return url.split("HTTP://X", 1)[1]

    with app.app_context():
        # Current members only: a former member's card opens no page (历史党员, console only).
        members = db.session.execute(
            select(Member.id, Member.card_generation).where(Member.status.not_in(ENDED))
            .order_by(Member.id)).all()
        step = max(1, len(members) // sample)
        member_paths = [path("member", i, g) for i, g in members[::step]]
        branches = db.session.execute(select(Branch.id, Branch.card_generation)).all()
        branch_paths = [path("branch", i, g) for i, g in branches]
        largest = db.session.execute(
            select(Branch.id, Branch.card_generation).join(Member)
            .group_by(Branch.id, Branch.card_generation)
            .order_by(func.count(Member.id).desc()).limit(1)).one()
        db.session.remove()
    return member_paths, branch_paths, path("branch", largest[0], largest[1])
