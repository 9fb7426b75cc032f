"""When the members a roster adds or moves came here: a member's obligations in a branch
begin at the latest of admission (入党日期) and arrival (转入日期/调入日期), and a roster
imported "as of" a date dates the arrivals and moves it implies by it.

Without a date of their own (the row's 转入日期 column) the members are dated so that
nothing is ever counted from before they were here:

- ``--as-of DATE`` given: by it (or by the 入党日期, if they joined later);
- a branch's first roster (no member has ever been recorded in it): from where its record
  begins, as before (the branch's founding, or admission: ``profiles.members.membership.
  start_of``), since its members were there when its record began;
- members added to a branch that already keeps its record: by the import date.

What was assumed is listed in the report ("以导入基准日2026-12-01为转入日期：…") and, in the
console's preview, asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from core.db import db
from core.problems import problem
from profiles.models import Membership, MembershipStart
from sheets.report.refusal import SheetRefused

FIRST_DAY = dt.date(1949, 10, 1)  # no party organisation's record here starts earlier

AS_OF = "as_of"  # the date given with the import
IMPORT_DAY = "import_day"  # the import's own date


def check_as_of(as_of: dt.date | None, today: dt.date) -> dt.date | None:
    """The roster's as-of date, range-checked: SheetRefused if it is in the future or
    before 1949-10-01."""
    if as_of is None:
        return None
    if as_of > today:
        raise SheetRefused([problem(None, "The roster's as-of date (--as-of) %(value)s is in "
                                    "the future; give the day the roster was true, today "
                                    "(%(today)s) or earlier.", value=as_of.isoformat(),
                                    today=today.isoformat())])
    if as_of < FIRST_DAY:
        raise SheetRefused([problem(None, "The roster's as-of date (--as-of) %(value)s is "
                                    "before %(first)s; give the day the roster was true.",
                                    value=as_of.isoformat(), first=FIRST_DAY.isoformat())])
    return as_of


def recorded_branches() -> set[int]:
    """The branches someone has ever been recorded in (one statement): a roster naming any
    other branch is that branch's first."""
    return set(db.session.scalars(select(Membership.branch_id).distinct()))


@dataclass(frozen=True)
class Arrival:
    """Where a new member's first range in the branch begins."""

    since: dt.date
    reason: MembershipStart


@dataclass
class Dating:
    """The dates an import assumed, by where they came from: (source, date) → names."""

    as_of: dt.date | None
    today: dt.date
    assumed: dict[tuple[str, dt.date], list[str]] = field(default_factory=dict)

    def arrival(self, joined_on: dt.date, own: dt.date | None, first_roster: bool,
                name: str) -> Arrival | None:
        """A new member's arrival: their own date, else the as-of date, else (None) the
        branch's record start for a first roster, else the import date; never before
        admission."""
        if own is not None:
            return _later(own, joined_on)
        if self.as_of is not None:
            return self._assume(AS_OF, self.as_of, joined_on, name)
        if first_roster:
            return None
        return self._assume(IMPORT_DAY, self.today, joined_on, name)

    def move_day(self, own: dt.date | None, name: str) -> tuple[dt.date, str | None]:
        """The day a move the roster makes takes effect, and where it came from (None:
        the row's own date)."""
        if own is not None:
            return own, None
        source, day = (AS_OF, self.as_of) if self.as_of is not None else (IMPORT_DAY, self.today)
        self.assumed.setdefault((source, day), []).append(name)
        return day, source

    def _assume(self, source: str, day: dt.date, joined_on: dt.date, name: str) -> Arrival:
        if joined_on >= day:  # joined after the date: admission is the date
            return Arrival(joined_on, MembershipStart.JOINED)
        self.assumed.setdefault((source, day), []).append(name)
        return Arrival(day, MembershipStart.TRANSFERRED_IN)

    def undated(self) -> list[str]:
        """The members dated by the import day because nothing gave a date (the console
        asks for one)."""
        return [name for (source, _), names in self.assumed.items() if source == IMPORT_DAY
                for name in names]

    def notes(self) -> list[object]:
        """The report's lines: which dates were assumed, for whom."""
        out: list[object] = []
        for (source, day), names in sorted(self.assumed.items(), key=lambda i: i[0][1]):
            message = (lazy_gettext("Dated by the import's as-of date %(date)s (as 转入日期): "
                                    "%(names)s. Correct a date on the member's edit screen, "
                                    "or give a 转入日期 column.", date=day.isoformat(),
                                    names="、".join(names)) if source == AS_OF else
                       lazy_gettext("Dated by the import date %(date)s (as 转入日期): "
                                    "%(names)s. Give the day they came as the import's as-of "
                                    "date or in a 转入日期 column, or correct it on the "
                                    "member's edit screen.", date=day.isoformat(),
                                    names="、".join(names)))
            out.append(message)
        return out


def _later(own: dt.date, joined_on: dt.date) -> Arrival:
    if own <= joined_on:
        return Arrival(joined_on, MembershipStart.JOINED)
    return Arrival(own, MembershipStart.TRANSFERRED_IN)


class AsOfDate(str):
    """A move's date taken from the import's as-of date: the change log keeps the ISO
    date, the report says where it came from."""

    def __str__(self) -> str:
        return str(gettext("%(date)s (the as-of date)", date=str.__str__(self)))
