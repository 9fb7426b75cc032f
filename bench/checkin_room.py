"""A room checking in while the organisation reads its pages (``bench/checkin.py --room``).

A meeting of 200 members checks in within two minutes from two phones at once (two
signed-in clients in their own threads, posting the in-page scanner's code as
BarcodeDetector would, every card once and 10 % of them on both phones), while a third
client reads public member and branch pages of the whole organisation (20 a second, from
a fixed set, as cards around the organisation are opened). Run twice on copies of the
same database: with the old cache keying (the newest change-log id, ``PAGE_CACHE_KEYING=
global``: every check-in makes every page stale) and the new one (page revisions per
branch). Prints check-in and page latency p50/p99 and the page cache's hit rate.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import TODAY, bench_app, machine, page_paths

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "bench-password-123"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def _setup(app: Any, size: int) -> tuple[int, list[str]]:
    """A branch of ``size`` members, its secretary, a meeting with 签到 open; the codes."""
    from accounts.models import Role
    from accounts.service import GrantSpec, create_account
    from core.changelog import Actor
    from core.db import db
    from profiles.enums import MeetingKind
    from profiles.meetings.attendance_points import ATTENDED, rule_for
    from profiles.meetings.operations import record_meeting, set_checkin
    from qr.links import card_url
    from tests.helpers import factories

    with app.app_context():
        branch = factories.make_branch(code="ROOM200", name="二百人党支部", groups=0)
        people = [factories.make_member(branch, name=f"到会{i:03d}", number=f"RM{i:06d}",
                                        joined_on=dt.date(2010, 7, 1)) for i in range(size)]
        create_account("bench", "bench", "bench_room", [GrantSpec(Role.SECRETARY, "ROOM200")],
                       password=PASSWORD)
        rule_for(branch.committee_id, ATTENDED)
        meeting = record_meeting(Actor("bench", "bench"), branch=branch,
                                 kind=MeetingKind.GENERAL, held_on=TODAY, topic="二百人")
        set_checkin(Actor("bench", "bench"), meeting, open_=True)
        db.session.commit()
        keys = app.config["SIGNING_KEYS"]
        codes = [card_url("https://pc.example.org", keys, "member", m.id, 1) for m in people]
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id, codes


def _phone(app: Any) -> tuple[Any, str]:
    client = app.test_client()
    token = TOKEN.search(client.get("/console/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    client.post("/console/login", data={"username": "bench_room", "password": PASSWORD,
                                        "csrf_token": token})
    token = TOKEN.search(client.get("/console/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    return client, token


def run_once(database: Path, instance: Path, keying: str, seconds: float,
             size: int = 200) -> dict[str, Any]:
    """One room on a copy of ``database`` with the given cache keying."""
    work = database.with_name(f"room-{keying}.sqlite3")
    shutil.copy(database, work)
    app = bench_app(instance, work)
    app.config["PAGE_CACHE_KEYING"] = keying
    meeting_id, codes = _setup(app, size)
    members, branches, _largest = page_paths(app, sample=400)
    rng = random.Random(19)
    pages = rng.sample(members, 300) + branches[:60]

    from core.cache import cache

    with app.app_context():
        cache.clear()
    hits = {"hit": 0, "miss": 0}
    original_get = cache.get

    def counting_get(*args: Any, **kwargs: Any) -> Any:
        value = original_get(*args, **kwargs)
        hits["hit" if value is not None else "miss"] += 1
        return value

    reader = app.test_client()
    for path in pages:  # warm: every page read once
        assert reader.get(path).status_code == 200
    cache.get = counting_get  # type: ignore[method-assign]

    phones = [_phone(app), _phone(app)]
    halves = [codes[0::2], codes[1::2]]
    for i in (0, 1):  # 10 % of the cards are scanned on both phones
        halves[i] = halves[i] + rng.sample(halves[1 - i], size // 20)
        rng.shuffle(halves[i])
    checkins: list[float] = []
    states: dict[str, int] = {}
    page_times: list[float] = []
    done = threading.Event()
    lock = threading.Lock()

    def scan(client: Any, token: str, queue: list[str]) -> None:
        interval = seconds / len(queue)
        start = time.perf_counter()
        for n, code in enumerate(queue):
            wait = start + n * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            t = time.perf_counter()
            response = client.post(f"/console/meetings/{meeting_id}/checkin/scan",
                                   data={"csrf_token": token, "code": code, "reply": "json"})
            elapsed = (time.perf_counter() - t) * 1000
            assert response.status_code == 200, response.status_code
            with lock:
                checkins.append(elapsed)
                state = response.get_json()["state"]
                states[state] = states.get(state, 0) + 1

    def read() -> None:
        n = 0
        start = time.perf_counter()
        while not done.is_set():
            wait = start + n / 20 - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            t = time.perf_counter()
            assert reader.get(rng.choice(pages)).status_code == 200
            page_times.append((time.perf_counter() - t) * 1000)
            n += 1

    threads = [threading.Thread(target=scan, args=(c, tok, q))
               for (c, tok), q in zip(phones, halves, strict=True)]
    reading = threading.Thread(target=read)
    began = time.perf_counter()
    reading.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    done.set()
    reading.join()
    cache.get = original_get  # type: ignore[method-assign]

    from sqlalchemy import func, select

    from core.db import db
    from profiles.models import AttendanceRecord, PointsEntry

    with app.app_context():
        present = db.session.scalar(select(func.count()).select_from(AttendanceRecord).where(
            AttendanceRecord.meeting_id == meeting_id))
        points = db.session.scalar(select(func.count()).select_from(PointsEntry).where(
            PointsEntry.meeting_id == meeting_id))
        db.session.remove()
        db.engine.dispose()
    work.unlink(missing_ok=True)
    total = hits["hit"] + hits["miss"]
    return {"keying": keying, "took": took, "checkins": checkins, "states": states,
            "pages": page_times, "hit_rate": hits["hit"] / total if total else 0.0,
            "present": present, "points": points}


def report(results: list[dict[str, Any]], members: int) -> None:
    print(f"# {machine()}; {members}-member demo organisation, SQLite; a meeting of 200 "
          f"checking in from two phones while pages are read (20/s)")
    print("| cache keying | check-in p50 ms | check-in p99 ms | page p50 ms | page p99 ms | "
          "page cache hit rate | scans (done / already in) | attendance rows, points "
          "entries | took s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        c, p = r["checkins"], r["pages"]
        print(f"| {r['keying']} | {statistics.median(c):.1f} | {_percentile(c, 0.99):.1f} | "
              f"{statistics.median(p):.2f} | {_percentile(p, 0.99):.1f} | "
              f"{r['hit_rate'] * 100:.0f} % ({len(p)} reads) | {r['states'].get('done', 0)} / "
              f"{r['states'].get('in', 0)} | {r['present']}, {r['points']} | {r['took']:.0f} |")
