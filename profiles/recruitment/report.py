"""The yearly development table (发展党员工作年度统计): per year, how many applied, became
activists, became 发展对象, were admitted (预备党员, by the 上级's approval) and converted,
and whose way ended before admission (终止发展). Someone whose way ended still counts for
each step they took before the end. Pure: applicant rows (or anything with their date
attributes) in, counts out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The counted steps and the date that puts a person in a year's count.
COUNTED = (("applications", "applied_on"), ("activists", "activist_on"),
           ("candidates", "candidate_on"), ("admitted", "approved_on"),
           ("converted", "convert_approved_on"), ("ended", "ended_on"))


@dataclass(frozen=True)
class YearRow:
    """One year of the table."""

    year: int
    applications: int
    activists: int
    candidates: int
    admitted: int
    converted: int
    ended: int


def yearly_table(people: Iterable[Any], until: int) -> list[YearRow]:
    """One row per year from the first year on record up to ``until`` (at most 50 rows)."""
    counts: dict[int, dict[str, int]] = {}
    for p in people:
        for name, attribute in COUNTED:
            day: dt.date | None = getattr(p, attribute)
            if day is not None and day.year <= until:
                counts.setdefault(day.year, {}).setdefault(name, 0)
                counts[day.year][name] += 1
    first = max(min(counts, default=until), until - 49)
    return [YearRow(year, **{name: counts.get(year, {}).get(name, 0) for name, _ in COUNTED})
            for year in range(first, until + 1)]
