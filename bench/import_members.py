"""Benchmark: import a 10,000-row member roster (.xlsx) into a fresh SQLite database,
with this tree's code and with the code before the reading layer moved to calamine, in
the same run; then the peak memory of a 100,000-row import.

    python bench/import_members.py [--rows 10000] [--big 100000] [--before REV]

Writes the roster with openpyxl (title row, merged title, mixed date styles). Each import
runs in a fresh process (``import_members(..., create_branches=True)``, then again with
no changes) on a freshly migrated SQLite file; the "before" process runs the code of
``--before`` (default: where this branch left main), extracted with ``git archive``.
Also times the two .xlsx readers alone on the same file. Goals: under 10 s for 10,000
rows, at least 1.5x faster than before, a 100,000-row import under 500 MB peak.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["序号", "党员编号", "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话",
          "家庭住址", "上级党组织", "所在支部", "党小组", "人员类别", "党内职务", "入党日期",
          "转正日期", "党费基数（元）"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def write_roster(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic roster: 40 branches, two groups each, dates typed several ways."""
    rng = random.Random(seed)
    big = rows > 20_000  # openpyxl's write-only mode keeps memory flat (no merged title)
    wb = Workbook(write_only=big)
    ws = wb.create_sheet() if big else wb.active
    ws.append(["示范区直属机关党委党员花名册"])
    if not big:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for i in range(1, rows + 1):
        birth = dt.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
        joined = dt.date(birth.year + rng.randint(20, 25), rng.randint(1, 12), rng.randint(1, 28))
        style = i % 4
        joined_cell = (joined if style == 0 else joined.strftime("%Y/%-m/%-d") if style == 1
                       else f"{joined.year}年{joined.month}月{joined.day}日" if style == 2
                       else joined.strftime("%Y%m%d"))
        converted = dt.date(joined.year + 1, joined.month, joined.day)
        branch = i % 40 + 1
        ws.append([i, f"DY{i:06d}", rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                   rng.choice("男女"), "汉族", birth, None, f"139{i:08d}",
                   f"示范区东大街{i}号", "示范区直属机关党委", f"第{branch}党支部",
                   f"第{i % 2 + 1}党小组", "正式党员", "", joined_cell, converted.isoformat(),
                   rng.randint(300, 1500) * 10])
    wb.save(path)


# Run in a fresh process, with the tree under test first on sys.path: migrate a new
# SQLite file, import twice, print the timings and the process's peak memory as JSON.
CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from flask_migrate import upgrade
from app import create_app
try:
    from sheets.importers.members import import_members
except ImportError:  # a tree from before sheets/ was laid out as its pipeline
    from sheets.members import import_members
app = create_app({"DATABASE_URL": "sqlite:///" + sys.argv[3]})
out = {}
with app.app_context():
    upgrade(directory=sys.argv[1] + "/migrations")
    for label in ("first", "again"):
        started = time.perf_counter()
        outcome = import_members(Path(sys.argv[2]), create_branches=True, actor="bench")
        out[label] = time.perf_counter() - started
        out[label + "_new"] = outcome.inserted
        # ru_maxrss only grows: after the first import it is that import's peak.
        out[label + "_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_import(tree: Path, roster: Path, workdir: Path, label: str) -> dict[str, float]:
    """Import ``roster`` with the code of ``tree`` in a fresh process; its timings."""
    database = workdir / f"{label}.sqlite3"
    database.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(roster), str(database)],
                          cwd=tree, check=True, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("PARTYCARD_")})
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def before_tree(rev: str, workdir: Path) -> Path:
    """The project as it was at ``rev``, extracted into ``workdir``."""
    tree = workdir / f"before-{rev.replace('/', '_')}"
    tree.mkdir(exist_ok=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def time_readers(roster: Path) -> dict[str, float]:
    """Seconds to read the roster with each .xlsx reader (best of two)."""
    from sheets.reading.workbooks import read_book

    out = {}
    for engine in ("calamine", "openpyxl"):
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            read_book(roster, engine)
            best = min(best, time.perf_counter() - started)
        out[engine] = best
    return out


def main() -> None:
    """Write the rosters, import them with the code before and after, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000,
                        help="rows of the roster whose peak memory is measured (0: skip)")
    parser.add_argument("--before", default=None,
                        help="git revision of the 'before' code (default: merge-base with main)")
    args = parser.parse_args()
    rev = args.before or subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT,
                                        check=True, capture_output=True,
                                        text=True).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="partycard-bench-"))
    roster = workdir / "roster.xlsx"
    started = time.perf_counter()
    write_roster(roster, args.rows)
    print(f"wrote {args.rows} rows to {roster} in {time.perf_counter() - started:.2f} s")
    readers = time_readers(roster)
    print(f"read the .xlsx alone: calamine {readers['calamine']:.2f} s, openpyxl read-only "
          f"{readers['openpyxl']:.2f} s ({readers['openpyxl'] / readers['calamine']:.1f}x)")
    old = before_tree(rev, workdir)
    results = {}
    for label, tree in (("before", old), ("after", ROOT), ("before (2nd)", old),
                        ("after (2nd)", ROOT)):
        results[label] = run_import(tree, roster, workdir, label.split()[0])
        r = results[label]
        print(f"{label:13} first import {r['first']:.2f} s ({int(r['first_new'])} new), "
              f"re-import {r['again']:.2f} s, peak {r['again_peak_mb']:.0f} MB")
    before = min(results["before"]["first"], results["before (2nd)"]["first"])
    after = min(results["after"]["first"], results["after (2nd)"]["first"])
    print(f"first import, best of two: before {before:.2f} s, after {after:.2f} s: "
          f"{before / after:.2f}x faster")
    if args.big:
        big = workdir / "big.xlsx"
        started = time.perf_counter()
        write_roster(big, args.big)
        print(f"wrote {args.big} rows in {time.perf_counter() - started:.2f} s")
        r = run_import(ROOT, big, workdir, "big")
        print(f"{args.big} rows: first import {r['first']:.2f} s, peak {r['first_peak_mb']:.0f}"
              f" MB (goal: under 500 MB); re-import {r['again']:.2f} s, peak of the two "
              f"{r['again_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
