"""Server time of the console's home and member list for the largest branch, against the
public branch page and a bare Flask route, in the same run; and SQL statements per page.

    python bench/console.py [--members 10000] [--requests 200]

Requests go through the WSGI app in-process (no network), signed in as the secretary of
the demo's largest branch (an account made for the run, then removed), so the figures
are the server's own time: session, grants, queries, template.
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

USERNAME = "bench-secretary"
PASSWORD = "bench-password-not-secret"


def largest_branch(app: object) -> tuple[str, int]:
    from sqlalchemy import func, select

    from core.db import db
    from profiles.models import Branch, Member

    with app.app_context():  # type: ignore[attr-defined]
        code, members = db.session.execute(
            select(Branch.code, func.count(Member.id)).join(Member)
            .group_by(Branch.code).order_by(func.count(Member.id).desc()).limit(1)).one()
        db.session.remove()
    return str(code), int(members)


def make_secretary(app: object, code: str) -> None:
    from accounts.models import Role
    from accounts.service import GrantSpec, create_account, find_account
    from core.db import db

    with app.app_context():  # type: ignore[attr-defined]
        if find_account(USERNAME) is None:
            create_account("bench", "bench", USERNAME, [GrantSpec(Role.SECRETARY, code)],
                           password=PASSWORD)
            db.session.commit()
        db.session.remove()


def remove_secretary(app: object) -> None:
    from sqlalchemy import delete, select

    from accounts.models import Account, AccountSession, Grant
    from core.db import db

    with app.app_context():  # type: ignore[attr-defined]
        ids = list(db.session.scalars(select(Account.id).where(Account.username == USERNAME)))
        db.session.execute(delete(AccountSession).where(AccountSession.account_id.in_(ids)))
        db.session.execute(delete(Grant).where(Grant.account_id.in_(ids)))
        db.session.execute(delete(Account).where(Account.id.in_(ids)))
        db.session.commit()
        db.session.remove()


def login(client: object) -> None:
    page = client.get("/console/login").get_data(as_text=True)  # type: ignore[attr-defined]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    response = client.post("/console/login", data={  # type: ignore[attr-defined]
        "username": USERNAME, "password": PASSWORD, "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")


def statements(app: object, client: object, path: str) -> int:
    from sqlalchemy import event

    from core.db import db

    seen: list[str] = []
    with app.app_context():  # type: ignore[attr-defined]
        engine = db.engine

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(path)  # type: ignore[attr-defined]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    instance, database = demo_database(args.members)
    app = bench_app(instance, database)
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")
    _, _, branch_page = page_paths(app)
    code, size = largest_branch(app)
    make_secretary(app, code)
    try:
        client = app.test_client()
        login(client)
        pages = {
            "console home (checklist)": "/console/",
            f"console member list ({size} members)": f"/console/members?branch={code}",
            "console print form": f"/console/branches/{code}/print",
        }
        series = {"bare": (["/_bench/bare"], False),
                  "public branch page, first view": ([branch_page], True),
                  "public branch page, repeat view": ([branch_page], False),
                  **{name: ([path], False) for name, path in pages.items()}}
        measure(client, series, 10)  # warm caches, compile templates
        timings = measure(client, series, args.requests)
        bare = statistics.median(timings.pop("bare"))
        counts = {name: statements(app, client, path) for name, path in pages.items()}
    finally:
        remove_secretary(app)
    print(f"# console: {args.members} members, largest branch {code} ({size} members), "
          f"{machine()}")
    print("| route | median ms | p99 ms | vs bare (same pass) |")
    print("|---|---|---|---|")
    for name, values in timings.items():
        print(summary(name, values, bare))
    print()
    print("| console page | SQL statements |")
    print("|---|---|")
    for name, count in counts.items():
        print(f"| {name} | {count} |")


if __name__ == "__main__":
    main()
