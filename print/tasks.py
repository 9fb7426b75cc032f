"""Printing from the console: card values for a choice of branches, and the long print as
a background job (its PDF kept in ``instance/jobs/`` for its owner to download)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale, gettext

from core import jobs
from core.db import db
from core.files import output_path
from core.tasks import task
from print.errors import PrintError
from print.fonts import find_cjk_font
from print.presets import get_preset

if TYPE_CHECKING:  # WeasyPrint takes a second to import: the renderers load on first use
    from print.cards import CardValues


def console_cards(branch_ids: Sequence[int] | None, numbers: Sequence[str] | None = None,
                  photo: bool = True) -> list[CardValues]:
    """Cards of the given branches (None: every branch), or of members named by number,
    in the branch-then-pinyin order the command line prints."""
    config = current_app.config
    args = (db.session, config["BASE_URL"], config["SIGNING_KEYS"], config["ORG_NAME"])
    from print.data import card_values

    if branch_ids is None:
        cards = card_values(*args, None, False, numbers)
    else:
        cards = []
        for branch_id in branch_ids:  # card_values sorts within a branch; ids come in code order
            cards += card_values(*args, branch_id, False, numbers)
    if not photo:
        cards = [dataclasses.replace(c, photo=None) for c in cards]
    return cards


def render(cards: Sequence[CardValues], preset: str, back: bool,
           progress: Callable[[int], None] | None = None) -> bytes:
    """The PDF of ``cards`` (PrintError if there are none or no CJK font)."""
    from print.batch import render_cards_batched

    if not cards:
        raise PrintError(gettext("There are no members to print."))
    font = find_cjk_font(current_app.config.get("CJK_FONT"))
    return render_cards_batched(cards, get_preset(preset), font, back,
                                current_app.config.get("PRINT_WORKERS"), progress)


@task("print_cards")
def print_cards_job(job_id: str) -> None:
    """Print the cards a job asks for, reporting progress card by card (per chunk)."""
    job = db.session.get(jobs.Job, job_id)
    if job is None:
        return
    options = job.options
    db.session.commit()  # end the read: progress is written on another connection
    with force_locale(options.get("locale", "zh")):
        jobs.start(job_id)
        try:
            cards = console_cards(options.get("branch_ids"), None, bool(options.get("photo")))
            total = len(cards)
            jobs.set_progress(job_id, 0, total)
            done = 0

            def progress(count: int) -> None:
                nonlocal done
                done += count
                jobs.set_progress(job_id, done, total)

            pdf = render(cards, str(options.get("preset", "id1")), bool(options.get("back")),
                         progress)
            with output_path(jobs.job_file(job_id, ".pdf"), private=True) as tmp:
                tmp.write_bytes(pdf)
        except PrintError as exc:
            jobs.fail(job_id, str(exc))
            return
        except Exception as exc:  # the owner sees that it failed; the log has the trace
            current_app.logger.exception("print job %s failed", job_id)
            jobs.fail(job_id, gettext("Printing failed: %(error)s", error=type(exc).__name__))
            return
        jobs.finish(job_id, {"cards": total}, file_name=str(options.get("file_name",
                                                                         "cards.pdf")))
