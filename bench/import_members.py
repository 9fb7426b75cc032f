"""Benchmark: import a 10,000-row member roster (.xlsx) into a fresh SQLite database.

    python bench/import_members.py [--rows 10000] [--database-url URL]

Writes the roster with openpyxl (title row, merged title, mixed date styles), imports
it with ``flask import members --create-branches``, then imports it again (no changes),
and prints the wall time of each step. Goal: under 10 s for 10,000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = ["序号", "党员编号", "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话",
          "家庭住址", "上级党组织", "所在支部", "党小组", "人员类别", "党内职务", "入党日期",
          "转正日期", "党费基数（元）"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def write_roster(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic roster: 40 branches, two groups each, dates typed several ways."""
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.append(["示范区直属机关党委党员花名册"])
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


def main() -> None:
    """Write the roster, import it twice, print timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None,
                        help="an EMPTY migrated database (default: a fresh SQLite file)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="partycard-bench-"))
    roster = workdir / "roster.xlsx"
    started = time.perf_counter()
    write_roster(roster, args.rows)
    print(f"wrote {args.rows} rows to {roster} in {time.perf_counter() - started:.2f} s")

    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["PARTYCARD_DATABASE_URL"] = url
    from flask_migrate import upgrade

    from app import create_app
    from sheets.members import import_members

    app = create_app()
    with app.app_context():
        if args.database_url is None:
            upgrade()
        for label in ("first import", "re-import (no changes)"):
            started = time.perf_counter()
            outcome = import_members(roster, create_branches=True, actor="bench")
            took = time.perf_counter() - started
            print(f"{label}: {took:.2f} s ({outcome.inserted} new, {outcome.updated} changed, "
                  f"{outcome.unchanged} unchanged)")


if __name__ == "__main__":
    main()
