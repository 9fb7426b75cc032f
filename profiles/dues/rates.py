"""Monthly dues from the rules in the brief: one rate on the whole amount, not marginal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from profiles.enums import DuesBasis

FLAT_CENTS = 20  # students, unemployed, basic living allowance: 0.2 yuan a month

# (upper bound in fen inclusive, rate); the last bound is None for "and above".
WAGE_BANDS: tuple[tuple[int | None, Decimal], ...] = (
    (300_000, Decimal("0.005")),
    (500_000, Decimal("0.01")),
    (1_000_000, Decimal("0.015")),
    (None, Decimal("0.02")),
)
PENSION_BANDS: tuple[tuple[int | None, Decimal], ...] = (
    (500_000, Decimal("0.005")),
    (None, Decimal("0.01")),
)


def rate_for(basis: DuesBasis, base_cents: int) -> Decimal:
    """The single rate applied to the whole monthly base."""
    bands = WAGE_BANDS if basis is DuesBasis.WAGE else PENSION_BANDS
    for upper, rate in bands:
        if upper is None or base_cents <= upper:
            return rate
    raise AssertionError("unreachable: the last band is open-ended")


def monthly_dues_cents(basis: DuesBasis, base_cents: int | None) -> int:
    """What a member owes each month, in fen, rounded half up to the fen."""
    if basis is DuesBasis.FLAT:
        return FLAT_CENTS
    if base_cents is None or base_cents < 0:
        raise ValueError("a wage or pension basis needs a non-negative monthly amount")
    amount = Decimal(base_cents) * rate_for(basis, base_cents)
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
