"""Monthly dues follow the brief's bands: one rate on the whole amount."""

from __future__ import annotations

import pytest

from profiles.dues.rates import monthly_dues_cents
from profiles.enums import DuesBasis


@pytest.mark.parametrize(("base_yuan", "expected_fen"), [
    (0, 0),
    (2800, 1400),        # 0.5 %
    (3000, 1500),        # the band's upper bound is still 0.5 %
    (3000.01, 3000),     # just over 3000: 1 % on the whole amount, not marginal
    (5000, 5000),
    (5001, 7502),        # 1.5 %, rounded half up to the fen (75.015 -> 75.02)
    (10000, 15000),
    (12000, 24000),      # 2 %
])
def test_wage_bands(base_yuan: float, expected_fen: int) -> None:
    assert monthly_dues_cents(DuesBasis.WAGE, round(base_yuan * 100)) == expected_fen


@pytest.mark.parametrize(("base_yuan", "expected_fen"), [(4000, 2000), (5000, 2500),
                                                         (6000, 6000)])
def test_pension_bands(base_yuan: int, expected_fen: int) -> None:
    assert monthly_dues_cents(DuesBasis.PENSION, base_yuan * 100) == expected_fen


def test_flat_rate_is_twenty_fen_whatever_the_base() -> None:
    assert monthly_dues_cents(DuesBasis.FLAT, None) == 20
    assert monthly_dues_cents(DuesBasis.FLAT, 900_000) == 20


def test_wage_basis_needs_an_amount() -> None:
    with pytest.raises(ValueError):
        monthly_dues_cents(DuesBasis.WAGE, None)
    with pytest.raises(ValueError):
        monthly_dues_cents(DuesBasis.PENSION, -1)
