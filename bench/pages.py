"""Server time of the member and branch pages against a bare Flask route, same run.

    python bench/pages.py [--members 10000] [--requests 400]

Requests go through the WSGI app in-process (no network), so the figures are the
server's own time: routing, token check, queries, template.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, demo_database, machine, page_paths  # noqa: E402


def measure(client: object, paths: list[str], n: int, cold: bool = False) -> list[float]:
    """Milliseconds per request for ``n`` requests cycling over ``paths``.

    ``cold`` empties the page cache before each request: a first view, as when a card
    is scanned for the first time; otherwise repeat views are served from the cache.
    """
    from core.cache import cache

    timings = []
    for i in range(n):
        path = paths[i % len(paths)]
        if cold:
            with client.application.app_context():  # type: ignore[attr-defined]
                cache.clear()
        start = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return timings


def summary(name: str, timings: list[float], bare: float) -> str:
    """A Markdown table row: median, p99 and the ratio of medians to the bare route."""
    ordered = sorted(timings)
    median = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"| {name} | {median:.2f} | {p99:.2f} | {median / bare:.1f}x |"


def main() -> None:
    """Build (or reuse) the demo database, warm up, measure, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    instance, database = demo_database(args.members)
    app = bench_app(instance, database)
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")
    member_paths, _, largest_branch = page_paths(app)
    client = app.test_client()
    for paths in (["/_bench/bare"], member_paths, [largest_branch]):
        measure(client, paths, 20)  # warm caches, compile templates

    bare = measure(client, ["/_bench/bare"], args.requests)
    member_cold = measure(client, member_paths, args.requests, cold=True)
    member_warm = measure(client, member_paths[:20], args.requests)
    branch_cold = measure(client, [largest_branch], max(50, args.requests // 4), cold=True)
    branch_warm = measure(client, [largest_branch], args.requests)
    bare_median = statistics.median(bare)
    print(f"# pages: {args.members} members, {machine()}")
    print("| route | median ms | p99 ms | vs bare |")
    print("|---|---|---|---|")
    print(summary("bare Flask route", bare, bare_median))
    print(summary("member page, first view", member_cold, bare_median))
    print(summary("member page, repeat view (page cache)", member_warm, bare_median))
    print(summary("branch page (largest branch), first view", branch_cold, bare_median))
    print(summary("branch page (largest branch), repeat view", branch_warm, bare_median))


if __name__ == "__main__":
    main()
