"""``flask print cards`` and ``flask print poster``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click._termui_impl import ProgressBar
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from core.files import OutputError, output_path
from print.errors import PrintError
from print.fonts import CJKFont, find_cjk_font
from print.presets import PRESETS, Preset, custom_preset, get_preset

# WeasyPrint takes a second to import: the renderers are imported inside the commands, so
# creating the app (every request worker, every test) does not pay for it.

print_cli = AppGroup("print", help="Print member cards and branch posters as PDF.")
PROGRESS_FROM = 200  # cards; shorter runs finish before a bar would help


def _write(path: Path, pdf: bytes) -> None:
    # Written beside the target and renamed, so a failed run never leaves half a PDF.
    try:
        with output_path(path) as tmp:
            tmp.write_bytes(pdf)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


def _pair(text: str | None, what: str) -> tuple[float, float] | None:
    """"85.6x54" → (85.6, 54.0); a PrintError naming the option otherwise."""
    if text is None:
        return None
    try:
        a, b = text.lower().replace("×", "x").split("x")
        return float(a), float(b)
    except ValueError:
        raise PrintError(f"{what} must look like 85.6x54 (millimetres), not {text!r}") from None


def _layout(preset: str, card: str | None, grid: str | None, gaps: str | None,
            margins: str | None) -> Preset:
    size = _pair(card, "--card")
    if size is None:
        if grid or gaps or margins:
            raise PrintError("--grid, --gaps and --margins need --card WxH")
        return get_preset(preset)
    cols, rows = _pair(grid or "2x5", "--grid") or (2, 5)
    gap_x, gap_y = _pair(gaps, "--gaps") or (0.0, 0.0)
    margin = _pair(margins, "--margins")
    if cols != int(cols) or rows != int(rows):
        raise PrintError("--grid takes whole numbers of columns and rows, e.g. 2x5")
    return custom_preset(size[0], size[1], cols=int(cols), rows=int(rows), gap_x=gap_x,
                         gap_y=gap_y, margin_x=margin[0] if margin else None,
                         margin_y=margin[1] if margin else None)


def _font() -> CJKFont:
    return find_cjk_font(current_app.config.get("CJK_FONT"))


@print_cli.command("cards")
@click.option("--branch", "branch_code", help="Branch code (default: every branch).")
@click.option("--member", "member_numbers", multiple=True, metavar="NUMBER",
              help="Only this member (党员编号), e.g. after `card reissue`; repeatable.")
@click.option("--preset", default="id1", show_default=True,
              help=f"Sheet preset: {', '.join(PRESETS)}.")
@click.option("--card", help="Custom card size in mm, e.g. 80x50 (instead of --preset).")
@click.option("--grid", help="Custom layout: columns x rows on A4, e.g. 2x5.")
@click.option("--gaps", help="Custom layout: gaps between cards in mm, e.g. 5x3.")
@click.option("--margins", help="Custom layout: left x top margin in mm (default: centred).")
@click.option("--back", is_flag=True, help="Add a mirrored back page after each sheet.")
@click.option("--include-transferred", is_flag=True, help="Also print 已转出 members.")
@click.option("--workers", type=int, default=None, help="Processes (default: all cores).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="PDF file to write.")
def cards_command(branch_code: str | None, member_numbers: tuple[str, ...], preset: str,
                  card: str | None, grid: str | None, gaps: str | None, margins: str | None,
                  back: bool, include_transferred: bool, workers: int | None,
                  output: Path) -> None:
    """Badge sheets for a branch, some members or everyone, sorted by branch then name."""
    from print.batch import render_cards_batched
    from print.data import card_values, find_branch, find_member_numbers

    try:
        if branch_code and member_numbers:
            raise PrintError("give --branch or --member, not both")
        layout = _layout(preset, card, grid, gaps, margins)
        font = _font()
        branch_id = find_branch(db.session, branch_code).id if branch_code else None
        numbers = find_member_numbers(db.session, member_numbers) if member_numbers else None
        cards = card_values(db.session, current_app.config["BASE_URL"],
                            current_app.config["SIGNING_KEYS"], current_app.config["ORG_NAME"],
                            branch_id, include_transferred, numbers)
        if not cards:
            raise PrintError("no members to print")
        from flask_babel import force_locale

        from print.codes import module_warning, print_matrix

        # The longest URL makes the highest QR version, so the smallest modules.
        longest = print_matrix(max(cards, key=lambda c: len(c.url)).url)
        with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
            warning = module_warning(longest, layout.code_size, custom=layout.name == "custom")
        if warning:
            click.echo(warning, err=True)
        if len(cards) >= PROGRESS_FROM:
            bar: ProgressBar[int] = click.progressbar(
                length=len(cards), label="排版 / rendering cards",
                file=sys.stderr)
            with bar:
                pdf = render_cards_batched(cards, layout, font, back, workers, bar.update)
        else:
            pdf = render_cards_batched(cards, layout, font, back, workers)
    except PrintError as exc:
        raise click.ClickException(str(exc)) from exc
    _write(output, pdf)
    sheets = -(-len(cards) // layout.per_page)
    click.echo(f"{output}: {len(cards)} cards on {sheets} sheets ({layout.name})")


@print_cli.command("poster")
@click.option("--branch", "branch_code", required=True, help="Branch code.")
@click.option("--size", type=click.Choice(["A4", "A3"], case_sensitive=False), default="A4",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="PDF file to write.")
def poster_command(branch_code: str, size: str, output: Path) -> None:
    """A branch poster with its large code."""
    from print.data import find_branch, poster_values
    from print.poster import render_poster

    try:
        branch = find_branch(db.session, branch_code)
        values = poster_values(db.session, current_app.config["BASE_URL"],
                               current_app.config["SIGNING_KEYS"],
                               current_app.config["ORG_NAME"], branch)
        pdf = render_poster(values, _font(), size)
    except PrintError as exc:
        raise click.ClickException(str(exc)) from exc
    _write(output, pdf)
    click.echo(f"{output}: poster of {values.branch} ({size.upper()})")
