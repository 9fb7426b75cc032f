"""Seeding the demo organisation: 10,000 members against the suite's 150, same run.

    python bench/demo.py [--members 10000] [--small 150] [--no-postgres]

Each seed runs in a fresh process (``flask demo --members N``, through the app's own
command) on a freshly migrated database: SQLite, then PostgreSQL if it answers at
``PARTYCARD_BENCH_POSTGRES_URL`` (default the test suite's server). The small seed is
the size the test suite builds; its time per member is the baseline the large seed is
compared with, so the ratio says whether seeding stays linear in the organisation's size
whatever the machine's load. Prints wall time and peak memory of each seed, and checks
the large seed made exactly ``--members`` members. Goal (issue 2): the 10,000-member seed
well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, TODAY, machine  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("PARTYCARD_BENCH_POSTGRES_URL",
                                    "postgresql://postgres@127.0.0.1:5432/test")

# Run in a fresh process: migrate, seed through the `demo` command, count the members,
# print the seed's wall time and the process's peak memory as JSON.
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from flask_migrate import upgrade
from sqlalchemy import func, select
from app import create_app
from core.db import db
from profiles.models import Member
app = create_app({"DATABASE_URL": sys.argv[2]}, instance_path=sys.argv[3])
with app.app_context():
    upgrade(directory=sys.argv[1] + "/migrations")
    db.session.remove()
runner = app.test_cli_runner()
start = time.perf_counter()
result = runner.invoke(args=["demo", "--members", sys.argv[4], "--seed", "2026",
                             "--today", sys.argv[5]])
seconds = time.perf_counter() - start
if result.exit_code != 0:
    sys.exit(result.output + repr(result.exception))
with app.app_context():
    members = db.session.scalar(select(func.count()).select_from(Member))
    db.session.remove()
    db.engine.dispose()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "members": members, "peak_mb": peak}))
"""


def seed(url: str, members: int) -> dict[str, float]:
    """Seed ``members`` into the empty database at ``url`` in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="partycard-bench-demo-") as instance:
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), url, instance,
                              str(members), TODAY.isoformat()],
                             cwd=ROOT, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["members"] != members:
        raise SystemExit(f"asked for {members} members, the seed made {result['members']}")
    return result


def sqlite_seed(members: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="partycard-bench-demo-db-") as folder:
        return seed(f"sqlite:///{folder}/demo.sqlite3", members)


def postgres_seed(members: int) -> dict[str, float] | None:
    """The seed on a throw-away PostgreSQL database; None if the server does not answer."""
    from sqlalchemy import create_engine, text

    from core.db import database_uri

    name = f"partycard_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(database_uri(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the SQLite figures stand alone
        print(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}",
              file=sys.stderr)
        return None
    try:
        return seed(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, members)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=150)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    backends: list[tuple[str, Callable[[int], dict[str, float] | None]]] = [
        ("SQLite", sqlite_seed)]
    if not args.no_postgres:
        backends.append(("PostgreSQL", postgres_seed))
    rows, verdicts, ratios = [], [], []
    for label, run in backends:
        small = run(args.small)
        if small is None:
            continue
        large = run(args.members)
        assert large is not None
        for n, figures in ((args.small, small), (args.members, large)):
            rows.append(f"| {label} | {n} | {figures['seconds']:.2f} | "
                        f"{figures['seconds'] / n * 1000:.2f} | {figures['peak_mb']:.0f} |")
        per_small = small["seconds"] / args.small
        per_large = large["seconds"] / args.members
        ratios.append(f"{label} {per_large / per_small:.2f}x")
        verdict = "yes" if large["seconds"] < 60 else "NO"
        verdicts.append(f"{label}: {args.members} members in {large['seconds']:.1f} s "
                        f"(goal well under a minute: {verdict})")
    print(f"# {machine()}; demo seed 2026, today {TODAY}")
    print("| database | members | wall s | ms per member | peak MB |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print("\n".join(verdicts))
    print("time per member, large seed / small seed (same run): " + ", ".join(ratios))

if __name__ == "__main__":
    main()
