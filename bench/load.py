"""Load test: gunicorn on 127.0.0.1, wrk driving member and branch pages, bounded in time.

    python bench/load.py [--members 10000] [--seconds 30] [--connections 64] [--workers 4]

Only loopback is used. Exits non-zero if any request failed (socket error, timeout or a
status other than 200).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, TODAY, bench_app, demo_database, machine, page_paths  # noqa: E402

WRK_SCRIPT = """
local paths = {%s}
local n = #paths
math.randomseed(42)
request = function()
  return wrk.format("GET", paths[math.random(n)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.2f, "p99_ms": %%.2f, '
    .. '"max_ms": %%.2f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, timeout: float = 30) -> None:
    """Poll ``url`` until it answers 200, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not come up at {url}")


def run_wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    """One bounded wrk run over ``paths``; returns its figures."""
    lua = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    try:
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", fh.name, base], capture_output=True, text=True, timeout=seconds + 60,
            check=True)
    finally:
        os.unlink(fh.name)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))
    figures: dict[str, float] = json.loads(line[len("RESULT "):])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main() -> None:
    """Start gunicorn, run wrk on member pages then branch pages, print and check."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    instance, database = demo_database(args.members)
    member_paths, branch_paths, _ = page_paths(bench_app(instance, database))
    port = free_port()
    env = dict(os.environ, PARTYCARD_DATABASE_URL=f"sqlite:///{database}",
               PARTYCARD_TODAY=TODAY.isoformat(), PARTYCARD_BASE_URL="http://127.0.0.1:5000")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", f"app:create_app(instance_path='{instance}')"],
        cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/")
        results = {
            "member pages": run_wrk(base, member_paths, args.seconds, args.connections),
            "branch pages": run_wrk(base, branch_paths, args.seconds, args.connections),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"# load: {args.members} members, gunicorn -w {args.workers}, wrk -t2 "
          f"-c{args.connections} -d{args.seconds}s, {machine()}")
    print("| pages | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {int(r['requests'])} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
              f"{r['p99_ms']:.1f} | {int(r['errors'])} |")
    failed = sum(int(r["errors"]) for r in results.values())
    if failed:
        raise SystemExit(f"{failed} requests failed")


if __name__ == "__main__":
    main()
