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


def measure(client: object, series: dict[str, tuple[list[str], bool]],
            n: int) -> dict[str, list[float]]:
    """Milliseconds per request, ``n`` requests per series, the series interleaved.

    Each series is (paths to cycle over, cold). Taking one request of every series in
    turn spreads this virtual machine's noise evenly over the page and the bare route, so
    their ratio is stable. ``cold`` empties the page cache first (untimed): a first view,
    as when a card is scanned for the first time; otherwise a repeat view.
    """
    from core.cache import cache

    timings: dict[str, list[float]] = {name: [] for name in series}
    for i in range(n):
        for name, (paths, cold) in series.items():
            path = paths[i % len(paths)]
            if cold:
                with client.application.app_context():  # type: ignore[attr-defined]
                    cache.clear()
            start = time.perf_counter()
            response = client.get(path)  # type: ignore[attr-defined]
            timings[name].append((time.perf_counter() - start) * 1000)
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
    bare = (["/_bench/bare"], False)
    # First views empty the cache, so they cannot share a pass with repeat views; each
    # pass has its own bare route to compare with.
    passes = [
        {"member page, first view": (member_paths, True),
         "branch page (largest branch), first view": ([largest_branch], True)},
        {"member page, repeat view (page cache)": (member_paths[:20], False),
         "branch page (largest branch), repeat view": ([largest_branch], False)},
    ]
    rows, bare_all = [], []
    for pages in passes:
        series = {"bare": bare, **pages}
        measure(client, series, 20)  # warm caches, compile templates
        timings = measure(client, series, args.requests)
        bare_timings = timings.pop("bare")
        bare_all += bare_timings
        rows += [summary(name, values, statistics.median(bare_timings))
                 for name, values in timings.items()]
    print(f"# pages: {args.members} members, {machine()}")
    print("| route | median ms | p99 ms | vs bare (same pass) |")
    print("|---|---|---|---|")
    print(summary("bare Flask route", bare_all, statistics.median(bare_all)))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
