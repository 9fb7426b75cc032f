"""``flask import ...``, ``flask template ...`` and ``flask export branch ...``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale, gettext
from sqlalchemy.exc import DBAPIError

from core.changelog import Actor, os_user
from core.clock import today
from core.db import db
from core.dberrors import classify, database_refusal
from core.files import OutputError, output_path
from core.text import for_terminal
from profiles.org.rules import parse_month, records_from_problems
from sheets.columns import COLUMNS
from sheets.importers.consequences import foreseeing
from sheets.importers.consequences import report_lines as consequence_lines
from sheets.importers.dues import import_dues
from sheets.importers.evaluations import import_evaluations
from sheets.importers.meetings import import_meetings
from sheets.importers.members import import_members
from sheets.importers.points import import_points
from sheets.importers.record_start import apply_start, plan_start, start_lines
from sheets.importers.recruitment import import_recruitment
from sheets.reading.column_map import MapError, field_choices, parse_map, set_mapping, using_map
from sheets.reading.values import parse_date
from sheets.report.lines import MAX_PRINTED, outcome_lines, refused_lines, write_problems_report
from sheets.report.refusal import SheetRefused
from sheets.writing.export import BranchNotFound, export_branch
from sheets.writing.templates import write_template

import_cli = AppGroup("import", help="Import members and records from .xlsx, .xls, .ods or "
                      ".csv files.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _lang_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                        help="Language of the output (default: Chinese).")(fn)


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar that appears only for large files."""
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= 2000:
            bar = click.progressbar(length=total, label=gettext("Checking rows"), file=None)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _echo(line: str, err: bool = False) -> None:
    # A cell's text reaches the terminal inside messages: never its control characters.
    click.echo(for_terminal(line), err=err)


def _run(kind: str, path: Path, lang: str | None, column_map: tuple[str, ...] = (),
         **options: Any) -> None:
    importer = IMPORTERS[kind]
    locale = lang or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
    with force_locale(locale):
        try:
            mapping = parse_map(kind, list(column_map))
        except MapError as exc:
            raise click.ClickException(gettext(
                "--map \"%(entry)s\": write it as \"column name=field\"; the fields are: "
                "%(fields)s", entry=str(exc),
                fields="、".join(field_choices(kind).values()))) from None
        records_from = _checked_start(options.pop("records_from", None))
        _echo(gettext("Reading %(file)s …", file=path.name), err=True)
        try:
            with _progress() as progress, using_map(kind, mapping), foreseeing(
                    enabled=bool(options.get("dry_run")), kind=kind, given=records_from,
                    as_of=options.get("as_of")) as sight:
                outcome = importer(path, today=today(), progress=progress, **options)
        except SheetRefused as refused:
            lines = refused_lines(path.name, refused.problems, limit=MAX_PRINTED)
            for line in lines:
                _echo(line, err=True)
            unread = [p.kwargs["name"] for p in refused.problems
                      if p.msgid.startswith("Column '%(name)s' was not read")]
            if any(p.msgid.startswith("The sheet names no branch") for p in refused.problems):
                # the console offers the branch as a choice; here it is an option
                _echo(gettext("On the command line the branch is given with --branch CODE."),
                      err=True)
            if unread:  # the console offers a choice per column; here it is an option
                _echo(gettext("Say which field a column holds with --map \"%(name)s=FIELD\", "
                              "e.g. --map \"%(name)s=%(field)s\".", name=unread[0],
                              field=next(iter(field_choices(kind).values()), "")), err=True)
            if len(refused.problems) > MAX_PRINTED:
                written = write_problems_report(path, refused.problems)
                _echo(gettext("The full list is in %(file)s.", file=str(written)) if written
                      else gettext("The full list could not be written next to the file."),
                      err=True)
            raise SystemExit(1) from None
        except DBAPIError as exc:
            # The transaction was rolled back whole; what to do next depends on why.
            click.echo(database_refusal(classify(exc), exc), err=True)
            raise SystemExit(1) from None
        for line in outcome_lines(outcome, COLUMNS[kind]):
            _echo(line)
        for line in _record_start(kind, outcome, records_from, options):
            _echo(line)
        if sight.ran:  # a dry run: the checklist lines the import would add and close
            for line in consequence_lines(sight.branches):
                _echo(line)
        if mapping and not options.get("dry_run"):
            for header, field in mapping.items():
                set_mapping(kind, header, field, options.get("actor") or os_user())
            _echo(gettext("Column map remembered for later imports: %(map)s",
                          map="; ".join(f"{h}={field_choices(kind).get(f, '-')}"
                                        for h, f in mapping.items())))


def _checked_start(text: str | None) -> dt.date | None:
    """``--records-from``: a month in range, checked before anything is imported."""
    if text is None:
        return None
    month = parse_month(text)
    if month is None:
        raise click.ClickException(gettext(
            "'%(value)s' is not a month; write it like 2025-01.", value=text))
    found = records_from_problems(month, today())
    if found:
        raise click.ClickException(f"--records-from {text}: {found[0]}")
    return month


def _record_start(kind: str, outcome: Any, given: dt.date | None,
                  options: dict[str, Any]) -> list[str]:
    """Where the record begins: proposed (and, unless a dry run, set) at the first import,
    or the rows that lie before it; the report's lines."""
    plan = plan_start(kind, outcome.record_months, today(), given=given,
                      as_of=options.get("as_of"))
    if not options.get("dry_run"):
        apply_start(plan, Actor(options.get("actor") or os_user(), f"import {kind}"), today())
        db.session.commit()
    return start_lines(plan)


def _start_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--records-from", "records_from", default=None, metavar="YYYY-MM",
                        help="Where the organisation's record begins (default: at the first "
                        "import, the earliest month in the file; never changed after "
                        "unless given).")(fn)


class _DateType(click.ParamType[dt.date]):
    """A date as people type it (2026-03-15, 2026/3/15, 2026年3月15日)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError:
            self.fail(gettext("'%(value)s' is not a date; write it like 2026-03-15.",
                              value=value), param, ctx)


def _branch_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--branch", default=None, metavar="CODE",
                        help="The branch (支部编号) a sheet without a branch column is "
                        "about, e.g. a branch's own roster or register.")(fn)


def _map_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--map", "column_map", multiple=True, metavar='"原列名=字段"',
                        help="Read a column the importer does not recognise as a field "
                        "(repeatable; remembered for later imports). Field '-' ignores "
                        "the column.")(fn)


@import_cli.command("members")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.option("--create-branches", is_flag=True,
              help="Create branches and party groups the file names but the database lacks.")
@click.option("--committee", default=None,
              help="The committee new branches belong to when the file has no committee "
              "column (default: the ORG_NAME setting).")
@click.option("--actor", default=None, help="Who is importing (default: the OS user).")
@_branch_option
@_map_option
@_start_option
@_lang_option
@click.option("--as-of", "as_of", type=_DateType(), default=None,
              help="The day the roster was true: moves and new members without a 转入日期 "
              "of their own are dated by it (default: a branch's first roster from its "
              "record start, later ones by the import date; the report says which).")
@with_appcontext
def members_command(file: Path, dry_run: bool, create_branches: bool, committee: str | None,
                    actor: str | None, branch: str | None, column_map: tuple[str, ...],
                    records_from: str | None, lang: str | None,
                    as_of: dt.date | None) -> None:
    """Import a member roster (.xlsx, .xls, .ods, .csv): all rows or none."""
    _run("members", file, lang, column_map, dry_run=dry_run, create_branches=create_branches,
         actor=actor or os_user(), branch=branch, records_from=records_from, as_of=as_of,
         committee=committee or current_app.config.get("ORG_NAME") or None)


def _record_command(kind: str, help_text: str, extra: Callable[..., Any] | None = None) -> None:
    def command(file: Path, dry_run: bool, actor: str | None, lang: str | None,
                column_map: tuple[str, ...], **options: Any) -> None:
        _run(kind, file, lang, column_map, dry_run=dry_run, actor=actor or os_user(),
             **options)

    command.__doc__ = help_text
    command = with_appcontext(command)
    command = _lang_option(command)
    command = _map_option(command)
    command = _start_option(command)
    command = click.option("--actor", default=None,
                           help="Who is importing (default: the OS user).")(command)
    command = click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")(
        command)
    command = _branch_option(command)
    if extra is not None:
        command = extra(command)
    command = click.argument("file", type=FILE)(command)
    import_cli.command(kind, help=help_text)(command)


_record_command("meetings", "Import meetings with attendance (one row per member and meeting).")
_record_command("dues", "Import dues payments (one row per member and month).",
                click.option("--paid-on", type=_DateType(), default=None,
                             help="The payment date of a sheet without 缴纳日期 (default: "
                             "the import date, said in the report)."))
_record_command("points", "Import points entries (entries already recorded are not repeated).",
                click.option("--create-rules", is_flag=True,
                             help="Add points rules the file names but the database lacks."))
_record_command("evaluations", "Import democratic evaluations (one row per member and year).",
                click.option("--year", type=int, default=None,
                             help="The year of a sheet without a 年度 column (and without "
                             "the year in its title)."))
_record_command("recruitment", "Import a 发展党员 register (one row per person: stage and dates).")

IMPORTERS: dict[str, Callable[..., Any]] = {
    "members": import_members, "meetings": import_meetings, "dues": import_dues,
    "points": import_points, "evaluations": import_evaluations,
    "recruitment": import_recruitment,
}


@click.command("template")
@click.argument("name", type=click.Choice(list(COLUMNS)))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@_lang_option
@with_appcontext
def template_command(name: str, output: Path, lang: str | None) -> None:
    """Write a blank import template (headers, example row, drop-down lists)."""
    try:
        with output_path(output) as tmp:
            write_template(name, tmp)
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    with force_locale(lang or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        click.echo(gettext("Template written to %(file)s.", file=str(output)))


export_cli = AppGroup("export", help="Export records to spreadsheets.")


@export_cli.command("branch")
@click.argument("code")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@_lang_option
@with_appcontext
def export_branch_command(code: str, output: Path, lang: str | None) -> None:
    """Export a branch: members, attendance, dues, points and evaluations, one sheet each."""
    with force_locale(lang or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
        try:
            # Private: the export holds ID numbers, phones and dues bases.
            with output_path(output, private=True) as tmp:
                counts = export_branch(code, tmp, today())
        except BranchNotFound:
            raise click.ClickException(
                gettext("No branch has the code '%(value)s'.", value=code)) from None
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(gettext(
            "%(file)s: %(members)s members, %(meetings)s attendance rows, %(dues)s dues "
            "months, %(points)s points entries, %(evaluations)s evaluations.",
            file=str(output), **counts))
