"""The values given with an import for what a sheet does not say, checked before the file
is read: ``--branch CODE`` (the console: the branch being imported into), ``--year``,
``--paid-on``. A bad value refuses the import with a message saying what to give."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.db import db
from core.problems import Problem, problem
from profiles.models import Branch
from profiles.months import FIRST_YEAR
from sheets.reading.supplied import Supplied
from sheets.report.refusal import SheetRefused


def checked(*, branch: str | None = None, year: int | None = None,
            paid_on: dt.date | None = None, today: dt.date) -> Supplied:
    """The given values as a ``Supplied``; SheetRefused naming each bad one."""
    problems: list[Problem] = []
    code, name = (branch or "").strip(), ""
    if code:
        found = db.session.execute(select(Branch.code, Branch.name)
                                   .where(Branch.code == code)).first()
        if found is None:
            problems.append(problem(None,
                "No branch has the code '%(value)s' (--branch). Give the 支部编号 of an "
                "existing branch, as the console's branch list shows it.", value=code))
        else:
            name = found.name
    if year is not None and not FIRST_YEAR <= year <= today.year:
        problems.append(problem(None, "--year %(value)s: give a year from %(first)s to "
                                "%(last)s.", value=year, first=FIRST_YEAR, last=today.year))
    if paid_on is not None and paid_on > today:
        problems.append(problem(None, "--paid-on %(value)s is in the future; give the day "
                                "the dues were paid.", value=paid_on.isoformat()))
    if problems:
        raise SheetRefused(problems)
    return Supplied(code, name, year)
