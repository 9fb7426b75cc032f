"""Points for attendance: a change appends the difference."""

from __future__ import annotations

from profiles.meetings.attendance_points import correction


def test_points_correction_appends_the_difference() -> None:
    assert correction(0, 2, False) is not None and correction(0, 2, False).points == 2
    change = correction(2, -2, True)
    assert change is not None and change.points == -4 and change.correcting
    assert correction(2, 2, True) is None
