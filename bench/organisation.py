"""Server time of the organisation home (every branch with its gaps) on the demo.

    python bench/organisation.py [--members 10000] [--requests 20]

An administrator logged in through the real form; requests through the WSGI app
in-process. Prints the statements per request and the median and p95 time, and the same
for the overview's figures alone (no template). "Cold": the page cache emptied before
the request (as after any write: the revision is part of the key); "cached": the same
figures again, sorted another way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, demo_database, machine  # noqa: E402
from bench.console import PASSWORD, _login  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    from sqlalchemy import event, func, select

    from accounts.models import Role
    from accounts.service import GrantSpec, create_account, find_account
    from core.db import db
    from profiles.audit.checklist import settings_from_config
    from profiles.models import Branch
    from profiles.reports.overview import overview
    from profiles.reports.reads import everything
    from tests.helpers.dates import TODAY

    instance, database = demo_database(args.members)
    app = bench_app(instance, database)
    with app.app_context():
        if find_account("bench-admin") is None:
            create_account("bench", "bench", "bench-admin", [GrantSpec(Role.ADMIN)],
                           password=PASSWORD)
        db.session.commit()
        branches = db.session.scalar(select(func.count()).select_from(Branch))
    client = _login(app, "bench-admin")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda *a: statements.append(a[2]))
    from core.cache import cache

    client.get("/console/")  # type: ignore[attr-defined]
    cold: list[float] = []
    warm: list[float] = []
    cold_statements = warm_statements = 0
    for _ in range(args.requests):
        with app.app_context():
            cache.clear()
        statements.clear()
        start = time.perf_counter()
        response = client.get("/console/")  # type: ignore[attr-defined]
        cold.append(time.perf_counter() - start)
        assert response.status_code == 200
        cold_statements = len(statements)
        statements.clear()
        start = time.perf_counter()
        response = client.get("/console/?sort=code&order=asc")  # type: ignore[attr-defined]
        warm.append(time.perf_counter() - start)
        assert response.status_code == 200
        warm_statements = len(statements)
    figures: list[float] = []
    cpu: list[float] = []
    with app.app_context():
        settings = settings_from_config(app.config)
        for _ in range(args.requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            overview(everything, settings, TODAY)
            figures.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            db.session.rollback()

    def line(name: str, values: list[float]) -> str:
        values = sorted(values)
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        median = statistics.median(values) * 1000
        return f"{name:<28} median {median:7.1f} ms   p95 {p95 * 1000:7.1f} ms"

    print(machine())
    print(f"{args.members} members, {branches} branches, {args.requests} requests each")
    print(f"statements per home request: {cold_statements} cold, {warm_statements} cached")
    print(line("GET /console/ cold", cold))
    print(line("GET /console/ cached", warm))
    print(line("overview() figures only", figures))
    # CPU time of this process (SQLite runs in it): what the figures cost on an idle core,
    # whatever the machine's load.
    print(line("overview() CPU time", cpu))


if __name__ == "__main__":
    main()
