"""Server time of console pages against the public branch page and a bare route, same run.

    python bench/console.py [--members 10000] [--requests 200]

The largest branch of the demo organisation; a secretary of that branch and an
administrator, logged in through the real form. Requests go through the WSGI app
in-process (no network). Interleaved as in bench/pages.py, so the machine's noise falls
on every series alike.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, demo_database, machine, page_paths  # noqa: E402
from bench.pages import measure, summary  # noqa: E402

PASSWORD = "bench-password-1"


def _accounts(app: object, code: str) -> None:
    """A secretary of the largest branch and an administrator (once per cached database)."""
    from accounts.models import Role
    from accounts.service import GrantSpec, create_account, find_account
    from core.db import db

    with app.app_context():  # type: ignore[attr-defined]
        for name, spec in (("bench-sec", GrantSpec(Role.SECRETARY, code)),
                           ("bench-admin", GrantSpec(Role.ADMIN))):
            if find_account(name) is None:
                create_account("bench", "bench", name, [spec], password=PASSWORD)
        db.session.commit()


def _login(app: object, username: str) -> object:
    client = app.test_client()  # type: ignore[attr-defined]
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    response = client.post("/console/login", data={"username": username,
                                                   "password": PASSWORD,
                                                   "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login as {username} answered {response.status_code}")
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from core.db import db
    from profiles.models import Branch, Member

    instance, database = demo_database(args.members)
    app = bench_app(instance, database)
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")
    _, _, largest_branch = page_paths(app)
    with app.app_context():
        code, size = db.session.execute(
            select(Branch.code, func.count(Member.id)).join(Member)
            .group_by(Branch.code).order_by(func.count(Member.id).desc()).limit(1)).one()
        number = db.session.scalar(select(Member.number).join(Branch)
                                   .where(Branch.code == code).limit(1))
    _accounts(app, code)
    secretary, admin = _login(app, "bench-sec"), _login(app, "bench-admin")
    public = app.test_client()

    plan = {
        "bare": (public, ["/_bench/bare"]),
        "public branch page (largest branch), first view": (public, [largest_branch]),
        "console home (secretary: its checklist)": (secretary, ["/console/"]),
        "console member list (largest branch)": (secretary, [f"/console/members?branch={code}"]),
        "console member record": (secretary, [f"/console/members/{number}"]),
        "console search by pinyin, whole organisation (admin)": (admin,
                                                                 ["/console/members?q=wang"]),
    }
    timings: dict[str, list[float]] = {name: [] for name in plan}
    for name, (client, paths) in plan.items():  # warm up: templates, pinyin, caches
        measure(client, {name: (paths, name.endswith("first view"))}, 5)
    for _ in range(args.requests):
        for name, (client, paths) in plan.items():
            timings[name] += measure(client, {name: (paths, name.endswith("first view"))},
                                     1)[name]
    bare = statistics.median(timings.pop("bare"))
    print(f"# console: {args.members} members, largest branch {code} ({size} members), "
          f"{machine()}")
    print("| route | median ms | p99 ms | vs bare |")
    print("|---|---|---|---|")
    print(f"| bare Flask route | {bare:.2f} | | 1.0x |")
    for name, values in timings.items():
        print(summary(name, values, bare))


if __name__ == "__main__":
    main()
