"""The one month-arithmetic module."""

from __future__ import annotations

from profiles.months import add_month, month_range


def test_months_cross_the_year() -> None:
    assert add_month(202611, 3) == 202702 and add_month(202601, -1) == 202512
    assert month_range(202611, 202702) == [202611, 202612, 202701, 202702]
    assert month_range(202603, 202602) == []
