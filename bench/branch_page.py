"""A branch page's first (uncached) view against a bare route, in CPU time.

    python bench/branch_page.py [--members 10000] [--requests 60]

The largest branch of the demo organisation (36 members), the page cache emptied before
each request. CPU time of this process (``time.process_time``), not wall time: on a
shared machine (load average 10+ on 2 cores) the wall time of one request swung between
40 and 90 ms from run to run while its CPU time stayed within 5 %. Medians, the bare
route and the page interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_app, demo_database, machine, page_paths  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    instance, database = demo_database(args.members)
    app = bench_app(instance, database)
    app.add_url_rule("/bare", "bare", lambda: "ok")
    members, _branches, largest = page_paths(app)
    from core.cache import cache

    client = app.test_client()
    cpu: dict[str, list[float]] = {"bare": [], "branch": [], "member": []}
    wall: dict[str, list[float]] = {"bare": [], "branch": [], "member": []}
    for i in range(args.requests):
        for name, path in (("bare", "/bare"), ("branch", largest),
                           ("member", members[i % len(members)])):
            with app.app_context():
                cache.clear()
            start, started = time.perf_counter(), time.process_time()
            assert client.get(path).status_code == 200
            cpu[name].append((time.process_time() - started) * 1000)
            wall[name].append((time.perf_counter() - start) * 1000)
    bare = statistics.median(cpu["bare"])
    print(f"# {machine()}; {args.members} members")
    print("| route | CPU median ms | vs bare | wall median ms |")
    print("|---|---|---|---|")
    for name in cpu:
        median = statistics.median(cpu[name])
        print(f"| {name} | {median:.2f} | {median / bare:.1f}x | "
              f"{statistics.median(wall[name]):.2f} |")


if __name__ == "__main__":
    main()
