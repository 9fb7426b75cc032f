"""Benchmark: 1000 member cards, ours against the straightforward way, in the same run.

    python bench/print_cards.py [--cards 1000] [--big 10000] [--workers N] [--no-baseline]

Baseline: one WeasyPrint document, every element laid out per card, a PNG image per code.
Ours: ``print.batch.render_cards_batched`` (shared artwork as forms, codes as PDF
rectangles, chunks of 10 sheets on every core, joined with pypdf). Prints wall time, CPU
time and the peak memory (PSS) of the whole process tree (sampled every 100 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402
from weasyprint import HTML  # noqa: E402

from print.batch import render_cards_batched  # noqa: E402
from print.cards import SCAN_LINE, CardValues, political_birthday  # noqa: E402
from print.fetcher import PrintFetcher, Resource  # noqa: E402
from print.fonts import CJKFont, find_cjk_font  # noqa: E402
from print.presets import Preset, get_preset  # noqa: E402
from qr.links import card_url  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玲文斌"


def make_cards(n: int) -> list[CardValues]:
    """``n`` plausible cards over 40 branches (names from 1000s of combinations)."""
    keys = ["bench-key-0123456789abcdef0123"]
    cards = []
    for i in range(1, n + 1):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        if i % 3:
            name += GIVEN[(i * 13) % len(GIVEN)]
        cards.append(CardValues(
            member_id=i, name=name, branch=f"第{i % 40 + 1}党支部",
            category="正式党员" if i % 5 else "预备党员",
            joined_on=dt.date(1980 + i % 45, 1 + i % 12, 1 + i % 28),
            organisation="中共示范区直属机关委员会",
            url=card_url("https://pc.example.org", keys, "member", i, 1)))
    # As print.data orders them: by branch, then name.
    cards.sort(key=lambda card: (card.branch, card.name))
    return cards


def baseline(cards: Sequence[CardValues], preset: Preset, font: CJKFont) -> bytes:
    """The straightforward way: every box per card, inline styles, a PNG per code."""
    resources = {}
    pages = []
    for start in range(0, len(cards), preset.per_page):
        parts = []
        for i, card in enumerate(cards[start:start + preset.per_page], start):
            png = io.BytesIO()
            qrcode.make(card.url, border=4, box_size=10).save(png)
            resources[f"code/{i}"] = Resource("image/png", data=png.getvalue())
            x, y = preset.slot(i)
            parts.append(
                f'<div style="position:absolute;left:{x}mm;top:{y}mm;width:{preset.card_width}mm;'
                f'height:{preset.card_height}mm;border:0.1mm dashed #999">'
                f'<p style="margin:0;background:#c8102e;color:#fff;text-align:center;'
                f'font-size:3mm;padding:2mm">{escape(card.organisation)}</p>'
                f'<p style="margin:2mm 0 0 3mm;font-size:6mm;font-weight:bold">'
                f'{escape(card.name)}</p>'
                f'<p style="margin:0 0 0 3mm;font-size:2.5mm">{escape(card.branch)}</p>'
                f'<p style="margin:0 0 0 3mm;font-size:2.5mm">{escape(card.category)}</p>'
                f'<p style="margin:0 0 0 3mm;font-size:2.5mm">'
                f'{escape(political_birthday(card.joined_on))}</p>'
                f'<img src="partycard:code/{i}" style="position:absolute;right:3mm;top:11mm;'
                f'width:24mm;height:24mm">'
                f'<p style="position:absolute;right:3mm;top:36mm;width:24mm;text-align:center;'
                f'font-size:1.9mm;margin:0">{SCAN_LINE}</p></div>')
        pages.append('<div style="position:relative;width:210mm;height:297mm;'
                     'break-after:page">' + "".join(parts) + "</div>")
    html = (f'<html><head><style>@page{{size:A4;margin:0}}body{{margin:0;font-family:'
            f'"{font.family}"}}</style></head><body>{Markup("".join(pages))}</body></html>')
    pdf: bytes = HTML(string=html, base_url="partycard:",
                      url_fetcher=PrintFetcher(resources)).write_pdf()
    return pdf


def _pss_kb(pid: int) -> int:
    # Proportional set size: pages shared after fork are counted once, not per process.
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found.extend(int(child) for child in f.read().split())
    except OSError:
        pass
    return found


def _tree_rss_mb(root: int) -> float:
    """Memory (PSS) of ``root`` and all its descendants, in MB."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kb(pid)
        todo.extend(_children(pid))
    return total / 1024


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def effective_cores(n: int = 5_000_000) -> float:
    """How many cores this run really gets: one CPU-bound task alone vs. one per core."""
    import multiprocessing

    start = time.perf_counter()
    _burn(n)
    alone = time.perf_counter() - start
    cores = os.cpu_count() or 1
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        pool.map(_burn, [n] * cores)
    return cores * alone / (time.perf_counter() - start)


def measure(label: str, run: Callable[[], bytes]) -> tuple[float, float, bytes]:
    """Run once; print and return wall seconds, peak tree RSS (MB) and the PDF."""
    peak = [_tree_rss_mb(os.getpid()), _pss_kb(os.getpid()) / 1024]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.1):
            peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))
            peak[1] = max(peak[1], _pss_kb(os.getpid()) / 1024)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, start = time.process_time(), time.perf_counter()
    pdf = run()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    stop.set()
    sampler.join()
    children = os.times().children_user + os.times().children_system
    print(f"{label:<34} {wall:7.2f} s wall  {cpu:6.2f} s cpu (parent)  "
          f"{children:6.2f} s cpu (children, cumulative)  peak {peak[0]:4.0f} MB "
          f"(parent {peak[1]:4.0f} MB)  "
          f"{len(pdf) / 2**20:5.1f} MB PDF", flush=True)
    return wall, peak[0], pdf


def main() -> None:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--big", type=int, default=10000, help="0 to skip the memory run")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="keep our PDF here")
    parser.add_argument("--only-big", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    font, preset = find_cjk_font(), get_preset("id1")
    if args.only_big:
        big = make_cards(args.big)
        measure(f"ours, {args.big} cards", lambda: render_cards_batched(big, preset, font,
                                                                         workers=args.workers))
        return
    print(f"{os.cpu_count()} cores ({effective_cores():.2f} free for this run), load average "
          f"{os.getloadavg()[0]:.2f}, font {font.family}, preset {preset.name}", flush=True)
    cards = make_cards(args.cards)
    # Warm imports and font loading so neither side pays for them.
    render_cards_batched(cards[:10], preset, font, workers=1)
    ours, _, pdf = measure(f"ours, {args.cards} cards",
                           lambda: render_cards_batched(cards, preset, font,
                                                        workers=args.workers))
    if args.out:
        args.out.write_bytes(pdf)
    measure(f"ours, 1 process, {args.cards} cards",
            lambda: render_cards_batched(cards, preset, font, workers=1))
    if not args.no_baseline:
        base, _, _ = measure(f"baseline, {args.cards} cards", lambda: baseline(cards, preset, font))
        print(f"speed-up: {base / ours:.1f}x")
    if args.big:
        # A fresh process: the runs above (the baseline above all) grew this one's heap,
        # which forked workers would inherit and the memory figure would then include.
        command = [sys.executable, __file__, "--only-big", "--big", str(args.big)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
