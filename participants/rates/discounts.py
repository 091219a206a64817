"""Discount programmes applied to contribution shares. Pure functions over `DiscountProgramme` rows.

Rounding (docs/contributions.md#rounding, one rounding per component):
- BPU: the programme cuts the iuran amounts (Kemnaker: "Rp16.800 menjadi Rp8.400"), so each discounted
  component is charged `percent_of(amount, 100 - percent)` and the discount is the difference;
- PU: the regulation lowers the JKK *rate* (PP 7/2025 Pasal 4: 0,89 % becomes 0,445 %), so JKK is
  charged `percent_of(wage, rate * (100 - percent) / 100)` and the discount is the difference.
A month gets at most one programme (the first that applies, by start month); none overlap today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from participants.rates.calc import BpuShares, PuShares
from participants.rates.models import DiscountProgramme
from participants.rates.selectors import RateTable
from portal.money import percent_of

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AppliedDiscount:
    code: str
    label: str
    source: str
    percent: Decimal
    jkk_idr: int = 0
    jkm_idr: int = 0

    @property
    def total_idr(self) -> int:
        return self.jkk_idr + self.jkm_idr


def _covers(programme: DiscountProgramme, period: dt.date) -> bool:
    return programme.first_period <= period.replace(day=1) <= programme.last_period


def bpu_programme_for(
    programmes: Iterable[DiscountProgramme], *, period: dt.date, work_type: str
) -> DiscountProgramme | None:
    """The BPU programme for contribution month `period` and the recorded work type, or None.
    The portal bills only self-paid iuran, never iuran paid by APBN/APBD, so that exclusion holds."""
    candidates = sorted(programmes, key=lambda p: (p.first_period, p.code))
    return next(
        (p for p in candidates if p.segment == "BPU" and _covers(p, period) and work_type in p.work_types),
        None,
    )


def pu_programme_for(
    programmes: Iterable[DiscountProgramme], *, period: dt.date, labour_intensive: bool
) -> DiscountProgramme | None:
    """The PU programme for contribution month `period` (labour-intensive employers only), or None."""
    candidates = sorted(programmes, key=lambda p: (p.first_period, p.code))
    return next(
        (
            p
            for p in candidates
            if p.segment == "PU" and _covers(p, period) and (labour_intensive or not p.labour_intensive_only)
        ),
        None,
    )


def _applied(programme: DiscountProgramme, *, jkk_idr: int, jkm_idr: int) -> AppliedDiscount:
    """What a programme took off, with the programme's own code, label and source for the bill line."""
    return AppliedDiscount(
        code=programme.code,
        label=programme.label,
        source=programme.source,
        percent=programme.percent,
        jkk_idr=jkk_idr,
        jkm_idr=jkm_idr,
    )


def bpu_discount(shares: BpuShares, programme: DiscountProgramme | None) -> AppliedDiscount | None:
    if programme is None:
        return None
    keep = _HUNDRED - programme.percent
    jkk = shares.jkk_idr - percent_of(shares.jkk_idr, keep) if "JKK" in programme.components else 0
    jkm = shares.jkm_idr - percent_of(shares.jkm_idr, keep) if "JKM" in programme.components else 0
    return _applied(programme, jkk_idr=jkk, jkm_idr=jkm)


def pu_discount(
    shares: PuShares,
    programme: DiscountProgramme | None,
    *,
    wage_idr: int,
    risk_class: int,
    rates: RateTable,
) -> AppliedDiscount | None:
    if programme is None:
        return None
    keep = _HUNDRED - programme.percent
    jkk = 0
    if "JKK" in programme.components:
        reduced_rate = rates.get("JKK", "PU", f"risk_{risk_class}") * keep / _HUNDRED
        jkk = shares.jkk_idr - percent_of(wage_idr, reduced_rate)
    jkm = 0
    if "JKM" in programme.components:
        jkm = shares.jkm_idr - percent_of(wage_idr, rates.get("JKM", "PU", "employer") * keep / _HUNDRED)
    return _applied(programme, jkk_idr=jkk, jkm_idr=jkm)
