"""签到 by scanning a card, and the dues grid, on the 10,000-member demo organisation.

    python bench/checkin.py [--members 10000] [--rounds 6]
    python bench/checkin.py --room [--seconds 120]   # bench/checkin_room.py

``--room``: a meeting of 200 checking in within two minutes from two phones at once while
public pages are read, with the old and the new page-cache keying in the same run.

Server time through the WSGI app in-process (routing, session, token, queries, template),
measured interleaved with the public member page in the same run:

* one check-in = the card URL in a signed-in secretary's browser (303), the confirm page,
  and the POST that records the attendance and its points (303): three requests;
* the public member page, first view (page cache emptied before each request);
* the dues grid of the largest branch (12 months of every member).

It also prints the SQL statements one check-in runs in the largest and the smallest
branch: they must be the same number (tests/profiles/meetings/test_record_checkin.py asserts it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("PARTYCARD_BENCH_CACHE", "/tmp/partycard-bench-record")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from bench.common import TODAY, bench_app, demo_database, machine  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=6, help="meetings checked in, in turn")
    parser.add_argument("--room", action="store_true",
                        help="a meeting of 200 from two phones while pages are read")
    parser.add_argument("--seconds", type=float, default=120.0,
                        help="--room: how long the 200 check-ins take")
    args = parser.parse_args()
    instance, database = demo_database(args.members)
    if args.room:
        from bench.checkin_room import report, run_once

        report([run_once(database, instance, keying, args.seconds)
                for keying in ("global", "scoped")], args.members)
        return
    app = bench_app(instance, database)

    from accounts.models import Account, Role
    from accounts.service import GrantSpec, create_account
    from core.cache import cache
    from core.changelog import Actor
    from core.db import db
    from profiles.enums import ENDED, MeetingKind
    from profiles.meetings.operations import record_meeting
    from profiles.models import Branch, Member, Membership
    from qr.links import card_url

    keys = app.config["SIGNING_KEYS"]

    def card_path(member_id: int, generation: int) -> str:
        return card_url("http://x", keys, "member", member_id, generation).split("HTTP://X")[1]

    active = Member.status.not_in(ENDED)
    day = TODAY
    with app.app_context():
        by_size = db.session.execute(
            select(Branch.code, func.count(Member.id)).join(Member).where(active)
            .group_by(Branch.code).order_by(func.count(Member.id).desc(), Branch.code)).all()
        (largest, size), (smallest, small_size) = by_size[0], by_size[-1]
        for code in (largest, smallest):
            username = f"bench_{code.lower()}"
            if db.session.scalar(select(Account.id).where(Account.username == username)) is None:
                create_account("bench", "bench", username, [GrantSpec(Role.SECRETARY, code)],
                               password="bench-password-123")
        db.session.commit()

        def cards(code: str) -> list[str]:
            # Members of the branch on every meeting day used below (the earliest is 402
            # days back): a member who moved in since is refused, rightly, as "another
            # branch" on an older meeting (the membership on the meeting's date decides).
            rows = db.session.execute(
                select(Member.id, Member.card_generation).join(Branch)
                .join(Membership, (Membership.member_id == Member.id)
                      & Membership.until.is_(None))
                .where(Branch.code == code, active,
                       Membership.since <= day - dt.timedelta(days=402))
                .order_by(Member.id)).all()
            return [card_path(i, g) for i, g in rows]

        large_cards, small_cards = cards(largest), cards(smallest)
        db.session.remove()

    def signed_in(code: str) -> tuple[object, str]:
        client = app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
        client.post("/console/login", data={"username": f"bench_{code.lower()}",
                                            "password": "bench-password-123",
                                            "csrf_token": token})
        token = TOKEN.search(client.get("/console/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        return client, token

    def new_meeting(code: str, client: object, token: str, n: int) -> None:
        with app.app_context():
            branch = db.session.scalar(select(Branch).where(Branch.code == code))
            meeting = record_meeting(Actor("bench", "bench"), branch=branch,
                                     kind=MeetingKind.THEME_DAY,
                                     held_on=day - dt.timedelta(days=n), topic=f"bench {n}")
            db.session.commit()
            meeting_id = meeting.id
            db.session.remove()
        response = client.post(f"/console/meetings/{meeting_id}/checkin/open",  # type: ignore[attr-defined]
                               data={"csrf_token": token})
        assert response.status_code == 303, response.status_code

    def check_in(client: object, token: str, card: str) -> None:
        scan = client.get(card)  # type: ignore[attr-defined]
        assert scan.status_code == 303, scan.status_code
        confirm = client.get(scan.headers["Location"])  # type: ignore[attr-defined]
        assert "button" in confirm.get_data(as_text=True)
        done = client.post(scan.headers["Location"], data={"csrf_token": token})  # type: ignore[attr-defined]
        assert done.status_code == 303, done.status_code

    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))

    def count(code: str, cards_: list[str], n: int) -> int:
        client, token = signed_in(code)
        new_meeting(code, client, token, 400 + n)
        check_in(client, token, cards_[0])  # the points rules seeded (first use only)
        statements.clear()
        check_in(client, token, cards_[1])
        return len(statements)

    large_statements = count(largest, large_cards, 1)
    small_statements = count(smallest, small_cards, 2)

    client, token = signed_in(largest)
    anonymous = app.test_client()
    checkins: list[float] = []
    members: list[float] = []
    grids: list[float] = []
    for n in range(args.rounds):
        new_meeting(largest, client, token, n + 10)
        for card in large_cards:
            with app.app_context():
                cache.clear()
            start = time.perf_counter()
            page = anonymous.get(card)
            members.append((time.perf_counter() - start) * 1000)
            assert page.status_code == 200
            start = time.perf_counter()
            check_in(client, token, card)
            checkins.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        grid = client.get(f"/console/branches/{largest}/dues")  # type: ignore[attr-defined]
        grids.append((time.perf_counter() - start) * 1000)
        assert grid.status_code == 200

    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return f"| {name} | {statistics.median(values):.2f} | {p95:.2f} | {len(values)} |"

    print(f"# {machine()}; {args.members} members; largest branch {largest} ({size} members), "
          f"smallest {smallest} ({small_size})")
    print("| what | median ms | p95 ms | n |")
    print("|---|---|---|---|")
    print(line("one check-in (scan 303 + confirm page + POST 303)", checkins))
    print(line("public member page, first view (same run)", members))
    print(line(f"dues grid, largest branch ({size} members x 12 months)", grids))
    print(f"statements per check-in: largest branch {large_statements}, smallest branch "
          f"{small_statements}")
    ratio = statistics.median(checkins) / statistics.median(members)
    print(f"check-in / member page first view: {ratio:.1f}x")


if __name__ == "__main__":
    main()
