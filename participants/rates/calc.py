"""Contribution shares from the rate table. Pure functions; rounding per docs/contributions.md#rounding.

Each component is computed in Decimal and rounded half up to whole rupiah on its own
(`portal.money.percent_of`), then the rounded components are added. The SQL used by the bulk import
(`participants/imports/contributions.py`) implements the same rule with PostgreSQL's `round()`, which
rounds half away from zero (= half up for these non-negative amounts); a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from participants.rates.selectors import RateTable
from portal.money import percent_of


@dataclass(frozen=True)
class PuShares:
    jht_employer_idr: int
    jht_worker_idr: int
    jp_employer_idr: int
    jp_worker_idr: int
    jkk_idr: int
    jkm_idr: int

    @property
    def total_idr(self) -> int:
        return (
            self.jht_employer_idr
            + self.jht_worker_idr
            + self.jp_employer_idr
            + self.jp_worker_idr
            + self.jkk_idr
            + self.jkm_idr
        )


def pu_shares(*, wage_idr: int, risk_class: int, rates: RateTable) -> PuShares:
    """Monthly shares of a wage earner (PU). JP is computed on the wage capped at the JP wage cap."""
    if wage_idr < 0:
        raise ValueError("wage must not be negative")
    if not 1 <= risk_class <= 5:
        raise ValueError("risk class must be 1-5")
    jp_wage = min(wage_idr, rates.rupiah("JP", "PU", "wage_cap"))
    return PuShares(
        jht_employer_idr=percent_of(wage_idr, rates.get("JHT", "PU", "employer")),
        jht_worker_idr=percent_of(wage_idr, rates.get("JHT", "PU", "worker")),
        jp_employer_idr=percent_of(jp_wage, rates.get("JP", "PU", "employer")),
        jp_worker_idr=percent_of(jp_wage, rates.get("JP", "PU", "worker")),
        jkk_idr=percent_of(wage_idr, rates.get("JKK", "PU", f"risk_{risk_class}")),
        jkm_idr=percent_of(wage_idr, rates.get("JKM", "PU", "employer")),
    )


@dataclass(frozen=True)
class BpuShares:
    jkk_idr: int
    jkm_idr: int
    jht_idr: int

    @property
    def total_idr(self) -> int:
        return self.jkk_idr + self.jkm_idr + self.jht_idr


def bpu_shares(*, income_idr: int, with_jht: bool, rates: RateTable) -> BpuShares:
    """Monthly iuran of a BPU participant on a declared income (validated by the caller)."""
    raw_jkk: int = percent_of(income_idr, rates.get("JKK", "BPU", "percent"))
    jkk = max(rates.rupiah("JKK", "BPU", "min"), min(raw_jkk, rates.rupiah("JKK", "BPU", "max")))
    return BpuShares(
        jkk_idr=jkk,
        jkm_idr=rates.rupiah("JKM", "BPU", "flat"),
        jht_idr=percent_of(income_idr, rates.get("JHT", "BPU", "percent")) if with_jht else 0,
    )
