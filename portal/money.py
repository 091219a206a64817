"""Money is whole rupiah.

All amounts are `int` rupiah stored in `BigIntegerField`s named `*_idr`. Percentages are `Decimal`.
Rounding rule (no official rule was found, see docs/contributions.md#rounding): compute each component
in `Decimal` and round **half up** to whole rupiah, once per component; add the rounded components.
`float` is never used.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NewType

Rupiah = NewType("Rupiah", int)

_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def round_rupiah(amount: Decimal) -> Rupiah:
    """Round a Decimal amount half up to whole rupiah (the project's single rounding rule)."""
    if not isinstance(amount, Decimal):
        raise TypeError("round_rupiah takes a Decimal, never a float")
    return Rupiah(int(amount.quantize(_ONE, rounding=ROUND_HALF_UP)))


def percent_of(base_idr: int, percent: Decimal) -> Rupiah:
    """`percent` % of `base_idr`, rounded half up to whole rupiah. `percent_of(5_000_000, Decimal("3.7"))`."""
    if not isinstance(percent, Decimal):
        raise TypeError("percent must be a Decimal")
    return round_rupiah(Decimal(base_idr) * percent / _HUNDRED)


def format_rupiah(amount_idr: int | None) -> str:
    """`1234567` → `Rp1.234.567`; negative amounts as `-Rp1.234`. Indonesian grouping in every language."""
    if amount_idr is None:
        return ""
    amount = int(amount_idr)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}Rp{grouped}"
